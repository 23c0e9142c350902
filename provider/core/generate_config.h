/* core/generate_config.h - GenerateResourceConfig (Terraform 1.14, protocol 5.10/6.10):
 * the configuration to write for an object that exists (after `terraform query` or an
 * import block with -generate-config-out).
 *
 * Clean configuration is decided from the schema table and the resource's own planner,
 * never per type: computed-only attributes are left out; an optional attribute the
 * provider would compute (optional + computed: defaults, values kept from the state, the
 * provider's region) is left out when planning without it changes nothing and the
 * configuration still validates; of two ways to name one thing, the one the table flags
 * ATTR_GENERATED stays (resource_path rather than resource_id). Arguments and ATTR_GENERATED attributes stay as the state has them.
 * What the protocol cannot carry: references. The answer is a value, and Terraform
 * writes every string of it as a literal; a value another resource in the same
 * configuration computes (an integration's source_arn in a permission) is for the user
 * to turn into a reference (docs/guides/query.md shows how).
 * Ownership: the value returned belongs to the caller.
 */
#ifndef XA_CORE_GENERATE_CONFIG_H
#define XA_CORE_GENERATE_CONFIG_H

#include "core/diag.h"
#include "core/value.h"

struct provider;

/* The configuration for `state` (an object of type_name, as ReadResource returns it);
 * NULL with an error diagnostic. Needs the configured provider (its planner uses it). */
struct value *generate_config(struct provider *p, const char *type_name,
                              const struct value *state, struct diags *d);

#endif
