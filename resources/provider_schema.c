/* resources/provider_schema.c - the schema of the xacct provider block.
 *
 * The block uses hashicorp/aws's argument names (region, access_key, profile,
 * assume_role, endpoints, ...) so a user can copy an existing aws provider block. Every
 * row points at its field of the typed model (provider_schema.h). Split from
 * provider_block.c so that both it (validation) and provider_client.c (configuration)
 * read the table without depending on each other.
 */
#include <stdlib.h>

#include "core/model.h"
#include "core/schema.h"
#include "resources/provider_schema.h"

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const retry_modes[] = {"standard", "adaptive", NULL};

#define AR(member) MODEL_FIELD(struct provider_assume_role_model, member)
#define WI(member) MODEL_FIELD(struct provider_web_identity_model, member)
#define EP(member) MODEL_FIELD(struct provider_endpoints_model, member)
#define PB(member) MODEL_FIELD(struct provider_block_model, member)
#define BLOCKS(member) MODEL_BLOCKS_FIELD(struct provider_block_model, member)

/* Attribute rows of every block below are sorted by name (core looks them up by bsearch). */
static const struct schema_attribute assume_role_attrs[] = {
    {.name = "duration", .type = &type_string, .flags = ATTR_OPTIONAL, .field = AR(duration),
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$",
                   .message = "must be a duration such as \"1h\" or \"15m\""},
     .description = "Duration of the assumed role session, e.g. `1h` (15m to 12h)."},
    {.name = "external_id", .type = &type_string, .flags = ATTR_OPTIONAL, .field = AR(external_id),
     .validator = {.kind = VALIDATE_LENGTH, .min = 2, .max = 1224,
                   .message = "must be 2 to 1224 characters"},
     .description = "External identifier to use when assuming the role."},
    {.name = "policy", .type = &type_string, .flags = ATTR_OPTIONAL, .field = AR(policy),
     .description = "IAM policy JSON further restricting the session."},
    {.name = "policy_arns", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = AR(policy_arns),
     .description = "ARNs of managed policies further restricting the session."},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_OPTIONAL, .field = AR(role_arn),
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$",
                   .message = "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"},
     .description = "ARN of the IAM role to assume, e.g. the function account's role."},
    {.name = "session_name", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = AR(session_name),
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[A-Za-z0-9_=,.@-]{2,64}$",
                   .message = "must be 2 to 64 characters of letters, digits and _=,.@-"},
     .description = "Session name to use when assuming the role."},
    {.name = "source_identity", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = AR(source_identity),
     .description = "Source identity passed when assuming the role."},
    {.name = "tags", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = AR(tags),
     .description = "Session tags."},
    {.name = "transitive_tag_keys", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = AR(transitive_tag_keys),
     .description = "Session tag keys passed to subsequent sessions."},
};

static const struct schema_block assume_role_block = {
    .attrs = assume_role_attrs,
    .nattrs = sizeof assume_role_attrs / sizeof assume_role_attrs[0],
    .description = "Assume an IAM role (STS AssumeRole) on top of the base credentials. "
                   "Several blocks form a chain: each role is assumed with the credentials "
                   "of the one before.",
    .model_size = sizeof(struct provider_assume_role_model),
};

static const struct schema_attribute web_identity_attrs[] = {
    {.name = "duration", .type = &type_string, .flags = ATTR_OPTIONAL, .field = WI(duration),
     .description = "Duration of the assumed role session, e.g. `1h`."},
    {.name = "policy", .type = &type_string, .flags = ATTR_OPTIONAL, .field = WI(policy),
     .description = "IAM policy JSON further restricting the session."},
    {.name = "policy_arns", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = WI(policy_arns),
     .description = "ARNs of managed policies further restricting the session."},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_OPTIONAL, .field = WI(role_arn),
     .description = "ARN of the IAM role to assume with the web identity token."},
    {.name = "session_name", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = WI(session_name),
     .description = "Session name to use when assuming the role."},
    {.name = "web_identity_token", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .field = WI(web_identity_token),
     .description = "The OAuth 2.0 or OpenID Connect token."},
    {.name = "web_identity_token_file", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = WI(web_identity_token_file),
     .description = "File holding the OAuth 2.0 or OpenID Connect token."},
};

static const struct schema_block web_identity_block = {
    .attrs = web_identity_attrs,
    .nattrs = sizeof web_identity_attrs / sizeof web_identity_attrs[0],
    .description = "Assume an IAM role with a web identity token (STS AssumeRoleWithWebIdentity).",
    .model_size = sizeof(struct provider_web_identity_model),
};

static const struct schema_attribute endpoints_attrs[] = {
    {.name = "apigateway", .type = &type_string, .flags = ATTR_OPTIONAL, .field = EP(apigateway),
     .description = "Endpoint URL for API Gateway."},
    {.name = "lambda", .type = &type_string, .flags = ATTR_OPTIONAL, .field = EP(lambda),
     .description = "Endpoint URL for Lambda."},
    {.name = "sts", .type = &type_string, .flags = ATTR_OPTIONAL, .field = EP(sts),
     .description = "Endpoint URL for STS."},
};

static const struct schema_block endpoints_block = {
    .attrs = endpoints_attrs,
    .nattrs = sizeof endpoints_attrs / sizeof endpoints_attrs[0],
    .description = "Custom endpoints per service (an emulator, LocalStack, a proxy).",
    .model_size = sizeof(struct provider_endpoints_model),
};

static const struct schema_attribute provider_attrs[] = {
    {.name = "access_key", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(access_key),
     .description = "AWS access key id. Prefer the environment or a profile."},
    {.name = "allowed_account_ids", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = PB(allowed_account_ids),
     .description = "Refuse to run unless the credentials belong to one of these accounts."},
    {.name = "custom_ca_bundle", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = PB(custom_ca_bundle),
     .description = "PEM file of certificate authorities to trust."},
    {.name = "forbidden_account_ids", .type = &type_set_string, .flags = ATTR_OPTIONAL,
     .field = PB(forbidden_account_ids),
     .description = "Refuse to run when the credentials belong to one of these accounts."},
    {.name = "http_proxy", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(http_proxy),
     .description = "Proxy URL for HTTP requests."},
    {.name = "https_proxy", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(https_proxy),
     .description = "Proxy URL for HTTPS requests."},
    {.name = "insecure", .type = &type_bool, .flags = ATTR_OPTIONAL, .field = PB(insecure),
     .description = "Skip TLS certificate verification (test endpoints only)."},
    {.name = "max_retries", .type = &type_number, .flags = ATTR_OPTIONAL, .field = PB(max_retries),
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 0, .max = 100,
                   .message = "must be a whole number from 0 to 100"},
     .description = "Maximum attempts of a retryable AWS call (default 25, as hashicorp/aws)."},
    {.name = "no_proxy", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(no_proxy),
     .description = "Comma-separated hosts that bypass the proxy."},
    {.name = "profile", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(profile),
     .description = "Profile of the shared configuration and credentials files."},
    /* No schema validator: skip_region_validation must be able to allow any name, so
     * the client checks the region at configure time. */
    {.name = "region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(region),
     .description = "AWS region (else `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's)."},
    {.name = "retry_mode", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(retry_mode),
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = retry_modes,
                   .message = "must be \"standard\" or \"adaptive\""},
     .description = "Retry mode: `standard` or `adaptive`."},
    {.name = "secret_key", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .field = PB(secret_key),
     .description = "AWS secret access key."},
    {.name = "shared_config_files", .type = &type_list_string, .flags = ATTR_OPTIONAL,
     .field = PB(shared_config_files),
     .description = "Shared configuration files (default `~/.aws/config`)."},
    {.name = "shared_credentials_files", .type = &type_list_string, .flags = ATTR_OPTIONAL,
     .field = PB(shared_credentials_files),
     .description = "Shared credentials files (default `~/.aws/credentials`)."},
    {.name = "skip_credentials_validation", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = PB(skip_credentials_validation),
     .description = "Do not call STS GetCallerIdentity to check the credentials."},
    {.name = "skip_metadata_api_check", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = PB(skip_metadata_api_check),
     .description = "Do not look for credentials in the EC2 instance metadata service."},
    {.name = "skip_region_validation", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = PB(skip_region_validation),
     .description = "Accept region names this provider does not know."},
    {.name = "skip_requesting_account_id", .type = &type_bool, .flags = ATTR_OPTIONAL,
     .field = PB(skip_requesting_account_id),
     .description = "Do not ask STS for the account id; `api_account_id` stays unknown."},
    {.name = "sts_region", .type = &type_string, .flags = ATTR_OPTIONAL, .field = PB(sts_region),
     .description = "Region of the STS endpoint used for assume_role and identity."},
    {.name = "token", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_SENSITIVE,
     .field = PB(token),
     .description = "Session token of temporary credentials."},
};

static const struct schema_nested_block provider_blocks[] = {
    {.name = "assume_role", .nesting = NEST_LIST, .block = &assume_role_block,
     .field = BLOCKS(assume_role)},
    {.name = "assume_role_with_web_identity", .nesting = NEST_LIST, .block = &web_identity_block,
     .max_items = 1, .field = BLOCKS(assume_role_with_web_identity)},
    {.name = "endpoints", .nesting = NEST_LIST, .block = &endpoints_block, .max_items = 1,
     .field = BLOCKS(endpoints)},
};

const struct schema provider_schema = {
    .version = 0,
    .block = {
        .attrs = provider_attrs,
        .nattrs = sizeof provider_attrs / sizeof provider_attrs[0],
        .blocks = provider_blocks,
        .nblocks = sizeof provider_blocks / sizeof provider_blocks[0],
        .description = "xacct wires an API Gateway REST API method to a Lambda function in "
                       "another account and region. Configure one provider per account.",
        .model_size = sizeof(struct provider_block_model),
    },
};

/* ---- Names ------------------------------------------------------------------------- */

const char *provider_schema_nested_name(size_t block_offset, size_t offset)
{
    for (size_t i = 0; i < sizeof provider_blocks / sizeof provider_blocks[0]; i++)
        if (provider_blocks[i].field.offset == block_offset)
            return model_name(provider_blocks[i].block, offset);
    return NULL;
}

bool provider_schema_diag_at(struct diags *d, enum diag_severity severity, const char *name,
                             int64_t i, const char *attr, const char *summary,
                             const char *detail)
{
    struct attr_path p;
    attr_path_init(&p);
    bool ok = attr_path_push_attr(&p, name) && (i < 0 || attr_path_push_index(&p, i)) &&
              (!attr || attr_path_push_attr(&p, attr));
    if (ok)
        diag_add(d, severity, &p, summary, "%s", detail);
    attr_path_cleanup(&p);
    return ok;
}

bool provider_schema_diag(struct diags *d, const char *block, size_t i, const char *attr,
                         const char *summary, const char *detail)
{
    return provider_schema_diag_at(d, DIAG_ERROR, block, (int64_t)i, attr, summary, detail);
}
