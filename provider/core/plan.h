/* core/plan.h - the generic planner (DESIGN.md "Planning rules").
 *
 * From prior state, configuration and the schema it builds the planned state that
 * Terraform core will accept (objchange.AssertPlanValid) and the list of paths that
 * require replacement:
 *   1. configured values are planned as configured (unknown stays unknown);
 *   2. unset computed attributes: create -> default if any, else unknown; update -> prior
 *      value when it keeps state (ATTR_KEEP_STATE_WHEN_UNKNOWN or nothing else changed),
 *      else unknown;
 *   3. a change to an ATTR_REQUIRES_REPLACE attribute adds its path;
 *   4. optional attributes with a default and null config are planned as the default.
 * The resource's plan function then refines computed values it can know at plan time.
 * Resource schemas have no nested blocks; a block with some is refused (a bug).
 * Ownership: *planned is a new value for the caller; requires_replace is appended to.
 */
#ifndef XA_CORE_PLAN_H
#define XA_CORE_PLAN_H

#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"

/* prior NULL or null = create. config must be non-null (destroy plans are handled by the
 * caller: the answer to a destroy is null). Returns NULL with an error diagnostic on
 * failure. */
struct value *plan_resource(const struct schema_block *b, const struct value *prior,
                            const struct value *config, struct path_list *requires_replace,
                            struct diags *d);

/* The default of an attribute as a value of its type, or NULL when it has none. */
struct value *plan_attribute_default(const struct schema_attribute *a);

#endif
