/* core/value.c - cty types and values.
 *
 * A value is a small heap node: its type (a reference), its state (null, unknown, known)
 * and, when known, a payload. Containers hold an array of owned child pointers; objects
 * keep one slot per attribute in the type's sorted order, maps keep parallel key and
 * value arrays sorted by key, sets keep their elements sorted by value_cmp with known
 * duplicates removed, so every container has one deterministic layout and equality,
 * encoding and planning never depend on insertion order.
 * Numbers are stored as canonical decimal text (see value_number.c): equal numbers have
 * equal text, integers of any size are exact, and the codecs decide the wire form.
 * Strings are validated as UTF-8 (not NFC-normalised as go-cty does; Terraform
 * normalises configuration itself before sending it).
 * Types live in value_type.c.
 */
#include "core/value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value_priv.h"
#include "util/alloc.h"
#include "util/utf8.h"

enum vstate { VS_NULL = 0, VS_UNKNOWN, VS_KNOWN };

struct value {
    const struct type *type;
    unsigned char state;
    union {
        bool b;
        char *num;                  /* canonical decimal text */
        struct {
            char *s;
            size_t len;
        } str;
        struct {
            struct value **items;
            char **keys;            /* maps only */
            size_t len, cap;
        } c;
    } u;
};

/* ---- numbers ---------------------------------------------------------------------- */

bool value_number_is_int(const struct value *v)
{
    if (!value_is_known(v) || v->type->kind != TYPE_NUMBER)
        return false;
    return strpbrk(v->u.num, ".eI") == NULL;
}

bool value_number_is_inf(const struct value *v, bool *negative)
{
    if (!value_is_known(v) || v->type->kind != TYPE_NUMBER || !strstr(v->u.num, "Inf"))
        return false;
    if (negative)
        *negative = v->u.num[0] == '-';
    return true;
}

/* ---- construction ----------------------------------------------------------------- */

static struct value *value_alloc(const struct type *t, enum vstate st)
{
    struct value *v = xa_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->type = type_ref(t ? t : &type_dynamic);
    v->state = (unsigned char)st;
    return v;
}

struct value *value_new_null(const struct type *t) { return value_alloc(t, VS_NULL); }
struct value *value_new_unknown(const struct type *t) { return value_alloc(t, VS_UNKNOWN); }

struct value *value_new_bool(bool b)
{
    struct value *v = value_alloc(&type_bool, VS_KNOWN);
    if (v)
        v->u.b = b;
    return v;
}

/* Valid UTF-8 without U+0000: a NUL would cut the string short on its way to AWS (C
 * strings) and state JSON cannot hold it (jansson refuses "\u0000"). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len)
        if (s[i] == 0 || (len = utf8_char_len(s + i, n - i)) == 0)
            return false;
    return true;
}

const char *value_string_problem(const char *s, size_t n)
{
    if (s && memchr(s, '\0', n))
        return "contains the NUL character (U+0000), which xacct refuses: AWS would receive "
               "only the text before it";
    if (!s || !utf8_valid((const unsigned char *)s, n))
        return "is not valid UTF-8";
    return NULL;
}

struct value *value_new_stringn(const char *s, size_t n)
{
    if (!s || !utf8_valid((const unsigned char *)s, n))
        return NULL;
    struct value *v = value_alloc(&type_string, VS_KNOWN);
    char *copy = xa_strndup(s, n);
    if (!v || !copy) {
        xa_free(copy);
        value_free(v);
        return NULL;
    }
    v->u.str.s = copy;
    v->u.str.len = n;
    return v;
}

struct value *value_new_string(const char *s) { return s ? value_new_stringn(s, strlen(s)) : NULL; }

static struct value *number_take(char *text)
{
    if (!text)
        return NULL;
    struct value *v = value_alloc(&type_number, VS_KNOWN);
    if (!v) {
        xa_free(text);
        return NULL;
    }
    v->u.num = text;
    return v;
}

struct value *value_new_int(int64_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)n);
    return number_take(xa_strdup(buf));
}

struct value *value_new_double(double d)
{
    if (isnan(d))
        return NULL;
    if (isinf(d))
        return number_take(xa_strdup(d < 0 ? "-Inf" : "+Inf"));
    /* Integral doubles keep their exact value (go-cty decodes float64 exactly); others
     * use the shortest text that reads back as the same double. */
    char buf[400];
    if (d == floor(d) && fabs(d) >= 1e15) {
        snprintf(buf, sizeof buf, "%.0f", d);
        return number_take(number_text_canon(buf, strlen(buf)));
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return number_take(number_text_canon(buf, strlen(buf)));
}

struct value *value_new_number_text(const char *decimal)
{
    return decimal ? number_take(number_text_canon(decimal, strlen(decimal))) : NULL;
}

struct value *value_new_object(const struct type *t)
{
    if (!t || t->kind != TYPE_OBJECT)
        return NULL;
    struct value *v = value_alloc(t, VS_KNOWN);
    if (!v)
        return NULL;
    v->u.c.items = xa_calloc(t->nattrs ? t->nattrs : 1, sizeof *v->u.c.items);
    if (!v->u.c.items) {
        value_free(v);
        return NULL;
    }
    v->u.c.len = v->u.c.cap = t->nattrs;
    for (size_t i = 0; i < t->nattrs; i++) {
        v->u.c.items[i] = value_new_null(t->attrs[i].type);
        if (!v->u.c.items[i]) {
            value_free(v);
            return NULL;
        }
    }
    return v;
}

struct value *value_new_collection(const struct type *t)
{
    if (!t || (t->kind != TYPE_LIST && t->kind != TYPE_SET && t->kind != TYPE_MAP &&
               t->kind != TYPE_TUPLE))
        return NULL;
    struct value *v = value_alloc(t, VS_KNOWN);
    if (!v || t->kind != TYPE_TUPLE)
        return v;
    v->u.c.items = xa_calloc(t->nelems ? t->nelems : 1, sizeof *v->u.c.items);
    if (!v->u.c.items) {
        value_free(v);
        return NULL;
    }
    v->u.c.len = v->u.c.cap = t->nelems;
    for (size_t i = 0; i < t->nelems; i++) {
        v->u.c.items[i] = value_new_null(t->elems[i]);
        if (!v->u.c.items[i]) {
            value_free(v);
            return NULL;
        }
    }
    return v;
}

/* A null or unknown of type dynamic placed where `t` is expected takes type t. */
static bool fit(struct value *v, const struct type *t)
{
    if (type_conforms(v->type, t))
        return true;
    if (v->state != VS_KNOWN && v->type->kind == TYPE_DYNAMIC) {
        type_unref(v->type);
        v->type = type_ref(t);
        return true;
    }
    return false;
}

static bool grow(struct value *c, bool keys)
{
    if (c->u.c.len < c->u.c.cap)
        return true;
    size_t ncap = c->u.c.cap ? c->u.c.cap * 2 : 4;
    struct value **items = xa_realloc(c->u.c.items, ncap * sizeof *items);
    if (!items)
        return false;
    c->u.c.items = items;
    if (keys) {
        char **k = xa_realloc(c->u.c.keys, ncap * sizeof *k);
        if (!k)
            return false;
        c->u.c.keys = k;
    }
    c->u.c.cap = ncap;
    return true;
}

static bool is_known_kind(const struct value *c, enum type_kind k)
{
    return c && c->state == VS_KNOWN && c->type->kind == k;
}

bool value_object_set(struct value *obj, const char *name, struct value *v)
{
    long i = is_known_kind(obj, TYPE_OBJECT) ? type_attr_index(obj->type, name) : -1;
    if (i < 0 || !v || !fit(v, obj->type->attrs[i].type)) {
        value_free(v);
        return false;
    }
    value_free(obj->u.c.items[i]);
    obj->u.c.items[i] = v;
    return true;
}

bool value_tuple_set(struct value *tuple, size_t i, struct value *v)
{
    if (!is_known_kind(tuple, TYPE_TUPLE) || i >= tuple->u.c.len || !v ||
        !fit(v, tuple->type->elems[i])) {
        value_free(v);
        return false;
    }
    value_free(tuple->u.c.items[i]);
    tuple->u.c.items[i] = v;
    return true;
}

bool value_set_append_raw(struct value *set, struct value *v)
{
    if (!is_known_kind(set, TYPE_SET) || !v || !fit(v, set->type->elem) || !grow(set, false)) {
        value_free(v);
        return false;
    }
    set->u.c.items[set->u.c.len++] = v;
    return true;
}

static int cmp_ptr(const void *a, const void *b)
{
    const struct value *x = *(struct value *const *)a, *y = *(struct value *const *)b;
    return value_cmp(x, y);
}

void value_set_finish(struct value *set)
{
    if (!is_known_kind(set, TYPE_SET) || set->u.c.len < 2)
        return;
    struct value **it = set->u.c.items;
    /* qsort is not stable; unknown elements compare equal, so give them a stable order
     * by their position is unnecessary: they are indistinguishable. */
    qsort(it, set->u.c.len, sizeof *it, cmp_ptr);
    size_t o = 1;
    for (size_t i = 1; i < set->u.c.len; i++) {
        if (value_is_wholly_known(it[i]) && value_equal(it[o - 1], it[i]))
            value_free(it[i]);
        else
            it[o++] = it[i];
    }
    set->u.c.len = o;
}

bool value_list_append(struct value *c, struct value *v)
{
    if (!c || c->state != VS_KNOWN || !v) {
        value_free(v);
        return false;
    }
    if (c->type->kind == TYPE_SET) {
        if (!value_set_append_raw(c, v))
            return false;
        /* insertion into the sorted prefix keeps appends O(n) each */
        struct value **it = c->u.c.items;
        size_t n = c->u.c.len - 1, lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (value_cmp(it[mid], v) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && value_is_wholly_known(v) && value_equal(it[lo - 1], v)) {
            value_free(v);
            c->u.c.len--;
            return true;
        }
        memmove(it + lo + 1, it + lo, (n - lo) * sizeof *it);
        it[lo] = v;
        return true;
    }
    if (c->type->kind == TYPE_TUPLE) {
        /* a tuple has fixed arity: append fills the first null slot */
        for (size_t i = 0; i < c->u.c.len; i++)
            if (c->u.c.items[i]->state == VS_NULL)
                return value_tuple_set(c, i, v);
        value_free(v);
        return false;
    }
    if (c->type->kind != TYPE_LIST || !fit(v, c->type->elem) || !grow(c, false)) {
        value_free(v);
        return false;
    }
    c->u.c.items[c->u.c.len++] = v;
    return true;
}

static size_t map_find(const struct value *m, const char *key, bool *found)
{
    size_t lo = 0, hi = m->u.c.len;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, m->u.c.keys[mid]);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

bool value_map_set(struct value *m, const char *key, struct value *v)
{
    char *k = NULL;
    if (!is_known_kind(m, TYPE_MAP) || !key || !v || !fit(v, m->type->elem) ||
        !utf8_valid((const unsigned char *)key, strlen(key)))
        goto fail;
    bool found;
    size_t i = map_find(m, key, &found);
    if (found) {
        value_free(m->u.c.items[i]);
        m->u.c.items[i] = v;
        return true;
    }
    k = xa_strdup(key);
    if (!k || !grow(m, true))
        goto fail;
    memmove(m->u.c.items + i + 1, m->u.c.items + i, (m->u.c.len - i) * sizeof(struct value *));
    memmove(m->u.c.keys + i + 1, m->u.c.keys + i, (m->u.c.len - i) * sizeof(char *));
    m->u.c.items[i] = v;
    m->u.c.keys[i] = k;
    m->u.c.len++;
    return true;
fail:
    xa_free(k);
    value_free(v);
    return false;
}

struct value *value_clone(const struct value *v)
{
    if (!v)
        return NULL;
    struct value *c = value_alloc(v->type, (enum vstate)v->state);
    if (!c || v->state != VS_KNOWN)
        return c;
    switch (v->type->kind) {
    case TYPE_BOOL:
        c->u.b = v->u.b;
        return c;
    case TYPE_NUMBER:
        c->u.num = xa_strdup(v->u.num);
        if (!c->u.num)
            goto fail;
        return c;
    case TYPE_STRING:
        c->u.str.s = xa_strndup(v->u.str.s, v->u.str.len);
        c->u.str.len = v->u.str.len;
        if (!c->u.str.s)
            goto fail;
        return c;
    default:
        break;
    }
    size_t n = v->u.c.len;
    c->u.c.items = xa_calloc(n ? n : 1, sizeof *c->u.c.items);
    if (!c->u.c.items)
        goto fail;
    c->u.c.cap = n ? n : 1;
    if (v->u.c.keys) {
        c->u.c.keys = xa_calloc(n ? n : 1, sizeof *c->u.c.keys);
        if (!c->u.c.keys)
            goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        c->u.c.items[i] = value_clone(v->u.c.items[i]);
        if (c->u.c.keys)
            c->u.c.keys[i] = xa_strdup(v->u.c.keys[i]);
        c->u.c.len = i + 1;
        if (!c->u.c.items[i] || (c->u.c.keys && !c->u.c.keys[i]))
            goto fail;
    }
    return c;
fail:
    value_free(c);
    return NULL;
}

void value_free(struct value *v)
{
    if (!v)
        return;
    if (v->state == VS_KNOWN) {
        switch (v->type->kind) {
        case TYPE_BOOL:
            break;
        case TYPE_NUMBER:
            xa_free(v->u.num);
            break;
        case TYPE_STRING:
            xa_free(v->u.str.s);
            break;
        default:
            for (size_t i = 0; i < v->u.c.len; i++) {
                value_free(v->u.c.items[i]);
                if (v->u.c.keys)
                    xa_free(v->u.c.keys[i]);
            }
            xa_free(v->u.c.items);
            xa_free(v->u.c.keys);
            break;
        }
    }
    type_unref(v->type);
    xa_free(v);
}

/* ---- inspection ------------------------------------------------------------------- */

const struct type *value_type(const struct value *v) { return v ? v->type : &type_dynamic; }
bool value_is_null(const struct value *v) { return !v || v->state == VS_NULL; }
bool value_is_unknown(const struct value *v) { return v && v->state == VS_UNKNOWN; }
bool value_is_known(const struct value *v) { return v && v->state == VS_KNOWN; }

bool value_is_wholly_known(const struct value *v)
{
    if (!v || v->state == VS_NULL)
        return true;
    if (v->state == VS_UNKNOWN)
        return false;
    switch (v->type->kind) {
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_MAP:
    case TYPE_OBJECT:
    case TYPE_TUPLE:
        for (size_t i = 0; i < v->u.c.len; i++)
            if (!value_is_wholly_known(v->u.c.items[i]))
                return false;
        return true;
    default:
        return true;
    }
}

bool value_get_bool(const struct value *v, bool *out)
{
    if (!is_known_kind(v, TYPE_BOOL))
        return false;
    *out = v->u.b;
    return true;
}

bool value_get_int64(const struct value *v, int64_t *out)
{
    if (!value_number_is_int(v))
        return false;
    errno = 0;
    char *end;
    long long n = strtoll(v->u.num, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = (int64_t)n;
    return true;
}

bool value_get_double(const struct value *v, double *out)
{
    if (!is_known_kind(v, TYPE_NUMBER))
        return false;
    bool neg;
    if (value_number_is_inf(v, &neg))
        *out = neg ? -INFINITY : INFINITY;
    else
        *out = strtod(v->u.num, NULL);
    return true;
}

const char *value_number_text(const struct value *v)
{
    return is_known_kind(v, TYPE_NUMBER) ? v->u.num : NULL;
}

const char *value_get_string(const struct value *v)
{
    return is_known_kind(v, TYPE_STRING) ? v->u.str.s : NULL;
}

size_t value_string_len(const struct value *v)
{
    return is_known_kind(v, TYPE_STRING) ? v->u.str.len : 0;
}

const struct value *value_attr(const struct value *obj, const char *name)
{
    long i = is_known_kind(obj, TYPE_OBJECT) ? type_attr_index(obj->type, name) : -1;
    return i < 0 ? NULL : obj->u.c.items[i];
}

static bool is_container(const struct value *v)
{
    if (!value_is_known(v))
        return false;
    enum type_kind k = v->type->kind;
    return k == TYPE_LIST || k == TYPE_SET || k == TYPE_MAP || k == TYPE_OBJECT ||
           k == TYPE_TUPLE;
}

size_t value_length(const struct value *c) { return is_container(c) ? c->u.c.len : 0; }

const struct value *value_index(const struct value *c, size_t i)
{
    return is_container(c) && i < c->u.c.len ? c->u.c.items[i] : NULL;
}

const char *value_map_key(const struct value *m, size_t i)
{
    return is_known_kind(m, TYPE_MAP) && i < m->u.c.len ? m->u.c.keys[i] : NULL;
}

const struct value *value_map_get(const struct value *m, const char *key)
{
    if (!is_known_kind(m, TYPE_MAP) || !key)
        return NULL;
    bool found;
    size_t i = map_find(m, key, &found);
    return found ? m->u.c.items[i] : NULL;
}

const char *value_attr_string(const struct value *obj, const char *name)
{
    return value_get_string(value_attr(obj, name));
}

bool value_attr_int64(const struct value *obj, const char *name, int64_t *out)
{
    return value_get_int64(value_attr(obj, name), out);
}

bool value_object_set_string(struct value *obj, const char *name, const char *s)
{
    struct value *v = s ? value_new_string(s) : value_new_null(&type_string);
    return v && value_object_set(obj, name, v);
}

/* ---- comparison ------------------------------------------------------------------- */

int value_cmp(const struct value *a, const struct value *b)
{
    int sa = a ? a->state : VS_NULL, sb = b ? b->state : VS_NULL;
    if (sa != sb || sa != VS_KNOWN)
        return sa - sb;
    if (a->type->kind != b->type->kind)
        return (int)a->type->kind - (int)b->type->kind;
    switch (a->type->kind) {
    case TYPE_BOOL:
        return (int)a->u.b - (int)b->u.b;
    case TYPE_NUMBER:
        return number_text_cmp(a->u.num, b->u.num);
    case TYPE_STRING: {
        size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        int c = memcmp(a->u.str.s, b->u.str.s, n);
        if (c)
            return c;
        return a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
    }
    default:
        break;
    }
    size_t n = a->u.c.len < b->u.c.len ? a->u.c.len : b->u.c.len;
    for (size_t i = 0; i < n; i++) {
        int c = 0;
        if (a->u.c.keys && b->u.c.keys)
            c = strcmp(a->u.c.keys[i], b->u.c.keys[i]);
        if (!c)
            c = value_cmp(a->u.c.items[i], b->u.c.items[i]);
        if (c)
            return c;
    }
    return a->u.c.len < b->u.c.len ? -1 : a->u.c.len > b->u.c.len;
}

bool value_equal(const struct value *a, const struct value *b)
{
    int sa = a ? a->state : VS_NULL, sb = b ? b->state : VS_NULL;
    if (sa != sb)
        return false;
    const struct type *ta = value_type(a), *tb = value_type(b);
    if (sa != VS_KNOWN) {
        /* a null or unknown of type dynamic matches any type (go-cty's DynamicVal) */
        return ta->kind == TYPE_DYNAMIC || tb->kind == TYPE_DYNAMIC || type_conforms(ta, tb);
    }
    if (!type_conforms(ta, tb) && !type_conforms(tb, ta))
        return false;
    switch (ta->kind) {
    case TYPE_BOOL:
        return a->u.b == b->u.b;
    case TYPE_NUMBER:
        return strcmp(a->u.num, b->u.num) == 0;
    case TYPE_STRING:
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    default:
        break;
    }
    if (a->u.c.len != b->u.c.len)
        return false;
    for (size_t i = 0; i < a->u.c.len; i++) {
        if (a->u.c.keys && strcmp(a->u.c.keys[i], b->u.c.keys[i]) != 0)
            return false;
        if (!value_equal(a->u.c.items[i], b->u.c.items[i]))
            return false;
    }
    return true;
}
