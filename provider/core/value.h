/* core/value.h - cty types and values: what Terraform sends and expects back.
 *
 * Types mirror go-cty: bool, number, string, list, set, map, object, tuple and the
 * "dynamic" pseudo-type. Every value is null, unknown or known; a known collection may
 * hold null or unknown elements. Numbers keep their decimal text so that integers of
 * any size survive a round trip.
 *
 * Not here: wire encodings (core/codec.h), schemas (core/schema.h).
 * Ownership: a struct value is a heap tree owned by whoever holds the pointer; functions
 * named *_take or documented "taken" consume their argument even on failure. Inspection
 * functions return borrowed pointers that live as long as the value they came from.
 * Types are immutable. Static types (the tables below, schema types) are never freed;
 * types built at run time (decoded dynamic values) are reference counted.
 * Values are not shared between threads; types are.
 */
#ifndef XA_CORE_VALUE_H
#define XA_CORE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- types ------------------------------------------------------------------------ */

enum type_kind {
    TYPE_DYNAMIC = 0,
    TYPE_BOOL,
    TYPE_NUMBER,
    TYPE_STRING,
    TYPE_LIST,
    TYPE_SET,
    TYPE_MAP,
    TYPE_OBJECT,
    TYPE_TUPLE,
};

struct type;

struct type_attr {
    const char *name;
    const struct type *type;
    bool optional;              /* object type attribute marked optional (type JSON only) */
};

struct type {
    enum type_kind kind;
    const struct type *elem;            /* list, set, map */
    const struct type_attr *attrs;      /* object: sorted by name (strcmp) */
    size_t nattrs;
    const struct type *const *elems;    /* tuple */
    size_t nelems;
    int refs;                           /* 0 for static types; >0 for heap types */
};

extern const struct type type_bool, type_number, type_string, type_dynamic;
extern const struct type type_list_string, type_set_string, type_map_string;

bool type_equal(const struct type *a, const struct type *b);
/* Index of `name` in an object type, or -1. */
long type_attr_index(const struct type *obj, const char *name);
/* Heap types: take a reference / drop one (no-ops on static types). */
const struct type *type_ref(const struct type *t);
void type_unref(const struct type *t);
/* A short human name ("string", "list of string", "object") for diagnostics. */
const char *type_kind_name(enum type_kind k);

/* ---- values ----------------------------------------------------------------------- */

struct value;   /* opaque */

/* Constructors return NULL on allocation failure (or invalid input, as noted). */
struct value *value_new_null(const struct type *t);
struct value *value_new_unknown(const struct type *t);
struct value *value_new_bool(bool b);
/* NULL if s is not UTF-8 or holds U+0000 (neither reaches AWS or the state intact). */
struct value *value_new_string(const char *s);
struct value *value_new_stringn(const char *s, size_t n);
/* Why n bytes at s cannot be a string value ("contains the NUL character (U+0000)...",
 * "is not valid UTF-8"), or NULL when they can. */
const char *value_string_problem(const char *s, size_t n);
struct value *value_new_int(int64_t n);
struct value *value_new_double(double d);                   /* NULL for NaN */
struct value *value_new_number_text(const char *decimal);   /* NULL unless a valid number */
/* Known, empty containers of the given type. Objects start with every attribute null
 * (of its attribute type); tuples with every element null. */
struct value *value_new_object(const struct type *object_type);
struct value *value_new_collection(const struct type *list_set_map_or_tuple_type);

/* Mutators on known containers. `v` is taken in every case. Return false on a type
 * mismatch, an unknown attribute name, or allocation failure. */
bool value_object_set(struct value *obj, const char *name, struct value *v);
bool value_list_append(struct value *list_set_or_tuple, struct value *v);  /* sets dedupe */
bool value_tuple_set(struct value *tuple, size_t i, struct value *v);
bool value_map_set(struct value *map, const char *key, struct value *v);

struct value *value_clone(const struct value *v);
void value_free(struct value *v);

/* Inspection. A NULL value pointer is treated as null everywhere. */
const struct type *value_type(const struct value *v);
bool value_is_null(const struct value *v);
bool value_is_unknown(const struct value *v);
bool value_is_known(const struct value *v);          /* neither null nor unknown */
bool value_is_wholly_known(const struct value *v);   /* no unknown anywhere inside */

/* Scalars: return false when v is not a known value of that kind. */
bool value_get_bool(const struct value *v, bool *out);
bool value_get_int64(const struct value *v, int64_t *out);   /* false if not an integer in range */
bool value_get_double(const struct value *v, double *out);
const char *value_number_text(const struct value *v);        /* canonical decimal text or NULL */
const char *value_get_string(const struct value *v);         /* NULL unless a known string */
size_t value_string_len(const struct value *v);

/* Containers. value_attr: NULL if obj is not a known object or has no such attribute.
 * Elements of sets are in a deterministic order (sorted by value, known duplicates
 * removed); maps by key. */
const struct value *value_attr(const struct value *obj, const char *name);
size_t value_length(const struct value *collection);
const struct value *value_index(const struct value *collection, size_t i);
const char *value_map_key(const struct value *map, size_t i);
const struct value *value_map_get(const struct value *map, const char *key);

/* Convenience for resources: the attribute's string if known, else NULL. */
const char *value_attr_string(const struct value *obj, const char *name);
/* The attribute's int64 if known and integral; returns false otherwise. */
bool value_attr_int64(const struct value *obj, const char *name, int64_t *out);
/* Replaces an attribute of a known object with a new string / null / unknown; false on
 * failure. Shorthands for value_object_set. */
bool value_object_set_string(struct value *obj, const char *name, const char *s);

/* Deep equality. Unknown equals unknown of the same type; null equals null. Numbers
 * compare by value, sets as sets. */
bool value_equal(const struct value *a, const struct value *b);

#endif
