/* resources/provider.c - the xacct provider block, its configuration and the list of
 * resource types that main.c registers.
 *
 * The provider block uses hashicorp/aws's argument names (region, access_key, profile,
 * assume_role, endpoints, ...) so a user can copy an existing aws provider block. Configure
 * turns it into one struct aws_client (credentials chain, the chain of assume_role blocks,
 * endpoints, retries) and learns the caller's account id, which resources need at plan time.
 * Unknown values at configure time: Terraform sends them when an argument depends on a
 * resource not yet created. We configure what is known and record why AWS cannot be
 * called; every resource call that needs AWS then answers with that reason, while
 * validation and planning of known values keep working (the framework's behaviour).
 * Ownership: configure returns a struct xacct_meta (resources/xacct.h) freed by meta_free.
 */
#include <stdlib.h>
#include <string.h>

#include "core/provider.h"
#include "core/schema.h"
#include "core/value.h"
#include "resources/provider_client.h"
#include "resources/registry.h"
#include "resources/xacct.h"
#include "util/alloc.h"

extern const struct resource_type xacct_lambda_integration_type;
extern const struct resource_type xacct_lambda_permission_type;

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const retry_modes[] = {"standard", "adaptive", NULL};

/* Attribute rows of every block below are sorted by name (core looks them up by bsearch). */
static const struct schema_attribute assume_role_attrs[] = {
    {.name = "duration", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$",
                   .message = "must be a duration such as \"1h\" or \"15m\""},
     .description = "Duration of the assumed role session, e.g. `1h` (15m to 12h)."},
    {.name = "external_id", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_LENGTH, .min = 2, .max = 1224,
                   .message = "must be 2 to 1224 characters"},
     .description = "External identifier to use when assuming the role."},
    {.name = "policy", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "IAM policy JSON further restricting the session."},
    {.name = "policy_arns", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "ARNs of managed policies further restricting the session."},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$",
                   .message = "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"},
     .description = "ARN of the IAM role to assume, e.g. the function account's role."},
    {.name = "session_name", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_=,.@-]{2,64}$",
                   .message = "must be 2 to 64 characters of letters, digits and _=,.@-"},
     .description = "Session name to use when assuming the role."},
    {.name = "source_identity", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Source identity passed when assuming the role."},
    {.name = "tags", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .description = "Session tags."},
    {.name = "transitive_tag_keys", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "Session tag keys passed to subsequent sessions."},
};

static const struct schema_block assume_role_block = {
    .attrs = assume_role_attrs,
    .nattrs = sizeof assume_role_attrs / sizeof assume_role_attrs[0],
    .description = "Assume an IAM role (STS AssumeRole) on top of the base credentials. "
                   "Several blocks form a chain: each role is assumed with the credentials "
                   "of the one before.",
};

static const struct schema_attribute web_identity_attrs[] = {
    {.name = "duration", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Duration of the assumed role session, e.g. `1h`."},
    {.name = "policy", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "IAM policy JSON further restricting the session."},
    {.name = "policy_arns", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "ARNs of managed policies further restricting the session."},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "ARN of the IAM role to assume with the web identity token."},
    {.name = "session_name", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Session name to use when assuming the role."},
    {.name = "web_identity_token", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .description = "The OAuth 2.0 or OpenID Connect token."},
    {.name = "web_identity_token_file", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "File holding the OAuth 2.0 or OpenID Connect token."},
};

static const struct schema_block web_identity_block = {
    .attrs = web_identity_attrs,
    .nattrs = sizeof web_identity_attrs / sizeof web_identity_attrs[0],
    .description = "Assume an IAM role with a web identity token (STS AssumeRoleWithWebIdentity).",
};

static const struct schema_attribute endpoints_attrs[] = {
    {.name = "apigateway", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Endpoint URL for API Gateway."},
    {.name = "lambda", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Endpoint URL for Lambda."},
    {.name = "sts", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Endpoint URL for STS."},
};

static const struct schema_block endpoints_block = {
    .attrs = endpoints_attrs,
    .nattrs = sizeof endpoints_attrs / sizeof endpoints_attrs[0],
    .description = "Custom endpoints per service (an emulator, LocalStack, a proxy).",
};

static const struct schema_attribute provider_attrs[] = {
    {.name = "access_key", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "AWS access key id. Prefer the environment or a profile."},
    {.name = "allowed_account_ids", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "Refuse to run unless the credentials belong to one of these accounts."},
    {.name = "custom_ca_bundle", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "PEM file of certificate authorities to trust."},
    {.name = "forbidden_account_ids", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .description = "Refuse to run when the credentials belong to one of these accounts."},
    {.name = "http_proxy", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Proxy URL for HTTP requests."},
    {.name = "https_proxy", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Proxy URL for HTTPS requests."},
    {.name = "insecure", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .description = "Skip TLS certificate verification (test endpoints only)."},
    {.name = "max_retries", .type = &type_number, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 0, .max = 100,
                   .message = "must be a whole number from 0 to 100"},
     .description = "Maximum attempts of a retryable AWS call (default 25, as hashicorp/aws)."},
    {.name = "no_proxy", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Comma-separated hosts that bypass the proxy."},
    {.name = "profile", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Profile of the shared configuration and credentials files."},
    /* No schema validator: skip_region_validation must be able to allow any name, so
     * the client checks the region at configure time. */
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "AWS region (else `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's)."},
    {.name = "retry_mode", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = retry_modes,
                   .message = "must be \"standard\" or \"adaptive\""},
     .description = "Retry mode: `standard` or `adaptive`."},
    {.name = "secret_key", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .description = "AWS secret access key."},
    {.name = "shared_config_files", .type = &type_list_string, .flags = ATTR_OPTIONAL,
     .description = "Shared configuration files (default `~/.aws/config`)."},
    {.name = "shared_credentials_files", .type = &type_list_string, .flags = ATTR_OPTIONAL,
     .description = "Shared credentials files (default `~/.aws/credentials`)."},
    {.name = "skip_credentials_validation", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .description = "Do not call STS GetCallerIdentity to check the credentials."},
    {.name = "skip_metadata_api_check", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .description = "Do not look for credentials in the EC2 instance metadata service."},
    {.name = "skip_region_validation", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .description = "Accept region names this provider does not know."},
    {.name = "skip_requesting_account_id", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .description = "Do not ask STS for the account id; `api_account_id` stays unknown."},
    {.name = "sts_region", .type = &type_string, .flags = ATTR_OPTIONAL,
     .description = "Region of the STS endpoint used for assume_role and identity."},
    {.name = "token", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .description = "Session token of temporary credentials."},
};

static const struct schema_nested_block provider_blocks[] = {
    {.name = "assume_role", .nesting = NEST_LIST, .block = &assume_role_block},
    {.name = "assume_role_with_web_identity", .nesting = NEST_LIST, .block = &web_identity_block,
     .max_items = 1},
    {.name = "endpoints", .nesting = NEST_LIST, .block = &endpoints_block, .max_items = 1},
};

static const struct schema provider_schema = {
    .version = 0,
    .block = {
        .attrs = provider_attrs,
        .nattrs = sizeof provider_attrs / sizeof provider_attrs[0],
        .blocks = provider_blocks,
        .nblocks = sizeof provider_blocks / sizeof provider_blocks[0],
        .description = "xacct wires an API Gateway REST API method to a Lambda function in "
                       "another account and region. Configure one provider per account.",
    },
};

/* ---- Lifecycle --------------------------------------------------------------------- */

static bool set_nonempty(const struct value *config, const char *name)
{
    const struct value *v = value_attr(config, name);
    return !value_is_null(v) && (value_is_unknown(v) || value_length(v) > 0);
}

static void validate_provider(const struct value *config, struct diags *d)
{
    if (set_nonempty(config, "allowed_account_ids") && set_nonempty(config, "forbidden_account_ids"))
        diag_error_attr(d, "forbidden_account_ids", "Conflicting account restrictions",
                        "\"allowed_account_ids\" and \"forbidden_account_ids\" cannot both be "
                        "set: keep the one that expresses your intent.");
    const char *ak = value_attr_string(config, "access_key");
    const char *sk = value_attr_string(config, "secret_key");
    if ((ak != NULL) != (sk != NULL) &&
        !xacct_attr_unknown(config, "access_key") && !xacct_attr_unknown(config, "secret_key"))
        diag_error_attr(d, ak ? "secret_key" : "access_key", "Incomplete static credentials",
                        "\"access_key\" and \"secret_key\" must be set together.");
    const struct value *ar = value_attr(config, "assume_role");
    for (size_t i = 0; value_is_known(ar) && i < value_length(ar); i++) {
        const struct value *blk = value_index(ar, i);
        if (value_is_known(blk) && value_is_null(value_attr(blk, "role_arn")))
            provider_block_diag(d, "assume_role", i, "role_arn", "Missing role to assume",
                                "An \"assume_role\" block needs \"role_arn\", e.g. "
                                "\"arn:aws:iam::222222222222:role/apigw-invoke\".");
    }
}

static void *configure_provider(const struct value *config, const char *terraform_version,
                                struct diags *d)
{
    struct xacct_meta *m = xa_calloc(1, sizeof *m);
    if (!m) {
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
        return NULL;
    }
    if (!provider_client_configure(m, config, terraform_version, d) || diags_has_error(d)) {
        provider_client_free(m);
        return NULL;
    }
    return m;
}

static void free_meta(void *meta)
{
    provider_client_free(meta);
}

static void stop_provider(void *meta)
{
    provider_client_stop(meta);
}

/* ---- The table --------------------------------------------------------------------- */

static const struct resource_type *const xacct_resources[] = {
    &xacct_lambda_integration_type,
    &xacct_lambda_permission_type,
};

const struct provider_type xacct_provider_type = {
    .name = "xacct",
    .schema = &provider_schema,
    .validate = validate_provider,
    .configure = configure_provider,
    .meta_free = free_meta,
    .stop = stop_provider,
    .resources = xacct_resources,
    .nresources = sizeof xacct_resources / sizeof xacct_resources[0],
};
