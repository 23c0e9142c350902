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
 * Nested blocks are planned element by element: list blocks keep the configured count
 * (and match prior elements by index), set blocks match a prior element whose arguments
 * are equal, map blocks match by key; block collections are never null.
 * On update, an ATTR_REQUIRES_REPLACE attribute whose planned value differs from the
 * prior (unknown counts as different) adds its path: top-level and list/map block paths
 * point at the attribute, set-block changes at the block (set elements have no index).
 * The result depends only on the inputs, as AssertObjectCompatible demands.
 */
#include "core/plan.h"

#include <string.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

struct planner {
    bool create;
    bool changed;               /* some configurable argument differs from prior */
    struct path_list *rr;
    struct diags *d;
    bool oom;
};

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

/* ---- change detection ------------------------------------------------------------- */

static bool block_changed(const struct schema_block *b, const struct value *prior,
                          const struct value *config, int depth);

static bool nested_changed(const struct schema_nested_block *nb, const struct value *prior,
                           const struct value *config, int depth)
{
    if (!value_is_known(config) || !value_is_known(prior))
        return !(value_is_null(config) && value_is_null(prior)) &&
               !(value_is_known(prior) && value_length(prior) == 0 && value_is_null(config));
    if (nb->nesting == NEST_SINGLE || nb->nesting == NEST_GROUP)
        return block_changed(nb->block, prior, config, depth + 1);
    size_t n = value_length(config);
    if (n != value_length(prior))
        return true;
    for (size_t i = 0; i < n; i++) {
        const struct value *c = value_index(config, i), *p = NULL;
        if (nb->nesting == NEST_MAP) {
            p = value_map_get(prior, value_map_key(config, i));
        } else if (nb->nesting == NEST_LIST) {
            p = value_index(prior, i);
        } else {
            for (size_t k = 0; k < n && !p; k++)
                if (!block_changed(nb->block, value_index(prior, k), c, depth + 1))
                    p = value_index(prior, k);
        }
        if (!p || block_changed(nb->block, p, c, depth + 1))
            return true;
    }
    return false;
}

/* Does any argument the user sets (required or optional) differ between the two? */
static bool block_changed(const struct schema_block *b, const struct value *prior,
                          const struct value *config, int depth)
{
    if (depth > CODEC_MAX_DEPTH)
        return true;
    if (!value_is_known(prior) || !value_is_known(config))
        return true;
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
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        if (nested_changed(nb, value_attr(prior, nb->name), value_attr(config, nb->name), depth))
            return true;
    }
    return false;
}

/* ---- planning --------------------------------------------------------------------- */

static struct value *plan_block(struct planner *pl, const struct schema_block *b,
                                const struct value *prior, const struct value *config,
                                struct attr_path *path, bool set_elem, int depth);

static void add_replace(struct planner *pl, const struct attr_path *path)
{
    for (size_t i = 0; i < pl->rr->len; i++) {
        const struct attr_path *q = &pl->rr->items[i];
        bool same = q->len == path->len;
        for (size_t k = 0; same && k < q->len; k++)
            same = q->steps[k].kind == path->steps[k].kind &&
                   q->steps[k].index == path->steps[k].index &&
                   strcmp(q->steps[k].name ? q->steps[k].name : "",
                          path->steps[k].name ? path->steps[k].name : "") == 0;
        if (same)
            return;
    }
    if (!path_list_add(pl->rr, path))
        pl->oom = true;
}

static struct value *plan_attr(struct planner *pl, const struct schema_attribute *a,
                               const struct value *prior, const struct value *config)
{
    const struct value *c = value_attr(config, a->name);
    const struct value *p = value_is_known(prior) ? value_attr(prior, a->name) : NULL;
    if (!value_is_null(c))
        return value_clone(c);
    if (!(a->flags & ATTR_COMPUTED))
        return value_new_null(a->type);
    if (a->default_json)
        return plan_attribute_default(a);   /* NULL only when out of memory */
    if (pl->create)
        return value_new_unknown(a->type);
    if (((a->flags & ATTR_KEEP_STATE_WHEN_UNKNOWN) && !value_is_null(p)) || !pl->changed)
        return p ? value_clone(p) : value_new_null(a->type);
    return value_new_unknown(a->type);
}

static bool has_replacing_attr(const struct schema_block *b)
{
    for (size_t a = 0; a < b->nattrs; a++)
        if (b->attrs[a].flags & ATTR_REQUIRES_REPLACE)
            return true;
    return false;
}

/* Blocks that disappear (a single block removed, list elements or map keys dropped)
 * are a replacing change when they hold a replacing attribute: point at the block. */
static void check_removed(struct planner *pl, const struct schema_nested_block *nb,
                          const struct value *prior, const struct value *config,
                          const struct attr_path *path, bool set_elem)
{
    if (pl->create || set_elem || !value_is_known(prior) || value_is_unknown(config) ||
        !has_replacing_attr(nb->block))
        return;
    bool removed = false;
    if (nb->nesting == NEST_SINGLE)
        removed = value_is_null(config);
    else if (nb->nesting == NEST_LIST)
        removed = value_length(prior) > value_length(config);
    else if (nb->nesting == NEST_MAP)
        for (size_t i = 0; i < value_length(prior) && !removed; i++)
            removed = value_map_get(config, value_map_key(prior, i)) == NULL;
    if (removed)
        add_replace(pl, path);
}

static struct value *plan_nested(struct planner *pl, const struct schema_nested_block *nb,
                                 const struct type *t, const struct value *prior,
                                 const struct value *config, struct attr_path *path,
                                 bool set_elem, int depth)
{
    check_removed(pl, nb, prior, config, path, set_elem);
    if (value_is_unknown(config))
        return value_clone(config);
    if (nb->nesting == NEST_SINGLE || nb->nesting == NEST_GROUP) {
        if (value_is_null(config))
            return nb->nesting == NEST_GROUP ? plan_block(pl, nb->block, prior, NULL, path,
                                                          set_elem, depth + 1)
                                             : value_new_null(t);
        return plan_block(pl, nb->block, prior, config, path, set_elem, depth + 1);
    }
    struct value *out = value_new_collection(t);
    size_t n = value_length(config);
    for (size_t i = 0; out && i < n; i++) {
        const struct value *c = value_index(config, i), *p = NULL;
        bool pushed = true;
        if (nb->nesting == NEST_MAP) {
            p = value_map_get(prior, value_map_key(config, i));
            pushed = attr_path_push_key(path, value_map_key(config, i));
        } else if (nb->nesting == NEST_LIST) {
            p = value_index(prior, i);
            pushed = attr_path_push_index(path, (int64_t)i);
        } else {
            for (size_t k = 0; k < value_length(prior) && !p; k++)
                if (!block_changed(nb->block, value_index(prior, k), c, depth + 1))
                    p = value_index(prior, k);
        }
        struct value *e = pushed ? plan_block(pl, nb->block, p, c, path,
                                              set_elem || nb->nesting == NEST_SET, depth + 1)
                                 : NULL;
        if (pushed && nb->nesting != NEST_SET)
            attr_path_pop(path);
        bool ok = e && (nb->nesting == NEST_MAP ? value_map_set(out, value_map_key(config, i), e)
                        : nb->nesting == NEST_SET ? value_set_append_raw(out, e)
                                                  : value_list_append(out, e));
        if (!ok) {
            value_free(out);
            out = NULL;
        }
    }
    value_set_finish(out);
    if (out && !pl->create && nb->nesting == NEST_SET && !set_elem) {
        /* set elements have no stable index: a replacing change inside points at the
         * block. An element is unchanged when some prior element has the same values for
         * every ATTR_REQUIRES_REPLACE attribute. */
        const struct value *pb = value_is_known(prior) ? prior : NULL;
        bool has_rr = has_replacing_attr(nb->block);
        bool replace = has_rr && value_length(out) != value_length(pb);
        for (size_t i = 0; has_rr && i < value_length(out) && !replace; i++) {
            bool match = false;
            for (size_t k = 0; k < value_length(pb) && !match; k++) {
                match = true;
                for (size_t a = 0; a < nb->block->nattrs && match; a++) {
                    const char *name = nb->block->attrs[a].name;
                    if (nb->block->attrs[a].flags & ATTR_REQUIRES_REPLACE)
                        match = value_equal(value_attr(value_index(out, i), name),
                                            value_attr(value_index(pb, k), name));
                }
            }
            replace = !match;
        }
        if (replace)
            add_replace(pl, path);
    }
    return out;
}

static struct value *plan_block(struct planner *pl, const struct schema_block *b,
                                const struct value *prior, const struct value *config,
                                struct attr_path *path, bool set_elem, int depth)
{
    const struct type *t = schema_implied_type(b);
    if (!t || depth > CODEC_MAX_DEPTH)
        return NULL;
    if (!value_is_known(prior))
        prior = NULL;
    struct value *out = value_new_object(t);
    bool create = pl->create;
    if (!prior)
        pl->create = true;   /* a new block element plans like a create */
    for (size_t i = 0; out && i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        struct value *v = plan_attr(pl, a, prior, config);
        if (!v || !value_object_set(out, a->name, v)) {
            value_free(out);
            out = NULL;
            break;
        }
        if (!create && !set_elem && (a->flags & ATTR_REQUIRES_REPLACE) &&
            !value_equal(v, value_attr(prior, a->name)) &&
            !(value_is_null(value_attr(config, a->name)) && value_is_unknown(v))) {
            if (attr_path_push_attr(path, a->name)) {
                add_replace(pl, path);
                attr_path_pop(path);
            } else {
                pl->oom = true;
            }
        }
    }
    for (size_t i = 0; out && i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        long idx = type_attr_index(t, nb->name);
        struct value *v = NULL;
        if (attr_path_push_attr(path, nb->name)) {
            v = plan_nested(pl, nb, t->attrs[idx].type, value_attr(prior, nb->name),
                            value_attr(config, nb->name), path, set_elem, depth);
            attr_path_pop(path);
        }
        if (!v || !value_object_set(out, nb->name, v)) {
            value_free(out);
            out = NULL;
        }
    }
    pl->create = create;
    return out;
}

struct value *plan_resource(const struct schema_block *b, const struct value *prior,
                            const struct value *config, struct path_list *requires_replace,
                            struct diags *d)
{
    if (!b || value_is_null(config)) {
        diag_bug(d, "Cannot plan", "plan_resource was called without a schema or with a null "
                                   "configuration.");
        return NULL;
    }
    if (value_is_unknown(config))
        return value_clone(config);
    struct planner pl = {
        .create = value_is_null(prior),
        .rr = requires_replace,
        .d = d,
    };
    pl.changed = pl.create || block_changed(b, prior, config, 0);
    struct attr_path path;
    attr_path_init(&path);
    struct value *planned = plan_block(&pl, b, prior, config, &path, false, 0);
    attr_path_cleanup(&path);
    if (!planned || pl.oom) {
        value_free(planned);
        diag_error(d, "Cannot plan",
                   "The xacct provider could not build the plan: it ran out of memory, or a "
                   "default in the resource schema is invalid (a bug in the provider).");
        return NULL;
    }
    return planned;
}
