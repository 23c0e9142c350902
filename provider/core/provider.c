/* core/provider.c - the provider model: resource registry, configuration, dispatch.
 *
 * Every provider_* call looks the resource type up by name, checks that the step exists
 * and (for calls that reach AWS) that the provider is configured, decodes the values
 * into the resource's typed models (core/model.h), calls the resource function with the
 * configured meta and encodes the model it got back. Equivalent spellings are applied
 * around planning and reading here (core/equivalence.h), not in the resources.
 * The meta is published by provider_configure under a write lock; resource calls hold the read lock for their
 * whole duration, so a second configure (which replaces and frees the old meta) waits
 * until no call is using it. glibc's default rwlock prefers readers, so provider_stop,
 * which also reads the meta, is never blocked behind a waiting configure.
 * In debug mode every configuration of the provider reaches this one process, so the
 * first configuration that configures is the only one served; a different one is
 * refused rather than silently replacing the meta other calls rely on.
 * Errors are diagnostics; pointers returned belong to the caller.
 */
#include "core/provider.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/equivalence.h"
#include "core/model.h"
#include "core/plan.h"
#include "util/alloc.h"

struct provider {
    const struct provider_type *type;
    pthread_rwlock_t lock;
    void *meta;
    bool configured;
    bool one_configuration;         /* debug mode: see provider_serve_one_configuration */
    struct value *served_config;    /* the one configuration served, once claimed */
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
    value_free(p->served_config);
    pthread_rwlock_destroy(&p->lock);
    xa_free(p);
}

void provider_serve_one_configuration(struct provider *p)
{
    p->one_configuration = true;
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

bool provider_acquire(struct provider *p, void **meta, struct diags *d)
{
    *meta = NULL;
    if (!begin(p, d))
        return false;
    *meta = p->meta;
    return true;
}

void provider_release(struct provider *p)
{
    end(p);
}

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

/* The typed model of the provider block; NULL when config does not fit it, with the
 * decoder's diagnostic unless the schema's validators already reported an error. */
static void *provider_model(struct provider *p, const struct value *config, struct diags *d)
{
    struct diags decode;
    diags_init(&decode);
    void *m = p->type->schema ? model_new(&p->type->schema->block, config, &decode) : NULL;
    if (!m && !diags_has_error(d))
        diags_move(d, &decode);
    diags_cleanup(&decode);
    return m;
}

void provider_validate_config(struct provider *p, const struct value *config, struct diags *d)
{
    if (p->type->schema)
        schema_validate(&p->type->schema->block, config, d);
    if (!p->type->validate)
        return;
    void *m = provider_model(p, config, d);
    if (m)
        p->type->validate(m, d);
    if (m)
        model_free(&p->type->schema->block, m);
}

/* Debug mode: true when config is the one configuration this process serves; the first
 * one claims it (*claimed_now). Else an error naming the arguments that differ. */
static bool claim_configuration(struct provider *p, const struct value *config,
                                bool *claimed_now, struct diags *d)
{
    char differ[512] = "";
    pthread_rwlock_wrlock(&p->lock);
    *claimed_now = !p->served_config;
    if (*claimed_now)
        p->served_config = value_clone(config);
    bool have = p->served_config != NULL;
    bool same = have && value_equal(p->served_config, config);
    const struct type *t = value_type(config);
    for (size_t i = 0; have && !same && value_is_known(config) &&
                       value_is_known(p->served_config) && i < t->nattrs; i++) {
        if (!value_equal(value_index(p->served_config, i), value_index(config, i)))
            snprintf(differ + strlen(differ), sizeof differ - strlen(differ), "%s%s",
                     *differ ? ", " : "", t->attrs[i].name);
    }
    pthread_rwlock_unlock(&p->lock);
    if (!have)
        diag_error(d, "Out of memory", "The xacct provider ran out of memory.");
    else if (!same)
        diag_error(d, "One provider configuration per debug process",
                   "This xacct process was started with -debug and already serves another "
                   "provider \"xacct\" block (they differ in: %s). Terraform and OpenTofu "
                   "send every configuration of the provider to the one process named in "
                   "TF_REATTACH_PROVIDERS, and this process answers for one configuration "
                   "only, so that no plan is made with another block's account and region. "
                   "To debug a root module with two provider blocks, such as the tutorial's "
                   "api and function, restart the debug process and either debug only one "
                   "of them (e.g. terraform plan -target=xacct_lambda_integration.hello, "
                   "whose resources use only the api block), or run one debug process per "
                   "configuration, each with a root module that holds only that "
                   "configuration's resources.", *differ ? differ : "their values");
    return have && same;
}

/* Debug mode: a configuration that failed is not the one served. */
static void release_configuration(struct provider *p)
{
    pthread_rwlock_wrlock(&p->lock);
    value_free(p->served_config);
    p->served_config = NULL;
    pthread_rwlock_unlock(&p->lock);
}

void provider_configure(struct provider *p, const struct value *config,
                        const char *terraform_version, struct diags *d)
{
    bool claimed_now = false;
    if (p->one_configuration && !claim_configuration(p, config, &claimed_now, d))
        return;
    void *meta = NULL;
    if (p->type->configure) {
        void *m = provider_model(p, config, d);
        if (m || !p->type->schema)
            meta = p->type->configure(m, terraform_version, d);
        if (m)
            model_free(&p->type->schema->block, m);
    }
    if (diags_has_error(d) && !meta) {
        if (claimed_now)
            release_configuration(p);
        return;
    }
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
    const struct schema_block *b = &r->schema->block;
    schema_validate(b, config, d);
    if (!r->validate)
        return;
    /* A value that does not fit its field was just reported by the schema's validators;
     * say it again only when they did not. */
    struct diags decode;
    diags_init(&decode);
    void *m = model_new(b, config, &decode);
    if (m)
        r->validate(m, d);
    else if (!diags_has_error(d))
        diags_move(d, &decode);
    model_free(b, m);
    diags_cleanup(&decode);
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

/* The configuration with every value equivalent to the prior's written as the prior's
 * (what the generic planner plans); NULL with a diagnostic on failure. */
static struct value *effective_config(struct provider *p, const struct schema_block *b,
                                      const struct value *prior, const void *prior_model,
                                      const struct value *config, const void *config_model,
                                      struct diags *d)
{
    struct value *eff = value_clone(config);
    if (!eff || equivalence_keep_prior(b, prior, prior_model, eff, config_model, p->meta) < 0) {
        diag_error(d, "Out of memory", "The xacct provider ran out of memory.");
        value_free(eff);
        eff = NULL;
    }
    return eff;
}

/* The generic plan, then the resource's plan function on the models: the prior, the
 * configuration as written (not respelled: a plan function may need to tell) and the
 * plan. */
static struct value *plan_models(struct provider *p, const struct resource_type *r,
                                 const struct value *prior, const struct value *config,
                                 struct path_list *rr, struct diags *d)
{
    const struct schema_block *b = &r->schema->block;
    struct value *planned = NULL, *eff = NULL;
    void *pm = prior ? model_new(b, prior, d) : NULL;
    void *cm = model_new(b, config, d);
    void *plm = NULL;
    if ((prior && !pm) || !cm)
        goto out;
    if (!(eff = effective_config(p, b, prior, pm, config, cm, d)))
        goto out;
    planned = plan_resource(b, prior, eff, rr, d);
    if (!planned || !r->plan)
        goto out;
    plm = model_new(b, planned, d);
    value_free(planned);
    planned = NULL;
    if (!plm)
        goto out;
    r->plan(p->meta, pm, cm, plm, rr, d);
    planned = model_encode(b, plm, d);
out:
    model_free(b, pm);
    model_free(b, cm);
    model_free(b, plm);
    value_free(eff);
    return planned;
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
    /* Equivalences read the meta when there is one; a plan function needs it. */
    if (r->plan ? !begin(p, d) : pthread_rwlock_rdlock(&p->lock) != 0)
        return;
    out->planned = plan_models(p, r, value_is_null(prior) ? NULL : prior, config,
                               &out->requires_replace, d);
    end(p);
    if (diags_has_error(d)) {
        value_free(out->planned);
        out->planned = NULL;
    }
}

/* ---- apply, read, import ---------------------------------------------------------- */

/* The new state of a create or update: the resource function with its models. *done
 * says whether the resource reported a change in AWS. */
static struct value *apply_models(struct provider *p, const struct resource_type *r,
                                  const struct value *prior, const struct value *planned,
                                  const struct value *config, bool *done, struct diags *d)
{
    const struct schema_block *b = &r->schema->block;
    void *pm = prior ? model_new(b, prior, d) : NULL;
    void *cm = model_new(b, config, d);
    void *sm = model_new(b, planned, d);
    struct value *out = NULL;
    *done = false;
    if ((!prior || pm) && cm && sm)
        *done = prior ? r->update(p->meta, pm, cm, sm, d) : r->create(p->meta, cm, sm, d);
    if (*done)
        out = model_encode(b, sm, d);
    model_free(b, pm);
    model_free(b, cm);
    model_free(b, sm);
    return out;
}

static void delete_model(struct provider *p, const struct resource_type *r,
                         const struct value *prior, struct diags *d)
{
    void *pm = model_new(&r->schema->block, prior, d);
    if (pm)
        r->delete_(p->meta, pm, d);
    model_free(&r->schema->block, pm);
}

struct value *provider_apply_resource(struct provider *p, const char *type_name,
                                      const struct value *prior, const struct value *planned,
                                      const struct value *config, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    struct value *out = NULL;
    if (!r)
        return NULL;
    bool create = value_is_null(prior), destroy = value_is_null(planned), done = false;
    if (create && destroy)
        return null_of(r, d);
    const char *step = create ? "create" : destroy ? "delete" : "update";
    const void *fn = create    ? (const void *)r->create
                     : destroy ? (const void *)r->delete_
                               : (const void *)r->update;
    if (!has_step(r, fn, step, d) || !begin(p, d))
        return create ? null_of(r, d) : value_clone(prior);
    if (destroy) {
        delete_model(p, r, prior, d);
        out = diags_has_error(d) ? value_clone(prior) : null_of(r, d);
    } else {
        out = apply_models(p, r, create ? NULL : prior, planned, config, &done, d);
        if (!done && !diags_has_error(d))
            diag_bug(d, create ? "Create returned no state" : "Update returned no state",
                     "%s: %s returned no state and no error.", r->name, step);
        if (!out && !create)
            out = value_clone(prior);
    }
    end(p);
    if (out && !destroy)
        check_wholly_known(r, out, step, d);
    return out ? out : null_of(r, d);
}

/* The refreshed state in the prior's spellings; NULL when gone (see found) or on error. */
static struct value *read_models(struct provider *p, const struct resource_type *r,
                                 const struct value *state, bool *found, struct diags *d)
{
    const struct schema_block *b = &r->schema->block;
    void *prior = model_new(b, state, d);
    void *sm = model_new(b, state, d);
    struct value *out = NULL;
    *found = prior && sm && r->read(p->meta, sm, d);
    if (*found)
        out = model_encode(b, sm, d);
    if (out && equivalence_keep_prior(b, state, prior, out, sm, p->meta) < 0) {
        diag_error(d, "Out of memory", "The xacct provider ran out of memory.");
        value_free(out);
        out = NULL;
    }
    model_free(b, prior);
    model_free(b, sm);
    return out;
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
    bool found;
    struct value *out = read_models(p, r, state, &found, d);
    end(p);
    if (out)
        check_wholly_known(r, out, "read", d);
    /* Not found without an error means "gone"; with one, "no answer" */
    if (!out && (found || diags_has_error(d)))
        return NULL;
    return out ? out : null_of(r, d);
}

struct value *provider_import_resource(struct provider *p, const char *type_name,
                                       const char *id, struct diags *d)
{
    const struct resource_type *r = lookup(p, type_name, d);
    if (!r || !has_step(r, (const void *)r->import, "import", d) || !begin(p, d))
        return NULL;
    void *sm = model_new(&r->schema->block, NULL, d);
    struct value *out = NULL;
    if (sm && r->import(p->meta, id ? id : "", sm, d))
        out = model_encode(&r->schema->block, sm, d);
    model_free(&r->schema->block, sm);
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
    void *sm = model_new(&r->schema->block, NULL, d);
    struct value *out = NULL;
    if (sm && r->upgrade(version, json, len, sm, d))
        out = model_encode(&r->schema->block, sm, d);
    model_free(&r->schema->block, sm);
    return out;
}

/* Is the source the type the resource adopts, from its provider (any registry host)? */
static bool move_source_ok(const struct resource_type *r, const char *source_provider,
                           const char *source_type, struct diags *d)
{
    const struct resource_move_source *m = &r->move_from;
    size_t plen = strlen(source_provider), alen = m->provider ? strlen(m->provider) : 0;
    if (m->type && strcmp(source_type, m->type) == 0 && alen && plen >= alen &&
        strcmp(source_provider + plen - alen, m->provider) == 0)
        return true;
    diag_error(d, "Unsupported move", "%s can adopt the state of %s's %s only, not %s's %s.",
               r->name, m->provider ? m->provider : "?", m->type ? m->type : "?",
               source_provider, source_type);
    return false;
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
    if (!move_source_ok(r, source_provider ? source_provider : "?",
                        source_type ? source_type : "?", d))
        return NULL;
    void *sm = model_new(&r->schema->block, NULL, d);
    struct value *out = NULL;
    if (sm && r->move(json, len, sm, d))
        out = model_encode(&r->schema->block, sm, d);
    model_free(&r->schema->block, sm);
    return out;
}

void provider_stop(struct provider *p)
{
    pthread_rwlock_rdlock(&p->lock);
    if (p->meta && p->type->stop)
        p->type->stop(p->meta);
    pthread_rwlock_unlock(&p->lock);
}
