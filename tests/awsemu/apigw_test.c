/* awsemu/apigw_test.c - API Gateway's test invokes: TestInvokeMethod
 * (POST /restapis/{api}/resources/{rid}/methods/{verb}) and TestInvokeAuthorizer
 * (POST /restapis/{api}/authorizers/{id}).
 *
 * Both use the API's current configuration, not a deployment, and the stage
 * "test-invoke-stage" (which a source ARN with any stage, "*", matches). As in AWS, a
 * test invoke of a method does not run its authorizer; TestInvokeAuthorizer runs one
 * authorizer alone. The evaluation is gateway.c's, the same as the stage invoke's; the
 * answer is 200 with the call's status, body, log and latency inside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apigw.h"
#include "gateway.h"
#include "route.h"
#include "world.h"

#define jstr apigw_str

/* Splits pathWithQueryString ("/pets?x=1") into path and a query object. */
static json_t *split_path(const char *pwq, const char *fallback, char *path, size_t n)
{
    json_t *q = json_object();
    const char *mark = pwq ? strchr(pwq, '?') : NULL;
    snprintf(path, n, "%.*s", pwq ? (int)(mark ? (size_t)(mark - pwq) : strlen(pwq)) : 0,
             pwq ? pwq : "");
    if (path[0] == '\0')
        snprintf(path, n, "%s", fallback);
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", mark ? mark + 1 : "");
    char *save = NULL;
    for (char *kv = strtok_r(buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        json_object_set_new(q, kv, json_string(eq ? eq + 1 : ""));
    }
    return q;
}

static void test_invoke_method(struct emu_server *s, struct emu_req *r, char *const *p,
                               struct emu_resp *resp)
{
    json_t *m = apigw_find_method(s, r, p, resp);
    json_t *in = m ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    json_t *api = world_api(s->world, p[0]);
    json_t *res = json_object_get(json_object_get(api, "resources"), p[1]);
    char path[1024];
    json_t *query = split_path(jstr(in, "pathWithQueryString"), jstr(res, "path"), path,
                               sizeof path);
    const struct gw_request q = {.api = api, .method = m,
                                 .authorizers = json_object_get(api, "authorizers"),
                                 .stage = "test-invoke-stage", .verb = p[2], .path = path,
                                 .headers = json_object_get(in, "headers"), .query = query,
                                 .skip_authorizer = true};
    struct gw_result out;
    gw_result_init(&out);
    gw_invoke(s, &q, &out);
    char *body = json_dumps(out.body, JSON_COMPACT);
    json_t *answer = json_pack("{s:i,s:s,s:{s:s},s:{},s:s,s:i}", "status", out.status, "body",
                               body ? body : "", "headers", "Content-Type", "application/json",
                               "multiValueHeaders", "log", xbuf_cstr(&out.log), "latency", 12);
    emu_resp_json(resp, 200, answer);
    json_decref(answer);
    free(body);
    gw_result_cleanup(&out);
    json_decref(query);
    json_decref(in);
}

static void test_invoke_authorizer(struct emu_server *s, struct emu_req *r, char *const *p,
                                   struct emu_resp *resp)
{
    json_t *api = apigw_find_api(s, r, p[0], resp);
    json_t *a = api ? json_object_get(json_object_get(api, "authorizers"), p[1]) : NULL;
    if (api != NULL && a == NULL) {
        emu_error(resp, r, 404, "NotFoundException", "Invalid Authorizer identifier specified");
        return;
    }
    json_t *in = a ? apigw_body(r, resp) : NULL;
    if (in == NULL)
        return;
    char path[1024];
    json_t *query = split_path(jstr(in, "pathWithQueryString"), "/", path, sizeof path);
    struct gw_result out;
    gw_result_init(&out);
    gw_authorize(s, api, p[1], a, json_object_get(in, "headers"), query, &out);
    json_t *answer = json_pack("{s:i,s:s,s:i}", "clientStatus", out.status, "log",
                               xbuf_cstr(&out.log), "latency", 12);
    if (out.principal_id != NULL)
        json_object_set_new(answer, "principalId", json_string(out.principal_id));
    emu_resp_json(resp, 200, answer);
    json_decref(answer);
    gw_result_cleanup(&out);
    json_decref(query);
    json_decref(in);
}

static const struct route routes[] = {
    {.method = "POST", .pattern = "/restapis/*/resources/*/methods/*",
     .operation = "TestInvokeMethod", .fn = test_invoke_method},
    {.method = "POST", .pattern = "/restapis/*/authorizers/*",
     .operation = "TestInvokeAuthorizer", .fn = test_invoke_authorizer},
};

const struct route_table apigw_test_route_table = {
    .service = "apigateway",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
