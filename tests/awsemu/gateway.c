/* awsemu/gateway.c - API Gateway calling a method: authorizer, integration, Lambda's
 * permission checks and the execution log (gateway.h).
 */
#include "gateway.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "policy.h"
#include "world.h"

#define APIGW "apigateway.amazonaws.com"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

void gw_result_init(struct gw_result *r)
{
    *r = (struct gw_result){.status = 0};
    xbuf_init(&r->log);
}

void gw_result_cleanup(struct gw_result *r)
{
    json_decref(r->body);
    xbuf_cleanup(&r->log);
    *r = (struct gw_result){.status = 0};
}

/* One line of the execution log: "Thu Aug 15 12:00:00 UTC 2024 : text". */
static void logf_line(struct gw_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_line(struct gw_result *r, const char *fmt, ...)
{
    char date[64];
    time_t t = (time_t)emu_clock_now();
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    xbuf_appendf(&r->log, "%s : %s\n", date, text);
}

/* Ends the call with status, body (taken) and, for a refusal, the emulator's reason. */
static void finish(struct gw_result *r, int status, json_t *body, const char *error_type,
                   const char *reason)
{
    r->status = status;
    json_decref(r->body);
    r->body = body;
    r->error_type = error_type;
    r->reason = reason;
    if (reason != NULL)
        logf_line(r, "Execution failed due to configuration error: %s", reason);
    logf_line(r, "Method completed with status: %d", status);
}

static void internal_error(struct gw_result *r, const char *reason)
{
    finish(r, 500, json_pack("{s:s}", "message", "Internal server error"),
           "InternalServerErrorException", reason);
}

/* A header (any case) or query value of a request. */
static const char *lookup(const json_t *map, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v) {
        if (strcasecmp(k, name) == 0 && json_is_string(v))
            return json_string_value(v);
    }
    return NULL;
}

/* ----------------------------------------------------------------- functions */

/* "arn:aws:apigateway:R:lambda:path/2015-03-31/functions/ARN/invocations", or the
 * streaming form ".../2021-11-15/functions/ARN/response-streaming-invocations". */
static bool parse_invoke_uri(const char *uri, char *region, char *fn_arn, size_t n,
                             bool *streaming)
{
    static const char pre[] = "arn:aws:apigateway:";
    static const struct {
        const char *mid, *post;
    } forms[] = {{":lambda:path/2015-03-31/functions/", "/invocations"},
                 {":lambda:path/2021-11-15/functions/", "/response-streaming-invocations"}};
    if (uri == NULL || strncmp(uri, pre, sizeof pre - 1) != 0)
        return false;
    const char *r = uri + sizeof pre - 1;
    size_t ulen = strlen(uri);
    for (size_t i = 0; i < 2; i++) {
        const char *m = strstr(r, forms[i].mid);
        size_t plen = strlen(forms[i].post), mlen = strlen(forms[i].mid);
        if (m == NULL || m - r >= 32 || ulen < plen || strcmp(uri + ulen - plen, forms[i].post))
            continue;
        const char *a = m + mlen;
        if (a > uri + ulen - plen || (size_t)(uri + ulen - plen - a) >= n)
            return false;
        snprintf(region, 32, "%.*s", (int)(m - r), r);
        snprintf(fn_arn, n, "%.*s", (int)(uri + ulen - plen - a), a);
        *streaming = i == 1;
        return true;
    }
    return false;
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
        if (json_is_string(x) && strcmp(json_string_value(x), APIGW) == 0)
            return true;
    }
    return false;
}

struct target {
    char fn_arn[512], region[32], account[16], name[128], qual[128];
    const json_t *fn, *qualifier;
};

/* The function a Lambda URI calls, and whether API Gateway may invoke it from source_arn
 * (the credentials role, else the qualifier's policy). NULL when it may, else why not. */
static const char *may_invoke(struct emu_server *s, const char *uri, const char *credentials,
                              const char *source_region, const json_t *api,
                              const char *source_path, struct target *t, bool *streaming)
{
    char uri_region[32];
    if (!parse_invoke_uri(uri, uri_region, t->fn_arn, sizeof t->fn_arn, streaming) ||
        !parse_function_arn(t->fn_arn, t->region, t->account, t->name, t->qual))
        return "the URI is not a Lambda invocation URI";
    if (strcmp(uri_region, t->region) != 0)
        return "the invocation URI's region is not the function's region";
    t->fn = world_function(s->world, t->account, t->region, t->name);
    t->qualifier = t->fn ? json_object_get(json_object_get(t->fn, "quals"),
                                           strcmp(t->qual, "$LATEST") == 0 ? "" : t->qual)
                         : NULL;
    if (t->qualifier == NULL)
        return "the function (or its qualifier) does not exist";
    if (credentials != NULL)
        return role_may_invoke(s, credentials, t->fn)
                   ? NULL
                   : "the credentials role cannot invoke the function";
    char source_arn[1400];
    snprintf(source_arn, sizeof source_arn, "arn:aws:execute-api:%s:%s:%s/%s", source_region,
             jstr(api, "account"), jstr(api, "id"), source_path);
    const struct policy_request pr = {.service_principal = APIGW,
                                      .action = "lambda:InvokeFunction",
                                      .resource = t->fn_arn, .source_arn = source_arn,
                                      .source_account = jstr(api, "account")};
    return policy_allows(json_object_get(t->qualifier, "statements"), &pr)
               ? NULL
               : "Invalid permissions on Lambda function";
}

/* ---------------------------------------------------------------- authorizer */

/* The identity the authorizer gets (the TOKEN header, or the first of a REQUEST
 * authorizer's sources); NULL when one is missing, with *why set. */
static const char *identity(const json_t *a, const json_t *headers, const json_t *query,
                            const char **why)
{
    char sources[512];
    snprintf(sources, sizeof sources, "%s", jstr(a, "identitySource") ? jstr(a, "identitySource")
                                                                    : "");
    const char *first = NULL;
    char *save = NULL;
    for (char *t = strtok_r(sources, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        const char *v = NULL;
        if (strncmp(t, "method.request.header.", 22) == 0)
            v = lookup(headers, t + 22);
        else if (strncmp(t, "method.request.querystring.", 27) == 0)
            v = lookup(query, t + 27);
        if (v == NULL || *v == '\0') {
            *why = "an identity source is missing from the request";
            return NULL;
        }
        first = first ? first : v;
    }
    if (first == NULL)
        *why = "the authorizer has no identity source";
    return first;
}

static bool token_valid(const json_t *a, const char *token)
{
    const char *re = jstr(a, "identityValidationExpression");
    regex_t rx;
    if (re == NULL || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return true;
    bool ok = regexec(&rx, token, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

void gw_authorize(struct emu_server *s, const json_t *api, const char *id, const json_t *a,
                  const json_t *headers, const json_t *query, struct gw_result *out)
{
    const char *why = NULL;
    logf_line(out, "Starting authorizer: %s for request", id);
    const char *who = identity(a, headers, query, &why);
    if (who == NULL || (strcmp(jstr(a, "type") ? jstr(a, "type") : "", "TOKEN") == 0 &&
                        !token_valid(a, who))) {
        logf_line(out, "Unauthorized request: %s", who ? "the token does not match the "
                                                         "validation expression" : why);
        finish(out, 401, json_pack("{s:s}", "message", "Unauthorized"), "UnauthorizedException",
               NULL);
        return;
    }
    struct target t;
    bool streaming = false;
    /* A cross-region authorizer's calls carry the function's region (AWS's rule). */
    char fn_region[32] = "", path[160];
    const char *uri = jstr(a, "authorizerUri");
    char tmp[512], acct[16], name[128], qual[128], ur[32];
    if (uri && parse_invoke_uri(uri, ur, tmp, sizeof tmp, &streaming))
        parse_function_arn(tmp, fn_region, acct, name, qual);
    snprintf(path, sizeof path, "authorizers/%s", id);
    const char *bad = may_invoke(s, uri, jstr(a, "authorizerCredentials"),
                                 fn_region[0] ? fn_region : jstr(api, "region"), api, path, &t,
                                 &streaming);
    logf_line(out, "Sending request to %s", uri ? uri : "(no authorizer URI)");
    if (bad != NULL) {
        finish(out, 500, json_pack("{s:n}", "message"), "AuthorizerConfigurationException", bad);
        return;
    }
    if (strcmp(who, "deny") == 0) {
        finish(out, 403, json_pack("{s:s}", "Message", "User is not authorized to access this "
                                   "resource with an explicit deny"), "AccessDeniedException",
               NULL);
    } else if (strcmp(who, "unauthorized") == 0) {
        finish(out, 401, json_pack("{s:s}", "message", "Unauthorized"), "UnauthorizedException",
               NULL);
    } else {
        out->status = 200;
        out->principal_id = "user";
        logf_line(out, "Authorizer result: Allow, principal user, function %s", t.fn_arn);
    }
}

/* ---------------------------------------------------------------- the method */

static void integrate(struct emu_server *s, const struct gw_request *q, struct gw_result *out)
{
    const json_t *integ = json_object_get(q->method, "methodIntegration");
    const char *type = jstr(integ, "type"), *mode = jstr(integ, "responseTransferMode");
    if (integ == NULL) {
        internal_error(out, "No integration defined for method");
        return;
    }
    if (type == NULL || strcmp(type, "AWS_PROXY") != 0) {
        internal_error(out, "the integration is not AWS_PROXY");
        return;
    }
    if (jstr(integ, "httpMethod") == NULL || strcmp(jstr(integ, "httpMethod"), "POST") != 0) {
        internal_error(out, "a Lambda integration must use POST");
        return;
    }
    char path[1400];
    snprintf(path, sizeof path, "%s/%s%s", q->stage, q->verb, q->path);
    struct target t;
    bool streaming = false;
    logf_line(out, "Endpoint request URI: %s", jstr(integ, "uri") ? jstr(integ, "uri") : "");
    const char *bad = may_invoke(s, jstr(integ, "uri"), jstr(integ, "credentials"),
                                 jstr(q->api, "region"), q->api, path, &t, &streaming);
    if (bad == NULL && streaming != (mode != NULL && strcmp(mode, "STREAM") == 0))
        bad = "the invocation URI does not match the response transfer mode";
    if (bad != NULL) {
        internal_error(out, bad);
        return;
    }
    char source_arn[1500];
    snprintf(source_arn, sizeof source_arn, "arn:aws:execute-api:%s:%s:%s/%s",
             jstr(q->api, "region"), jstr(q->api, "account"), jstr(q->api, "id"), path);
    logf_line(out, "Received response. Status: 200, Integration latency: 12 ms");
    finish(out, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?}", "function_arn", t.fn_arn,
                               "account", t.account, "region", t.region, "function_name",
                               t.name, "api_id", jstr(q->api, "id"), "stage", q->stage,
                               "source_arn", source_arn, "principal_id", out->principal_id),
           NULL, NULL);
}

void gw_invoke(struct emu_server *s, const struct gw_request *q, struct gw_result *out)
{
    char rid[40];
    emu_uuid(rid);
    logf_line(out, "Starting execution for request: %s", rid);
    logf_line(out, "HTTP Method: %s, Resource Path: %s", q->verb, q->path);
    const char *auth = jstr(q->method, "authorizationType");
    if (!q->skip_authorizer && auth != NULL && strcmp(auth, "CUSTOM") == 0) {
        const char *id = jstr(q->method, "authorizerId");
        const json_t *a = id ? json_object_get(q->authorizers, id) : NULL;
        if (a == NULL) {
            internal_error(out, "the method's authorizer does not exist");
            return;
        }
        gw_authorize(s, q->api, id, a, q->headers, q->query, out);
        if (out->status != 200)
            return;
    }
    integrate(s, q, out);
}
