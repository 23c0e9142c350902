/* core/provider.c - the provider model: resource registry, configuration, dispatch.
 *
 * Every provider_* call looks the resource type up by name, checks that the step exists
 * and (for calls that reach AWS) that the provider is configured, then calls the
 * resource function with the configured meta. The meta is published by
 * provider_configure under a write lock; resource calls hold the read lock for their
 * whole duration, so a second configure (which replaces and frees the old meta) waits
 * until no call is using it. glibc's default rwlock prefers readers, so provider_stop,
 * which also reads the meta, is never blocked behind a waiting configure.
 * Errors are diagnostics; pointers returned belong to the caller.
 */
#include "core/provider.h"

#include <pthread.h>
#include <string.h>

#include "core/codec.h"
#include "core/plan.h"
#include "util/alloc.h"

struct provider {
    const struct provider_type *type;
    pthread_rwlock_t lock;
    void *meta;
    bool configured;
};

struct provider *provider_new(const struct provider_type *type)
{
    struct provider *p = type ? xa_calloc(1, sizeof *p) : NULL;
    if (!p)
        return NULL;
    p->type = type;
    if (pthread_rwlock_init(&p->lock, NULL) != 0) {
        xa_free(p);
        return NULL;
    }
    return p;
}

void provider_free(struct provider *p)
{
    if (!p)
        return;
    if (p->meta && p->type->meta_free)
        p->type->meta_free(p->meta);
    pthread_rwlock_destroy(&p->lock);
    xa_free(p);
}

const struct provider_type *provider_get_type(const struct provider *p)
{
    return p ? p->type : NULL;
}

const struct resource_type *provider_resource(const struct provider *p, const char *type_name)
{
    for (size_t i = 0; p && type_name && i < p->type->nresources; i++)
        if (strcmp(p->type->resources[i]->name, type_name) == 0)
            return p->type->resources[i];
    return NULL;
}

/* ---- helpers ---------------------------------------------------------------------- */

static const struct resource_type *lookup(struct provider *p, const char *type_name,
                                          struct diags *d)
{
    const struct resource_type *r = provider_resource(p, type_name);
    if (!r)
        diag_error(d, "Unknown resource type",
                   "The xacct provider has no resource type \"%s\". Check the resource type "
                   "name in the configuration.", type_name ? type_name : "");
    return r;
}

static bool has_step(const struct resource_type *r, const void *fn, const char *step,
                     struct diags *d)
{
    if (!fn)
        diag_error(d, "Not implemented", "xacct: %s does not implement %s yet.", r->name, step);
    return fn != NULL;
}

/* Takes the read lock and returns true when configured; on false the lock is released. */
static bool begin(struct provider *p, struct diags *d)
{
    pthread_rwlock_rdlock(&p->lock);
    if (p->configured)
        return true;
    pthread_rwlock_unlock(&p->lock);
    diag_error(d, "Provider not configured",
               "The xacct provider was called before it was configured (provider not "
               "configured). This is a bug in Terraform or in the xacct provider, please "
               "report it.");
    return false;
}

static void end(struct provider *p) { pthread_rwlock_unlock(&p->lock); }

static struct value *null_of(const struct resource_type *r, struct diags *d)
{
    const struct type *t = schema_implied_type(&r->schema->block);
    struct value *v = t ? value_new_null(t) : NULL;
    if (!v)
        diag_error(d, "Out of memory", "The xacct provider ran out of memory.");
    return v;
}

/* Terraform refuses a result holding unknown values with a message that does not say
 * where; name the first top-level attribute that still holds one. */
static void check_wholly_known(const struct resource_type *r, const struct value *v,
                               const char *step, struct diags *d)
{
    if (value_is_wholly_known(v))
        return;
    const struct type *t = value_type(v);
    const char *where = "(the whole object)";
    for (size_t i = 0; i < t->nattrs && value_is_known(v); i++)
        if (!value_is_wholly_known(value_index(v, i))) {
            where = t->attrs[i].name;
            break;
        }
    diag_bug(d, "Provider returned unknown values",
             "%s: %s left the attribute %s unknown; every value must be known after %s.",
             r->name, step, where, step);
}

/* ---- configuration and validation ------------------------------------------------- */

void provider_validate_config(struct provider *p, const struct value *config, struct diags *d)
{
    if (p->type->schema)
        schema_validate(&p->type->schema->block, config, d);
    if (p->type->validate)
        p->type->validate(config, d);
}

void provider_configure(struct provider *p, const struct value *config,
                        const char *terraform_version, struct diags *d)
{
    void *meta = NULL;
    if (p->type->configure)
        meta = p->type->configure(config, terraform_version, d);
    if (diags_has_error(d) && !meta)
        return;
    pthread_rwlock_wrlock(&p->lock);
    void *old = p->meta;
    p->meta = meta;
    p->configured = true;
    pthread_rwlock_unlock(&p->lock);
    if (old && p->type->meta_free)
        p->type->meta_free(old);
}

void provider_validate_resource(struct provider *p, const char *type_name,
                                const struct value *config, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r)
        return;
    schema_validate(&r->schema->block, config, d);
    if (r->validate)
        r->validate(config, d);
}

/* ---- planning --------------------------------------------------------------------- */

void plan_result_init(struct plan_result *r)
{
    r->planned = NULL;
    path_list_init(&r->requires_replace);
}

void plan_result_cleanup(struct plan_result *r)
{
    value_free(r->planned);
    path_list_cleanup(&r->requires_replace);
    plan_result_init(r);
}

void provider_plan_resource(struct provider *p, const char *type_name, const struct value *prior,
                            const struct value *proposed, const struct value *config,
                            struct plan_result *out, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r)
        return;
    if (value_is_null(config)) {
        out->planned = null_of(r, d);   /* destroy */
        return;
    }
    if (r->plan && !begin(p, d))
        return;
    if (value_is_null(prior))
        prior = NULL;
    out->planned = plan_resource(&r->schema->block, prior, config, &out->requires_replace, d);
    if (out->planned && r->plan) {
        r->plan(p->meta, prior, config, out->planned, &out->requires_replace, d);
    }
    if (r->plan)
        end(p);
    if (diags_has_error(d)) {
        value_free(out->planned);
        out->planned = NULL;
    }
}

/* ---- apply, read, import ---------------------------------------------------------- */

struct value *provider_apply_resource(struct provider *p, const char *type_name,
                                      const struct value *prior, const struct value *planned,
                                      const struct value *config, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    struct value *out = NULL;
    if (!r)
        return NULL;
    bool create = value_is_null(prior), destroy = value_is_null(planned);
    if (create && destroy)
        return null_of(r, d);
    const char *step = create ? "create" : destroy ? "delete" : "update";
    const void *fn = create    ? (const void *)r->create
                     : destroy ? (const void *)r->delete_
                               : (const void *)r->update;
    if (!has_step(r, fn, step, d) || !begin(p, d))
        return create ? null_of(r, d) : value_clone(prior);
    if (create) {
        out = r->create(p->meta, planned, config, d);
        if (!out && !diags_has_error(d))
            diag_bug(d, "Create returned no state", "%s: create returned no state and no error.",
                     r->name);
    } else if (destroy) {
        r->delete_(p->meta, prior, d);
        out = diags_has_error(d) ? value_clone(prior) : null_of(r, d);
    } else {
        out = r->update(p->meta, prior, planned, config, d);
        if (!out && !diags_has_error(d))
            diag_bug(d, "Update returned no state", "%s: update returned no state and no error.",
                     r->name);
        if (!out)
            out = value_clone(prior);
    }
    end(p);
    if (out && !destroy)
        check_wholly_known(r, out, step, d);
    return out ? out : null_of(r, d);
}

struct value *provider_read_resource(struct provider *p, const char *type_name,
                                     const struct value *state, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r)
        return NULL;
    if (value_is_null(state))
        return null_of(r, d);
    if (!has_step(r, (const void *)r->read, "read", d) || !begin(p, d))
        return NULL;
    struct value *out = r->read(p->meta, state, d);
    end(p);
    if (out)
        check_wholly_known(r, out, "read", d);
    /* NULL without an error means "gone"; NULL with one means "no answer" */
    if (!out && diags_has_error(d))
        return NULL;
    return out ? out : null_of(r, d);
}

struct value *provider_import_resource(struct provider *p, const char *type_name,
                                       const char *id, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r || !has_step(r, (const void *)r->import, "import", d) || !begin(p, d))
        return NULL;
    struct value *out = r->import(p->meta, id ? id : "", d);
    end(p);
    return out;
}

/* ---- state upgrade and move ------------------------------------------------------- */

struct value *provider_upgrade_resource(struct provider *p, const char *type_name,
                                        int64_t version, const char *json, size_t len,
                                        struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r)
        return NULL;
    int64_t current = r->schema->version;
    if (version > current) {
        diag_error(d, "Resource state is too new",
                   "The state of this %s was written by a newer version of the xacct provider "
                   "(schema version %lld; this version understands up to %lld). Upgrade the "
                   "provider.", r->name, (long long)version, (long long)current);
        return NULL;
    }
    if (!json || len == 0)
        return null_of(r, d);
    if (version == current) {
        const struct type *t = schema_implied_type(&r->schema->block);
        if (!t) {
            diag_error(d, "Out of memory", "The xacct provider ran out of memory.");
            return NULL;
        }
        return codec_json_decode(json, len, t, true, d);
    }
    if (!r->upgrade) {
        diag_error(d, "Cannot upgrade resource state",
                   "xacct: %s cannot upgrade state from schema version %lld to %lld.", r->name,
                   (long long)version, (long long)current);
        return NULL;
    }
    return r->upgrade(version, json, len, d);
}

struct value *provider_move_resource(struct provider *p, const char *source_provider,
                                     const char *source_type, int64_t source_version,
                                     const char *json, size_t len, const char *target_type,
                                     struct diags *d)
{
    const struct resource_type *r = lookup(p, target_type, d);
    if (!r)
        return NULL;
    if (!r->move) {
        diag_error(d, "Cannot move resource state",
                   "xacct: resources of type \"%s\" (provider %s) cannot be moved into %s.",
                   source_type ? source_type : "", source_provider ? source_provider : "",
                   r->name);
        return NULL;
    }
    return r->move(source_provider ? source_provider : "", source_type ? source_type : "",
                   source_version, json, len, d);
}

void provider_stop(struct provider *p)
{
    pthread_rwlock_rdlock(&p->lock);
    /* Also before the first configure has published a meta: the type may have work of a
     * configure in flight to cancel. */
    if (p->type->stop)
        p->type->stop(p->meta);
    pthread_rwlock_unlock(&p->lock);
}
