/* resources/provider_client.h - turning the provider block into a configured AWS client.
 *
 * Split from provider.c so that the provider file reads as schema + lifecycle while the
 * long mapping of hashicorp/aws arguments to struct aws_client_config lives here.
 * Ownership: configure fills the caller's zeroed meta; provider_client_free frees the meta
 * and everything in it.
 */
#ifndef XA_RESOURCES_PROVIDER_CLIENT_H
#define XA_RESOURCES_PROVIDER_CLIENT_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/value.h"
#include "resources/xacct.h"

/* false (with an error diagnostic) when the configuration cannot be used at all. Unknown
 * values leave m->unusable_reason set instead of failing. */
bool provider_client_configure(struct xacct_meta *m, const struct value *config,
                               const char *terraform_version, struct diags *d);
void provider_client_stop(struct xacct_meta *m);
void provider_client_free(struct xacct_meta *m);

#endif
