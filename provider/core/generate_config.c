/* core/generate_config.c - configuration from a state (see generate_config.h).
 *
 * Start from the state without its computed-only attributes, then try each optional +
 * computed attribute in table order (ATTR_GENERATED ones excepted): null it, and keep it
 * null when the configuration still validates and the provider's plan for it, with the
 * state as the prior, is the state itself with nothing to replace - exactly what
 * `terraform plan` after the import will do. Passes repeat until one leaves nothing more
 * out (at most one pass per attribute). Each try is one in-memory plan; nothing here
 * calls AWS.
 */
#include "core/generate_config.h"

#include "core/provider.h"
#include "core/schema.h"

/* Does config validate and plan to no change from state? */
static bool plans_no_change(struct provider *p, const char *type_name, const struct value *state,
                            const struct value *config)
{
    struct diags d;
    struct plan_result pr;
    diags_init(&d);
    plan_result_init(&pr);
    provider_validate_resource(p, type_name, config, &d);
    if (!diags_has_error(&d))
        provider_plan_resource(p, type_name, state, config, config, &pr, &d);
    bool same = !diags_has_error(&d) && pr.planned && pr.requires_replace.len == 0 &&
                value_equal(pr.planned, state);
    plan_result_cleanup(&pr);
    diags_cleanup(&d);
    return same;
}

static bool set_null(struct value *obj, const struct schema_attribute *a)
{
    return value_object_set(obj, a->name, value_new_null(a->type));
}

/* Leaves attribute a out of config when that changes nothing (*left_out set); false on
 * allocation failure. */
static bool try_leaving_out(struct provider *p, const char *type_name, const struct value *state,
                            struct value *config, const struct schema_attribute *a,
                            bool *left_out)
{
    const struct value *v = value_attr(config, a->name);
    if (!(a->flags & ATTR_OPTIONAL) || !(a->flags & ATTR_COMPUTED) ||
        (a->flags & ATTR_GENERATED) || value_is_null(v))
        return true;
    struct value *kept = value_clone(v);
    if (!kept || !set_null(config, a)) {
        value_free(kept);
        return false;
    }
    if (!plans_no_change(p, type_name, state, config))
        return value_object_set(config, a->name, kept);
    value_free(kept);
    *left_out = true;
    return true;
}

static void nothing(void *meta, void *ctx) {}

struct value *generate_config(struct provider *p, const char *type_name,
                              const struct value *state, struct diags *d)
{
    const struct resource_type *r = provider_resource(p, type_name);
    /* The planner needs the configured provider (its region and account): without it
     * every try would fail and nothing would be left out. */
    if (!provider_with_meta(p, nothing, NULL, d))
        return NULL;
    if (!r || !value_is_known(state) || !value_is_wholly_known(state)) {
        diag_error(d, "Cannot generate configuration",
                   r ? "The state to generate configuration from is null or not wholly known."
                     : "The xacct provider has no resource type of that name.");
        return NULL;
    }
    const struct schema_block *b = &r->schema->block;
    struct value *config = value_clone(state);
    bool ok = config != NULL;
    for (size_t i = 0; ok && i < b->nattrs; i++)
        if (!(b->attrs[i].flags & (ATTR_REQUIRED | ATTR_OPTIONAL)))
            ok = set_null(config, &b->attrs[i]);
    /* Until a pass leaves out nothing more: leaving one attribute out can make another's
     * absence valid (of resource_id and resource_path only one may be given). */
    for (bool more = true; ok && more;) {
        more = false;
        for (size_t i = 0; ok && i < b->nattrs; i++)
            ok = try_leaving_out(p, type_name, state, config, &b->attrs[i], &more);
    }
    if (!ok) {
        diag_error(d, "Cannot generate configuration", "The provider ran out of memory.");
        value_free(config);
        config = NULL;
    }
    return config;
}
