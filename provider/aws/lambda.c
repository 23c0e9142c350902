/* aws/lambda.c - Lambda calls (API 2015-03-31) and reading statements from a policy.
 *
 * The function name is one path label: a full ARN "arn:aws:lambda:us-east-1:1:function:f"
 * goes on the wire as "arn%3Aaws%3Alambda%3A..." (the signer encodes it once more for
 * the canonical URI). Query values are URI-encoded too; both happen in aws/restjson.
 * Policy statements: Principal may be a string or {"Service": ...} / {"AWS": ...};
 * conditions sit under ArnLike/ArnEquals (AWS:SourceArn) and StringEquals (the rest); a
 * condition value may be a string or a one-element array.
 */
#include "aws/lambda.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "aws/restjson.h"
#include "util/alloc.h"

#define API "/2015-03-31/functions/{}"

static const struct rj_service lambda = {.id = "lambda", .name = "Lambda"};

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
    const struct rj_request req = {
        .op = "GetFunction", .method = "GET", .path = API, .labels = {function_name},
        .bad_label = "the function name is empty", .query = {{"Qualifier", qualifier}},
    };
    json_t *o;
    enum xa_status st = rj_call(c, region, &lambda, &req, &o, err);
    if (o) {
        json_t *cfg = json_object_get(o, "Configuration");
        bool oom = false;
        out->function_name = rj_str(&oom, cfg, "FunctionName");
        out->function_arn = rj_str(&oom, cfg, "FunctionArn");
        out->runtime = rj_str(&oom, cfg, "Runtime");
        out->role = rj_str(&oom, cfg, "Role");
        out->handler = rj_str(&oom, cfg, "Handler");
        out->version = rj_str(&oom, cfg, "Version");
        out->revision_id = rj_str(&oom, cfg, "RevisionId");
        out->state = rj_str(&oom, cfg, "State");
        out->last_update_status = rj_str(&oom, cfg, "LastUpdateStatus");
        out->package_type = rj_str(&oom, cfg, "PackageType");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        lambda_function_cleanup(out);
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
    if (!req->statement_id || !*req->statement_id || !req->action || !req->principal)
        return rj_fail(err, &lambda, "AddPermission", "statement_id, action and principal are "
                                                      "required");
    char *body = add_permission_body(req);
    if (!body)
        return rj_fail(err, &lambda, "AddPermission", "cannot encode the request (a value is "
                                                      "not valid UTF-8)");
    const struct rj_request rq = {
        .op = "AddPermission", .method = "POST", .path = API "/policy",
        .labels = {req->function_name}, .bad_label = "the function name is empty",
        .query = {{"Qualifier", req->qualifier}}, .body = body,
    };
    json_t *o;
    enum xa_status st = rj_call(c, region, &lambda, &rq, &o, err);
    if (o) {
        bool oom = false;
        out->statement = rj_str(&oom, o, "Statement");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    free(body);
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
    const struct rj_request req = {
        .op = "GetPolicy", .method = "GET", .path = API "/policy", .labels = {function_name},
        .bad_label = "the function name is empty", .query = {{"Qualifier", qualifier}},
    };
    json_t *o;
    enum xa_status st = rj_call(c, region, &lambda, &req, &o, err);
    if (o) {
        bool oom = false;
        out->policy = rj_str(&oom, o, "Policy");
        out->revision_id = rj_str(&oom, o, "RevisionId");
        if (oom)
            st = XA_ENOMEM;
        json_decref(o);
    }
    if (st != XA_OK)
        lambda_policy_cleanup(out);
    return st;
}

/* ------------------------------------------------------------------------- RemovePermission */

enum xa_status lambda_remove_permission(struct aws_client *c, const char *region,
                                        const char *function_name, const char *statement_id,
                                        const char *qualifier, const char *revision_id,
                                        struct aws_error *err)
{
    const struct rj_request req = {
        .op = "RemovePermission", .method = "DELETE", .path = API "/policy/{}",
        .labels = {function_name, statement_id},
        .bad_label = "the function name or statement id is empty",
        .query = {{"Qualifier", qualifier}, {"RevisionId", revision_id}},
    };
    return rj_call(c, region, &lambda, &req, NULL, err);
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
    out->sid = rj_str(&oom, st, "Sid");
    out->effect = rj_str(&oom, st, "Effect");
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

void lambda_statements_free(struct lambda_statement *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        lambda_statement_cleanup(&s[i]);
    xa_free(s);
}

enum xa_status lambda_policy_statements(const char *policy_json, struct lambda_statement **out,
                                        size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *doc = policy_json ? json_loads(policy_json, 0, NULL) : NULL;
    json_t *list = json_object_get(doc, "Statement");
    enum xa_status st = json_is_array(list) || json_is_object(list) ? XA_OK : XA_EINVAL;
    size_t total = json_is_array(list) ? json_array_size(list) : 1;
    if (st == XA_OK && total && !(*out = xa_calloc(total, sizeof **out)))
        st = XA_ENOMEM;
    for (size_t i = 0; st == XA_OK && i < total; i++) {
        json_t *e = json_is_array(list) ? json_array_get(list, i) : list;
        if (!json_is_object(e) || !one_string(json_object_get(e, "Sid")))
            continue;   /* a statement without a Sid is not one AddPermission made */
        st = read_statement(e, &(*out)[*n]);
        (*n)++;
    }
    if (st != XA_OK) {
        lambda_statements_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    json_decref(doc);
    return st;
}
