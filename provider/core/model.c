/* core/model.c - decoding values into typed models and encoding them back.
 *
 * Walks a block's schema rows: each row names a field (kind and offset) of the block's
 * model struct. Decoding copies what the value holds into the field (strings are copied,
 * so the model outlives the value); encoding builds an object of the block's implied
 * type from the fields. A row whose kind does not fit its type is a bug in the table and
 * gets a diagnostic that says so. Nested blocks (list, set, single) decode into arrays of
 * the nested block's model, allocated here.
 * Ownership: see core/model.h.
 */
#include "core/model.h"

#include <stdarg.h>
#include <string.h>

#include <jansson.h>

#include "core/codec.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- names -------------------------------------------------------------------------- */

const char *model_name(const struct schema_block *b, size_t offset)
{
    for (size_t i = 0; b && i < b->nattrs; i++)
        if (b->attrs[i].field.kind != MODEL_NONE && b->attrs[i].field.offset == offset)
            return b->attrs[i].name;
    for (size_t i = 0; b && i < b->nblocks; i++)
        if (b->blocks[i].field.kind == MODEL_BLOCKS && b->blocks[i].field.offset == offset)
            return b->blocks[i].name;
    return NULL;
}

/* ---- field kinds --------------------------------------------------------------------- */

static bool string_collection(const struct type *t, enum type_kind k)
{
    return t->kind == k && t->elem && t->elem->kind == TYPE_STRING;
}

/* Does a field of kind k hold values of type t? */
static bool kind_fits(enum model_kind k, const struct type *t)
{
    switch (k) {
    case MODEL_STRING: return t->kind == TYPE_STRING;
    case MODEL_INT64: return t->kind == TYPE_NUMBER;
    case MODEL_BOOL: return t->kind == TYPE_BOOL;
    case MODEL_STRINGS:
        return string_collection(t, TYPE_LIST) || string_collection(t, TYPE_SET);
    case MODEL_STRING_MAP: return string_collection(t, TYPE_MAP);
    default: return false;
    }
}

static void string_clear(struct model_string *f)
{
    xa_free(f->value);
    *f = (struct model_string){0};
}

static void strings_clear(struct model_strings *f)
{
    for (size_t i = 0; i < f->n; i++)
        string_clear(&f->items[i]);
    xa_free(f->items);
    *f = (struct model_strings){0};
}

void model_map_clear(struct model_string_map *f)
{
    for (size_t i = 0; i < f->n; i++) {
        xa_free(f->items[i].key);
        string_clear(&f->items[i].value);
    }
    xa_free(f->items);
    *f = (struct model_string_map){.state = MODEL_KNOWN};
}

struct model_blocks_view {      /* what MODEL_BLOCKS(T) looks like to core */
    enum model_state state;
    void *items;
    size_t n;
};

static void blocks_clear(const struct schema_nested_block *nb, struct model_blocks_view *f)
{
    for (size_t i = 0; i < f->n; i++)
        model_cleanup(nb->block, (char *)f->items + i * nb->block->model_size);
    xa_free(f->items);
    *f = (struct model_blocks_view){0};
}

static void field_clear(const struct schema_attribute *a, void *model)
{
    void *f = MODEL_AT(model, a);
    switch (a->field.kind) {
    case MODEL_STRING: string_clear(f); break;
    case MODEL_INT64: *(struct model_int64 *)f = (struct model_int64){0}; break;
    case MODEL_BOOL: *(struct model_bool *)f = (struct model_bool){0}; break;
    case MODEL_STRINGS: strings_clear(f); break;
    case MODEL_STRING_MAP:
        model_map_clear(f);
        ((struct model_string_map *)f)->state = MODEL_NULL;
        break;
    default: break;
    }
}

void model_cleanup(const struct schema_block *b, void *model)
{
    for (size_t i = 0; model && i < b->nattrs; i++)
        field_clear(&b->attrs[i], model);
    for (size_t i = 0; model && i < b->nblocks; i++)
        if (b->blocks[i].field.kind == MODEL_BLOCKS)
            blocks_clear(&b->blocks[i], MODEL_AT(model, &b->blocks[i]));
}

/* ---- decoding ---------------------------------------------------------------------- */

struct decoder {
    struct attr_path path;
    struct diags *d;
};

static bool decode_fail(struct decoder *dc, const char *summary, const char *detail)
{
    char *where = attr_path_str(&dc->path);
    diag_add(dc->d, DIAG_ERROR, &dc->path, summary, "%s: %s", where ? where : "(value)",
             detail);
    xa_free(where);
    return false;
}

static bool oom(struct decoder *dc)
{
    return decode_fail(dc, "Out of memory", "the provider ran out of memory reading it.");
}

static bool decode_string(struct decoder *dc, struct model_string *f, const struct value *v)
{
    if (value_is_unknown(v))
        f->state = MODEL_UNKNOWN;
    if (!value_is_known(v))
        return true;
    const char *s = value_get_string(v);
    if (strlen(s) != value_string_len(v))
        return decode_fail(dc, "Invalid value", "the text holds a NUL character, which no "
                                                "AWS name or ARN can contain.");
    if (!(f->value = xa_strdup(s)))
        return oom(dc);
    f->state = MODEL_KNOWN;
    return true;
}

static bool decode_strings(struct decoder *dc, struct model_strings *f, const struct value *v)
{
    f->state = value_is_unknown(v) ? MODEL_UNKNOWN : value_is_null(v) ? MODEL_NULL : MODEL_KNOWN;
    size_t n = value_is_known(v) ? value_length(v) : 0;
    if (n && !(f->items = xa_calloc(n, sizeof *f->items)))
        return oom(dc);
    for (f->n = 0; f->n < n; f->n++) {
        if (!attr_path_push_index(&dc->path, (int64_t)f->n))
            return oom(dc);
        bool ok = decode_string(dc, &f->items[f->n], value_index(v, f->n));
        attr_path_pop(&dc->path);
        if (!ok)
            return false;
    }
    return true;
}

static bool decode_map(struct decoder *dc, struct model_string_map *f, const struct value *v)
{
    f->state = value_is_unknown(v) ? MODEL_UNKNOWN : value_is_null(v) ? MODEL_NULL : MODEL_KNOWN;
    size_t n = value_is_known(v) ? value_length(v) : 0;
    if (n && !(f->items = xa_calloc(n, sizeof *f->items)))
        return oom(dc);
    for (f->n = 0; f->n < n; f->n++) {
        struct model_map_entry *e = &f->items[f->n];
        if (!(e->key = xa_strdup(value_map_key(v, f->n))) ||
            !attr_path_push_key(&dc->path, e->key)) {
            f->n += e->key != NULL;
            return oom(dc);
        }
        bool ok = decode_string(dc, &e->value, value_index(v, f->n));
        attr_path_pop(&dc->path);
        if (!ok) {
            f->n++;
            return false;
        }
    }
    return true;
}

static bool decode_block(struct decoder *dc, const struct schema_block *b, const struct value *v,
                         void *model);

static bool decode_attr(struct decoder *dc, const struct schema_attribute *a, const struct value *v,
                        void *model)
{
    void *f = MODEL_AT(model, a);
    int64_t n;
    if (!kind_fits(a->field.kind, a->type)) {
        diag_bug(dc->d, "Invalid model table",
                 "The attribute %s has no field of its type in the resource's model.", a->name);
        return false;
    }
    field_clear(a, model);
    switch (a->field.kind) {
    case MODEL_STRING: return decode_string(dc, f, v);
    case MODEL_STRINGS: return decode_strings(dc, f, v);
    case MODEL_STRING_MAP: return decode_map(dc, f, v);
    case MODEL_BOOL: {
        struct model_bool *bf = f;
        bf->state = value_is_unknown(v) ? MODEL_UNKNOWN : value_is_null(v) ? MODEL_NULL
                                                                            : MODEL_KNOWN;
        return !value_is_known(v) || value_get_bool(v, &bf->value);
    }
    default: {
        struct model_int64 *nf = f;
        nf->state = value_is_unknown(v) ? MODEL_UNKNOWN : value_is_null(v) ? MODEL_NULL
                                                                            : MODEL_KNOWN;
        if (value_is_known(v) && !value_get_int64(v, &n))
            return decode_fail(dc, "Invalid value", "the number must be a whole number that "
                                                    "fits in 64 bits.");
        nf->value = value_is_known(v) ? n : 0;
        return true;
    }
    }
}

static bool decode_nested(struct decoder *dc, const struct schema_nested_block *nb,
                          const struct value *v, void *model)
{
    struct model_blocks_view *f = MODEL_AT(model, nb);
    size_t size = nb->block->model_size;
    bool single = nb->nesting == NEST_SINGLE || nb->nesting == NEST_GROUP;
    if (!size || nb->nesting == NEST_MAP) {
        diag_bug(dc->d, "Invalid model table",
                 "The block %s has no model of its elements.", nb->name);
        return false;
    }
    blocks_clear(nb, f);
    f->state = value_is_unknown(v) ? MODEL_UNKNOWN : value_is_null(v) ? MODEL_NULL : MODEL_KNOWN;
    size_t n = !value_is_known(v) ? 0 : single ? 1 : value_length(v);
    if (n && !(f->items = xa_calloc(n, size)))
        return oom(dc);
    for (f->n = 0; f->n < n; f->n++) {
        if (!single && !attr_path_push_index(&dc->path, (int64_t)f->n))
            return oom(dc);
        bool ok = decode_block(dc, nb->block, single ? v : value_index(v, f->n),
                               (char *)f->items + f->n * size);
        if (!single)
            attr_path_pop(&dc->path);
        if (!ok) {
            f->n++;
            return false;
        }
    }
    return true;
}

static bool decode_block(struct decoder *dc, const struct schema_block *b, const struct value *v,
                         void *model)
{
    bool whole_unknown = value_is_unknown(v);
    for (size_t i = 0; i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        if (a->field.kind == MODEL_NONE)
            continue;
        const struct value *av = value_attr(v, a->name);
        struct value *unknown = whole_unknown ? value_new_unknown(a->type) : NULL;
        if (whole_unknown && !unknown)
            return oom(dc);
        if (!attr_path_push_attr(&dc->path, a->name)) {
            value_free(unknown);
            return oom(dc);
        }
        bool ok = decode_attr(dc, a, unknown ? unknown : av, model);
        attr_path_pop(&dc->path);
        value_free(unknown);
        if (!ok)
            return false;
    }
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        if (nb->field.kind != MODEL_BLOCKS)
            continue;
        if (whole_unknown) {
            blocks_clear(nb, MODEL_AT(model, nb));
            ((struct model_blocks_view *)MODEL_AT(model, nb))->state = MODEL_UNKNOWN;
            continue;
        }
        if (!attr_path_push_attr(&dc->path, nb->name))
            return oom(dc);
        bool ok = decode_nested(dc, nb, value_attr(v, nb->name), model);
        attr_path_pop(&dc->path);
        if (!ok)
            return false;
    }
    return true;
}

bool model_decode(const struct schema_block *b, const struct value *v, void *model,
                  struct diags *d)
{
    struct decoder dc = {.d = d};
    attr_path_init(&dc.path);
    bool ok = decode_block(&dc, b, v, model);
    attr_path_cleanup(&dc.path);
    return ok;
}

void *model_new(const struct schema_block *b, const struct value *v, struct diags *d)
{
    void *m = xa_calloc(1, b->model_size ? b->model_size : 1);
    if (!m)
        diag_error(d, "Out of memory", "The provider ran out of memory.");
    if (m && v && !model_decode(b, v, m, d)) {
        model_free(b, m);
        m = NULL;
    }
    return m;
}

void model_free(const struct schema_block *b, void *model)
{
    model_cleanup(b, model);
    xa_free(model);
}

/* ---- encoding ---------------------------------------------------------------------- */

static struct value *encode_string(const struct model_string *f, const struct type *t)
{
    switch (f->state) {
    case MODEL_UNKNOWN: return value_new_unknown(t);
    case MODEL_KNOWN: return f->value ? value_new_string(f->value) : NULL;
    default: return value_new_null(t);
    }
}

static struct value *encode_collection(enum model_state st, const struct type *t)
{
    return st == MODEL_UNKNOWN ? value_new_unknown(t)
           : st == MODEL_NULL  ? value_new_null(t)
                               : value_new_collection(t);
}

static struct value *encode_strings(const struct model_strings *f, const struct type *t)
{
    struct value *v = encode_collection(f->state, t);
    for (size_t i = 0; v && f->state == MODEL_KNOWN && i < f->n; i++)
        if (!value_list_append(v, encode_string(&f->items[i], t->elem))) {
            value_free(v);
            v = NULL;
        }
    return v;
}

static struct value *encode_map(const struct model_string_map *f, const struct type *t)
{
    struct value *v = encode_collection(f->state, t);
    for (size_t i = 0; v && f->state == MODEL_KNOWN && i < f->n; i++)
        if (!value_map_set(v, f->items[i].key, encode_string(&f->items[i].value, t->elem))) {
            value_free(v);
            v = NULL;
        }
    return v;
}

static struct value *encode_attr(const struct schema_attribute *a, const void *model)
{
    const void *f = MODEL_AT_CONST(model, a);
    const struct model_int64 *nf = f;
    const struct model_bool *bf = f;
    switch (a->field.kind) {
    case MODEL_STRING: return encode_string(f, a->type);
    case MODEL_STRINGS: return encode_strings(f, a->type);
    case MODEL_STRING_MAP: return encode_map(f, a->type);
    case MODEL_INT64:
        return nf->state == MODEL_KNOWN     ? value_new_int(nf->value)
               : nf->state == MODEL_UNKNOWN ? value_new_unknown(a->type)
                                            : value_new_null(a->type);
    case MODEL_BOOL:
        return bf->state == MODEL_KNOWN     ? value_new_bool(bf->value)
               : bf->state == MODEL_UNKNOWN ? value_new_unknown(a->type)
                                            : value_new_null(a->type);
    default: return value_new_null(a->type);
    }
}

static struct value *encode_block(const struct schema_block *b, const void *model);

static struct value *encode_nested(const struct schema_nested_block *nb, const struct type *t,
                                   const void *model)
{
    const struct model_blocks_view *f = MODEL_AT_CONST(model, nb);
    size_t size = nb->block->model_size;
    if (nb->nesting == NEST_SINGLE || nb->nesting == NEST_GROUP)
        return f->state == MODEL_KNOWN && f->n ? encode_block(nb->block, f->items)
               : f->state == MODEL_UNKNOWN     ? value_new_unknown(t)
                                               : value_new_null(t);
    struct value *v = encode_collection(f->state, t);
    for (size_t i = 0; v && f->state == MODEL_KNOWN && i < f->n; i++)
        if (!value_list_append(v, encode_block(nb->block, (const char *)f->items + i * size))) {
            value_free(v);
            v = NULL;
        }
    return v;
}

static struct value *encode_block(const struct schema_block *b, const void *model)
{
    const struct type *t = schema_implied_type(b);
    struct value *obj = t ? value_new_object(t) : NULL;
    for (size_t i = 0; obj && i < b->nattrs; i++)
        if (!value_object_set(obj, b->attrs[i].name, encode_attr(&b->attrs[i], model))) {
            value_free(obj);
            obj = NULL;
        }
    for (size_t i = 0; obj && i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        long k = type_attr_index(t, nb->name);
        struct value *v = nb->field.kind == MODEL_BLOCKS
                              ? encode_nested(nb, t->attrs[k].type, model)
                              : value_new_null(t->attrs[k].type);
        if (!value_object_set(obj, nb->name, v)) {
            value_free(obj);
            obj = NULL;
        }
    }
    return obj;
}

struct value *model_encode(const struct schema_block *b, const void *model, struct diags *d)
{
    struct value *v = encode_block(b, model);
    if (!v)
        diag_error(d, "Cannot record the values",
                   "The provider could not build the new values: it ran out of memory, or a "
                   "text from AWS is not valid UTF-8.");
    return v;
}

enum xa_status model_from_json(const struct schema_block *b, const char *json, size_t len,
                               void *model, struct diags *d)
{
    json_error_t jerr;
    json_t *probe = json_loadb(json ? json : "", json ? len : 0, 0, &jerr);
    bool object = json_is_object(probe);
    json_decref(probe);
    if (!object)
        return XA_EINVAL;
    const struct type *t = schema_implied_type(b);
    struct value *v = t ? codec_json_decode(json, len, t, true, d) : NULL;
    if (!t)
        diag_error(d, "Out of memory", "The provider ran out of memory.");
    enum xa_status st = v && model_decode(b, v, model, d) ? XA_OK : XA_ERANGE;
    value_free(v);
    return st;
}

/* ---- whole-model helpers ------------------------------------------------------------- */

static bool strings_unknown(const struct model_string *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].state == MODEL_UNKNOWN)
            return true;
    return false;
}

static bool attr_unknown(const struct schema_attribute *a, const void *model)
{
    const void *f = MODEL_AT_CONST(model, a);
    const struct model_strings *sf = f;
    const struct model_string_map *mf = f;
    switch (a->field.kind) {
    case MODEL_STRING: return ((const struct model_string *)f)->state == MODEL_UNKNOWN;
    case MODEL_INT64: return ((const struct model_int64 *)f)->state == MODEL_UNKNOWN;
    case MODEL_BOOL: return ((const struct model_bool *)f)->state == MODEL_UNKNOWN;
    case MODEL_STRINGS: return sf->state == MODEL_UNKNOWN || strings_unknown(sf->items, sf->n);
    case MODEL_STRING_MAP:
        for (size_t i = 0; mf->state == MODEL_KNOWN && i < mf->n; i++)
            if (mf->items[i].value.state == MODEL_UNKNOWN)
                return true;
        return mf->state == MODEL_UNKNOWN;
    default: return false;
    }
}

const char *model_first_unknown(const struct schema_block *b, const void *model)
{
    for (size_t i = 0; i < b->nattrs; i++)
        if (attr_unknown(&b->attrs[i], model))
            return b->attrs[i].name;
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        const struct model_blocks_view *f = MODEL_AT_CONST(model, nb);
        if (nb->field.kind != MODEL_BLOCKS)
            continue;
        if (f->state == MODEL_UNKNOWN)
            return nb->name;
        for (size_t k = 0; k < f->n; k++)
            if (model_first_unknown(nb->block,
                                    (const char *)f->items + k * nb->block->model_size))
                return nb->name;
    }
    return NULL;
}

void model_unknowns_to_null(const struct schema_block *b, void *model)
{
    for (size_t i = 0; i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        if (a->field.kind == MODEL_NONE)
            continue;
        enum model_state *st = MODEL_AT(model, a);   /* every field starts with its state */
        if (*st == MODEL_UNKNOWN)
            field_clear(a, model);
    }
}

void model_empty_to_null(const struct schema_block *b, void *model)
{
    for (size_t i = 0; i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        const void *f = MODEL_AT_CONST(model, a);
        bool empty = false;
        switch (a->field.kind) {
        case MODEL_STRING: {
            const struct model_string *str = f;
            empty = str->value && !str->value[0];
            break;
        }
        case MODEL_STRINGS:
            empty = ((const struct model_strings *)f)->state == MODEL_KNOWN &&
                    ((const struct model_strings *)f)->n == 0;
            break;
        case MODEL_STRING_MAP:
            empty = ((const struct model_string_map *)f)->state == MODEL_KNOWN &&
                    ((const struct model_string_map *)f)->n == 0;
            break;
        default:
            break;
        }
        if (empty)
            field_clear(a, model);
    }
}

/* ---- setters and readers ----------------------------------------------------------- */

void model_take_string(struct model_string *f, char *s)
{
    string_clear(f);
    f->value = s;
    f->state = s ? MODEL_KNOWN : MODEL_NULL;
}

bool model_set_string(struct model_string *f, const char *s)
{
    char *copy = s ? xa_strdup(s) : NULL;
    model_take_string(f, copy);
    return !s || copy;
}

bool model_set_stringf(struct model_string *f, const char *fmt, ...)
{
    struct xbuf b;
    va_list ap;
    xbuf_init(&b);
    va_start(ap, fmt);
    enum xa_status st = xbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    model_take_string(f, st == XA_OK ? xbuf_take(&b) : NULL);
    xbuf_cleanup(&b);
    return f->value != NULL;
}

void model_set_unknown(struct model_string *f)
{
    string_clear(f);
    f->state = MODEL_UNKNOWN;
}

void model_set_int64(struct model_int64 *f, int64_t n)
{
    *f = (struct model_int64){.state = MODEL_KNOWN, .value = n};
}

bool model_set_strings(struct model_strings *f, char *const *items, size_t n)
{
    strings_clear(f);
    f->state = MODEL_KNOWN;
    if (n && !(f->items = xa_calloc(n, sizeof *f->items))) {
        f->state = MODEL_NULL;
        return false;
    }
    for (f->n = 0; f->n < n; f->n++)
        if (!model_set_string(&f->items[f->n], items[f->n])) {
            f->n++;
            strings_clear(f);
            return false;
        }
    return true;
}

bool model_map_put(struct model_string_map *f, const char *key, const char *value)
{
    size_t at = 0;
    while (at < f->n && strcmp(f->items[at].key, key) < 0)
        at++;
    f->state = MODEL_KNOWN;
    if (at < f->n && strcmp(f->items[at].key, key) == 0)
        return model_set_string(&f->items[at].value, value);
    struct model_map_entry *items = xa_realloc(f->items, (f->n + 1) * sizeof *items);
    char *k = items ? xa_strdup(key) : NULL;
    if (items)
        f->items = items;
    if (!k)
        return false;
    memmove(&items[at + 1], &items[at], (f->n - at) * sizeof *items);
    items[at] = (struct model_map_entry){.key = k};
    f->n++;
    return model_set_string(&items[at].value, value);
}

const struct model_string *model_map_get(const struct model_string_map *f, const char *key)
{
    for (size_t i = 0; f->state == MODEL_KNOWN && key && i < f->n; i++)
        if (strcmp(f->items[i].key, key) == 0)
            return &f->items[i].value;
    return NULL;
}

bool model_strings_has(const struct model_strings *f, const char *s)
{
    for (size_t i = 0; f->state == MODEL_KNOWN && s && i < f->n; i++)
        if (f->items[i].value && strcmp(f->items[i].value, s) == 0)
            return true;
    return false;
}

bool model_string_equal(const struct model_string *a, const struct model_string *b)
{
    if (a->state != b->state)
        return false;
    return a->state != MODEL_KNOWN || strcmp(a->value, b->value) == 0;
}

bool model_int64_equal(const struct model_int64 *a, const struct model_int64 *b)
{
    return a->state == b->state && (a->state != MODEL_KNOWN || a->value == b->value);
}
