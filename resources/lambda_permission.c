/* resources/lambda_permission.c - xacct_lambda_permission: one statement of a Lambda
 * function's resource policy, managed with the function account's provider.
 *
 * AWS object: the statement (Sid = statement_id) that lets a principal, here API Gateway
 * with the integration's execute-api source ARN, invoke the function.
 * Calls: Create -> AddPermission, serialised per function inside the process (Lambda
 * loses statements added in parallel to one policy); then GetPolicy until the statement
 * is visible. Read -> GetPolicy (shared by concurrent reads of one function,
 * resources/caches.c), find the statement by Sid, map Condition and Principal back.
 * Delete -> RemovePermission (not found is success), then GetPolicy until the statement
 * is gone. No update: every argument replaces. The waits and the AddPermission conflict
 * handling are aws/'s (aws/lambda_wait.c): jittered, bounded, ended by StopProvider.
 * Lost answers: an AddPermission retried after its answer was lost meets "already
 * exists"; when the existing statement is ours (same principal and source) that is success.
 * When the last attempt may have been carried out and no look at the policy can tell
 * (retries spent, StopProvider), create returns the planned statement with its id and
 * the error, so that Terraform keeps it as tainted and removes it on the next apply.
 * Equivalent forms (the schema's equivalences, applied by core): a function given by
 * name, partial ARN or ARN, its qualifier in function_name or in qualifier; an account id
 * and its root ARN as the principal.
 * ID: the statement id. Import: FUNCTION_NAME/STATEMENT_ID or
 * FUNCTION_NAME:QUALIFIER/STATEMENT_ID (hashicorp/aws's formats). Identity: hashicorp/aws's
 * attributes (function_name - the bare name -, qualifier, statement_id, account_id,
 * region), a table core derives from; permission_list.c lists statements.
 * Schema version 1 (version 0 had no region); MoveResourceState accepts hashicorp/aws's
 * aws_lambda_permission.
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "aws/arn.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/resource.h"
#include "resources/caches.h"
#include "resources/meta.h"
#include "resources/permission_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

#define APIGW_PRINCIPAL "apigateway.amazonaws.com"
#define FUNCTION_FORMS "Give a function name, a partial ARN (ACCOUNT:function:NAME) or a full " \
                       "Lambda function ARN, each with an optional :QUALIFIER."

/* ---- Equivalent forms --------------------------------------------------------------- */

static bool same_function(const struct schema_attribute *a, const void *prior, const void *next,
                          const void *ctx);
static bool same_principal(const struct schema_attribute *a, const void *prior, const void *next,
                           const void *ctx);

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const url_auth_types[] = {"AWS_IAM", "NONE", NULL};

#define F_OPT_RR (ATTR_OPTIONAL | ATTR_REQUIRES_REPLACE)
#define F_OPT_COMP_RR (ATTR_OPTIONAL | ATTR_COMPUTED | ATTR_REQUIRES_REPLACE)
#define F(member) MODEL_FIELD(struct permission_model, member)

static const struct schema_attribute permission_attrs[] = {
    {.name = "action", .type = &type_string, .flags = F_OPT_COMP_RR,
     .default_json = "\"lambda:InvokeFunction\"",
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^(lambda:[A-Za-z*]+|\\*)$",
                   .message = "must be a Lambda action such as \"lambda:InvokeFunction\""},
     .field = F(action),
     .description = "The action granted (default `lambda:InvokeFunction`)."},
    {.name = "event_source_token", .type = &type_string, .flags = F_OPT_RR,
     .field = F(event_source_token),
     .description = "Event source token (Alexa Smart Home)."},
    {.name = "function_name", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .equivalent = same_function, .field = F(function_name),
     .description = "Function name, ARN or partial ARN, optionally with `:qualifier`. A name "
                    "and the ARN of the same function are the same function."},
    {.name = "function_url_auth_type", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = url_auth_types,
                   .message = "must be AWS_IAM or NONE"},
     .field = F(function_url_auth_type),
     .description = "Function URL auth type, for `lambda:InvokeFunctionUrl`."},
    {.name = "id", .type = &type_string,
     .flags = ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN, .field = F(id),
     .description = "The statement id."},
    {.name = "principal", .type = &type_string, .flags = F_OPT_COMP_RR,
     .default_json = "\"" APIGW_PRINCIPAL "\"",
     .equivalent = same_principal, .field = F(principal),
     .description = "Who may invoke: a service (default `apigateway.amazonaws.com`), an "
                    "account id or an IAM ARN."},
    {.name = "principal_org_id", .type = &type_string, .flags = F_OPT_RR,
     .field = F(principal_org_id),
     .description = "AWS Organizations id the principal must belong to."},
    {.name = "qualifier", .type = &type_string, .flags = F_OPT_COMP_RR, .field = F(qualifier),
     .description = "Version or alias; may instead be written in `function_name`."},
    {.name = "region", .type = &type_string,
     .flags = F_OPT_COMP_RR | ATTR_KEEP_STATE_WHEN_UNKNOWN, .field = F(region),
     .description = "Region of the function; the provider's by default, or the ARN's."},
    {.name = "source_account", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[0-9]{12}$",
                   .message = "must be a 12-digit account id"},
     .field = F(source_account),
     .description = "Account that owns the source (the API account)."},
    {.name = "source_arn", .type = &type_string, .flags = F_OPT_RR, .field = F(source_arn),
     .description = "The execute-api ARN allowed to invoke; use the integration's `source_arn`."},
    {.name = "statement_id", .type = &type_string,
     .flags = F_OPT_COMP_RR | ATTR_KEEP_STATE_WHEN_UNKNOWN | ATTR_GENERATED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,100}$",
                   .message = "must be 1 to 100 letters, digits, '-' or '_'"},
     .field = F(statement_id),
     .description = "Statement id; generated when absent."},
    {.name = "statement_id_prefix", .type = &type_string, .flags = F_OPT_RR,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_-]{1,58}$",
                   .message = "must be 1 to 58 letters, digits, '-' or '_'"},
     .field = F(statement_id_prefix),
     .description = "Prefix of a generated statement id."},
};

static const struct schema permission_schema = {
    .version = 1,
    .block = {
        .attrs = permission_attrs,
        .nattrs = sizeof permission_attrs / sizeof permission_attrs[0],
        .description = "Lets API Gateway (or another principal) invoke a Lambda function. "
                       "Use the function account's provider.",
        .model_size = sizeof(struct permission_model),
    },
};

/* The attribute name of a model member, for diagnostics and requires_replace. */
#define NAME(member) MODEL_NAME(&permission_schema.block, struct permission_model, member)

/* ---- Identity ---------------------------------------------------------------------- */

static bool identity_function(const struct identity_attribute *a, const void *model,
                              const struct identity_scope *scope, struct model_string *out);

/* hashicorp/aws's identity of aws_lambda_permission (its attribute names and its
 * required_for_import choices), derived by core from these rows (core/identity.h). The
 * function is named once: by its bare name, with the qualifier and region apart, however
 * function_name spells it. */
static const struct identity_attribute permission_identity_attrs[] = {
    {.name = "account_id", .value = identity_account,
     .description = "Account of the function: the provider's."},
    {.name = "function_name", .required_for_import = true, .field = F(function_name),
     .value = identity_function, .description = "The function's name (not its ARN)."},
    {.name = "qualifier", .field = F(qualifier), .value = identity_function,
     .description = "The version or alias whose policy holds the statement, if any."},
    {.name = "region", .field = F(region), .value = identity_function,
     .description = "Region of the function; the provider's by default."},
    {.name = "statement_id", .required_for_import = true, .field = F(statement_id),
     .description = "The statement id (Sid)."},
};

static const struct identity_schema permission_identity = {
    .version = 0,
    .attrs = permission_identity_attrs,
    .nattrs = sizeof permission_identity_attrs / sizeof permission_identity_attrs[0],
};

/* ---- Conversions ------------------------------------------------------------------- */

void permission_target_cleanup(struct permission_target *t)
{
    xa_free(t->function);
    xa_free(t->qualifier);
    xa_free(t->region);
    xa_free(t->account);
    xa_free(t->name);
    *t = (struct permission_target){0};
}

/* Where a permission's calls go: the function without qualifier, the qualifier from
 * either place, the region from the ARN, else the resource's, else the provider's.
 * false (t empty) when function_name is not a function reference or memory runs out. */
bool permission_target(const struct permission_model *m, const char *provider_region,
                       struct permission_target *t)
{
    struct arn_lambda_function f;
    const char *fn = m->function_name.value, *q = m->qualifier.value;
    const char *region = m->region.value;
    *t = (struct permission_target){0};
    arn_lambda_function_init(&f);
    bool ok = fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK;
    if (ok) {
        t->function = xa_strndup(fn, strlen(fn) - (f.qualifier ? strlen(f.qualifier) + 1 : 0));
        t->qualifier = xa_strdup(q ? q : f.qualifier ? f.qualifier : "");
        t->region = xa_strdup(f.region ? f.region
                              : region ? region
                                       : provider_region ? provider_region : "");
        t->account = xa_strdup(f.account ? f.account : "");
        t->name = xa_strdup(f.name);
        ok = t->function && t->qualifier && t->region && t->account && t->name;
    }
    if (!ok)
        permission_target_cleanup(t);
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

/* function_name: a name, a partial ARN and an ARN of one function (with the qualifier in
 * either place) are one. A next value without a region is where the prior is (the
 * planner keeps the prior's region), else in the provider's. */
static bool same_function(const struct schema_attribute *a, const void *prior, const void *next,
                          const void *ctx)
{
    const struct xacct_meta *m = ctx;
    const struct permission_model *p = prior;
    const char *region = m ? m->region : NULL;
    struct permission_target pt = {0}, nt = {0};
    bool same = permission_target(p, region, &pt) &&
                permission_target(next, p->region.value ? p->region.value : region, &nt) &&
                permission_same_function(&pt, &nt, m ? m->account_id : NULL);
    permission_target_cleanup(&pt);
    permission_target_cleanup(&nt);
    return same;
}

/* principal: "123456789012" and "arn:aws:iam::123456789012:root" are one principal. */
static bool same_principal(const struct schema_attribute *a, const void *prior, const void *next,
                           const void *ctx)
{
    const struct permission_model *p = prior, *n = next;
    return arn_same_principal(p->principal.value, n->principal.value);
}

/* The function_name, qualifier and region rows of the identity: one spelling of the
 * function (its bare name, the qualifier from either place, the ARN's region, else the
 * resource's, else the provider's), so that a name and an ARN give one identity. */
static bool identity_function(const struct identity_attribute *a, const void *model,
                              const struct identity_scope *scope, struct model_string *out)
{
    const struct permission_model *m = model;
    const struct model_string *f = MODEL_AT_CONST(model, a);
    struct permission_target t = {0};
    if (m->function_name.state == MODEL_UNKNOWN || f->state == MODEL_UNKNOWN) {
        model_set_unknown(out);
        return true;
    }
    if (!permission_target(m, scope ? scope->region : NULL, &t))
        return model_set_string(out, f->state == MODEL_KNOWN ? f->value : NULL);
    const char *v = f == &m->function_name ? t.name : f == &m->qualifier ? t.qualifier : t.region;
    bool ok = model_set_string(out, v && v[0] ? v : NULL);
    permission_target_cleanup(&t);
    return ok;
}

/* The statement as AWS holds it, in place of the prior state m (core keeps the prior's
 * spelling of equivalent values). */
bool permission_state_read(struct permission_model *m, const struct lambda_statement *s)
{
    return model_set_string(&m->action, s->action) &&
           model_set_string(&m->principal, s->principal) &&
           model_set_string(&m->source_arn, s->source_arn) &&
           model_set_string(&m->source_account, s->source_account) &&
           model_set_string(&m->event_source_token, s->event_source_token) &&
           model_set_string(&m->principal_org_id, s->principal_org_id) &&
           model_set_string(&m->function_url_auth_type, s->function_url_auth_type) &&
           model_set_string(&m->statement_id, s->sid) && model_set_string(&m->id, s->sid);
}

XA_TESTABLE bool permission_import_id(struct permission_model *m, const char *id)
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
        ok = model_set_string(&m->qualifier, f.qualifier);
    }
    ok = ok && model_set_string(&m->function_name, fn) &&
         model_set_string(&m->statement_id, slash + 1) && model_set_string(&m->id, slash + 1);
    xa_free(fn);
    arn_lambda_function_cleanup(&f);
    return ok;
}

/* Raw JSON state to ours: attributes we do not have are dropped, and AWS-provider empty
 * strings too (hashicorp/aws stores "" for unset optional strings). */
static bool permission_from_json(const char *json, size_t len, struct permission_model *m,
                                 struct diags *d)
{
    enum xa_status st = model_from_json(&permission_schema.block, json, len, m, d);
    if (st == XA_EINVAL)
        diag_error(d, "Cannot read the stored permission", "The state is not a JSON object.");
    if (st != XA_OK)
        return false;
    model_empty_to_null(&permission_schema.block, m);
    if (!m->id.value && m->statement_id.value && !model_set_string(&m->id, m->statement_id.value)) {
        diag_error(d, "Cannot read the stored permission", "Out of memory.");
        return false;
    }
    return true;
}

/* Generated statement ids: prefix (NULL = "terraform-") + a unique suffix; caller frees.
 * hashicorp/aws's id.PrefixedUniqueId: a UTC timestamp to the 100 ns and a process-wide
 * counter, so ids sort by creation and never collide inside one process. */
XA_TESTABLE char *permission_unique_id(const char *prefix)
{
    static atomic_uint counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    unsigned c = atomic_fetch_add(&counter, 1) + 1;
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = xbuf_appendf(&b, "%s%04d%02d%02d%02d%02d%02d%07ld%08x",
                                     prefix ? prefix : "terraform-", tm.tm_year + 1900,
                                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                                     ts.tv_nsec / 100, c);
    char *id = st == XA_OK ? xbuf_take(&b) : NULL;
    xbuf_cleanup(&b);
    return id;
}

/* Looks statement sid up in the function's policy (shared GetPolicy, caches.c).
 * XA_OK: found, *s filled; XA_ENOTFOUND: statement, policy or function absent. */
static enum xa_status find_statement(struct xacct_meta *m, const struct permission_target *t,
                                     const char *sid, struct lambda_statement *s,
                                     struct aws_error *err)
{
    char *policy = NULL;
    enum xa_status st = caches_policy_get(m, t->region, t->function, t->qualifier, &policy, err);
    if (st == XA_OK)
        st = lambda_policy_find_statement(policy, sid, s);
    xa_free(policy);
    return st;
}

/* ---- Lifecycle --------------------------------------------------------------------- */

/* For API Gateway, source_arn must be an execute-api ARN (a method's or an authorizer's);
 * anything else could never match a call. Static: checked at validate time. */
static void validate_source_arn(const struct permission_model *c, struct diags *d)
{
    const char *principal = c->principal.value, *src = c->source_arn.value;
    bool principal_null = c->principal.state == MODEL_NULL;
    if (!src || !(principal_null || (principal && strcmp(principal, APIGW_PRINCIPAL) == 0)))
        return;
    struct arn_execute_api ea;
    const char *why = NULL;
    enum xa_status st = arn_execute_api_parse(src, &ea, &why);
    if (st == XA_ENOMEM)
        diag_error(d, "Cannot validate the permission", "Out of memory.");
    else if (st != XA_OK)
        diag_error_attr(d, NAME(source_arn), "Not an execute-api ARN",
                        "For principal " APIGW_PRINCIPAL ", source_arn must be the API's "
                        "execute-api ARN, e.g. \"arn:aws:execute-api:us-east-1:111111111111:"
                        "a1b2c3d4e5/*/GET/\" (the integration's source_arn); \"%s\" would never "
                        "match a call from API Gateway (%s).", src, why ? why : "not an ARN");
    arn_execute_api_cleanup(&ea);
}

/* The region rule, at plan time when the function's region is known (its ARN's, the
 * resource's or the provider's): an authorizer's source ARN must name the function's
 * region (aws/arn.h); a method's names the API's, which the permission cannot know. */
static void plan_source_arn_region(const struct permission_model *p, const char *fregion,
                                   struct diags *d)
{
    const char *principal = p->principal.value, *src = p->source_arn.value;
    struct arn_execute_api ea;
    if (!src || !fregion || !principal || strcmp(principal, APIGW_PRINCIPAL) != 0 ||
        arn_execute_api_parse(src, &ea, NULL) != XA_OK)
        return;
    const char *want = arn_source_arn_region(ARN_SOURCE_AUTHORIZER, NULL, fregion);
    if (ea.authorizer_id && strcmp(ea.region, "*") != 0 && strcmp(ea.region, want) != 0)
        diag_warning_attr(d, NAME(source_arn), "Source ARN region cannot match the function",
                          "source_arn is the authorizer ARN of region %s but the authorizer's "
                          "function is in %s. When a Lambda authorizer's function is in another "
                          "region, API Gateway calls it with a source ARN in the function's "
                          "region (AWS: \"Configure a cross-account API Gateway Lambda "
                          "authorizer\"), so this statement never matches. Use the "
                          "xacct_lambda_authorizer's source_arn attribute.", ea.region, want);
    arn_execute_api_cleanup(&ea);
}

static void permission_validate(const void *config, struct diags *d)
{
    const struct permission_model *c = config;
    struct arn_lambda_function f;
    const char *why = NULL;
    const char *fn = c->function_name.value, *q = c->qualifier.value;
    arn_lambda_function_init(&f);
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &f, &why) : XA_EINVAL;
    if (st == XA_ENOMEM)
        diag_error(d, "Cannot validate the permission", "Out of memory.");
    else if (fn && st != XA_OK)
        diag_error_attr(d, NAME(function_name), "Invalid function name",
                        "\"%s\" is not a Lambda function reference: %s. " FUNCTION_FORMS,
                        fn, why ? why : "unrecognised form");
    if (st == XA_OK && q && f.qualifier && strcmp(q, f.qualifier) != 0)
        diag_error_attr(d, NAME(qualifier), "Conflicting qualifiers",
                        "function_name \"%s\" already names qualifier \"%s\", but qualifier is "
                        "\"%s\". Give the qualifier in one place only.", fn, f.qualifier, q);
    if (c->statement_id.state != MODEL_NULL && c->statement_id_prefix.state != MODEL_NULL)
        diag_error_attr(d, NAME(statement_id_prefix), "Conflicting statement ids",
                        "Give \"statement_id\" or \"statement_id_prefix\", not both.");
    const char *qual = q ? q : st == XA_OK ? f.qualifier : NULL;
    if (qual && strcmp(qual, "$LATEST") == 0)
        diag_error_attr(d, q ? NAME(qualifier) : NAME(function_name), "$LATEST cannot be granted",
                        "Lambda refuses a resource-policy statement for the $LATEST qualifier "
                        "(AddPermission answers InvalidParameterValueException). Grant the "
                        "unqualified function, which $LATEST uses, or a published version or "
                        "alias.");
    validate_source_arn(c, d);
    arn_lambda_function_cleanup(&f);
}

/* An unset qualifier: null, unless function_name was planned as the prior's spelling (an
 * equivalent form), which goes together with the prior's qualifier. A qualifier that
 * goes away replaces the permission (every argument does). */
static bool plan_qualifier(const struct permission_model *prior, const struct permission_model *c,
                           struct permission_model *p, struct path_list *rr)
{
    bool respelled = prior && c->function_name.value && p->function_name.value &&
                     strcmp(c->function_name.value, p->function_name.value) != 0;
    if (c->qualifier.state != MODEL_NULL)
        return true;
    if (respelled)
        return model_set_string(&p->qualifier, prior->qualifier.value);
    model_take_string(&p->qualifier, NULL);
    return !prior || !prior->qualifier.value || path_list_add_attr(rr, NAME(qualifier));
}

static void permission_plan(void *meta, const void *prior_model, const void *config,
                            void *planned, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct permission_model *prior = prior_model, *c = config;
    struct permission_model *p = planned;
    struct arn_lambda_function f;
    bool ok = true;
    arn_lambda_function_init(&f);
    if (c->region.state == MODEL_NULL && !(prior && prior->region.value)) {
        const char *fn = c->function_name.value;
        if (fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK && f.region)
            ok &= model_set_string(&p->region, f.region);
        else if (m && m->region)
            ok &= model_set_string(&p->region, m->region);
    }
    arn_lambda_function_cleanup(&f);
    ok &= plan_qualifier(prior, c, p, rr);
    if (p->statement_id.value)
        ok &= model_set_string(&p->id, p->statement_id.value);
    else if (!prior)
        model_set_unknown(&p->id);
    if (!ok)
        diag_error(d, "Cannot plan the Lambda permission", "Out of memory.");
    struct permission_target t = {0};
    bool have_target = permission_target(p, m ? m->region : NULL, &t);
    if (have_target && t.region[0])
        plan_source_arn_region(p, t.region, d);
    if (!prior && m && m->account_id && m->account_id[0] && have_target &&
        t.account[0] && strcmp(t.account, m->account_id) != 0)
        diag_error_attr(d, NAME(function_name), "Wrong provider for this permission",
                        "The function is in account %s but this provider's credentials are "
                        "account %s. A Lambda permission must be created with the function "
                        "account's provider: set provider = the aws/xacct provider configured "
                        "for %s (e.g. through assume_role).", t.account, m->account_id, t.account);
    permission_target_cleanup(&t);
}

/* The Lambda statement as created: the id, and what the plan left unknown. */
static bool record_created(struct permission_model *s, const char *sid, const char *region)
{
    bool ok = model_set_string(&s->statement_id, sid) && model_set_string(&s->id, sid);
    if (s->region.state == MODEL_UNKNOWN)
        ok = ok && model_set_string(&s->region, region);
    if (s->qualifier.state == MODEL_UNKNOWN)
        model_take_string(&s->qualifier, NULL);
    model_unknowns_to_null(&permission_schema.block, s);
    return ok;
}

/* The error of an AddPermission that did not succeed, with what to do about it: a
 * statement id in use by another statement (at statement_id), a statement that may exist
 * all the same, or a refusal. */
static void add_failed(struct diags *d, const struct aws_error *err, enum xa_status st,
                       enum lambda_add_outcome outcome, const char *sid)
{
    struct xbuf remedy;
    xbuf_init(&remedy);
    if (outcome == LAMBDA_ADD_SID_TAKEN) {
        meta_aws_diag(d, NAME(statement_id), "Statement id already in use", err,
                      "Another statement of the function's policy has this id and grants "
                      "something else. Choose another statement_id (or leave it out to have one "
                      "generated) or remove that statement; to manage it with Terraform "
                      "instead, import it as FUNCTION_NAME/STATEMENT_ID.");
    } else if (outcome == LAMBDA_ADD_UNKNOWN) {
        bool ok = xbuf_appendf(&remedy, "Statement %s may have been added all the same: %s. It "
                               "is kept in the state as tainted: the next apply removes it if "
                               "it exists and adds it again.", sid,
                               st == XA_ECANCELED ? "the provider was stopped before Lambda "
                                                    "answered"
                                                  : "what became of an attempt is unknown, and "
                                                    "a look at the function's policy could not "
                                                    "confirm it") == XA_OK;
        meta_aws_diag(d, NULL, "Lambda permission not confirmed", err,
                      ok ? xbuf_cstr(&remedy) : NULL);
    } else if (aws_error_is(err, "PolicyLengthExceededException")) {
        meta_aws_diag(d, NAME(source_arn), "The function's resource policy is full", err,
                      "Lambda keeps a function's resource policy under 20 KB, about 50 to 80 "
                      "statements of one method each. Grant the whole API with one statement "
                      "instead: source_arn = the integration's api_source_arn (every stage, "
                      "method and path of the API), one xacct_lambda_permission per API, and "
                      "remove the per-method statements; or remove statements that are no "
                      "longer used (aws lambda get-policy lists them).");
    } else {
        meta_aws_diag(d, NULL, "Cannot add Lambda permission", err,
                      aws_error_is(err, "AccessDeniedException")
                          ? "The function account's principal needs lambda:AddPermission on the "
                            "function; use the function account's provider."
                      : aws_error_is(err, "ResourceConflictException")
                          ? "Lambda kept answering that the function is being updated or that "
                            "the statement id is in use, and the policy did not show this "
                            "statement. Apply again, or choose another statement_id."
                          : NULL);
    }
    xbuf_cleanup(&remedy);
}

static bool permission_create(void *meta, const void *config, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct permission_model *s = state;
    struct permission_target t = {0};
    struct lambda_statement visible = {0};
    struct aws_error err;
    bool created = false;
    char *sid = NULL;
    aws_error_init(&err);
    if (!meta_client(m, "create the Lambda permission", d) || !permission_target(s, m->region, &t))
        goto out;
    sid = s->statement_id.value ? xa_strdup(s->statement_id.value)
                                : permission_unique_id(s->statement_id_prefix.value);
    if (!sid) {
        diag_error(d, "Cannot create the Lambda permission", "Out of memory.");
        goto out;
    }
    const struct lambda_add_permission_req req = {
        .function_name = t.function, .qualifier = t.qualifier, .statement_id = sid,
        .action = s->action.value, .principal = s->principal.value,
        .source_arn = s->source_arn.value, .source_account = s->source_account.value,
        .event_source_token = s->event_source_token.value,
        .principal_org_id = s->principal_org_id.value,
        .function_url_auth_type = s->function_url_auth_type.value,
    };
    enum lambda_add_outcome outcome;
    caches_function_lock(m, t.region, t.name);
    enum xa_status st = lambda_add_permission_settled(m->client, t.region, &req, &outcome, &err);
    caches_policy_invalidate(m, t.region, t.function, t.qualifier);
    caches_function_unlock(m, t.region, t.name);
    if (st != XA_OK)
        add_failed(d, &err, st, outcome, sid);
    /* A statement that may exist stays in state with the error: Terraform taints it. */
    if (st != XA_OK && outcome != LAMBDA_ADD_UNKNOWN)
        goto out;
    created = true;
    if (!record_created(s, sid, t.region)) {
        diag_error(d, "Cannot record the Lambda permission",
                   "Out of memory after statement %s was added.", sid);
        goto out;
    }
    if (st != XA_OK)
        goto out;
    /* Read after create: Lambda's policy is eventually consistent. */
    const struct lambda_statement_ref ref = {.function = t.function, .qualifier = t.qualifier,
                                             .sid = sid};
    if (lambda_wait_statement(m->client, t.region, &ref, &visible, &err) != XA_OK)
        diag_error(d, "Lambda permission not visible",
                   "Statement %s was added to %s but did not appear in the function's policy "
                   "in time. It is recorded in the state; the next plan will show whether it "
                   "exists.", sid, t.function);
out:
    lambda_statement_cleanup(&visible);
    permission_target_cleanup(&t);
    aws_error_cleanup(&err);
    xa_free(sid);
    return created;
}

static bool permission_read(void *meta, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct permission_model *s = state;
    struct permission_target t = {0};
    struct lambda_statement st_aws = {0};
    struct aws_error err;
    bool found = false;
    aws_error_init(&err);
    const char *sid = s->statement_id.value ? s->statement_id.value : s->id.value;
    if (!meta_client(m, "read the Lambda permission", d))
        goto out;
    if (!sid || !permission_target(s, m->region, &t)) {
        diag_error(d, "Cannot read the Lambda permission",
                   "The state has no usable function_name or statement_id.");
        goto out;
    }
    enum xa_status st = find_statement(m, &t, sid, &st_aws, &err);
    if (st == XA_ENOTFOUND)
        goto out;   /* statement, policy or function gone: null state */
    if (st == XA_EINVAL)
        diag_error(d, "Cannot read the Lambda permission",
                   "The policy of %s is not a policy document this provider can read.", t.function);
    else if (st != XA_OK)
        meta_aws_diag(d, NULL, "Cannot read the Lambda permission", &err, NULL);
    else if (!(found = permission_state_read(s, &st_aws) &&
                       (s->region.value || model_set_string(&s->region, t.region))))
        diag_error(d, "Cannot read the Lambda permission", "Out of memory.");
out:
    lambda_statement_cleanup(&st_aws);
    permission_target_cleanup(&t);
    aws_error_cleanup(&err);
    return found;
}

static void permission_delete(void *meta, const void *prior, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct permission_model *pr = prior;
    struct permission_target t = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *sid = pr->statement_id.value;
    if (!meta_client(m, "delete the Lambda permission", d) || !sid ||
        !permission_target(pr, m->region, &t))
        goto out;
    caches_function_lock(m, t.region, t.name);
    enum xa_status st = lambda_remove_permission(m->client, t.region, t.function, sid,
                                                 t.qualifier[0] ? t.qualifier : NULL, NULL, &err);
    caches_policy_invalidate(m, t.region, t.function, t.qualifier);
    caches_function_unlock(m, t.region, t.name);
    if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "ResourceNotFoundException"))) {
        meta_aws_diag(d, NULL, "Cannot remove Lambda permission", &err, NULL);
        goto out;
    }
    const struct lambda_statement_ref ref = {.function = t.function, .qualifier = t.qualifier,
                                             .sid = sid};
    if (lambda_wait_statement_gone(m->client, t.region, &ref, &err) == XA_ETIMEDOUT)
        diag_add(d, DIAG_WARNING, NULL, "Lambda permission still visible",
                 "Statement %s was removed from %s but still appears in its policy; Lambda's "
                 "policy is eventually consistent.", sid, t.function);
out:
    permission_target_cleanup(&t);
    aws_error_cleanup(&err);
}

static bool permission_import(void *meta, const char *id, void *state, struct diags *d)
{
    if (permission_import_id(state, id))
        return true;
    diag_error(d, "Invalid import ID",
               "\"%s\" is not a permission ID. Expected FUNCTION_NAME/STATEMENT_ID or "
               "FUNCTION_NAME:QUALIFIER/STATEMENT_ID, e.g. \"my-function/AllowApiGateway\".",
               id ? id : "");
    return false;
}

static bool permission_upgrade(int64_t version, const char *json, size_t len, void *state,
                               struct diags *d)
{
    if (version < 0 || version > 1) {
        diag_error(d, "Cannot upgrade the permission's state",
                   "Schema version %lld is not one this provider knows (0 or 1).",
                   (long long)version);
        return false;
    }
    /* Version 0 lacked region (filled by the next read) and id for old imports. */
    return permission_from_json(json, len, state, d);
}

static bool permission_move(const char *json, size_t len, void *state, struct diags *d)
{
    return permission_from_json(json, len, state, d);
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_lambda_permission_type = {
    .name = "xacct_lambda_permission",
    .schema = &permission_schema,
    .identity = &permission_identity,
    .validate = permission_validate,
    .plan = permission_plan,
    .create = permission_create,
    .read = permission_read,
    .update = NULL,   /* every argument requires replacement */
    .delete_ = permission_delete,
    .import = permission_import,
    .upgrade = permission_upgrade,
    .move_from = {.provider = "hashicorp/aws", .type = "aws_lambda_permission"},
    .move = permission_move,
};
