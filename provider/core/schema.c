/* core/schema.c - implied types, lookups and validation of schema tables.
 *
 * schema_implied_type builds a block's object type (attributes plus nested blocks:
 * SINGLE/GROUP -> object, LIST -> list(object), SET -> set(object), MAP -> map(object))
 * once and caches it in a global list keyed by the block pointer (schema_type_of, which
 * tables of other kinds - identities - use too). Readers walk the list
 * without a lock; the type is built without the lock (it may recurse into nested blocks)
 * and published under it with a release store; a racing builder's copy is dropped.
 * Cached types live until exit.
 * Compiled regular expressions for VALIDATE_REGEX are cached the same way, keyed by the
 * pattern pointer (patterns are static strings in the schema tables).
 */
#include "core/schema.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "core/value_priv.h"
#include "util/alloc.h"

struct type_cache {
    const void *key;
    const struct type *type;
    struct type_cache *next;
};

struct regex_cache {
    const char *pattern;
    regex_t re;
    bool ok;
    struct regex_cache *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct type_cache *types;
static struct regex_cache *regexes;

/* ---- implied types ---------------------------------------------------------------- */

/* Lock-free read: nodes are immutable once published with a release store. */
static const struct type *cached(const void *key)
{
    for (struct type_cache *c = __atomic_load_n(&types, __ATOMIC_ACQUIRE); c; c = c->next)
        if (c->key == key)
            return c->type;
    return NULL;
}

static const struct type *build(const void *key)
{
    const struct schema_block *b = key;
    size_t n = b->nattrs + b->nblocks;
    const char **names = xa_calloc(n ? n : 1, sizeof *names);
    const struct type **ts = xa_calloc(n ? n : 1, sizeof *ts);
    const struct type *t = NULL;
    if (!names || !ts)
        goto done;
    for (size_t i = 0; i < b->nattrs; i++) {
        names[i] = b->attrs[i].name;
        ts[i] = b->attrs[i].type;
    }
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        const struct type *inner = type_ref(schema_implied_type(nb->block));
        names[b->nattrs + i] = nb->name;
        switch (nb->nesting) {
        case NEST_LIST: ts[b->nattrs + i] = type_new_collection(TYPE_LIST, inner); break;
        case NEST_SET: ts[b->nattrs + i] = type_new_collection(TYPE_SET, inner); break;
        case NEST_MAP: ts[b->nattrs + i] = type_new_collection(TYPE_MAP, inner); break;
        default: ts[b->nattrs + i] = inner; break;
        }
    }
    t = type_new_object(names, ts, NULL, n);   /* takes every ts[i], NULL ones included */
    n = 0;
done:
    for (size_t i = 0; ts && i < n; i++)
        type_unref(ts[i]);
    xa_free(names);
    xa_free(ts);
    return t;
}

const struct type *schema_type_of(const void *key, const struct type *(*build_fn)(const void *))
{
    if (!key)
        return NULL;
    const struct type *t = cached(key);
    if (t)
        return t;
    const struct type *fresh = build_fn(key);
    struct type_cache *node = fresh ? xa_malloc(sizeof *node) : NULL;
    if (!node) {
        type_unref(fresh);
        return NULL;
    }
    pthread_mutex_lock(&cache_lock);
    for (struct type_cache *c = types; c && !t; c = c->next)
        if (c->key == key)
            t = c->type;
    if (!t) {
        *node = (struct type_cache){.key = key, .type = fresh, .next = types};
        __atomic_store_n(&types, node, __ATOMIC_RELEASE);
        t = fresh;
        fresh = NULL;
        node = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    xa_free(node);
    type_unref(fresh);
    return t;
}

const struct type *schema_implied_type(const struct schema_block *b)
{
    return schema_type_of(b, build);
}

const struct schema_attribute *schema_attr(const struct schema_block *b, const char *name)
{
    for (size_t i = 0; b && name && i < b->nattrs; i++)
        if (strcmp(b->attrs[i].name, name) == 0)
            return &b->attrs[i];
    return NULL;
}

const struct schema_nested_block *schema_block(const struct schema_block *b, const char *name)
{
    for (size_t i = 0; b && name && i < b->nblocks; i++)
        if (strcmp(b->blocks[i].name, name) == 0)
            return &b->blocks[i];
    return NULL;
}

/* ---- validation ------------------------------------------------------------------- */

static const char invalid[] = "Invalid attribute value";

/* The compiled pattern, or NULL when it does not compile (a bug in the table). */
static const regex_t *regex_for(const char *pattern)
{
    const regex_t *re = NULL;
    pthread_mutex_lock(&cache_lock);
    struct regex_cache *c = regexes;
    while (c && c->pattern != pattern)
        c = c->next;
    if (!c && (c = xa_calloc(1, sizeof *c)) != NULL) {
        c->pattern = pattern;
        c->ok = regcomp(&c->re, pattern, REG_EXTENDED | REG_NOSUB) == 0;
        c->next = regexes;
        regexes = c;
    }
    if (c && c->ok)
        re = &c->re;
    pthread_mutex_unlock(&cache_lock);
    return re;
}

static void fail(struct diags *d, const struct attr_path *p, const char *msg, const char *dflt,
                 const char *arg)
{
    char *where = attr_path_str(p);
    char sentence[512];
    snprintf(sentence, sizeof sentence, dflt, arg ? arg : "");
    diag_add(d, DIAG_ERROR, p, invalid, "%s: %s", where ? where : "(attribute)",
             msg ? msg : sentence);
    xa_free(where);
}

static void check_scalar(const struct validator *vd, const struct value *v,
                         const struct attr_path *p, struct diags *d)
{
    const char *s = value_get_string(v);
    int64_t n;
    switch (vd->kind) {
    case VALIDATE_ONE_OF: {
        bool found = false;
        for (size_t i = 0; s && vd->one_of && vd->one_of[i] && !found; i++)
            found = strcmp(vd->one_of[i], s) == 0;
        if (s && !found)
            fail(d, p, vd->message, "the value \"%.200s\" is not one of the allowed values.", s);
        break;
    }
    case VALIDATE_REGEX: {
        if (!s)
            break;
        const regex_t *re = vd->pattern ? regex_for(vd->pattern) : NULL;
        if (!re)
            diag_bug(d, "Invalid validator", "The pattern of an attribute does not compile.");
        else if (strlen(s) != value_string_len(v) || regexec(re, s, 0, NULL, 0) != 0)
            fail(d, p, vd->message, "the value \"%.200s\" does not have the expected form.", s);
        break;
    }
    case VALIDATE_INT_RANGE:
        if (value_type(v)->kind != TYPE_NUMBER)
            break;
        if (!value_get_int64(v, &n) || n < vd->min || n > vd->max) {
            char range[80];
            snprintf(range, sizeof range, "%lld and %lld", (long long)vd->min,
                     (long long)vd->max);
            fail(d, p, vd->message, "the value must be a whole number between %s.", range);
        }
        break;
    case VALIDATE_LENGTH: {
        if (!s)
            break;
        size_t len = value_string_len(v);
        if ((int64_t)len < vd->min || (vd->max > 0 && (int64_t)len > vd->max)) {
            char range[80];
            if (vd->max > 0)
                snprintf(range, sizeof range, "between %lld and %lld", (long long)vd->min,
                         (long long)vd->max);
            else
                snprintf(range, sizeof range, "at least %lld", (long long)vd->min);
            fail(d, p, vd->message, "the value must be %s bytes long.", range);
        }
        break;
    }
    case VALIDATE_CUSTOM:
        if (vd->fn && s)
            vd->fn(s, p, d);
        break;
    default:
        break;
    }
}

/* Validators of collection-typed attributes apply to each known element. */
static void check_value(const struct validator *vd, const struct value *v, struct attr_path *p,
                        struct diags *d)
{
    enum type_kind k = value_type(v)->kind;
    if (vd->kind == VALIDATE_NONE || !value_is_known(v))
        return;
    if (k != TYPE_LIST && k != TYPE_SET && k != TYPE_MAP) {
        check_scalar(vd, v, p, d);
        return;
    }
    for (size_t i = 0; i < value_length(v); i++) {
        const struct value *e = value_index(v, i);
        bool pushed = k == TYPE_MAP ? attr_path_push_key(p, value_map_key(v, i))
                                    : attr_path_push_index(p, (int64_t)i);
        if (value_is_known(e))
            check_scalar(vd, e, pushed ? p : NULL, d);
        if (pushed)
            attr_path_pop(p);
    }
}

static void validate_block(const struct schema_block *b, const struct value *obj,
                           struct attr_path *p, struct diags *d, int depth);

static void validate_nested(const struct schema_nested_block *nb, const struct value *v,
                            struct attr_path *p, struct diags *d, int depth)
{
    if (!value_is_known(v))
        return;
    if (nb->nesting == NEST_SINGLE || nb->nesting == NEST_GROUP) {
        validate_block(nb->block, v, p, d, depth + 1);
        return;
    }
    size_t n = value_length(v);
    if (nb->nesting != NEST_MAP && value_is_wholly_known(v)) {
        char *where = attr_path_str(p);
        if ((int64_t)n < nb->min_items)
            diag_add(d, DIAG_ERROR, p, "Insufficient blocks",
                     "%s: at least %lld \"%s\" block(s) are required.", where ? where : "",
                     (long long)nb->min_items, nb->name);
        else if (nb->max_items > 0 && (int64_t)n > nb->max_items)
            diag_add(d, DIAG_ERROR, p, "Too many blocks",
                     "%s: no more than %lld \"%s\" block(s) are allowed.", where ? where : "",
                     (long long)nb->max_items, nb->name);
        xa_free(where);
    }
    for (size_t i = 0; i < n; i++) {
        bool pushed = nb->nesting == NEST_MAP ? attr_path_push_key(p, value_map_key(v, i))
                                              : attr_path_push_index(p, (int64_t)i);
        if (!pushed) {
            diag_error(d, "Out of memory", "Out of memory while validating the configuration.");
            return;
        }
        validate_block(nb->block, value_index(v, i), p, d, depth + 1);
        attr_path_pop(p);
    }
}

static void validate_block(const struct schema_block *b, const struct value *obj,
                           struct attr_path *p, struct diags *d, int depth)
{
    if (!value_is_known(obj) || depth > CODEC_MAX_DEPTH)
        return;
    for (size_t i = 0; i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        const struct value *v = value_attr(obj, a->name);
        if (!attr_path_push_attr(p, a->name)) {
            diag_error(d, "Out of memory", "Out of memory while validating the configuration.");
            return;
        }
        if ((a->flags & ATTR_REQUIRED) && value_is_null(v)) {
            char *where = attr_path_str(p);
            diag_add(d, DIAG_ERROR, p, "Missing required argument",
                     "The argument \"%s\" is required, but no definition was found.",
                     where ? where : a->name);
            xa_free(where);
        } else if ((a->flags & ATTR_DEPRECATED) && !value_is_null(v)) {
            diag_add(d, DIAG_WARNING, p, "Deprecated attribute",
                     "The attribute \"%s\" is deprecated. %s", a->name,
                     a->description ? a->description : "");
        }
        check_value(&a->validator, v, p, d);
        attr_path_pop(p);
    }
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        if (!attr_path_push_attr(p, nb->name)) {
            diag_error(d, "Out of memory", "Out of memory while validating the configuration.");
            return;
        }
        validate_nested(nb, value_attr(obj, nb->name), p, d, depth);
        attr_path_pop(p);
    }
}

void schema_validate(const struct schema_block *b, const struct value *config, struct diags *d)
{
    struct attr_path p;
    attr_path_init(&p);
    if (b)
        validate_block(b, config, &p, d, 0);
    attr_path_cleanup(&p);
}

void schema_require_config_block(const struct schema_block *b, const struct value *config,
                                 const char *owner, struct diags *d)
{
    for (size_t i = 0; value_is_null(config) && i < b->nattrs; i++)
        if (b->attrs[i].flags & ATTR_REQUIRED) {
            diag_error(d, "Missing config block",
                       "%s needs a config block: its \"%s\" argument is required.", owner,
                       b->attrs[i].name);
            return;
        }
}
