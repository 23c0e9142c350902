/* awsemu/sts.c - STS over the query protocol: GetCallerIdentity, AssumeRole (trust and
 * external id checked; the credentials belong to the role's account and expire) and
 * AssumeRoleWithWebIdentity (unsigned; the token must be one the seed lists and the
 * role must trust its provider). Answers are XML in the 2011-06-15 namespace; errors are
 * <ErrorResponse> documents (emu_error).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "world.h"

#define STS_NS "https://sts.amazonaws.com/doc/2011-06-15/"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A request parameter: the form body for POST, the query for GET. NULL when absent. */
static const char *param(const struct emu_req *r, const char *name, struct xbuf *out)
{
    bool found = strcmp(r->method, "POST") == 0 ? emu_form_get(xbuf_cstr(&r->body), name, out)
                                                : emu_req_query(r, name, out);
    return found ? xbuf_cstr(out) : NULL;
}

static void xml_elem(struct xbuf *b, const char *indent, const char *name, const char *value)
{
    if (value == NULL)
        return;
    xbuf_appendf(b, "%s<%s>", indent, name);
    emu_xml_escape(b, value);
    xbuf_appendf(b, "</%s>\n", name);
}

static void xml_open(struct xbuf *b, const char *action)
{
    xbuf_appendf(b, "<%sResponse xmlns=\"" STS_NS "\">\n  <%sResult>\n", action, action);
}

static void xml_close(struct emu_resp *resp, const struct emu_req *r, const char *action)
{
    xbuf_appendf(&resp->body, "  </%sResult>\n  <ResponseMetadata>\n    <RequestId>%s"
                 "</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n", action,
                 r->request_id, action);
    resp->status = 200;
    snprintf(resp->content_type, sizeof resp->content_type, "text/xml");
}

/* ---------------------------------------------------------- GetCallerIdentity */

static void get_caller_identity(struct emu_server *s, struct emu_req *r, char *const *p,
                                struct emu_resp *resp)
{
    xml_open(&resp->body, "GetCallerIdentity");
    xml_elem(&resp->body, "    ", "Arn", r->caller_arn);
    xml_elem(&resp->body, "    ", "UserId", r->caller_user_id);
    xml_elem(&resp->body, "    ", "Account", r->account);
    xml_close(resp, r, "GetCallerIdentity");
}

/* ----------------------------------------------------------------- AssumeRole */

static bool valid_session_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64)
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && strchr("_+=,.@-", *s) == NULL)
            return false;
    }
    return true;
}

/* Does the role's trust policy name the caller (account id, account root, or the
 * caller's own ARN; an assumed-role session counts as its role)? */
static bool trusts(const json_t *role, const struct emu_req *r)
{
    char root[64], role_arn[300];
    snprintf(root, sizeof root, "arn:aws:iam::%s:root", r->account);
    role_arn[0] = '\0';
    const char *ar = strstr(r->caller_arn, ":assumed-role/");
    if (ar != NULL) {
        const char *end = strchr(ar + 14, '/');
        snprintf(role_arn, sizeof role_arn, "arn:aws:iam::%s:role/%.*s", r->account,
                 (int)(end ? end - (ar + 14) : (long)strlen(ar + 14)), ar + 14);
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(role, "trust"), "aws"), i, x) {
        const char *who = json_string_value(x);
        if (who != NULL && (strcmp(who, r->account) == 0 || strcmp(who, root) == 0 ||
                            strcmp(who, r->caller_arn) == 0 || strcmp(who, role_arn) == 0 ||
                            strcmp(who, "*") == 0))
            return true;
    }
    return false;
}

struct session_args {
    const char *role_arn;
    const char *session_name;
    long duration;
};

/* Common validation of RoleArn, RoleSessionName and DurationSeconds; the role or NULL
 * with resp filled. */
static json_t *check_args(struct emu_server *s, const struct emu_req *r, const char *action,
                          struct session_args *a, const char *duration, struct emu_resp *resp)
{
    const char *missing = a->role_arn == NULL ? "roleArn"
                          : a->session_name == NULL ? "roleSessionName" : NULL;
    if (missing != NULL) {
        emu_error(resp, r, 400, "ValidationError", "1 validation error detected: Value null at "
                  "'%s' failed to satisfy constraint: Member must not be null", missing);
        return NULL;
    }
    if (!valid_session_name(a->session_name)) {
        emu_error(resp, r, 400, "ValidationError", "1 validation error detected: Value '%s' at "
                  "'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
                  "expression pattern: [\\w+=,.@-]*", a->session_name);
        return NULL;
    }
    json_t *role = world_role(s->world, a->role_arn);
    a->duration = 3600;
    if (duration != NULL) {
        char *end = NULL;
        a->duration = strtol(duration, &end, 10);
        if (*duration == '\0' || *end != '\0' || a->duration < 900 || a->duration > 43200) {
            emu_error(resp, r, 400, "ValidationError", "1 validation error detected: Value '%s' "
                      "at 'durationSeconds' failed to satisfy constraint: Member must have "
                      "value greater than or equal to 900", duration);
            return NULL;
        }
    }
    if (role != NULL &&
        a->duration > json_integer_value(json_object_get(role, "max_session_duration"))) {
        emu_error(resp, r, 400, "ValidationError", "The requested DurationSeconds exceeds the "
                  "MaxSessionDuration set for this role.");
        return NULL;
    }
    if (role == NULL) {
        emu_error(resp, r, 403, "AccessDenied", "User: %s is not authorized to perform: "
                  "sts:%s on resource: %s", r->caller_arn[0] ? r->caller_arn : "anonymous",
                  action, a->role_arn);
    }
    return role;
}

/* Mints the session and writes AssumedRoleUser and Credentials. */
static void write_session(struct emu_server *s, const struct emu_req *r, const json_t *role,
                          const struct session_args *a, struct emu_resp *resp)
{
    char arn[512], uid[256], akid[21], secret[41], token[257], exp[32];
    snprintf(arn, sizeof arn, "arn:aws:sts::%s:assumed-role/%s/%s", jstr(role, "account"),
             jstr(role, "name"), a->session_name);
    snprintf(uid, sizeof uid, "%s:%s", jstr(role, "role_id"), a->session_name);
    int64_t expiration = r->now + a->duration;
    world_add_session(s->world, jstr(role, "account"), arn, uid, expiration, akid, secret, token);
    emu_iso8601(expiration, exp);
    struct xbuf *b = &resp->body;
    xbuf_append_str(b, "    <AssumedRoleUser>\n");
    xml_elem(b, "      ", "Arn", arn);
    xml_elem(b, "      ", "AssumedRoleId", uid);
    xbuf_append_str(b, "    </AssumedRoleUser>\n    <Credentials>\n");
    xml_elem(b, "      ", "AccessKeyId", akid);
    xml_elem(b, "      ", "SecretAccessKey", secret);
    xml_elem(b, "      ", "SessionToken", token);
    xml_elem(b, "      ", "Expiration", exp);
    xbuf_append_str(b, "    </Credentials>\n");
}

static void assume_role(struct emu_server *s, struct emu_req *r, char *const *p,
                        struct emu_resp *resp)
{
    struct xbuf v1, v2, v3, v4, v5;
    xbuf_init(&v1), xbuf_init(&v2), xbuf_init(&v3), xbuf_init(&v4), xbuf_init(&v5);
    struct session_args a = {.role_arn = param(r, "RoleArn", &v1),
                             .session_name = param(r, "RoleSessionName", &v2)};
    const char *external_id = param(r, "ExternalId", &v3);
    const char *source_identity = param(r, "SourceIdentity", &v5);
    json_t *role = check_args(s, r, "AssumeRole", &a, param(r, "DurationSeconds", &v4), resp);
    if (role == NULL)
        goto done;
    const char *want = jstr(role, "external_id");
    if (!trusts(role, r) || (want != NULL && (external_id == NULL ||
                                              strcmp(want, external_id) != 0))) {
        emu_error(resp, r, 403, "AccessDenied", "User: %s is not authorized to perform: "
                  "sts:AssumeRole on resource: %s", r->caller_arn, a.role_arn);
        goto done;
    }
    xml_open(&resp->body, "AssumeRole");
    xml_elem(&resp->body, "    ", "SourceIdentity", source_identity);
    write_session(s, r, role, &a, resp);
    xml_elem(&resp->body, "    ", "PackedPolicySize", param(r, "Policy", &v4) ? "6" : NULL);
    xml_close(resp, r, "AssumeRole");
done:
    xbuf_cleanup(&v1), xbuf_cleanup(&v2), xbuf_cleanup(&v3), xbuf_cleanup(&v4),
        xbuf_cleanup(&v5);
}

/* -------------------------------------------------- AssumeRoleWithWebIdentity */

static json_t *find_token(struct emu_server *s, const char *token)
{
    size_t i;
    json_t *t;
    json_array_foreach(world_section(s->world, "web_identity_tokens"), i, t) {
        if (token != NULL && jstr(t, "token") != NULL && strcmp(jstr(t, "token"), token) == 0)
            return t;
    }
    return NULL;
}

static bool trusts_provider(const json_t *role, const char *provider)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(role, "trust"), "federated"), i, x) {
        if (provider != NULL && json_is_string(x) && strcmp(json_string_value(x), provider) == 0)
            return true;
    }
    return false;
}

static void assume_role_with_web_identity(struct emu_server *s, struct emu_req *r,
                                          char *const *p, struct emu_resp *resp)
{
    struct xbuf v1, v2, v3, v4;
    xbuf_init(&v1), xbuf_init(&v2), xbuf_init(&v3), xbuf_init(&v4);
    struct session_args a = {.role_arn = param(r, "RoleArn", &v1),
                             .session_name = param(r, "RoleSessionName", &v2)};
    const char *token = param(r, "WebIdentityToken", &v3);
    json_t *role = check_args(s, r, "AssumeRoleWithWebIdentity", &a,
                              param(r, "DurationSeconds", &v4), resp);
    if (role == NULL)
        goto done;
    snprintf(r->account, sizeof r->account, "%s", jstr(role, "account"));
    json_t *t = find_token(s, token);
    if (t == NULL) {
        emu_error(resp, r, 400, "InvalidIdentityToken",
                  "The web identity token that was passed could not be validated by AWS. Get "
                  "a new identity token from the identity provider and then retry the request.");
        goto done;
    }
    if (!trusts_provider(role, jstr(t, "provider"))) {
        emu_error(resp, r, 403, "AccessDenied",
                  "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        goto done;
    }
    xml_open(&resp->body, "AssumeRoleWithWebIdentity");
    xml_elem(&resp->body, "    ", "SubjectFromWebIdentityToken", jstr(t, "subject"));
    xml_elem(&resp->body, "    ", "Audience", jstr(t, "audience"));
    write_session(s, r, role, &a, resp);
    xml_elem(&resp->body, "    ", "Provider", jstr(t, "provider"));
    xml_close(resp, r, "AssumeRoleWithWebIdentity");
done:
    xbuf_cleanup(&v1), xbuf_cleanup(&v2), xbuf_cleanup(&v3), xbuf_cleanup(&v4);
}

/* -------------------------------------------------------------------- table */

static const struct route routes[] = {
    {.method = "POST", .pattern = "GetCallerIdentity", .operation = "GetCallerIdentity",
     .fn = get_caller_identity},
    {.method = "POST", .pattern = "AssumeRole", .operation = "AssumeRole", .fn = assume_role},
    {.method = "POST", .pattern = "AssumeRoleWithWebIdentity",
     .operation = "AssumeRoleWithWebIdentity", .fn = assume_role_with_web_identity,
     .unsigned_ok = true},
};

const struct route_table sts_route_table = {
    .service = "sts",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
