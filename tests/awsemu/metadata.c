/* awsemu/metadata.c - the two credential endpoints that are not STS: EC2 instance
 * metadata with IMDSv2 sessions (PUT /latest/api/token, then the token on every GET;
 * a GET without one is 401 as on an instance that requires IMDSv2) and the container
 * credentials endpoint (/v2/credentials/..., with the optional Authorization token).
 * Both hand out fresh temporary credentials of the seeded role, remembered by the world
 * like AssumeRole's, so a provider using them can then call the other services.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "world.h"

#define INSTANCE_ID "i-0e1a2b3c4d5e6f708"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Fresh credentials for role_arn as JSON in the shape both endpoints use; the caller
 * adds or renames fields. NULL when the role does not exist. World locked. */
static json_t *mint(struct emu_server *s, const struct emu_req *r, const char *role_arn,
                    const char *session)
{
    json_t *role = world_role(s->world, role_arn);
    if (role == NULL)
        return NULL;
    char arn[512], uid[256], akid[21], secret[41], token[257], exp[32], now[32];
    snprintf(arn, sizeof arn, "arn:aws:sts::%s:assumed-role/%s/%s", jstr(role, "account"),
             jstr(role, "name"), session);
    snprintf(uid, sizeof uid, "%s:%s", jstr(role, "role_id"), session);
    int64_t expiration = r->now + 3600;
    if (world_add_session(s->world, jstr(role, "account"), arn, uid, expiration, akid, secret,
                          token) != 0)
        return NULL;
    emu_iso8601(expiration, exp);
    emu_iso8601(r->now, now);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "Code", "Success", "LastUpdated", now,
                     "Type", "AWS-HMAC", "AccessKeyId", akid, "SecretAccessKey", secret,
                     "Token", token, "Expiration", exp);
}

/* ---------------------------------------------------------------------- IMDS */

static bool token_valid(struct emu_server *s, const struct emu_req *r)
{
    const char *t = emu_req_header(r, "X-aws-ec2-metadata-token");
    json_t *tokens = world_section(s->world, "imds_tokens");
    json_t *exp = t ? json_object_get(tokens, t) : NULL;
    return exp != NULL && json_integer_value(exp) > r->now;
}

static void put_token(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    const char *ttl = emu_req_header(r, "X-aws-ec2-metadata-token-ttl-seconds");
    long secs = ttl ? strtol(ttl, NULL, 10) : 0;
    if (secs < 1 || secs > 21600 || emu_req_header(r, "X-Forwarded-For") != NULL) {
        emu_resp_text(resp, ttl && secs >= 1 && secs <= 21600 ? 403 : 400, "text/plain", "");
        return;
    }
    char token[57];
    emu_random_alnum(token, 56, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    json_t *tokens = world_section(s->world, "imds_tokens");
    emu_resp_text(resp, 200, "text/plain", token);
    emu_resp_header(resp, "X-aws-ec2-metadata-token-ttl-seconds", ttl);
    json_object_set_new(tokens, token, json_integer(r->now + secs));
}

void metadata_imds(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    static const char prefix[] = "/latest/meta-data/iam/security-credentials/";
    snprintf(r->service, sizeof r->service, "imds");
    r->request_id[0] = '\0';
    world_lock(s->world);
    json_t *profile = world_section(s->world, "instance_profile");
    const char *role_arn = jstr(profile, "role");
    const char *role_name = role_arn && strrchr(role_arn, '/') ? strrchr(role_arn, '/') + 1 : NULL;
    const char *region = jstr(profile, "region") ? jstr(profile, "region") : "us-east-1";
    json_t *role = role_arn ? world_role(s->world, role_arn) : NULL;
    if (strcmp(r->path, "/latest/api/token") == 0) {
        if (strcmp(r->method, "PUT") == 0)
            put_token(s, r, resp);
        else
            emu_resp_text(resp, 405, "text/plain", "");
    } else if (!token_valid(s, r)) {
        emu_resp_text(resp, 401, "text/plain", "");
    } else if (strcmp(r->path, prefix) == 0 && role_name != NULL) {
        emu_resp_text(resp, 200, "text/plain", role_name);
    } else if (strncmp(r->path, prefix, sizeof prefix - 1) == 0 && role_name != NULL &&
               strcmp(r->path + sizeof prefix - 1, role_name) == 0) {
        json_t *c = mint(s, r, role_arn, INSTANCE_ID);
        if (c != NULL)
            emu_resp_json(resp, 200, c);
        else
            emu_resp_text(resp, 404, "text/plain", "");
        json_decref(c);
    } else if (strcmp(r->path, "/latest/meta-data/placement/region") == 0) {
        emu_resp_text(resp, 200, "text/plain", region);
    } else if (strcmp(r->path, "/latest/meta-data/instance-id") == 0) {
        emu_resp_text(resp, 200, "text/plain", INSTANCE_ID);
    } else if (strcmp(r->path, "/latest/dynamic/instance-identity/document") == 0 &&
               role != NULL) {
        json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s}", "accountId", jstr(role, "account"),
                                "region", region, "availabilityZone", "a", "instanceId",
                                INSTANCE_ID, "instanceType", "t3.micro");
        char az[48];
        snprintf(az, sizeof az, "%sa", region);
        json_object_set_new(doc, "availabilityZone", json_string(az));
        emu_resp_json(resp, 200, doc);
        json_decref(doc);
    } else {
        emu_resp_text(resp, 404, "text/plain", "");
    }
    world_unlock(s->world);
}

/* ----------------------------------------------------------------- container */

void metadata_container(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    snprintf(r->service, sizeof r->service, "container");
    r->request_id[0] = '\0';
    world_lock(s->world);
    json_t *cc = world_section(s->world, "container_credentials");
    const char *want = jstr(cc, "authorization_token"), *got = emu_req_header(r, "Authorization");
    if (cc == NULL || jstr(cc, "role") == NULL) {
        emu_error(resp, r, 404, "NotFound", "no container credentials in this world");
    } else if (want != NULL && (got == NULL || strcmp(want, got) != 0)) {
        emu_error(resp, r, 401, "Unauthorized", "invalid authorization token");
    } else {
        json_t *c = mint(s, r, jstr(cc, "role"), "ecs-task");
        if (c != NULL) {
            json_object_del(c, "Code");
            json_object_del(c, "LastUpdated");
            json_object_del(c, "Type");
            json_object_set_new(c, "RoleArn", json_string(jstr(cc, "role")));
            emu_resp_json(resp, 200, c);
            json_decref(c);
        } else {
            emu_error(resp, r, 404, "NotFound", "the container role is not in this world");
        }
    }
    world_unlock(s->world);
}
