/* core/plan.c - the generic planner (DESIGN.md "Planning rules", PROTOCOL-FACTS §5.1).
 *
 * Walks the schema, configuration and prior state together and builds the planned
 * object attribute by attribute:
 *   - a configured value (known or unknown) is planned exactly as configured;
 *   - an unset computed attribute with a default is planned as the default;
 *   - otherwise an unset computed attribute is unknown on create; on update it keeps the
 *     prior value when it has ATTR_KEEP_STATE_WHEN_UNKNOWN (and a non-null prior) or when
 *     no configurable argument changed anywhere in the resource (so an unchanged
 *     resource plans a no-op), else it becomes unknown;
 *   - an unset non-computed attribute is null.
 * On update, an ATTR_REQUIRES_REPLACE attribute whose planned value differs from the
 * prior (unknown counts as different) adds its path.
 * Resource schemas have attributes only: nested blocks are refused as a bug in the table
 * (the provider block has blocks, but nothing plans it). Equivalent spellings are made
 * equal before planning (core/equivalence.h).
 * The result depends only on the inputs, as AssertObjectCompatible demands.
 */
#include "core/plan.h"

#include <string.h>

#include "core/codec.h"
#include "util/alloc.h"

struct value *plan_attribute_default(const struct schema_attribute *a)
{
    if (!a || !a->default_json)
        return NULL;
    struct diags tmp;
    diags_init(&tmp);
    struct value *v = codec_json_decode(a->default_json, strlen(a->default_json), a->type,
                                        false, &tmp);
    diags_cleanup(&tmp);
    return v;
}

/* Does any argument the user sets (required or optional) differ between the two? */
static bool changed(const struct schema_block *b, const struct value *prior,
                    const struct value *config)
{
    for (size_t i = 0; i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        if (!(a->flags & (ATTR_REQUIRED | ATTR_OPTIONAL)))
            continue;
        const struct value *c = value_attr(config, a->name), *p = value_attr(prior, a->name);
        if (value_is_null(c) && (a->flags & ATTR_COMPUTED))
            continue;
        if (!value_equal(c, p) || !value_is_wholly_known(c))
            return true;
    }
    return false;
}

static struct value *plan_attr(const struct schema_attribute *a, const struct value *prior,
                               const struct value *config, bool create, bool any_change)
{
    const struct value *c = value_attr(config, a->name);
    const struct value *p = value_attr(prior, a->name);
    if (!value_is_null(c))
        return value_clone(c);
    if (!(a->flags & ATTR_COMPUTED))
        return value_new_null(a->type);
    if (a->default_json)
        return plan_attribute_default(a);   /* NULL only when out of memory */
    if (create)
        return value_new_unknown(a->type);
    if (((a->flags & ATTR_KEEP_STATE_WHEN_UNKNOWN) && !value_is_null(p)) || !any_change)
        return p ? value_clone(p) : value_new_null(a->type);
    return value_new_unknown(a->type);
}

/* Does the planned value v of a replace the resource? Unknown counts as a change, unless
 * it only stands for a computed value the configuration leaves unset. */
static bool replaces(const struct schema_attribute *a, const struct value *v,
                     const struct value *prior, const struct value *config)
{
    return (a->flags & ATTR_REQUIRES_REPLACE) && !value_equal(v, value_attr(prior, a->name)) &&
           !(value_is_null(value_attr(config, a->name)) && value_is_unknown(v));
}

struct value *plan_resource(const struct schema_block *b, const struct value *prior,
                            const struct value *config, struct path_list *requires_replace,
                            struct diags *d)
{
    if (!b || value_is_null(config) || b->nblocks) {
        diag_bug(d, "Cannot plan", "plan_resource was called without a schema, with a null "
                                   "configuration or with nested blocks, which resources do "
                                   "not have.");
        return NULL;
    }
    if (value_is_unknown(config))
        return value_clone(config);
    const struct type *t = schema_implied_type(b);
    bool create = !value_is_known(prior);
    bool any_change = create || changed(b, prior, config);
    struct value *planned = t ? value_new_object(t) : NULL;
    bool ok = planned != NULL;
    for (size_t i = 0; ok && i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        struct value *v = plan_attr(a, create ? NULL : prior, config, create, any_change);
        bool replace = v && !create && replaces(a, v, prior, config);
        ok = v && value_object_set(planned, a->name, v) &&
             (!replace || path_list_add_attr(requires_replace, a->name));
    }
    if (!ok) {
        value_free(planned);
        diag_error(d, "Cannot plan",
                   "The xacct provider could not build the plan: it ran out of memory, or a "
                   "default in the resource schema is invalid (a bug in the provider).");
        return NULL;
    }
    return planned;
}
