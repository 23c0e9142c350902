/* resources/provider_client.h - turning the provider block into a configured AWS client.
 *
 * Split from provider_block.c so that the provider file reads as schema + lifecycle while
 * the long mapping of hashicorp/aws arguments to struct aws_client_config lives here.
 * Ownership: configure fills the caller's zeroed meta; provider_client_free frees the meta
 * and everything in it.
 */
#ifndef XA_RESOURCES_PROVIDER_CLIENT_H
#define XA_RESOURCES_PROVIDER_CLIENT_H

#include <stdbool.h>

#include "core/diag.h"
#include "resources/meta.h"
#include "resources/provider_schema.h"
#include "util/testable.h"

/* false (with an error diagnostic) when the configuration cannot be used at all. Unknown
 * values leave m->unusable_reason set instead of failing. */
bool provider_client_configure(struct xacct_meta *m, const struct provider_block_model *config,
                               const char *terraform_version, struct diags *d);
void provider_client_stop(struct xacct_meta *m);
void provider_client_free(struct xacct_meta *m);

#ifdef XA_TESTING
/* The mapping of the provider block to an aws_client_config, for unit tests: c borrows
 * strings from config and arrays from *b (free with provider_client_borrowed_free, also
 * after a failure). Every assume_role block with a role_arn is one hop, in order. */
struct aws_client_config;
struct borrowed;
bool provider_client_fill(struct aws_client_config *c, struct borrowed **b,
                          const struct provider_block_model *config, struct diags *d);
void provider_client_borrowed_free(struct borrowed *b);
#endif

#endif
