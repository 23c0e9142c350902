/* resources/lambda_permission.c - xacct_lambda_permission: one statement of a Lambda
 * function's resource policy, managed with the function account's provider.
 *
 * AWS object: the statement (Sid = statement_id) that lets a principal, here API Gateway
 * with the integration's execute-api source ARN, invoke the function.
 * Calls: Create -> AddPermission, serialised per function inside the process (Lambda
 * loses statements added in parallel to one policy) and retried on
 * ResourceConflictException; then GetPolicy until the statement is visible. Read ->
 * GetPolicy (shared by concurrent reads of one function, resources/caches.c), find the
 * statement by Sid, map Condition and Principal back. Delete -> RemovePermission (not
 * found is success), then GetPolicy until the statement is gone. No update: every
 * argument replaces.
 * Lost answers: an AddPermission retried after its answer was lost meets "already
 * exists"; when the existing statement is ours (same principal and source) that is success.
 * ID: the statement id. Import: FUNCTION_NAME/STATEMENT_ID or
 * FUNCTION_NAME:QUALIFIER/STATEMENT_ID (hashicorp/aws's formats).
 * Schema version 1 (version 0 had no region); MoveResourceState accepts hashicorp/aws's
 * aws_lambda_permission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "aws/arn.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "core/codec.h"
#include "core/resource.h"
#include "core/schema.h"
#include "core/value.h"
#include "resources/permission_internal.h"
#include "resources/xacct.h"
#include "util/alloc.h"

#define APIGW_PRINCIPAL "apigateway.amazonaws.com"

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const url_auth_types[] = {"AWS_IAM", "NONE", NULL};

#define F_OPT_RR (ATTR_OPTIONAL | ATTR_REQUIRES_REPLACE)
#define F_OPT_COMP_RR (ATTR_OPTIONAL | ATTR_COMPUTED | ATTR_REQUIRES_REPLACE)

static const struct schema_attribute permission_attrs[] = {
    {.name = "action", .type = &type_string, .flags = F_OPT_COMP_RR,
     .default_json = "\"lambda:InvokeFunction\"",
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^(lambda:[A-Za-z*]+|\\*)$",
                   .message = "must be a Lambda action such as \"lambda:InvokeFunction\""},
     .description = "The action granted (default `lambda:InvokeFunction`)."},
    {.name = "event_source_token", .type = &type_string, .flags = F_OPT_RR,
     .description = "Event source token (Alexa Smart Home)."},
    {.name = "function_name", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .description = "Function name, ARN or partial ARN, optionally with `:qualifier`. A name "
                    "and the ARN of the same function are the same function."},
    {.name = "function_url_auth_type", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = url_auth_types,
                   .message = "must be AWS_IAM or NONE"},
     .description = "Function URL auth type, for `lambda:InvokeFunctionUrl`."},
    {.name = "id", .type = &type_string,
     .flags = ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN,
     .description = "The statement id."},
    {.name = "principal", .type = &type_string, .flags = F_OPT_COMP_RR,
     .default_json = "\"" APIGW_PRINCIPAL "\"",
     .description = "Who may invoke: a service (default `apigateway.amazonaws.com`), an "
                    "account id or an IAM ARN."},
    {.name = "principal_org_id", .type = &type_string, .flags = F_OPT_RR,
     .description = "AWS Organizations id the principal must belong to."},
    {.name = "qualifier", .type = &type_string, .flags = F_OPT_COMP_RR,
     .description = "Version or alias; may instead be written in `function_name`."},
    {.name = "region", .type = &type_string,
     .flags = F_OPT_COMP_RR | ATTR_KEEP_STATE_WHEN_UNKNOWN,
     .description = "Region of the function; the provider's by default, or the ARN's."},
    {.name = "source_account", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[0-9]{12}$",
                   .message = "must be a 12-digit account id"},
     .description = "Account that owns the source (the API account)."},
    {.name = "source_arn", .type = &type_string, .flags = F_OPT_RR,
     .description = "The execute-api ARN allowed to invoke; use the integration's `source_arn`."},
    {.name = "statement_id", .type = &type_string,
     .flags = F_OPT_COMP_RR | ATTR_KEEP_STATE_WHEN_UNKNOWN,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,100}$",
                   .message = "must be 1 to 100 letters, digits, '-' or '_'"},
     .description = "Statement id; generated when absent."},
    {.name = "statement_id_prefix", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,58}$",
                   .message = "must be 1 to 58 letters, digits, '-' or '_'"},
     .description = "Prefix of a generated statement id."},
};

static const struct schema permission_schema = {
    .version = 1,
    .block = {
        .attrs = permission_attrs,
        .nattrs = sizeof permission_attrs / sizeof permission_attrs[0],
        .description = "Lets API Gateway (or another principal) invoke a Lambda function. "
                       "Use the function account's provider.",
    },
};

/* ---- Conversions ------------------------------------------------------------------- */

/* Where a permission's calls go: the function without qualifier, the qualifier from
 * either place, the region from the ARN, else the resource's, else the provider's. */
XA_TESTABLE bool permission_target(const struct value *v, const char *provider_region,
                                   struct permission_target *t)
{
    struct arn_lambda_function f;
    const char *fn = value_attr_string(v, "function_name");
    const char *q = value_attr_string(v, "qualifier");
    const char *region = value_attr_string(v, "region");
    memset(t, 0, sizeof *t);
    arn_lambda_function_init(&f);
    bool ok = fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK;
    size_t n = ok ? strlen(fn) - (f.qualifier ? strlen(f.qualifier) + 1 : 0) : 0;
    ok = ok && n < sizeof t->function;
    if (ok) {
        memcpy(t->function, fn, n);
        t->function[n] = '\0';
        snprintf(t->qualifier, sizeof t->qualifier, "%s", q ? q : f.qualifier ? f.qualifier : "");
        snprintf(t->region, sizeof t->region, "%s",
                 f.region ? f.region : region ? region : provider_region ? provider_region : "");
        snprintf(t->account, sizeof t->account, "%s", f.account ? f.account : "");
        snprintf(t->name, sizeof t->name, "%s", f.name);
    }
    arn_lambda_function_cleanup(&f);
    return ok;
}

/* Two targets name one function when names, qualifiers and whatever both give of
 * account and region agree; a bare name is in the provider's account (`account`). */
XA_TESTABLE bool permission_same_function(const struct permission_target *a,
                                          const struct permission_target *b, const char *account)
{
    const char *acct_a = a->account[0] ? a->account : account;
    const char *acct_b = b->account[0] ? b->account : account;
    return strcmp(a->name, b->name) == 0 && strcmp(a->qualifier, b->qualifier) == 0 &&
           strcmp(a->region, b->region) == 0 &&
           (!acct_a || !acct_b || !acct_a[0] || !acct_b[0] || strcmp(acct_a, acct_b) == 0);
}

/* "arn:aws:iam::123456789012:root" and "123456789012" are one principal. */
static bool same_principal(const char *a, const char *b)
{
    char root[64];
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return true;
    if (strlen(a) == 12) {
        snprintf(root, sizeof root, "arn:aws:iam::%s:root", a);
        return strcmp(root, b) == 0;
    }
    if (strlen(b) == 12) {
        snprintf(root, sizeof root, "arn:aws:iam::%s:root", b);
        return strcmp(root, a) == 0;
    }
    return false;
}

/* The state as AWS holds the statement, in the forms the prior state used. */
XA_TESTABLE struct value *permission_state_read(const struct value *state,
                                                const struct lambda_statement *s)
{
    struct value *v = value_clone(state);
    if (!v)
        return NULL;
    const char *prior_principal = value_attr_string(state, "principal");
    bool ok = xacct_set_string(v, "action", s->action) &&
              xacct_set_string(v, "principal", same_principal(prior_principal, s->principal)
                                                   ? prior_principal : s->principal) &&
              xacct_set_string(v, "source_arn", s->source_arn) &&
              xacct_set_string(v, "source_account", s->source_account) &&
              xacct_set_string(v, "event_source_token", s->event_source_token) &&
              xacct_set_string(v, "principal_org_id", s->principal_org_id) &&
              xacct_set_string(v, "function_url_auth_type", s->function_url_auth_type) &&
              xacct_set_string(v, "statement_id", s->sid) && xacct_set_string(v, "id", s->sid);
    if (!ok) {
        value_free(v);
        v = NULL;
    }
    return v;
}

/* Does statement s grant what req asked for? (Our own earlier attempt, answer lost.) */
static bool statement_matches(const struct lambda_statement *s,
                              const struct lambda_add_permission_req *req)
{
    return same_principal(s->principal, req->principal) &&
           ((!s->source_arn && !req->source_arn) ||
            (s->source_arn && req->source_arn && strcmp(s->source_arn, req->source_arn) == 0));
}

XA_TESTABLE bool permission_import_id(struct value *state, const char *id)
{
    const char *slash = id ? strrchr(id, '/') : NULL;
    struct arn_lambda_function f;
    if (!slash || slash == id || !slash[1])
        return false;
    arn_lambda_function_init(&f);
    char *fn = xa_strndup(id, (size_t)(slash - id));
    bool ok = fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK;
    if (ok && f.qualifier) {
        fn[strlen(fn) - strlen(f.qualifier) - 1] = '\0';
        ok = xacct_set_string(state, "qualifier", f.qualifier);
    }
    ok = ok && xacct_set_string(state, "function_name", fn) &&
         xacct_set_string(state, "statement_id", slash + 1) &&
         xacct_set_string(state, "id", slash + 1);
    xa_free(fn);
    arn_lambda_function_cleanup(&f);
    return ok;
}

/* Raw JSON state to ours: drops attributes we do not have and AWS-provider empty
 * strings (hashicorp/aws stores "" for unset optional strings). */
XA_TESTABLE struct value *permission_from_json(const struct schema_block *b, const char *json,
                                               size_t len, struct diags *d)
{
    json_error_t jerr;
    json_t *obj = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    struct value *v = NULL;
    if (!json_is_object(obj)) {
        diag_error(d, "Cannot read the stored permission",
                   "The state is not a JSON object (%s at line %d).", jerr.text, jerr.line);
        goto out;
    }
    const char *k;
    json_t *x, *tmp;
    json_object_foreach_safe(obj, tmp, k, x) {
        if (json_is_string(x) && json_string_length(x) == 0)
            json_object_del(obj, k);
    }
    char *text = json_dumps(obj, JSON_COMPACT);
    if (text)
        v = codec_json_decode(text, strlen(text), schema_implied_type(b), true, d);
    else
        diag_error(d, "Cannot read the stored permission", "Out of memory.");
    free(text);
    if (v && !value_attr_string(v, "id") && value_attr_string(v, "statement_id"))
        xacct_set_string(v, "id", value_attr_string(v, "statement_id"));
out:
    json_decref(obj);
    return v;
}

/* Waits between attempts; false when the provider was stopped. */
static bool backoff(struct xacct_meta *m, int attempt)
{
    long ms = 100L << (attempt < 6 ? attempt : 6);
    if (ms > 3000)
        ms = 3000;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return !aws_client_stopped(m->client);
}

/* Looks statement sid up in the function's current policy (bypassing the cache).
 * XA_OK: found, *s filled; XA_ENOTFOUND: statement, policy or function absent. */
static enum xa_status find_statement(struct xacct_meta *m, const struct permission_target *t,
                                     const char *sid, bool fresh, struct lambda_statement *s,
                                     struct aws_error *err)
{
    char *policy = NULL;
    enum xa_status st = xacct_policy_get(m, t->region, t->function, t->qualifier, fresh, &policy,
                                         err);
    if (st == XA_OK)
        st = lambda_policy_find_statement(policy, sid, s);
    xa_free(policy);
    return st;
}

/* ---- Lifecycle --------------------------------------------------------------------- */

/* The source ARN checks of permission_validate: for API Gateway, an execute-api ARN whose
 * region follows AWS's cross-region rule. fregion: the function's region when known. */
static void validate_source_arn(const struct value *config, const char *fregion,
                                struct diags *d)
{
    const char *principal = value_attr_string(config, "principal");
    bool principal_null = value_is_null(value_attr(config, "principal"));
    const char *src = value_attr_string(config, "source_arn");
    if (!src || !(principal_null || (principal && strcmp(principal, APIGW_PRINCIPAL) == 0)))
        return;
    struct arn_execute_api ea;
    const char *why = NULL;
    enum xa_status st = xacct_execute_api_parse(src, &ea, &why);
    if (st == XA_ENOMEM) {
        diag_error(d, "Cannot validate the permission", "Out of memory.");
    } else if (st != XA_OK) {
        diag_error_attr(d, "source_arn", "Not an execute-api ARN",
                        "For principal " APIGW_PRINCIPAL ", source_arn must be the API's "
                        "execute-api ARN, e.g. \"arn:aws:execute-api:us-east-1:111111111111:"
                        "a1b2c3d4e5/*/GET/\" (the integration's source_arn); \"%s\" would never "
                        "match a call from API Gateway (%s).", src, why ? why : "not an ARN");
    } else {
        const char *want = arn_source_arn_region(ea.region, fregion);
        if (want && strcmp(want, ea.region) != 0)
            diag_warning_attr(d, "source_arn", "Source ARN region cannot match the function",
                              "source_arn names region %s but the function is in %s. AWS's rule "
                              "for cross-region integrations: the permission's source ARN names "
                              "the function's region (%s), not the API's. Use the integration's "
                              "source_arn attribute.", ea.region, fregion, want);
    }
    arn_execute_api_cleanup(&ea);
}

static void permission_validate(const struct value *config, struct diags *d)
{
    struct arn_lambda_function f;
    const char *why = NULL;
    const char *fn = value_attr_string(config, "function_name");
    arn_lambda_function_init(&f);
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &f, &why) : XA_EINVAL;
    if (st == XA_ENOMEM)
        diag_error(d, "Cannot validate the permission", "Out of memory.");
    else if (fn && st != XA_OK)
        diag_error_attr(d, "function_name", "Invalid function name",
                        "\"%s\" is not a Lambda function reference: %s. " XACCT_FUNCTION_FORMS,
                        fn, why ? why : "unrecognised form");
    const char *q = value_attr_string(config, "qualifier");
    if (st == XA_OK && q && f.qualifier && strcmp(q, f.qualifier) != 0)
        diag_error_attr(d, "qualifier", "Conflicting qualifiers",
                        "function_name \"%s\" already names qualifier \"%s\", but qualifier is "
                        "\"%s\". Give the qualifier in one place only.", fn, f.qualifier, q);
    if (!value_is_null(value_attr(config, "statement_id")) &&
        !value_is_null(value_attr(config, "statement_id_prefix")))
        diag_error_attr(d, "statement_id_prefix", "Conflicting statement ids",
                        "Give \"statement_id\" or \"statement_id_prefix\", not both.");
    /* Without a usable function_name the region rule has nothing to compare with. */
    validate_source_arn(config, st != XA_OK ? NULL
                                : f.region ? f.region : value_attr_string(config, "region"),
                        d);
    arn_lambda_function_cleanup(&f);
}

static void permission_plan(void *meta, const struct value *prior, const struct value *config,
                            struct value *planned, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct arn_lambda_function f;
    const char *fn = value_attr_string(config, "function_name");
    arn_lambda_function_init(&f);
    if (value_is_null(value_attr(config, "region")) && !value_attr_string(prior, "region")) {
        if (fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK && f.region)
            xacct_set_string(planned, "region", f.region);
        else if (m && m->region)
            xacct_set_string(planned, "region", m->region);
    }
    arn_lambda_function_cleanup(&f);
    if (value_is_null(value_attr(config, "qualifier")))
        xacct_set_string(planned, "qualifier", NULL);
    struct permission_target pt, ct;
    if (!value_is_null(prior) && permission_target(prior, m ? m->region : NULL, &pt) &&
        permission_target(planned, m ? m->region : NULL, &ct) &&
        permission_same_function(&pt, &ct, m ? m->account_id : NULL)) {
        /* Name vs ARN, qualifier inside function_name vs qualifier: one function. Keep
         * the prior spelling (Terraform accepts the prior value for a configured one). */
        xacct_set_string(planned, "function_name", value_attr_string(prior, "function_name"));
        xacct_set_string(planned, "qualifier", value_attr_string(prior, "qualifier"));
        xacct_path_list_remove(rr, "function_name");
        xacct_path_list_remove(rr, "qualifier");
    }
    const char *sid = value_attr_string(planned, "statement_id");
    if (sid)
        xacct_set_string(planned, "id", sid);
    else if (value_is_null(prior))
        xacct_set_unknown(planned, "id");
    if (value_is_null(prior) && permission_target(planned, m ? m->region : NULL, &ct) && m &&
        m->account_id && m->account_id[0] && ct.account[0] && strcmp(ct.account, m->account_id) != 0)
        diag_error_attr(d, "function_name", "Wrong provider for this permission",
                        "The function is in account %s but this provider's credentials are "
                        "account %s. A Lambda permission must be created with the function "
                        "account's provider: set provider = the aws/xacct provider configured "
                        "for %s (e.g. through assume_role).", ct.account, m->account_id, ct.account);
}

static struct value *permission_create(void *meta, const struct value *planned,
                                       const struct value *config, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct value *state = NULL;
    struct permission_target t;
    struct lambda_add_permission_resp resp = {0};
    struct lambda_statement s = {0};
    struct aws_error err;
    char *sid = NULL;
    enum xa_status st = XA_EINVAL;
    aws_error_init(&err);
    if (!xacct_client(m, "create the Lambda permission", d) ||
        !permission_target(planned, m->region, &t))
        goto out;
    sid = value_attr_string(planned, "statement_id")
              ? xa_strdup(value_attr_string(planned, "statement_id"))
              : xacct_unique_id(value_attr_string(planned, "statement_id_prefix"));
    const struct lambda_add_permission_req req = {
        .function_name = t.function, .qualifier = t.qualifier, .statement_id = sid,
        .action = value_attr_string(planned, "action"),
        .principal = value_attr_string(planned, "principal"),
        .source_arn = value_attr_string(planned, "source_arn"),
        .source_account = value_attr_string(planned, "source_account"),
        .event_source_token = value_attr_string(planned, "event_source_token"),
        .principal_org_id = value_attr_string(planned, "principal_org_id"),
        .function_url_auth_type = value_attr_string(planned, "function_url_auth_type"),
    };
    xacct_function_lock(m, t.region, t.name);
    for (int attempt = 0; sid; attempt++) {
        aws_error_reset(&err);
        lambda_add_permission_resp_cleanup(&resp);
        st = lambda_add_permission(m->client, t.region, &req, &resp, &err);
        if (st == XA_EAWS && aws_error_is(&err, "ResourceConflictException")) {
            /* Either our own earlier attempt whose answer was lost, another statement
             * with this id, or a function update in progress: look before retrying. */
            enum xa_status fs = find_statement(m, &t, sid, true, &s, &err);
            if (fs == XA_OK) {
                st = statement_matches(&s, &req) ? XA_OK : XA_EAWS;
                break;
            }
            lambda_statement_cleanup(&s);
            if (attempt < 8 && backoff(m, attempt))
                continue;
        }
        break;
    }
    xacct_policy_invalidate(m, t.region, t.function, t.qualifier);
    xacct_function_unlock(m, t.region, t.name);
    if (!sid) {
        diag_error(d, "Cannot create the Lambda permission", "Out of memory.");
        goto out;
    }
    if (st != XA_OK) {
        xacct_aws_diag(d, NULL, "Cannot add Lambda permission", &err,
                       aws_error_is(&err, "AccessDeniedException")
                           ? "The function account's principal needs lambda:AddPermission on the "
                             "function; use the function account's provider."
                       : aws_error_is(&err, "ResourceConflictException")
                           ? "A statement with this id exists and grants something else: choose "
                             "another statement_id or import it."
                           : NULL);
        goto out;
    }
    state = value_clone(planned);
    if (!state || !xacct_set_string(state, "statement_id", sid) ||
        !xacct_set_string(state, "id", sid) ||
        (xacct_attr_unknown(state, "region") && !xacct_set_string(state, "region", t.region)) ||
        (xacct_attr_unknown(state, "qualifier") && !xacct_set_null(state, "qualifier"))) {
        value_free(state);
        state = NULL;
        diag_error(d, "Cannot record the Lambda permission",
                   "Out of memory after statement %s was added.", sid);
        goto out;
    }
    /* Read after create: Lambda's policy is eventually consistent. */
    for (int attempt = 0;; attempt++) {
        lambda_statement_cleanup(&s);
        aws_error_reset(&err);
        st = find_statement(m, &t, sid, true, &s, &err);
        if (st == XA_OK || attempt >= 10 || !backoff(m, attempt))
            break;
    }
    if (st != XA_OK)
        diag_error(d, "Lambda permission not visible",
                   "Statement %s was added to %s but did not appear in the function's policy "
                   "in time. It is recorded in the state; the next plan will show whether it "
                   "exists.", sid, t.function);
out:
    lambda_statement_cleanup(&s);
    lambda_add_permission_resp_cleanup(&resp);
    aws_error_cleanup(&err);
    xa_free(sid);
    return state;
}

static struct value *permission_read(void *meta, const struct value *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct value *next = NULL;
    struct permission_target t;
    struct lambda_statement s = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *sid = value_attr_string(state, "statement_id");
    if (!sid)
        sid = value_attr_string(state, "id");
    if (!xacct_client(m, "read the Lambda permission", d))
        goto out;
    if (!sid || !permission_target(state, m->region, &t)) {
        diag_error(d, "Cannot read the Lambda permission",
                   "The state has no usable function_name or statement_id.");
        goto out;
    }
    enum xa_status st = find_statement(m, &t, sid, false, &s, &err);
    if (st == XA_ENOTFOUND)
        goto out;   /* statement, policy or function gone: null state */
    if (st == XA_EINVAL)
        diag_error(d, "Cannot read the Lambda permission",
                   "The policy of %s is not a policy document this provider can read.", t.function);
    else if (st != XA_OK)
        xacct_aws_diag(d, NULL, "Cannot read the Lambda permission", &err, NULL);
    else if (!(next = permission_state_read(state, &s)) ||
             (!value_attr_string(next, "region") && !xacct_set_string(next, "region", t.region)))
        diag_error(d, "Cannot read the Lambda permission", "Out of memory.");
out:
    lambda_statement_cleanup(&s);
    aws_error_cleanup(&err);
    return next;
}

static void permission_delete(void *meta, const struct value *prior, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct permission_target t;
    struct lambda_statement s = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *sid = value_attr_string(prior, "statement_id");
    if (!xacct_client(m, "delete the Lambda permission", d) || !sid ||
        !permission_target(prior, m->region, &t))
        goto out;
    xacct_function_lock(m, t.region, t.name);
    enum xa_status st = lambda_remove_permission(m->client, t.region, t.function, sid,
                                                 t.qualifier[0] ? t.qualifier : NULL, NULL, &err);
    xacct_policy_invalidate(m, t.region, t.function, t.qualifier);
    xacct_function_unlock(m, t.region, t.name);
    if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "ResourceNotFoundException"))) {
        xacct_aws_diag(d, NULL, "Cannot remove Lambda permission", &err, NULL);
        goto out;
    }
    for (int attempt = 0;; attempt++) {
        lambda_statement_cleanup(&s);
        aws_error_reset(&err);
        st = find_statement(m, &t, sid, true, &s, &err);
        if (st != XA_OK || attempt >= 10 || !backoff(m, attempt))
            break;
    }
    if (st == XA_OK)
        diag_add(d, DIAG_WARNING, NULL, "Lambda permission still visible",
                 "Statement %s was removed from %s but still appears in its policy; Lambda's "
                 "policy is eventually consistent.", sid, t.function);
out:
    lambda_statement_cleanup(&s);
    aws_error_cleanup(&err);
}

static struct value *permission_import(void *meta, const char *id, struct diags *d)
{
    struct value *state = value_new_object(schema_implied_type(&permission_schema.block));
    if (!state || !permission_import_id(state, id)) {
        diag_error(d, "Invalid import ID",
                   "\"%s\" is not a permission ID. Expected FUNCTION_NAME/STATEMENT_ID or "
                   "FUNCTION_NAME:QUALIFIER/STATEMENT_ID, e.g. \"my-function/AllowApiGateway\".",
                   id ? id : "");
        value_free(state);
        return NULL;
    }
    return state;
}

static struct value *permission_upgrade(int64_t version, const char *json, size_t len,
                                        struct diags *d)
{
    if (version < 0 || version > 1) {
        diag_error(d, "Cannot upgrade the permission's state",
                   "Schema version %lld is not one this provider knows (0 or 1).",
                   (long long)version);
        return NULL;
    }
    /* Version 0 lacked region (filled by the next read) and id for old imports. */
    return permission_from_json(&permission_schema.block, json, len, d);
}

static struct value *permission_move(const char *source_provider, const char *source_type,
                                     int64_t source_version, const char *json, size_t len,
                                     struct diags *d)
{
    if (!xacct_move_from_aws("xacct_lambda_permission", "aws_lambda_permission", source_provider,
                             source_type, d))
        return NULL;
    return permission_from_json(&permission_schema.block, json, len, d);
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_lambda_permission_type = {
    .name = "xacct_lambda_permission",
    .schema = &permission_schema,
    .validate = permission_validate,
    .plan = permission_plan,
    .create = permission_create,
    .read = permission_read,
    .update = NULL,   /* every argument requires replacement */
    .delete_ = permission_delete,
    .import = permission_import,
    .upgrade = permission_upgrade,
    .move = permission_move,
};
