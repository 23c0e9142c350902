/* core/value_type.c - cty types: the static primitive types, equality, conformance,
 * attribute lookup, and heap types built at run time (type JSON, schema implied types).
 *
 * Heap types carry refs > 0 and are counted with atomic builtins, because one type (a
 * schema's implied type) is shared by values on every RPC thread; static tables keep
 * refs == 0 and are never freed. Object attributes are kept sorted by name so lookups
 * are binary searches and encodings are deterministic.
 */
#include <stdlib.h>
#include <string.h>

#include "core/value.h"
#include "core/value_priv.h"
#include "util/alloc.h"

const struct type type_bool = {.kind = TYPE_BOOL};
const struct type type_number = {.kind = TYPE_NUMBER};
const struct type type_string = {.kind = TYPE_STRING};
const struct type type_dynamic = {.kind = TYPE_DYNAMIC};
const struct type type_list_string = {.kind = TYPE_LIST, .elem = &type_string};
const struct type type_set_string = {.kind = TYPE_SET, .elem = &type_string};
const struct type type_map_string = {.kind = TYPE_MAP, .elem = &type_string};

bool type_equal(const struct type *a, const struct type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_MAP:
        return type_equal(a->elem, b->elem);
    case TYPE_OBJECT:
        if (a->nattrs != b->nattrs)
            return false;
        for (size_t i = 0; i < a->nattrs; i++)
            if (strcmp(a->attrs[i].name, b->attrs[i].name) != 0 ||
                a->attrs[i].optional != b->attrs[i].optional ||
                !type_equal(a->attrs[i].type, b->attrs[i].type))
                return false;
        return true;
    case TYPE_TUPLE:
        if (a->nelems != b->nelems)
            return false;
        for (size_t i = 0; i < a->nelems; i++)
            if (!type_equal(a->elems[i], b->elems[i]))
                return false;
        return true;
    default:
        return true;
    }
}

bool type_conforms(const struct type *vt, const struct type *t)
{
    if (t->kind == TYPE_DYNAMIC || vt == t)
        return true;
    if (vt->kind != t->kind)
        return false;
    switch (t->kind) {
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_MAP:
        return type_conforms(vt->elem, t->elem);
    case TYPE_OBJECT:
        if (vt->nattrs != t->nattrs)
            return false;
        for (size_t i = 0; i < t->nattrs; i++)
            if (strcmp(vt->attrs[i].name, t->attrs[i].name) != 0 ||
                !type_conforms(vt->attrs[i].type, t->attrs[i].type))
                return false;
        return true;
    case TYPE_TUPLE:
        if (vt->nelems != t->nelems)
            return false;
        for (size_t i = 0; i < t->nelems; i++)
            if (!type_conforms(vt->elems[i], t->elems[i]))
                return false;
        return true;
    default:
        return true;
    }
}

long type_attr_index(const struct type *obj, const char *name)
{
    if (!obj || obj->kind != TYPE_OBJECT || !name)
        return -1;
    size_t lo = 0, hi = obj->nattrs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, obj->attrs[mid].name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

const struct type *type_ref(const struct type *t)
{
    /* static types have refs == 0 forever; a heap type's count cannot reach 0 while the
     * caller holds a reference, so the relaxed check is enough */
    if (t && __atomic_load_n(&t->refs, __ATOMIC_RELAXED) > 0)
        __atomic_fetch_add(&((struct type *)t)->refs, 1, __ATOMIC_RELAXED);
    return t;
}

void type_unref(const struct type *t)
{
    if (!t || __atomic_load_n(&t->refs, __ATOMIC_RELAXED) <= 0)
        return;
    struct type *m = (struct type *)t;
    if (__atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    type_unref(m->elem);
    for (size_t i = 0; i < m->nattrs; i++) {
        xa_free((char *)m->attrs[i].name);
        type_unref(m->attrs[i].type);
    }
    xa_free((void *)m->attrs);
    for (size_t i = 0; i < m->nelems; i++)
        type_unref(m->elems[i]);
    xa_free((void *)m->elems);
    xa_free(m);
}

const char *type_kind_name(enum type_kind k)
{
    switch (k) {
    case TYPE_BOOL: return "bool";
    case TYPE_NUMBER: return "number";
    case TYPE_STRING: return "string";
    case TYPE_LIST: return "list";
    case TYPE_SET: return "set";
    case TYPE_MAP: return "map";
    case TYPE_OBJECT: return "object";
    case TYPE_TUPLE: return "tuple";
    default: return "dynamic";
    }
}

const struct type *type_new_collection(enum type_kind kind, const struct type *elem)
{
    struct type *t = xa_calloc(1, sizeof *t);
    if (!t || !elem) {
        xa_free(t);
        type_unref(elem);
        return NULL;
    }
    *t = (struct type){.kind = kind, .elem = elem, .refs = 1};
    return t;
}

static int attr_name_cmp(const void *a, const void *b)
{
    return strcmp(((const struct type_attr *)a)->name, ((const struct type_attr *)b)->name);
}

const struct type *type_new_object(const char *const *names, const struct type **types,
                                   const bool *optional, size_t n)
{
    struct type *t = xa_calloc(1, sizeof *t);
    struct type_attr *attrs = xa_calloc(n ? n : 1, sizeof *attrs);
    bool ok = t && attrs;
    for (size_t i = 0; i < n; i++) {
        if (ok) {
            attrs[i].name = xa_strdup(names[i]);
            attrs[i].type = types[i];
            attrs[i].optional = optional ? optional[i] : false;
            ok = attrs[i].name && types[i];
        } else {
            type_unref(types[i]);
        }
    }
    if (ok) {
        qsort(attrs, n, sizeof *attrs, attr_name_cmp);
        for (size_t i = 1; i < n; i++)
            if (strcmp(attrs[i - 1].name, attrs[i].name) == 0)
                ok = false;
    }
    if (!ok) {
        for (size_t i = 0; attrs && i < n; i++) {
            xa_free((char *)attrs[i].name);
            type_unref(attrs[i].type);
        }
        xa_free(attrs);
        xa_free(t);
        return NULL;
    }
    *t = (struct type){.kind = TYPE_OBJECT, .attrs = attrs, .nattrs = n, .refs = 1};
    return t;
}

const struct type *type_new_tuple(const struct type **types, size_t n)
{
    struct type *t = xa_calloc(1, sizeof *t);
    const struct type **elems = xa_calloc(n ? n : 1, sizeof *elems);
    bool ok = t && elems;
    for (size_t i = 0; i < n; i++)
        ok = ok && types[i];
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            type_unref(types[i]);
        xa_free(elems);
        xa_free(t);
        return NULL;
    }
    memcpy(elems, types, n * sizeof *elems);
    *t = (struct type){.kind = TYPE_TUPLE, .elems = elems, .nelems = n, .refs = 1};
    return t;
}
