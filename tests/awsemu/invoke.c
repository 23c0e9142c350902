/* awsemu/invoke.c - the tutorial's outcome made checkable: API Gateway invoking a method
 * through a stage, GET|POST|... /_emu/execute-api/{api-id}/{stage}/{path}.
 *
 * The stage serves its deployment's snapshot, as API Gateway does: an integration or
 * authorizer changed after the last deployment is not what the caller gets. An unknown
 * API or stage is 403 Forbidden, an unknown route 403 "Missing Authentication Token";
 * otherwise gateway.c runs the method's authorizer and integration with Lambda's
 * permission checks. Refusals carry the emulator-only header x-awsemu-reason saying which
 * check failed.
 */
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "gateway.h"
#include "world.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void forbidden(struct emu_resp *resp, const char *message, const char *type)
{
    json_t *b = json_pack("{s:s}", "message", message);
    emu_resp_json(resp, 403, b);
    json_decref(b);
    if (type != NULL)
        emu_resp_header(resp, "x-amzn-ErrorType", type);
}

static json_t *find_resource(const json_t *resources, const char *path)
{
    const char *id;
    json_t *res;
    json_object_foreach((json_t *)resources, id, res) {
        if (strcmp(jstr(res, "path"), path) == 0)
            return res;
    }
    return NULL;
}

/* The request's headers and query parameters as JSON objects (gateway.h's form). */
static json_t *headers_json(const struct emu_req *r)
{
    json_t *h = json_object();
    for (size_t i = 0; i < r->nheaders; i++)
        json_object_set_new(h, r->headers[i].name, json_string(r->headers[i].value));
    return h;
}

static json_t *query_json(const struct emu_req *r)
{
    json_t *q = json_object();
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", r->query ? r->query : "");
    char *save = NULL;
    for (char *kv = strtok_r(buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        struct xbuf k, v;
        xbuf_init(&k);
        xbuf_init(&v);
        if (emu_url_decode(kv, eq ? (size_t)(eq - kv) : strlen(kv), true, &k) &&
            emu_url_decode(eq ? eq + 1 : "", eq ? strlen(eq + 1) : 0, true, &v))
            json_object_set_new(q, xbuf_cstr(&k), json_string(xbuf_cstr(&v)));
        xbuf_cleanup(&k);
        xbuf_cleanup(&v);
    }
    return q;
}

static void answer(const struct emu_req *r, const json_t *api, const json_t *snapshot,
                   const json_t *method, const char *stage, const char *path,
                   struct emu_server *s, struct emu_resp *resp)
{
    json_t *headers = headers_json(r), *query = query_json(r);
    const struct gw_request q = {.api = api, .method = method,
                                 .authorizers = json_object_get(snapshot, "authorizers"),
                                 .stage = stage, .verb = r->method, .path = path,
                                 .headers = headers, .query = query};
    struct gw_result out;
    gw_result_init(&out);
    gw_invoke(s, &q, &out);
    emu_resp_json(resp, out.status, out.body);
    if (out.error_type != NULL)
        emu_resp_header(resp, "x-amzn-ErrorType", out.error_type);
    if (out.reason != NULL)
        emu_resp_header(resp, "x-awsemu-reason", out.reason);
    gw_result_cleanup(&out);
    json_decref(headers);
    json_decref(query);
}

void invoke_execute_api(struct emu_server *s, struct emu_req *r, const char *path,
                        struct emu_resp *resp)
{
    char api_id[64], stage[128], rest[1024];
    struct xbuf decoded;
    xbuf_init(&decoded);
    const char *slash1 = strchr(path, '/');
    const char *slash2 = slash1 ? strchr(slash1 + 1, '/') : NULL;
    if (slash1 == NULL || slash1 - path >= (long)sizeof api_id) {
        emu_resp_text(resp, 404, "application/json", "{\"message\":\"Not Found\"}");
        goto done;
    }
    snprintf(api_id, sizeof api_id, "%.*s", (int)(slash1 - path), path);
    if (slash2 == NULL)
        slash2 = slash1 + strlen(slash1);
    snprintf(stage, sizeof stage, "%.*s", (int)(slash2 - slash1 - 1), slash1 + 1);
    if (!emu_url_decode(slash2, strlen(slash2), false, &decoded)) {
        emu_resp_text(resp, 400, "application/json", "{\"message\":\"Bad Request\"}");
        goto done;
    }
    snprintf(rest, sizeof rest, "%s", decoded.len ? xbuf_cstr(&decoded) : "/");
    if (strlen(rest) > 1 && rest[strlen(rest) - 1] == '/')
        rest[strlen(rest) - 1] = '\0';

    json_t *api = world_api(s->world, api_id);
    json_t *st = api ? json_object_get(json_object_get(api, "stages"), stage) : NULL;
    json_t *dep = st ? json_object_get(json_object_get(api, "deployments"),
                                       jstr(st, "deploymentId") ? jstr(st, "deploymentId") : "")
                     : NULL;
    json_t *snapshot = json_object_get(dep, "snapshot");
    if (snapshot == NULL) {
        forbidden(resp, "Forbidden", NULL);   /* no such API or stage */
        emu_resp_header(resp, "x-awsemu-reason", "no such API or stage (deploy it first)");
        goto done;
    }
    json_t *res = find_resource(json_object_get(snapshot, "resources"), rest);
    json_t *methods = res ? json_object_get(res, "resourceMethods") : NULL;
    json_t *m = json_object_get(methods, r->method);
    if (m == NULL)
        m = json_object_get(methods, "ANY");
    if (m == NULL) {
        forbidden(resp, "Missing Authentication Token", "MissingAuthenticationTokenException");
        goto done;
    }
    answer(r, api, snapshot, m, stage, rest, s, resp);
done:
    xbuf_cleanup(&decoded);
}
