/* core/provider.h - the provider model: its configuration and the registry of resource
 * types, independent of protocol version and of AWS.
 *
 * tfproto/ decodes a request, calls one provider_* function with core values, and
 * encodes the answer. The provider type (schema of the provider block, configure
 * function, resource list) is handed in by main.c, so core never includes resources/ or
 * aws/. Concurrency: every function may be called from many threads at once; the
 * configured meta is published once by provider_configure and read by resource calls.
 * Ownership: returned values belong to the caller; inputs are borrowed.
 */
#ifndef XA_CORE_PROVIDER_H
#define XA_CORE_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/resource.h"
#include "core/schema.h"
#include "core/value.h"

struct identity_scope;
struct list_resource_type;
struct function_type;
struct action_type;
struct data_source_type;

struct provider_type {
    const char *name;                       /* "xacct" */
    const struct schema *schema;            /* the provider block; block.model_size is the
                                               size of its typed model (core/model.h) */
    /* Checks beyond the schema's validators; config is the block's typed model. */
    void (*validate)(const void *config, struct diags *d);
    /* Builds the meta handed to resource functions; NULL + error diagnostic on failure.
     * config (the block's typed model) may hold unknown values (Terraform sends them
     * when an argument depends on a resource not yet created). */
    void *(*configure)(const void *config, const char *terraform_version, struct diags *d);
    void (*meta_free)(void *meta);
    /* Cancels in-flight and future waits of meta (StopProvider), and the work of any
     * configure in flight; meta is NULL before a configure has published one.
     * Thread-safe. */
    void (*stop)(void *meta);
    const struct resource_type *const *resources;
    size_t nresources;
    /* Where a configured meta is (its account and region), for identities. */
    void (*scope)(const void *meta, struct identity_scope *out);
    /* Beside the resource types, tables of the same kind: data sources
     * (core/data_source.h), list resources (core/list_resource.h), provider functions
     * (core/function.h), actions (core/action.h). */
    const struct data_source_type *const *data_sources;
    size_t ndata_sources;
    const struct list_resource_type *const *list_resources;
    size_t nlist_resources;
    const struct function_type *const *functions;
    size_t nfunctions;
    const struct action_type *const *actions;
    size_t nactions;
};

struct provider;

struct provider *provider_new(const struct provider_type *type);
void provider_free(struct provider *p);
/* Debug mode (-debug, TF_REATTACH_PROVIDERS): Terraform sends every configuration of the
 * provider to this one process. From now on the first ConfigureProvider's configuration
 * is the only one served: a different one gets an error diagnostic saying how to debug,
 * never the first one's meta. Call before serving. */
void provider_serve_one_configuration(struct provider *p);

const struct provider_type *provider_get_type(const struct provider *p);
/* NULL when no resource of that name exists. */
const struct resource_type *provider_resource(const struct provider *p, const char *type_name);

/* Each function below adds an error diagnostic naming the missing piece when the resource
 * type is unknown, the provider is not configured, or the resource lacks the function. */
void provider_validate_config(struct provider *p, const struct value *config, struct diags *d);
void provider_configure(struct provider *p, const struct value *config,
                        const char *terraform_version, struct diags *d);
void provider_validate_resource(struct provider *p, const char *type_name,
                                const struct value *config, struct diags *d);

struct plan_result {
    struct value *planned;              /* NULL on error; a null value for a destroy */
    struct path_list requires_replace;
};
void plan_result_init(struct plan_result *r);
void plan_result_cleanup(struct plan_result *r);

/* prior/config/proposed as Terraform sends them (null values, not NULL pointers). */
void provider_plan_resource(struct provider *p, const char *type_name, const struct value *prior,
                            const struct value *proposed, const struct value *config,
                            struct plan_result *out, struct diags *d);
/* Create, update or delete depending on prior/planned nullness. Returns the new state
 * (a null value after a delete); never NULL unless allocation failed. */
struct value *provider_apply_resource(struct provider *p, const char *type_name,
                                      const struct value *prior, const struct value *planned,
                                      const struct value *config, struct diags *d);
/* Returns the refreshed state, or a null value when the object is gone; NULL (with an
 * error diagnostic) when the read failed. */
struct value *provider_read_resource(struct provider *p, const char *type_name,
                                     const struct value *state, struct diags *d);
struct value *provider_import_resource(struct provider *p, const char *type_name,
                                       const char *id, struct diags *d);
/* Raw JSON state of schema `version` to the current schema. */
struct value *provider_upgrade_resource(struct provider *p, const char *type_name,
                                        int64_t version, const char *json, size_t len,
                                        struct diags *d);
struct value *provider_move_resource(struct provider *p, const char *source_provider,
                                     const char *source_type, int64_t source_version,
                                     const char *json, size_t len, const char *target_type,
                                     struct diags *d);
/* For the features beside the resource lifecycle, in their own files (identities, list
 * resources, actions): runs fn(meta, ctx) with the configured meta, held for the call.
 * false when the provider is not configured, with an error diagnostic when d is not
 * NULL (fn is then not called). */
bool provider_with_meta(struct provider *p, void (*fn)(void *meta, void *ctx), void *ctx,
                        struct diags *d);

/* StopProvider: cancels in-flight work; the provider keeps serving. */
void provider_stop(struct provider *p);

#endif
