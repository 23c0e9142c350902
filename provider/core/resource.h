/* core/resource.h - the interface a resource type fills in.
 *
 * The C shape of terraform-plugin-framework's resource: a schema plus lifecycle
 * functions. resources/ defines one `const struct resource_type` per type; main.c hands
 * the list to the provider; core never includes resources/.
 *
 * Typed models: the schema's block declares the size of the resource's model struct and
 * each row its field (core/model.h). Core decodes every value Terraform sends into a
 * model before calling a function below and encodes the model it gets back, so resource
 * code reads and sets fields (m->function_arn) and never sees a struct value. Every
 * `void *` model below is a model of the resource's struct; `const` ones are read-only.
 *
 * Every function receives `meta`, the pointer the provider's configure function returned
 * (the configured AWS clients), opaque to core. Functions report problems only through
 * diagnostics. Models passed in are borrowed; core frees them after the call.
 */
#ifndef XA_CORE_RESOURCE_H
#define XA_CORE_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/schema.h"

/* Config alone (fields may be unknown): static checks beyond the schema validators. */
typedef void (*resource_validate_fn)(const void *config, struct diags *d);

/* Runs after the generic planner (core/plan.h) filled *planned, where configured values
 * equivalent to the prior's are already planned as the prior's (core/equivalence.h);
 * config is the configuration as written. May set computed fields it can know now and
 * add requires_replace paths. prior is NULL on create. */
typedef void (*resource_plan_fn)(void *meta, const void *prior, const void *config,
                                 void *planned, struct path_list *requires_replace,
                                 struct diags *d);

/* Create: *state holds the plan on entry and the new state on return. Returns true when
 * the object exists in AWS - also when a later step failed (return true together with
 * the error, so that nothing is lost); false when nothing was created. */
typedef bool (*resource_create_fn)(void *meta, const void *config, void *state,
                                   struct diags *d);
/* Read: *state holds the prior state on entry and the object as AWS holds it on return.
 * Returns false without an error when the object is gone, false with one when there is
 * no answer. */
typedef bool (*resource_read_fn)(void *meta, void *state, struct diags *d);
/* Update: *state holds the plan on entry and the new state on return. Returns false when
 * nothing changed in AWS (core answers the prior state, with the errors). */
typedef bool (*resource_update_fn)(void *meta, const void *prior, const void *config,
                                   void *state, struct diags *d);
/* Delete: "already gone" is success. */
typedef void (*resource_delete_fn)(void *meta, const void *prior, struct diags *d);
/* Import: an ID string to a state (every field null on entry) that read can refresh.
 * Returns false, with an error, when the ID is not one. */
typedef bool (*resource_import_fn)(void *meta, const char *id, void *state, struct diags *d);
/* Raw JSON state written at an older schema version into *state (every field null on
 * entry; core/model.h's model_from_json reads it). false, with an error, on failure. */
typedef bool (*resource_upgrade_fn)(int64_t version, const char *json, size_t len,
                                    void *state, struct diags *d);
/* MoveResourceState: raw JSON state of resource_type.move_from into *state, as upgrade. */
typedef bool (*resource_move_fn)(const char *json, size_t len, void *state, struct diags *d);

/* The other provider's resource type whose state this type adopts (a `moved` block). */
struct resource_move_source {
    const char *provider;       /* "hashicorp/aws": the end of the source provider address */
    const char *type;           /* "aws_lambda_permission" */
};

struct identity_schema;

struct resource_type {
    const char *name;
    const struct schema *schema;    /* schema->block.model_size: the model struct's size */
    const struct identity_schema *identity;  /* core/identity.h; NULL: no identity */
    resource_validate_fn validate;
    resource_plan_fn plan;
    resource_create_fn create;
    resource_read_fn read;
    resource_update_fn update;      /* NULL when every argument requires replacement */
    resource_delete_fn delete_;
    resource_import_fn import;
    resource_upgrade_fn upgrade;
    struct resource_move_source move_from;
    resource_move_fn move;
};

#endif
