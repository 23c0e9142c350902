/* core/codec_msgpack.c - cty values in msgpack, exact to go-cty (PROTOCOL-FACTS.md §4).
 *
 * Both directions use msgpack-c. Encoding: its packer writes straight into the caller's
 * xbuf. Decoding: msgpack_unpack_next parses the whole input into msgpack-c's object tree
 * (strings, bins and extension payloads point into the input, nothing is copied), then a
 * walk guided by the cty type builds the value, tracks the attribute path and turns the
 * first problem into one error diagnostic naming that path and saying what was expected.
 *
 * Hostile input. msgpack-c allocates for the element count an array or map header
 * declares before it reads the elements. The only check made before parsing is one that
 * needs no parsing: input over 256 MiB (Terraform's gRPC message limit) is refused. A
 * declared count larger than memory makes msgpack-c fail with NOMEM, which becomes a
 * diagnostic like any other failure (under AddressSanitizer that needs
 * ASAN_OPTIONS=allocator_may_return_null=1, which scripts/test and scripts/fuzz set). A
 * smaller false claim costs address space only until msgpack-c finds the data truncated.
 * msgpack-c also stops at 32 nested arrays/maps (its fixed parse stack) with the same
 * NOMEM code, so values nest at most 32 containers deep; the walk keeps CODEC_MAX_DEPTH
 * as a second bound. Truncated data, bytes msgpack does not use and bytes after the one
 * top-level value are errors too.
 *
 * Unknowns: any extension type decodes as unknown; a payload longer than one byte is a
 * refinement only for type 12 (at most 1024 bytes, checked to be a msgpack map by a
 * second msgpack_unpack_next, then ignored); other types with a longer payload are
 * errors. Unknowns encode as d4 00 00.
 */
#include <math.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

#define REFINEMENT_MAX 1024
#define MESSAGE_MAX ((size_t)256 << 20)

static const char summary[] = "Invalid value encoding";

struct walker {
    int depth;
    struct attr_path path;
    struct diags *d;
    bool failed;
};

/* ---- decoding --------------------------------------------------------------------- */

static void fail(struct walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first problem only: later ones are consequences of it. */
static void fail(struct walker *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    w->failed = true;
    char sentence[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sentence, sizeof sentence, fmt, ap);
    va_end(ap);
    char *where = attr_path_str(&w->path);
    if (where && *where)
        diag_add(w->d, DIAG_ERROR, &w->path, summary, "%s: %s.", where, sentence);
    else
        diag_add(w->d, DIAG_ERROR, NULL, summary, "%s.", sentence);
    xa_free(where);
}

static struct value *oom(struct walker *w)
{
    fail(w, "out of memory while decoding");
    return NULL;
}

static struct value *or_oom(struct walker *w, struct value *v) { return v ? v : oom(w); }

/* The sentence for a msgpack_unpack_next result other than success. */
static const char *unpack_problem(msgpack_unpack_return rc)
{
    switch (rc) {
    case MSGPACK_UNPACK_CONTINUE:
        return "the data ends in the middle of a value";
    case MSGPACK_UNPACK_NOMEM_ERROR:
        return "the data is nested too deeply (more than 32 arrays or maps) or declares "
               "more elements than fit in memory";
    default:
        return "the data is not valid msgpack (it uses a byte msgpack does not define)";
    }
}

/* go-cty ignores refinements; we only check that the payload is a msgpack map (bytes
 * after the map inside the payload are ignored, as go-cty does). */
static bool check_refinement(struct walker *w, const msgpack_object_ext *ext)
{
    if (ext->size > REFINEMENT_MAX) {
        fail(w, "an unknown value's refinements are longer than 1024 bytes");
        return false;
    }
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    msgpack_unpack_return rc = msgpack_unpack_next(&u, ext->ptr, ext->size, &off);
    bool ok = rc == MSGPACK_UNPACK_SUCCESS && u.data.type == MSGPACK_OBJECT_MAP;
    msgpack_unpacked_destroy(&u);
    if (!ok)
        fail(w, "an unknown value's refinements are not a valid msgpack map");
    return ok;
}

static struct value *decode(struct walker *w, const msgpack_object *o, const struct type *t);

static struct value *decode_unknown(struct walker *w, const msgpack_object_ext *ext,
                                    const struct type *t)
{
    /* Any extension is an unknown (the "extension 0 with or without a refinement
     * payload"); only type 12 payloads are refinements worth checking, and those we
     * validate but ignore. */
    if (ext->size > 1 && ext->type == 12 && t->kind != TYPE_DYNAMIC && !check_refinement(w, ext))
        return NULL;
    return or_oom(w, value_new_unknown(t));
}

/* Every msgpack number form, and strings of decimal text (go-cty writes numbers that
 * are not exact float64 values that way). */
static struct value *decode_number(struct walker *w, const msgpack_object *o)
{
    char buf[32];
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->via.u64);
        return or_oom(w, value_new_number_text(buf));
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return or_oom(w, value_new_int(o->via.i64));
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        if (isnan(o->via.f64)) {
            fail(w, "a number is required, not NaN");
            return NULL;
        }
        return or_oom(w, value_new_double(o->via.f64));
    case MSGPACK_OBJECT_STR: {
        size_t n = o->via.str.size;
        char *text = xa_strndup(o->via.str.ptr, n);
        if (!text)
            return oom(w);
        struct value *v = strlen(text) == n ? value_new_number_text(text) : NULL;
        xa_free(text);
        if (!v)
            fail(w, "a number is required, but the string is not a decimal number");
        return v;
    }
    default:
        fail(w, "a number is required");
        return NULL;
    }
}

static struct value *decode_string(struct walker *w, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_STR) {
        fail(w, "a string is required");
        return NULL;
    }
    const char *problem = value_string_problem(o->via.str.ptr, o->via.str.size);
    if (problem) {
        fail(w, "the string %s", problem);
        return NULL;
    }
    return or_oom(w, value_new_stringn(o->via.str.ptr, o->via.str.size));
}

static struct value *decode_list(struct walker *w, const msgpack_object *o, const struct type *t)
{
    if (o->type != MSGPACK_OBJECT_ARRAY) {
        fail(w, "a %s is required", t->kind == TYPE_TUPLE ? "tuple" : "list or set");
        return NULL;
    }
    size_t n = o->via.array.size;
    if (t->kind == TYPE_TUPLE && n != t->nelems) {
        fail(w, "a tuple of a different length is required");
        return NULL;
    }
    struct value *c = value_new_collection(t);
    if (!c)
        return oom(w);
    for (size_t i = 0; i < n; i++) {
        if (!attr_path_push_index(&w->path, (int64_t)i)) {
            value_free(c);
            return oom(w);
        }
        const struct type *et = t->kind == TYPE_TUPLE ? t->elems[i] : t->elem;
        struct value *e = decode(w, &o->via.array.ptr[i], et);
        attr_path_pop(&w->path);
        bool had = e != NULL;
        bool added = e && (t->kind == TYPE_TUPLE  ? value_tuple_set(c, i, e)
                           : t->kind == TYPE_SET  ? value_set_append_raw(c, e)
                                                  : value_list_append(c, e));
        if (!added) {
            value_free(c);
            return had ? oom(w) : NULL;
        }
    }
    value_set_finish(c);
    return c;
}

/* A map key as a NUL-terminated copy; NULL when it is not a string or holds a NUL byte
 * (reported), or out of memory (reported). */
static char *key_text(struct walker *w, const msgpack_object *k, const char *what)
{
    if (k->type != MSGPACK_OBJECT_STR) {
        fail(w, "%s must be strings", what);
        return NULL;
    }
    char *s = xa_strndup(k->via.str.ptr, k->via.str.size);
    if (!s)
        oom(w);
    else if (strlen(s) != k->via.str.size)
        fail(w, "%s must not contain NUL bytes", what);
    if (s && w->failed) {
        xa_free(s);
        s = NULL;
    }
    return s;
}

static struct value *decode_map(struct walker *w, const msgpack_object *o, const struct type *t)
{
    if (o->type != MSGPACK_OBJECT_MAP) {
        fail(w, "a map is required");
        return NULL;
    }
    struct value *m = value_new_collection(t);
    if (!m)
        return oom(w);
    for (size_t i = 0; i < o->via.map.size && !w->failed; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        char *key = key_text(w, &kv->key, "map keys");
        if (!key)
            break;
        if (!attr_path_push_key(&w->path, key)) {
            xa_free(key);
            oom(w);
            break;
        }
        struct value *e = decode(w, &kv->val, t->elem);
        if (e && value_map_get(m, key)) {
            fail(w, "the map key appears twice");
            value_free(e);
        } else if (e && !value_map_set(m, key, e)) {
            /* value_map_set took e */
            fail(w, "map keys must be valid UTF-8");
        }
        attr_path_pop(&w->path);
        xa_free(key);
    }
    if (w->failed) {
        value_free(m);
        return NULL;
    }
    return m;
}

static struct value *decode_object(struct walker *w, const msgpack_object *o,
                                   const struct type *t)
{
    if (o->type != MSGPACK_OBJECT_MAP) {
        fail(w, "an object is required");
        return NULL;
    }
    struct value *obj = value_new_object(t);
    bool *seen = xa_calloc(t->nattrs ? t->nattrs : 1, 1);
    if (!obj || !seen) {
        value_free(obj);
        xa_free(seen);
        return oom(w);
    }
    for (size_t i = 0; i < o->via.map.size && !w->failed; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        char *name = key_text(w, &kv->key, "attribute names");
        long idx = name ? type_attr_index(t, name) : -1;
        if (!name)
            break;
        if (idx < 0)
            fail(w, "unsupported attribute \"%s\"", name);
        else if (seen[idx])
            fail(w, "attribute \"%s\" appears twice", name);
        else if (!attr_path_push_attr(&w->path, name))
            oom(w);
        if (!w->failed) {
            seen[idx] = true;
            struct value *e = decode(w, &kv->val, t->attrs[idx].type);
            attr_path_pop(&w->path);
            if (e && !value_object_set(obj, name, e))
                oom(w);
        }
        xa_free(name);
    }
    for (size_t i = 0; i < t->nattrs && !w->failed; i++) {
        if (seen[i])
            continue;
        if (attr_path_push_attr(&w->path, t->attrs[i].name)) {
            fail(w, "attribute \"%s\" is required", t->attrs[i].name);
            attr_path_pop(&w->path);
        } else {
            oom(w);
        }
    }
    xa_free(seen);
    if (w->failed) {
        value_free(obj);
        return NULL;
    }
    return obj;
}

/* [type JSON as bin (or str), value] */
static struct value *decode_dynamic(struct walker *w, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 2) {
        fail(w, "a dynamic value is required: [type JSON, value]");
        return NULL;
    }
    const msgpack_object *tj = &o->via.array.ptr[0];
    const char *json;
    size_t len;
    if (tj->type == MSGPACK_OBJECT_BIN) {
        json = tj->via.bin.ptr;
        len = tj->via.bin.size;
    } else if (tj->type == MSGPACK_OBJECT_STR) {
        json = tj->via.str.ptr;
        len = tj->via.str.size;
    } else {
        fail(w, "a dynamic value's type must be JSON bytes");
        return NULL;
    }
    struct diags td;
    diags_init(&td);
    const struct type *t = codec_type_from_json(json, len, &td);
    diags_cleanup(&td);
    if (!t) {
        fail(w, "a dynamic value's type is not a valid type");
        return NULL;
    }
    struct value *v = NULL;
    if (t->kind == TYPE_DYNAMIC)
        fail(w, "a dynamic value cannot have the type \"dynamic\"");
    else
        v = decode(w, &o->via.array.ptr[1], t);
    type_unref(t);
    return v;
}

static struct value *decode(struct walker *w, const msgpack_object *o, const struct type *t)
{
    if (o->type == MSGPACK_OBJECT_NIL)
        return or_oom(w, value_new_null(t));
    if (o->type == MSGPACK_OBJECT_EXT)
        return decode_unknown(w, &o->via.ext, t);
    if (++w->depth > CODEC_MAX_DEPTH) {
        w->depth--;
        fail(w, "values are nested too deeply");
        return NULL;
    }
    struct value *v = NULL;
    switch (t->kind) {
    case TYPE_BOOL:
        if (o->type == MSGPACK_OBJECT_BOOLEAN)
            v = or_oom(w, value_new_bool(o->via.boolean));
        else
            fail(w, "a bool is required");
        break;
    case TYPE_NUMBER:
        v = decode_number(w, o);
        break;
    case TYPE_STRING:
        v = decode_string(w, o);
        break;
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE:
        v = decode_list(w, o, t);
        break;
    case TYPE_MAP:
        v = decode_map(w, o, t);
        break;
    case TYPE_OBJECT:
        v = decode_object(w, o, t);
        break;
    case TYPE_DYNAMIC:
        v = decode_dynamic(w, o);
        break;
    }
    w->depth--;
    return v;
}

struct value *codec_msgpack_decode(const void *data, size_t len, const struct type *t,
                                   struct diags *d)
{
    if (!t) {
        diag_bug(d, summary, "codec_msgpack_decode was called without a type.");
        return NULL;
    }
    if (len == 0) {
        struct value *v = value_new_null(t);
        if (!v)
            diag_error(d, summary, "Out of memory while decoding a value.");
        return v;
    }
    if (len > MESSAGE_MAX) {
        diag_error(d, summary, "The value is %zu bytes long, more than Terraform's 256 MiB "
                               "message limit.", len);
        return NULL;
    }
    struct walker w = {.d = d};
    attr_path_init(&w.path);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    struct value *v = NULL;
    msgpack_unpack_return rc = msgpack_unpack_next(&u, data, len, &off);
    if (rc != MSGPACK_UNPACK_SUCCESS)
        fail(&w, "%s", unpack_problem(rc));
    else if (off != len)
        fail(&w, "there are extra bytes after the value");
    else
        v = decode(&w, &u.data, t);
    msgpack_unpacked_destroy(&u);
    attr_path_cleanup(&w.path);
    return v;
}

/* ---- encoding --------------------------------------------------------------------- */

static int xbuf_write(void *data, const char *buf, size_t len)
{
    return xbuf_append(data, buf, len) == XA_OK ? 0 : -1;
}

static enum xa_status encode(msgpack_packer *pk, const struct value *v, const struct type *t,
                             int depth);

/* Finite numbers go as their decimal text, not as the int or float64 go-cty writes: go-cty
 * reads that text as it reads the state's JSON numbers (a big.Float of precision 512; an
 * int gives precision 64, a float64 53). Terraform 1.11 (and 1.10, hashicorp/terraform#36403)
 * compares the refreshed objects with those read from the state by reflect.DeepEqual on
 * their decoded values, which sees the precision: with an int, 29000 "differs", and
 * `plan -refresh-only -detailed-exitcode` exits 2 on a plan of no changes. */
static int pack_number(msgpack_packer *pk, const struct value *v)
{
    bool neg;
    const char *text = value_number_text(v);
    if (value_number_is_inf(v, &neg))
        return msgpack_pack_double(pk, neg ? -INFINITY : INFINITY);
    return msgpack_pack_str_with_body(pk, text, strlen(text));
}

/* Lists, sets, tuples (arrays), maps and objects (maps with the attribute names). */
static enum xa_status pack_collection(msgpack_packer *pk, const struct value *v,
                                      const struct type *t, int depth)
{
    bool object = t->kind == TYPE_OBJECT, map = t->kind == TYPE_MAP || object;
    size_t n = object ? t->nattrs : value_length(v);
    if (map ? msgpack_pack_map(pk, n) : msgpack_pack_array(pk, n))
        return XA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *k = object ? t->attrs[i].name : map ? value_map_key(v, i) : NULL;
        const struct type *et = object                   ? t->attrs[i].type
                                : t->kind == TYPE_TUPLE ? t->elems[i]
                                                         : t->elem;
        if (k && msgpack_pack_str_with_body(pk, k, strlen(k)))
            return XA_ENOMEM;
        enum xa_status st = encode(pk, value_index(v, i), et, depth + 1);
        if (st != XA_OK)
            return st;
    }
    return XA_OK;
}

/* [type JSON as bin, value]: a value where the schema says "dynamic". */
static enum xa_status pack_dynamic(msgpack_packer *pk, const struct value *v, int depth)
{
    struct xbuf tj;
    xbuf_init(&tj);
    const struct type *vt = value_type(v);
    enum xa_status st = codec_type_json(vt, &tj);
    if (st == XA_OK && (msgpack_pack_array(pk, 2) || msgpack_pack_bin(pk, tj.len) ||
                        msgpack_pack_bin_body(pk, tj.data, tj.len)))
        st = XA_ENOMEM;
    xbuf_cleanup(&tj);
    return st == XA_OK ? encode(pk, v, vt, depth + 1) : st;
}

static enum xa_status encode(msgpack_packer *pk, const struct value *v, const struct type *t,
                             int depth)
{
    if (depth > CODEC_MAX_DEPTH)
        return XA_EINVAL;
    if (value_is_null(v))
        return msgpack_pack_nil(pk) ? XA_ENOMEM : XA_OK;
    if (value_is_unknown(v)) {
        static const char zero = 0;
        return msgpack_pack_ext_with_body(pk, &zero, 1, 0) ? XA_ENOMEM : XA_OK;
    }
    if (t->kind == TYPE_DYNAMIC)
        return pack_dynamic(pk, v, depth);
    const struct type *vt = value_type(v);
    if (vt->kind != t->kind || !type_conforms(vt, t))
        return XA_EINVAL;
    bool b = false;
    switch (t->kind) {
    case TYPE_BOOL:
        value_get_bool(v, &b);
        return (b ? msgpack_pack_true(pk) : msgpack_pack_false(pk)) ? XA_ENOMEM : XA_OK;
    case TYPE_NUMBER:
        return pack_number(pk, v) ? XA_ENOMEM : XA_OK;
    case TYPE_STRING:
        return msgpack_pack_str_with_body(pk, value_get_string(v), value_string_len(v))
                   ? XA_ENOMEM : XA_OK;
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE:
    case TYPE_MAP:
    case TYPE_OBJECT:
        return pack_collection(pk, v, t, depth);
    default:
        return XA_EINVAL;
    }
}

enum xa_status codec_msgpack_encode(const struct value *v, const struct type *t, struct xbuf *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, xbuf_write);
    size_t mark = out->len;
    enum xa_status st = t ? encode(&pk, v, t, 0) : XA_EINVAL;
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}
