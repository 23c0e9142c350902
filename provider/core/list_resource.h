/* core/list_resource.h - list resources (`terraform query`, Terraform 1.14, protocol
 * 5.10/6.10): finding the objects of a resource type that exist in AWS, whoever made them.
 *
 * A list resource type is a table beside the resource type it finds, of the same kind:
 * its name is the resource type's, its schema is the list block's `config` block with a
 * typed model (core/model.h), and one function lists. The list function reads AWS and
 * hands each object it finds to list_emit as a model of the *resource's* struct, filled
 * the way the resource's read fills it, with a short display name. Core does the rest
 * from the tables: the identity (core/identity.h, so the type must have one), the whole
 * object when Terraform asks for it, the limit, and stopping when Terraform goes away.
 * Adding a list resource is one table entry and one function (resources/integration_list.c, resources/permission_list.c).
 * Not here: the stream of events (tfproto/list_rpcs.c).
 * Ownership: models handed to list_emit stay the caller's; values handed to the sink are
 * borrowed for the call.
 */
#ifndef XA_CORE_LIST_RESOURCE_H
#define XA_CORE_LIST_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/resource.h"
#include "core/schema.h"
#include "core/value.h"

struct provider;
struct list_emitter;

/* One object found: `model` is a model of the resource's struct (borrowed), display_name
 * what `terraform query` shows for it. false when no more are wanted (the limit is
 * reached, Terraform went away, or the object could not be sent): stop listing. */
bool list_emit(struct list_emitter *e, const void *model, const char *display_name);

/* Lists into e; config is a model of the list type's schema. Problems go to d: an error
 * ends the listing (what was emitted stands). */
typedef void (*list_fn)(void *meta, const void *config, struct list_emitter *e,
                        struct diags *d);

struct list_resource_type {
    const char *name;                   /* the resource type it finds */
    const struct schema *schema;        /* the list block's `config`; block.model_size */
    resource_validate_fn validate;      /* config alone, beyond the validators; may be NULL */
    list_fn list;
};

/* Where the results go (tfproto/list_rpcs.c): identity and display name of each, and the
 * whole object when asked for (else NULL). false: stop. */
struct list_sink {
    bool (*result)(void *ctx, const struct value *identity, const char *display_name,
                   const struct value *object);
    void *ctx;
};

/* The list type of that name, or NULL. */
const struct list_resource_type *list_resource_of(struct provider *p, const char *type_name);

/* ValidateListResourceConfig: config as Terraform sends it (null when the list block has
 * no config block). */
void list_validate(struct provider *p, const char *type_name, const struct value *config,
                   struct diags *d);

/* ListResource: at most `limit` results (limit <= 0: none) to sink. */
void list_run(struct provider *p, const char *type_name, const struct value *config,
              bool include_object, int64_t limit, const struct list_sink *sink,
              struct diags *d);

#endif
