/* aws/lambda.c - Lambda calls (API 2015-03-31) and reading statements from a policy.
 *
 * The function name is one path label: a full ARN "arn:aws:lambda:us-east-1:1:function:f"
 * goes on the wire as "arn%3Aaws%3Alambda%3A..." (the signer encodes it once more for
 * the canonical URI). Query values are URI-encoded too.
 * Policy statements: Principal may be a string or {"Service": ...} / {"AWS": ...};
 * conditions sit under ArnLike/ArnEquals (AWS:SourceArn) and StringEquals (the rest); a
 * condition value may be a string or a one-element array.
 */
#include "aws/lambda.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "util/alloc.h"

#define API "/2015-03-31/functions/"

/* ------------------------------------------------------------------------- helpers */

static char *jdup(bool *oom, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    char *s = xa_strdup(json_string_value(v));
    if (!s)
        *oom = true;
    return s;
}

static enum xa_status query_param(struct xbuf *q, const char *name, const char *value)
{
    if (!value || !*value)
        return XA_OK;
    enum xa_status st = xbuf_appendf(q, "%s%s=", q->len ? "&" : "", name);
    return st == XA_OK ? aws_http_uri_encode(q, value) : st;
}

/* path = API + enc(function) + suffix [+ enc(label)] */
static enum xa_status function_path(struct xbuf *p, const char *function, const char *suffix,
                                    const char *label)
{
    if (!function || !*function || (suffix && label && !*label))
        return XA_EINVAL;
    enum xa_status st = xbuf_append_str(p, API);
    if (st == XA_OK)
        st = aws_http_uri_encode(p, function);
    if (st == XA_OK && suffix)
        st = xbuf_append_str(p, suffix);
    if (st == XA_OK && label)
        st = aws_http_uri_encode(p, label);
    return st;
}

static enum xa_status fail_local(struct aws_error *err, const char *op, const char *msg)
{
    aws_error_set_operation(err, op);
    aws_error_set_message(err, msg);
    return XA_EINVAL;
}

static json_t *parse_body(const struct aws_http_response *resp, struct aws_error *err,
                          const char *op)
{
    json_t *o = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        aws_error_set_operation(err, op);
        aws_error_set_messagef(err, "Lambda answered HTTP %ld with a body that is not a JSON "
                               "object", resp->status);
        err->http_status = resp->status;
        return NULL;
    }
    return o;
}

static enum xa_status send_request(struct aws_client *c, const char *region, const char *op,
                                   const char *method, const struct xbuf *path,
                                   const struct xbuf *query, const char *body,
                                   struct aws_http_response *resp, struct aws_error *err)
{
    struct aws_service_request req = {
        .operation = op, .service = "lambda", .method = method, .path = xbuf_cstr(path),
        .query = query && query->len ? xbuf_cstr(query) : NULL,
        .content_type = body ? "application/json" : NULL, .body = body,
        .body_len = body ? strlen(body) : 0,
    };
    return aws_client_send(c, region, &req, resp, err);
}

/* ------------------------------------------------------------------------- GetFunction */

void lambda_function_cleanup(struct lambda_function *f)
{
    char **s[] = {&f->function_name, &f->function_arn, &f->runtime, &f->role, &f->handler,
                  &f->version, &f->revision_id, &f->state, &f->last_update_status,
                  &f->package_type};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        xa_free(*s[i]);
    *f = (struct lambda_function){0};
}

enum xa_status lambda_get_function(struct aws_client *c, const char *region,
                                   const char *function_name, const char *qualifier,
                                   struct lambda_function *out, struct aws_error *err)
{
    *out = (struct lambda_function){0};
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = function_path(&path, function_name, NULL, NULL);
    if (st == XA_EINVAL)
        st = fail_local(err, "Lambda GetFunction", "the function name is empty");
    if (st == XA_OK)
        st = query_param(&query, "Qualifier", qualifier);
    if (st == XA_OK)
        st = send_request(c, region, "GetFunction", "GET", &path, &query, NULL, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, "Lambda GetFunction") : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        json_t *cfg = json_object_get(o, "Configuration");
        bool oom = false;
        out->function_name = jdup(&oom, cfg, "FunctionName");
        out->function_arn = jdup(&oom, cfg, "FunctionArn");
        out->runtime = jdup(&oom, cfg, "Runtime");
        out->role = jdup(&oom, cfg, "Role");
        out->handler = jdup(&oom, cfg, "Handler");
        out->version = jdup(&oom, cfg, "Version");
        out->revision_id = jdup(&oom, cfg, "RevisionId");
        out->state = jdup(&oom, cfg, "State");
        out->last_update_status = jdup(&oom, cfg, "LastUpdateStatus");
        out->package_type = jdup(&oom, cfg, "PackageType");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        lambda_function_cleanup(out);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
}

/* ------------------------------------------------------------------------- AddPermission */

void lambda_add_permission_resp_cleanup(struct lambda_add_permission_resp *r)
{
    xa_free(r->statement);
    r->statement = NULL;
}

static char *add_permission_body(const struct lambda_add_permission_req *q)
{
    json_t *o = json_object();
    int bad = !o;
    const struct {
        const char *key, *value;
    } fields[] = {
        {"StatementId", q->statement_id},     {"Action", q->action},
        {"Principal", q->principal},          {"SourceArn", q->source_arn},
        {"SourceAccount", q->source_account}, {"EventSourceToken", q->event_source_token},
        {"PrincipalOrgID", q->principal_org_id},
        {"FunctionUrlAuthType", q->function_url_auth_type},
        {"RevisionId", q->revision_id},
    };
    for (size_t i = 0; !bad && i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].value)
            bad |= json_object_set_new(o, fields[i].key, json_string(fields[i].value));
    char *s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

enum xa_status lambda_add_permission(struct aws_client *c, const char *region,
                                     const struct lambda_add_permission_req *req,
                                     struct lambda_add_permission_resp *out,
                                     struct aws_error *err)
{
    *out = (struct lambda_add_permission_resp){0};
    static const char op[] = "Lambda AddPermission";
    if (!req->statement_id || !*req->statement_id || !req->action || !req->principal)
        return fail_local(err, op, "statement_id, action and principal are required");
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    char *body = add_permission_body(req);
    enum xa_status st = body ? function_path(&path, req->function_name, "/policy", NULL)
                             : fail_local(err, op, "cannot encode the request (a value is not "
                                                   "valid UTF-8)");
    if (st == XA_EINVAL && body)
        st = fail_local(err, op, "the function name is empty");
    if (st == XA_OK)
        st = query_param(&query, "Qualifier", req->qualifier);
    if (st == XA_OK)
        st = send_request(c, region, "AddPermission", "POST", &path, &query, body, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, op) : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        bool oom = false;
        out->statement = jdup(&oom, o, "Statement");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    free(body);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
}

/* ------------------------------------------------------------------------- GetPolicy */

void lambda_policy_cleanup(struct lambda_policy *p)
{
    xa_free(p->policy);
    xa_free(p->revision_id);
    *p = (struct lambda_policy){0};
}

enum xa_status lambda_get_policy(struct aws_client *c, const char *region,
                                 const char *function_name, const char *qualifier,
                                 struct lambda_policy *out, struct aws_error *err)
{
    *out = (struct lambda_policy){0};
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = function_path(&path, function_name, "/policy", NULL);
    if (st == XA_EINVAL)
        st = fail_local(err, "Lambda GetPolicy", "the function name is empty");
    if (st == XA_OK)
        st = query_param(&query, "Qualifier", qualifier);
    if (st == XA_OK)
        st = send_request(c, region, "GetPolicy", "GET", &path, &query, NULL, &resp, err);
    json_t *o = st == XA_OK ? parse_body(&resp, err, "Lambda GetPolicy") : NULL;
    if (st == XA_OK && !o)
        st = XA_EAWS;
    if (o) {
        bool oom = false;
        out->policy = jdup(&oom, o, "Policy");
        out->revision_id = jdup(&oom, o, "RevisionId");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        lambda_policy_cleanup(out);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
}

/* ------------------------------------------------------------------------- RemovePermission */

enum xa_status lambda_remove_permission(struct aws_client *c, const char *region,
                                        const char *function_name, const char *statement_id,
                                        const char *qualifier, const char *revision_id,
                                        struct aws_error *err)
{
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = statement_id ? function_path(&path, function_name, "/policy/", statement_id)
                                     : XA_EINVAL;
    if (st == XA_EINVAL)
        st = fail_local(err, "Lambda RemovePermission", "the function name or statement id is "
                                                        "empty");
    if (st == XA_OK)
        st = query_param(&query, "Qualifier", qualifier);
    if (st == XA_OK)
        st = query_param(&query, "RevisionId", revision_id);
    if (st == XA_OK)
        st = send_request(c, region, "RemovePermission", "DELETE", &path, &query, NULL, &resp,
                          err);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
}

/* ------------------------------------------------------------------------- statements */

void lambda_statement_cleanup(struct lambda_statement *s)
{
    char **f[] = {&s->sid, &s->effect, &s->action, &s->principal, &s->resource, &s->source_arn,
                  &s->source_account, &s->event_source_token, &s->principal_org_id,
                  &s->function_url_auth_type};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        xa_free(*f[i]);
    *s = (struct lambda_statement){0};
}

/* A string, or the single string of a one-element array. */
static const char *one_string(json_t *v)
{
    if (json_is_array(v) && json_array_size(v) == 1)
        v = json_array_get(v, 0);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Condition value for key (case-insensitive, as IAM treats condition keys) under any of
 * the given operators. */
static const char *condition(json_t *cond, const char *const *ops, size_t nops, const char *key)
{
    for (size_t i = 0; i < nops; i++) {
        json_t *block = json_object_get(cond, ops[i]);
        const char *k;
        json_t *v;
        if (!json_is_object(block))
            continue;
        json_object_foreach(block, k, v) {
            if (strcasecmp(k, key) == 0)
                return one_string(v);
        }
    }
    return NULL;
}

static char *dup_opt(bool *oom, const char *s)
{
    if (!s)
        return NULL;
    char *d = xa_strdup(s);
    if (!d)
        *oom = true;
    return d;
}

static enum xa_status read_statement(json_t *st, struct lambda_statement *out)
{
    bool oom = false;
    out->sid = jdup(&oom, st, "Sid");
    out->effect = jdup(&oom, st, "Effect");
    out->action = dup_opt(&oom, one_string(json_object_get(st, "Action")));
    out->resource = dup_opt(&oom, one_string(json_object_get(st, "Resource")));
    json_t *p = json_object_get(st, "Principal");
    const char *principal = json_is_string(p) ? json_string_value(p) : NULL;
    if (json_is_object(p)) {
        principal = one_string(json_object_get(p, "Service"));
        if (!principal)
            principal = one_string(json_object_get(p, "AWS"));
    }
    out->principal = dup_opt(&oom, principal);
    json_t *cond = json_object_get(st, "Condition");
    static const char *const arn_ops[] = {"ArnLike", "ArnEquals", "StringEquals", "StringLike"};
    static const char *const str_ops[] = {"StringEquals", "StringLike"};
    out->source_arn = dup_opt(&oom, condition(cond, arn_ops, 4, "AWS:SourceArn"));
    out->source_account = dup_opt(&oom, condition(cond, str_ops, 2, "AWS:SourceAccount"));
    out->event_source_token = dup_opt(&oom, condition(cond, str_ops, 2, "lambda:EventSourceToken"));
    out->principal_org_id = dup_opt(&oom, condition(cond, str_ops, 2, "aws:PrincipalOrgID"));
    out->function_url_auth_type =
        dup_opt(&oom, condition(cond, str_ops, 2, "lambda:FunctionUrlAuthType"));
    return oom ? XA_ENOMEM : XA_OK;
}

enum xa_status lambda_policy_find_statement(const char *policy_json, const char *sid,
                                            struct lambda_statement *out)
{
    *out = (struct lambda_statement){0};
    if (!policy_json || !sid)
        return XA_EINVAL;
    json_t *doc = json_loads(policy_json, 0, NULL);
    enum xa_status st = XA_EINVAL;
    if (!json_is_object(doc))
        goto done;
    json_t *list = json_object_get(doc, "Statement");
    if (!list && json_object_get(doc, "Sid")) {
        /* AddPermission's answer: one statement on its own. */
        const char *s = one_string(json_object_get(doc, "Sid"));
        st = s && strcmp(s, sid) == 0 ? read_statement(doc, out) : XA_ENOTFOUND;
        goto done;
    }
    if (json_is_object(list)) {
        const char *s = one_string(json_object_get(list, "Sid"));
        st = s && strcmp(s, sid) == 0 ? read_statement(list, out) : XA_ENOTFOUND;
        goto done;
    }
    if (!json_is_array(list))
        goto done;
    st = XA_ENOTFOUND;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *s = one_string(json_object_get(e, "Sid"));
        if (json_is_object(e) && s && strcmp(s, sid) == 0) {
            st = read_statement(e, out);
            break;
        }
    }
done:
    if (st != XA_OK)
        lambda_statement_cleanup(out);
    json_decref(doc);
    return st;
}
