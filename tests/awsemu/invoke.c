/* awsemu/invoke.c - the tutorial's outcome made checkable: API Gateway invoking a method.
 *
 * GET /_emu/execute-api/{api-id}/{stage}/{path} finds the method as the API's edge would
 * (unknown route: 403 "Missing Authentication Token") and answers 200 with the function's
 * identity only when the integration is AWS_PROXY, POST, with an invoke URI in the
 * function's region naming an existing function (and qualifier), and API Gateway may
 * invoke it: the integration's credentials name a role the function's account owns and
 * that trusts apigateway.amazonaws.com, or else the function's resource policy allows
 * apigateway.amazonaws.com for the execute-api source ARN
 * arn:aws:execute-api:{API's region}:{api account}:{api id}/{stage}/{VERB}/{path}: an
 * execute-api ARN names the API, in its region, wherever the function lives.
 * Anything else is 500 {"message": "Internal server error"}, as API Gateway answers; the
 * header x-awsemu-reason (emulator only) says which check failed.
 * Stages are not modelled: every stage name reaches the current configuration.
 */
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "policy.h"
#include "world.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void fail(struct emu_resp *resp, const char *reason)
{
    emu_resp_text(resp, 500, "application/json", "{\"message\": \"Internal server error\"}");
    emu_resp_header(resp, "x-amzn-ErrorType", "InternalServerErrorException");
    emu_resp_header(resp, "x-awsemu-reason", reason);
}

static json_t *find_resource(json_t *api, const char *path)
{
    const char *id;
    json_t *res;
    json_object_foreach(json_object_get(api, "resources"), id, res) {
        if (strcmp(jstr(res, "path"), path) == 0)
            return res;
    }
    return NULL;
}

/* Splits "arn:aws:apigateway:R:lambda:path/2015-03-31/functions/ARN/invocations". */
static bool parse_invoke_uri(const char *uri, char *region, char *fn_arn, size_t n)
{
    static const char pre[] = "arn:aws:apigateway:";
    static const char mid[] = ":lambda:path/2015-03-31/functions/";
    static const char post[] = "/invocations";
    if (uri == NULL || strncmp(uri, pre, sizeof pre - 1) != 0)
        return false;
    const char *r = uri + sizeof pre - 1, *m = strstr(r, mid);
    size_t ulen = strlen(uri);
    if (m == NULL || m - r >= 32 || ulen < sizeof post ||
        strcmp(uri + ulen - (sizeof post - 1), post) != 0)
        return false;
    snprintf(region, 32, "%.*s", (int)(m - r), r);
    const char *a = m + sizeof mid - 1;
    size_t alen = (size_t)(uri + ulen - (sizeof post - 1) - a);
    if (alen >= n)
        return false;
    snprintf(fn_arn, n, "%.*s", (int)alen, a);
    return true;
}

/* arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] */
static bool parse_function_arn(const char *arn, char *region, char *account, char *name,
                               char *qual)
{
    char buf[512], *f[8];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", arn);
    char *p = buf;
    f[n++] = p;
    while ((p = strchr(p, ':')) != NULL && n < 8) {
        *p++ = '\0';
        f[n++] = p;
    }
    if ((n != 7 && n != 8) || strcmp(f[0], "arn") != 0 || strcmp(f[2], "lambda") != 0 ||
        strcmp(f[5], "function") != 0)
        return false;
    snprintf(region, 32, "%s", f[3]);
    snprintf(account, 16, "%s", f[4]);
    snprintf(name, 128, "%s", f[6]);
    snprintf(qual, 128, "%s", n == 8 ? f[7] : "");
    return true;
}

static bool role_may_invoke(struct emu_server *s, const char *role_arn, const json_t *fn)
{
    json_t *role = world_role(s->world, role_arn), *x;
    size_t i;
    if (role == NULL || strcmp(jstr(role, "account"), jstr(fn, "account")) != 0)
        return false;
    json_array_foreach(json_object_get(json_object_get(role, "trust"), "services"), i, x) {
        if (json_is_string(x) && strcmp(json_string_value(x), "apigateway.amazonaws.com") == 0)
            return true;
    }
    return false;
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
    if (api == NULL || stage[0] == '\0') {
        emu_resp_text(resp, 403, "application/json", "{\"message\":\"Forbidden\"}");
        goto done;
    }
    json_t *res = find_resource(api, rest);
    json_t *methods = res ? json_object_get(res, "resourceMethods") : NULL;
    json_t *m = json_object_get(methods, r->method);
    if (m == NULL)
        m = json_object_get(methods, "ANY");
    if (m == NULL) {
        emu_resp_text(resp, 403, "application/json",
                      "{\"message\":\"Missing Authentication Token\"}");
        emu_resp_header(resp, "x-amzn-ErrorType", "MissingAuthenticationTokenException");
        goto done;
    }
    json_t *integ = json_object_get(m, "methodIntegration");
    char uri_region[32], fn_arn[512], fr[32], fa[16], fname[128], fq[128];
    if (integ == NULL) {
        fail(resp, "the method has no integration");
        goto done;
    }
    if (jstr(integ, "type") == NULL || strcmp(jstr(integ, "type"), "AWS_PROXY") != 0) {
        fail(resp, "the integration is not AWS_PROXY");
        goto done;
    }
    if (jstr(integ, "httpMethod") == NULL || strcmp(jstr(integ, "httpMethod"), "POST") != 0) {
        fail(resp, "a Lambda integration must use POST");
        goto done;
    }
    if (!parse_invoke_uri(jstr(integ, "uri"), uri_region, fn_arn, sizeof fn_arn) ||
        !parse_function_arn(fn_arn, fr, fa, fname, fq)) {
        fail(resp, "the integration URI is not a Lambda invocation URI");
        goto done;
    }
    if (strcmp(uri_region, fr) != 0) {
        fail(resp, "the invocation URI's region is not the function's region");
        goto done;
    }
    json_t *fn = world_function(s->world, fa, fr, fname);
    json_t *qual = fn ? json_object_get(json_object_get(fn, "quals"),
                                        strcmp(fq, "$LATEST") == 0 ? "" : fq) : NULL;
    if (qual == NULL) {
        fail(resp, "the function (or its qualifier) does not exist");
        goto done;
    }
    char source_arn[1400];
    snprintf(source_arn, sizeof source_arn, "arn:aws:execute-api:%s:%s:%s/%s/%s%s",
             jstr(api, "region"), jstr(api, "account"), api_id, stage, r->method, rest);
    const char *creds = jstr(integ, "credentials");
    if (creds != NULL) {
        if (!role_may_invoke(s, creds, fn)) {
            fail(resp, "the integration's credentials role cannot invoke the function");
            goto done;
        }
    } else {
        const struct policy_request pr = {
            .service_principal = "apigateway.amazonaws.com",
            .action = "lambda:InvokeFunction",
            .resource = fn_arn,
            .source_arn = source_arn,
            .source_account = jstr(api, "account"),
        };
        if (!policy_allows(json_object_get(qual, "statements"), &pr)) {
            fail(resp, "the function's policy does not allow apigateway.amazonaws.com for "
                       "this source ARN");
            goto done;
        }
    }
    json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "function_arn", fn_arn, "account",
                            fa, "region", fr, "function_name", fname, "api_id", api_id,
                            "stage", stage, "source_arn", source_arn);
    emu_resp_json(resp, 200, out);
    json_decref(out);
done:
    xbuf_cleanup(&decoded);
}
