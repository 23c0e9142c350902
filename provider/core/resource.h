/* core/resource.h - the interface a resource type fills in.
 *
 * The C shape of terraform-plugin-framework's resource: a schema plus lifecycle
 * functions. resources/ defines one `const struct resource_type` per type; main.c hands
 * the list to the provider; core never includes resources/.
 *
 * Every function receives `meta`, the pointer the provider's configure function returned
 * (the configured AWS clients), opaque to core. Functions report problems only through
 * diagnostics. Values passed in are borrowed; values returned belong to the caller.
 */
#ifndef XA_CORE_RESOURCE_H
#define XA_CORE_RESOURCE_H

#include <stdint.h>

#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"

/* Config alone (may contain unknowns): static checks beyond the schema validators. */
typedef void (*resource_validate_fn)(const struct value *config, struct diags *d);

/* Runs after the generic planner (core/plan.h) filled *planned. May replace computed
 * attributes it can know now, and add requires_replace paths. prior is NULL on create. */
typedef void (*resource_plan_fn)(void *meta, const struct value *prior, const struct value *config,
                                 struct value *planned, struct path_list *requires_replace,
                                 struct diags *d);

/* Create: returns the new state, or NULL when nothing was created. When AWS created the
 * object but a later step failed, return the state anyway together with the error so
 * that nothing is lost. */
typedef struct value *(*resource_create_fn)(void *meta, const struct value *planned,
                                            const struct value *config, struct diags *d);
/* Read: the object as AWS holds it, or NULL (with no error) when it is gone. */
typedef struct value *(*resource_read_fn)(void *meta, const struct value *state, struct diags *d);
/* Update: returns the new state; on failure may return the prior state with errors. */
typedef struct value *(*resource_update_fn)(void *meta, const struct value *prior,
                                            const struct value *planned,
                                            const struct value *config, struct diags *d);
/* Delete: "already gone" is success. */
typedef void (*resource_delete_fn)(void *meta, const struct value *prior, struct diags *d);
/* Import: an ID string to a state that read() can refresh. */
typedef struct value *(*resource_import_fn)(void *meta, const char *id, struct diags *d);
/* Upgrade raw JSON state written at an older schema version to the current type. */
typedef struct value *(*resource_upgrade_fn)(int64_t version, const char *json, size_t len,
                                             struct diags *d);
/* MoveResourceState: state of another provider's resource type (JSON) to ours. Returns
 * NULL with an error when the source is not one this type accepts. */
typedef struct value *(*resource_move_fn)(const char *source_provider, const char *source_type,
                                          int64_t source_version, const char *json, size_t len,
                                          struct diags *d);

struct resource_type {
    const char *name;
    const struct schema *schema;
    resource_validate_fn validate;
    resource_plan_fn plan;
    resource_create_fn create;
    resource_read_fn read;
    resource_update_fn update;      /* NULL when every argument requires replacement */
    resource_delete_fn delete_;
    resource_import_fn import;
    resource_upgrade_fn upgrade;
    resource_move_fn move;
};

#endif
