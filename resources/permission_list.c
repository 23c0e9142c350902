/* resources/permission_list.c - list "xacct_lambda_permission" (`terraform query`): the
 * statements of one function's resource policy whose principal is API Gateway, however
 * they were made (`lambda add-permission`, the console, hashicorp/aws), optionally only
 * those that let another account's APIs in.
 *
 * Calls: GetPolicy (shared with the resource's reads, resources/caches.c). A function
 * without a policy lists nothing.
 * "Another account": the statement's AWS:SourceAccount condition, else the account of
 * its execute-api source ARN, differs from the function's account. A statement naming
 * no account (a "*" account, or no source at all) is not from another account.
 * Each result is the statement exactly as ReadResource returns it after an import by
 * identity (the function by its bare name, permission_state_read), so the identity, the
 * object and the generated configuration are those an import gives.
 */
#include <string.h>

#include "aws/arn.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "core/list_resource.h"
#include "core/model.h"
#include "resources/caches.h"
#include "resources/meta.h"
#include "resources/permission_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

#define APIGW_PRINCIPAL "apigateway.amazonaws.com"

/* ---- Schema ------------------------------------------------------------------------ */

struct permission_list_model {
    struct model_string function_name;
    struct model_bool other_accounts_only;
    struct model_string qualifier;
    struct model_string region;
};

#define F(member) MODEL_FIELD(struct permission_list_model, member)

static const struct schema_attribute permission_list_attrs[] = {
    {.name = "function_name", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = F(function_name),
     .description = "The function whose policy to read: a name, partial ARN or ARN, "
                    "optionally with `:qualifier`."},
    {.name = "other_accounts_only", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = F(other_accounts_only),
     .description = "Only the statements that let another account's APIs invoke the "
                    "function (cross-account wiring). Default `false`."},
    {.name = "qualifier", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(qualifier),
     .description = "The version or alias whose policy to read; may instead be written in "
                    "`function_name`."},
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = F(region),
     .description = "Region of the function; the provider's by default, or the ARN's."},
};

static const struct schema permission_list_schema = {
    .block = {
        .attrs = permission_list_attrs,
        .nattrs = sizeof permission_list_attrs / sizeof permission_list_attrs[0],
        .description = "Finds the statements of a function's policy that let API Gateway "
                       "invoke it, whoever added them. Use the function account's provider.",
        .model_size = sizeof(struct permission_list_model),
    },
};

/* ---- Listing ------------------------------------------------------------------------ */

/* The account a statement lets in, or NULL when it names none. */
static const char *source_account(const struct lambda_statement *s, struct arn_execute_api *ea)
{
    if (s->source_account)
        return s->source_account;
    if (!s->source_arn || arn_execute_api_parse(s->source_arn, ea, NULL) != XA_OK)
        return NULL;
    return strcmp(ea->account, "*") != 0 ? ea->account : NULL;
}

static bool wanted(const struct lambda_statement *s, bool other_only, const char *fn_account)
{
    if (!s->principal || strcmp(s->principal, APIGW_PRINCIPAL) != 0 ||
        (s->effect && strcmp(s->effect, "Allow") != 0))
        return false;
    struct arn_execute_api ea;
    arn_execute_api_init(&ea);
    const char *from = source_account(s, &ea);
    bool ok = !other_only || (from && fn_account && strcmp(from, fn_account) != 0);
    arn_execute_api_cleanup(&ea);
    return ok;
}

/* One statement to the emitter; false when no more are wanted. */
static bool emit_statement(struct list_emitter *e, const struct permission_target *t,
                           const struct lambda_statement *s, struct diags *d)
{
    struct permission_model pm = {0};
    struct xbuf name;
    xbuf_init(&name);
    bool ok = model_set_string(&pm.function_name, t->name) &&
              model_set_string(&pm.qualifier, t->qualifier[0] ? t->qualifier : NULL) &&
              model_set_string(&pm.region, t->region) && permission_state_read(&pm, s) &&
              xbuf_appendf(&name, "%s%s%s/%s <- %s", t->name, t->qualifier[0] ? ":" : "",
                           t->qualifier, s->sid,
                           s->source_arn ? s->source_arn : "any API Gateway API") == XA_OK;
    bool more = ok && list_emit(e, &pm, xbuf_cstr(&name));
    if (!ok)
        diag_error(d, "Cannot list the Lambda permissions", "Out of memory.");
    model_cleanup(&xacct_lambda_permission_type.schema->block, &pm);
    xbuf_cleanup(&name);
    return more;
}

/* The target of the list's config: the resource's own rules (permission_target). */
static bool list_target(const struct permission_list_model *c, const char *provider_region,
                        struct permission_target *t)
{
    const struct permission_model pm = {.function_name = c->function_name,
                                        .qualifier = c->qualifier, .region = c->region};
    return permission_target(&pm, provider_region, t);
}

static void permission_list(void *meta, const void *config, struct list_emitter *e,
                            struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct permission_list_model *c = config;
    bool other_only = c->other_accounts_only.state == MODEL_KNOWN && c->other_accounts_only.value;
    struct permission_target t = {0};
    struct lambda_statement *sts = NULL;
    size_t n = 0;
    char *policy = NULL;
    struct aws_error err;
    aws_error_init(&err);
    if (!meta_client(m, "list the Lambda permissions", d))
        goto out;
    if (!list_target(c, m->region, &t)) {
        diag_error_attr(d, MODEL_NAME(&permission_list_schema.block, struct permission_list_model,
                                      function_name),
                        "Invalid function name",
                        "\"%s\" is not a Lambda function reference.", c->function_name.value);
        goto out;
    }
    enum xa_status st = caches_policy_get(m, t.region, t.function, t.qualifier, &policy, &err);
    if (st == XA_OK)
        st = lambda_policy_statements(policy, &sts, &n);
    if (st == XA_EINVAL)
        diag_error(d, "Cannot list the Lambda permissions",
                   "The policy of %s is not a policy document this provider can read.",
                   t.function);
    else if (st != XA_OK && st != XA_ENOTFOUND)
        meta_aws_diag(d, NULL, "Cannot list the Lambda permissions", &err, NULL);
    const char *fn_account = t.account[0] ? t.account : m->account_id;
    if (other_only && (!fn_account || !fn_account[0]))
        diag_error(d, "Cannot tell the accounts apart",
                   "other_accounts_only needs the function's account, and neither "
                   "function_name nor this provider configuration says it "
                   "(skip_requesting_account_id?). Give the function's ARN.");
    bool more = !diags_has_error(d);
    for (size_t i = 0; more && i < n; i++)
        if (wanted(&sts[i], other_only, fn_account))
            more = emit_statement(e, &t, &sts[i], d);
out:
    lambda_statements_free(sts, n);
    xa_free(policy);
    permission_target_cleanup(&t);
    aws_error_cleanup(&err);
}

/* ---- The table --------------------------------------------------------------------- */

const struct list_resource_type xacct_lambda_permission_list = {
    .name = "xacct_lambda_permission",
    .schema = &permission_list_schema,
    .list = permission_list,
};
