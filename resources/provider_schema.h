/* resources/provider_schema.h - the xacct provider block as a typed model.
 *
 * The block uses hashicorp/aws's argument names (region, access_key, profile,
 * assume_role, endpoints, ...); provider_schema.c holds its schema table, whose rows point
 * at the fields below; provider_block.c validates a decoded block and provider_client.c
 * turns it into the AWS client.
 * Ownership: core decodes and frees the models; the functions below borrow them.
 */
#ifndef XA_RESOURCES_PROVIDER_SCHEMA_H
#define XA_RESOURCES_PROVIDER_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/model.h"
#include "core/schema.h"

struct provider_assume_role_model {
    struct model_string duration;
    struct model_string external_id;
    struct model_string policy;
    struct model_strings policy_arns;
    struct model_string role_arn;
    struct model_string session_name;
    struct model_string source_identity;
    struct model_string_map tags;
    struct model_strings transitive_tag_keys;
};

struct provider_web_identity_model {
    struct model_string duration;
    struct model_string policy;
    struct model_strings policy_arns;
    struct model_string role_arn;
    struct model_string session_name;
    struct model_string web_identity_token;
    struct model_string web_identity_token_file;
};

struct provider_endpoints_model {
    struct model_string apigateway;
    struct model_string lambda;
    struct model_string sts;
};

struct provider_block_model {
    struct model_string access_key;
    struct model_strings allowed_account_ids;
    struct model_string custom_ca_bundle;
    struct model_strings forbidden_account_ids;
    struct model_string http_proxy;
    struct model_string https_proxy;
    struct model_bool insecure;
    struct model_int64 max_retries;
    struct model_string no_proxy;
    struct model_string profile;
    struct model_string region;
    struct model_string retry_mode;
    struct model_string secret_key;
    struct model_strings shared_config_files;
    struct model_strings shared_credentials_files;
    struct model_bool skip_credentials_validation;
    struct model_bool skip_metadata_api_check;
    struct model_bool skip_region_validation;
    struct model_bool skip_requesting_account_id;
    struct model_string sts_region;
    struct model_string token;
    MODEL_BLOCKS(struct provider_assume_role_model) assume_role;
    MODEL_BLOCKS(struct provider_web_identity_model) assume_role_with_web_identity;
    MODEL_BLOCKS(struct provider_endpoints_model) endpoints;
};

extern const struct schema provider_schema;

/* Attribute names of the block's fields, for diagnostics. */
#define PROVIDER_NAME(member) \
    MODEL_NAME(&provider_schema.block, struct provider_block_model, member)
/* Names of the nested blocks' attributes: PROVIDER_NESTED_NAME(endpoints, struct
 * provider_endpoints_model, sts) is "sts"; NULL when the tables have no such field. */
const char *provider_schema_nested_name(size_t block_offset, size_t offset);
#define PROVIDER_NESTED_NAME(block, type, member)                                        \
    provider_schema_nested_name(offsetof(struct provider_block_model, block),           \
                                offsetof(type, member))
#define PROVIDER_ROLE_NAME(member) \
    PROVIDER_NESTED_NAME(assume_role, struct provider_assume_role_model, member)

/* A diagnostic at name[i].attr (an argument of a nested block, e.g. assume_role[1].role_arn),
 * at name[i] when attr is NULL (an element of a list argument, e.g. shared_config_files[0])
 * or at name when i is also negative (a top-level argument); false on allocation failure.
 * provider_schema_diag is the error at block[i].attr. */
bool provider_schema_diag_at(struct diags *d, enum diag_severity severity, const char *name,
                             int64_t i, const char *attr, const char *summary,
                             const char *detail);
bool provider_schema_diag(struct diags *d, const char *block, size_t i, const char *attr,
                          const char *summary, const char *detail);

#endif
