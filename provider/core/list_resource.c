/* core/list_resource.c - validating and running list resources (see list_resource.h).
 *
 * list_run decodes the configuration into the list type's model, then runs the list
 * function with the configured meta (provider_with_meta). Each list_emit derives the
 * object's identity from the resource type's identity table and, when Terraform asked
 * for objects, encodes the model whole; the emitter counts results against the limit
 * and remembers when the sink wants no more, so a list function only has to stop when
 * list_emit says false.
 */
#include "core/list_resource.h"

#include <stdio.h>
#include <string.h>

#include "core/identity.h"
#include "core/model.h"
#include "core/provider.h"

/* Terraform's default limit of a list block, for a request that sets none. */
#define DEFAULT_LIMIT 100

struct list_emitter {
    const struct resource_type *resource;
    const struct identity_scope *scope;
    const struct list_sink *sink;
    bool include_object;
    int64_t left;               /* results still wanted */
    bool stopped;
    struct diags *d;
};

const struct list_resource_type *list_resource_of(struct provider *p, const char *type_name)
{
    const struct provider_type *pt = provider_get_type(p);
    for (size_t i = 0; pt && type_name && i < pt->nlist_resources; i++)
        if (strcmp(pt->list_resources[i]->name, type_name) == 0)
            return pt->list_resources[i];
    return NULL;
}

static const struct list_resource_type *lookup(struct provider *p, const char *type_name,
                                               struct diags *d)
{
    const struct list_resource_type *l = list_resource_of(p, type_name);
    if (!l)
        diag_error(d, "Unknown list resource type",
                   "The xacct provider has no list resource type \"%s\". It lists "
                   "xacct_lambda_integration and xacct_lambda_permission.",
                   type_name ? type_name : "");
    return l;
}

void list_validate(struct provider *p, const char *type_name, const struct value *config,
                   struct diags *d)
{
    const struct list_resource_type *l = lookup(p, type_name, d);
    if (!l)
        return;
    const struct schema_block *b = &l->schema->block;
    char owner[160];
    snprintf(owner, sizeof owner, "A list block of %s", l->name);
    schema_require_config_block(b, config, owner, d);
    schema_validate(b, config, d);
    if (!l->validate || diags_has_error(d))
        return;
    void *m = model_new(b, config, d);
    if (m)
        l->validate(m, d);
    model_free(b, m);
}

bool list_emit(struct list_emitter *e, const void *model, const char *display_name)
{
    if (e->stopped || e->left <= 0)
        return false;
    const struct schema_block *b = &e->resource->schema->block;
    struct value *id = identity_from_model(e->resource->identity, model, e->scope, e->d);
    struct value *obj = id && e->include_object ? model_encode(b, model, e->d) : NULL;
    bool ok = id && (!e->include_object || obj) &&
              e->sink->result(e->sink->ctx, id, display_name ? display_name : "", obj);
    value_free(id);
    value_free(obj);
    e->left -= ok;
    e->stopped = !ok || e->left <= 0;
    return !e->stopped;
}

struct list_call {
    const struct list_resource_type *l;
    const void *config;
    struct list_emitter *e;
    const struct provider_type *pt;
    struct identity_scope scope;
};

static void run_with_meta(void *meta, void *ctx)
{
    struct list_call *c = ctx;
    if (c->pt->scope && meta)
        c->pt->scope(meta, &c->scope);
    c->l->list(meta, c->config, c->e, c->e->d);
}

void list_run(struct provider *p, const char *type_name, const struct value *config,
              bool include_object, int64_t limit, const struct list_sink *sink,
              struct diags *d)
{
    const struct list_resource_type *l = lookup(p, type_name, d);
    const struct resource_type *r = l ? provider_resource(p, l->name) : NULL;
    if (l && (!r || !r->identity)) {
        diag_bug(d, "List resource without identity",
                 "%s is listed but its resource type has no identity table.", l->name);
        return;
    }
    if (!l)
        return;
    list_validate(p, type_name, config, d);
    if (diags_has_error(d))
        return;
    void *m = model_new(&l->schema->block, config, d);
    struct list_emitter e = {.resource = r, .sink = sink, .include_object = include_object,
                             .left = limit > 0 ? limit : DEFAULT_LIMIT, .d = d};
    struct list_call c = {.l = l, .config = m, .e = &e, .pt = provider_get_type(p)};
    e.scope = &c.scope;
    if (m)
        provider_with_meta(p, run_with_meta, &c, d);
    model_free(&l->schema->block, m);
}
