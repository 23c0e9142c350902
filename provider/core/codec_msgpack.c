/* core/codec_msgpack.c - cty values in msgpack, exact to go-cty (PROTOCOL-FACTS.md §4).
 *
 * Encoding uses msgpack-c's packer writing straight into the caller's xbuf. Decoding is a
 * small bounds-checked reader over the input bytes that builds values as it goes: msgpack-
 * c's unpacker would first build its own object tree, allocating for element counts the
 * input merely claims, and cannot tell us which attribute path it was in when it failed.
 * Here every count is checked against the bytes left (each element takes at least one
 * byte), nesting is bounded by CODEC_MAX_DEPTH, and the first problem becomes one error
 * diagnostic naming the attribute path and saying what was expected.
 *
 * Unknowns: any extension type decodes as unknown; a payload longer than one byte is a
 * refinement only for type 12 (validated as a msgpack map of at most 1024 bytes, then
 * ignored); other types with a longer payload are errors. Unknowns encode as d4 00 00.
 */
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

#define REFINEMENT_MAX 1024

static const char summary[] = "Invalid value encoding";

struct reader {
    const unsigned char *p, *end;
    int depth;
    struct attr_path path;
    struct diags *d;
    bool failed;
};

/* ---- reading ---------------------------------------------------------------------- */

static void fail(struct reader *r, const char *fmt, const char *arg)
{
    if (r->failed)
        return;
    r->failed = true;
    char *where = attr_path_str(&r->path);
    char sentence[256];
    snprintf(sentence, sizeof sentence, fmt, arg ? arg : "");
    if (where && *where)
        diag_add(r->d, DIAG_ERROR, &r->path, summary, "%s: %s.", where, sentence);
    else
        diag_add(r->d, DIAG_ERROR, NULL, summary, "%s.", sentence);
    xa_free(where);
}

static size_t left(const struct reader *r) { return (size_t)(r->end - r->p); }

static bool take(struct reader *r, size_t n, const unsigned char **out)
{
    if (left(r) < n) {
        fail(r, "the data ends in the middle of a value%s", NULL);
        return false;
    }
    *out = r->p;
    r->p += n;
    return true;
}

static uint64_t be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Reads a length of `n` big-endian bytes. */
static bool take_len(struct reader *r, size_t n, size_t *len)
{
    const unsigned char *b;
    if (!take(r, n, &b))
        return false;
    *len = (size_t)be(b, n);
    return true;
}

static bool is_ext(unsigned char b) { return (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9); }

/* Header of an ext: type and payload, bounds-checked. */
static bool read_ext(struct reader *r, int *type, const unsigned char **payload, size_t *len)
{
    unsigned char b = *r->p++;
    const unsigned char *tb;
    if (b >= 0xd4 && b <= 0xd8)
        *len = (size_t)1 << (b - 0xd4);
    else if (!take_len(r, (size_t)1 << (b - 0xc7), len))
        return false;
    if (!take(r, 1, &tb) || !take(r, *len, payload))
        return false;
    *type = (signed char)tb[0];
    return true;
}

/* String or bin header: 0 = str, 1 = bin; -1 when neither. */
static int read_bytes(struct reader *r, const unsigned char **s, size_t *n)
{
    unsigned char b = *r->p;
    int kind = 0;
    size_t lenbytes = 0;
    if (b >= 0xa0 && b <= 0xbf) {
        r->p++;
        *n = b & 0x1f;
    } else if (b >= 0xd9 && b <= 0xdb) {
        lenbytes = (size_t)1 << (b - 0xd9);
    } else if (b >= 0xc4 && b <= 0xc6) {
        lenbytes = (size_t)1 << (b - 0xc4);
        kind = 1;
    } else {
        return -1;
    }
    if (lenbytes) {
        r->p++;
        if (!take_len(r, lenbytes, n))
            return -2;
    }
    return take(r, *n, s) ? kind : -2;
}

/* Array (want_map false) or map header: false when the byte is neither; true with *ok
 * false when the header is truncated or claims more elements than bytes remain
 * (already reported). */
static bool read_container(struct reader *r, bool want_map, size_t *n, bool *ok)
{
    unsigned char b = *r->p;
    unsigned char fix = want_map ? 0x80 : 0x90, w16 = want_map ? 0xde : 0xdc;
    *ok = false;
    if ((b & 0xf0) == fix) {
        r->p++;
        *n = b & 0x0f;
    } else if (b == w16 || b == w16 + 1) {
        r->p++;
        if (!take_len(r, b == w16 ? 2 : 4, n))
            return true;
    } else {
        return false;
    }
    if (*n > left(r) / (want_map ? 2 : 1)) {
        fail(r, "the data ends in the middle of a value%s", NULL);
        return true;
    }
    *ok = true;
    return true;
}

/* Skips one value (refinement payloads). */
static bool skip(struct reader *r, int depth)
{
    if (depth > CODEC_MAX_DEPTH) {
        fail(r, "values are nested too deeply%s", NULL);
        return false;
    }
    if (left(r) == 0) {
        fail(r, "the data ends in the middle of a value%s", NULL);
        return false;
    }
    unsigned char b = *r->p;
    const unsigned char *s;
    size_t n;
    bool ok;
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        r->p++;
        return true;
    }
    if (b >= 0xcc && b <= 0xd3) {   /* uint8..64, int8..64 */
        r->p++;
        return take(r, (size_t)1 << ((b - 0xcc) & 3), &s);
    }
    if (b == 0xca || b == 0xcb) {
        r->p++;
        return take(r, b == 0xca ? 4 : 8, &s);
    }
    if (is_ext(b)) {
        int type;
        return read_ext(r, &type, &s, &n);
    }
    int k = read_bytes(r, &s, &n);
    if (k >= 0)
        return true;
    if (k == -2)
        return false;
    bool is_map = (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
    if (!read_container(r, is_map, &n, &ok)) {
        fail(r, "a value starts with a byte that is not valid msgpack%s", NULL);
        return false;
    }
    for (size_t i = 0; ok && i < n * (is_map ? 2 : 1); i++)
        ok = skip(r, depth + 1);
    return ok;
}

static bool check_refinement(struct reader *r, const unsigned char *payload, size_t len)
{
    if (len > REFINEMENT_MAX) {
        fail(r, "an unknown value's refinements are longer than 1024 bytes%s", NULL);
        return false;
    }
    /* the sub-reader's own message is dropped: the error is reported at r's path */
    struct diags tmp;
    diags_init(&tmp);
    struct reader sub = {.p = payload, .end = payload + len, .d = &tmp};
    attr_path_init(&sub.path);
    size_t n;
    bool ok = false;
    if (!read_container(&sub, true, &n, &ok))
        ok = false;
    for (size_t i = 0; ok && i < 2 * n; i++)
        ok = skip(&sub, 1);
    diags_cleanup(&tmp);
    /* like go-cty, bytes after the map inside the payload are ignored */
    if (!ok) {
        fail(r, "an unknown value's refinements are not a valid msgpack map%s", NULL);
        return false;
    }
    return true;
}

static struct value *decode(struct reader *r, const struct type *t);

static struct value *oom(struct reader *r)
{
    fail(r, "out of memory while decoding%s", NULL);
    return NULL;
}

static struct value *or_oom(struct reader *r, struct value *v) { return v ? v : oom(r); }

static struct value *decode_number(struct reader *r)
{
    unsigned char b = *r->p;
    const unsigned char *s;
    size_t n;
    char buf[40];
    if (b <= 0x7f || b >= 0xe0) {
        r->p++;
        return value_new_int(b <= 0x7f ? b : (int)(signed char)b);
    }
    if (b >= 0xcc && b <= 0xcf) {
        r->p++;
        if (!take(r, (size_t)1 << (b - 0xcc), &s))
            return NULL;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)be(s, (size_t)1 << (b - 0xcc)));
        return value_new_number_text(buf);
    }
    if (b >= 0xd0 && b <= 0xd3) {
        size_t w = (size_t)1 << (b - 0xd0);
        r->p++;
        if (!take(r, w, &s))
            return NULL;
        uint64_t u = be(s, w);
        int64_t v = w == 1 ? (int8_t)u : w == 2 ? (int16_t)u : w == 4 ? (int32_t)u : (int64_t)u;
        return value_new_int(v);
    }
    if (b == 0xca || b == 0xcb) {
        r->p++;
        if (!take(r, b == 0xca ? 4 : 8, &s))
            return NULL;
        double d;
        if (b == 0xca) {
            uint32_t u = (uint32_t)be(s, 4);
            float f;
            memcpy(&f, &u, 4);
            d = f;
        } else {
            uint64_t u = be(s, 8);
            memcpy(&d, &u, 8);
        }
        if (isnan(d)) {
            fail(r, "a number is required, not NaN%s", NULL);
            return NULL;
        }
        return or_oom(r, value_new_double(d));
    }
    int k = read_bytes(r, &s, &n);
    if (k == 0) {
        char *text = xa_strndup((const char *)s, n);
        struct value *v = text && strlen(text) == n ? value_new_number_text(text) : NULL;
        xa_free(text);
        if (!v)
            fail(r, "a number is required, but the string is not a decimal number%s", NULL);
        return v;
    }
    if (k != -2)
        fail(r, "a number is required%s", NULL);
    return NULL;
}

static struct value *decode_list(struct reader *r, const struct type *t)
{
    size_t n;
    bool ok;
    if (!read_container(r, false, &n, &ok)) {
        fail(r, "a %s is required", t->kind == TYPE_TUPLE ? "tuple" : "list or set");
        return NULL;
    }
    if (!ok)
        return NULL;
    if (t->kind == TYPE_TUPLE && n != t->nelems) {
        fail(r, "a tuple of a different length is required%s", NULL);
        return NULL;
    }
    struct value *c = value_new_collection(t);
    if (!c)
        return oom(r);
    for (size_t i = 0; i < n; i++) {
        if (!attr_path_push_index(&r->path, (int64_t)i)) {
            value_free(c);
            return oom(r);
        }
        const struct type *et = t->kind == TYPE_TUPLE ? t->elems[i] : t->elem;
        struct value *e = decode(r, et);
        attr_path_pop(&r->path);
        bool had = e != NULL;
        bool added = e && (t->kind == TYPE_TUPLE  ? value_tuple_set(c, i, e)
                           : t->kind == TYPE_SET  ? value_set_append_raw(c, e)
                                                  : value_list_append(c, e));
        if (!added) {
            value_free(c);
            return had ? oom(r) : NULL;
        }
    }
    value_set_finish(c);
    return c;
}

static struct value *decode_map(struct reader *r, const struct type *t)
{
    size_t n;
    bool ok;
    if (!read_container(r, true, &n, &ok)) {
        fail(r, "a map is required%s", NULL);
        return NULL;
    }
    if (!ok)
        return NULL;
    struct value *m = value_new_collection(t);
    if (!m)
        return oom(r);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s;
        size_t kn;
        char *key = NULL;
        int k = left(r) ? read_bytes(r, &s, &kn) : (take(r, 1, &s), -2);
        if (k != 0) {
            if (k != -2)
                fail(r, "map keys must be strings%s", NULL);
            value_free(m);
            return NULL;
        }
        key = xa_strndup((const char *)s, kn);
        if (!key || !attr_path_push_key(&r->path, key)) {
            xa_free(key);
            value_free(m);
            return oom(r);
        }
        struct value *e = decode(r, t->elem);
        if (e && value_map_get(m, key)) {
            fail(r, "the map key appears twice%s", NULL);
            value_free(e);
            e = NULL;
        }
        if (e && strlen(key) != kn) {
            value_free(e);
            e = NULL;
        }
        if (e && !value_map_set(m, key, e))
            e = NULL;
        if (!e)
            fail(r, "map keys must be valid UTF-8 without NUL bytes%s", NULL);
        attr_path_pop(&r->path);
        xa_free(key);
        if (!e) {
            value_free(m);
            return NULL;
        }
    }
    return m;
}

static struct value *decode_object(struct reader *r, const struct type *t)
{
    size_t n;
    bool ok;
    if (!read_container(r, true, &n, &ok)) {
        fail(r, "an object is required%s", NULL);
        return NULL;
    }
    if (!ok)
        return NULL;
    struct value *o = value_new_object(t);
    bool *seen = xa_calloc(t->nattrs ? t->nattrs : 1, 1);
    if (!o || !seen) {
        value_free(o);
        xa_free(seen);
        return oom(r);
    }
    for (size_t i = 0; i < n && !r->failed; i++) {
        const unsigned char *s;
        size_t kn;
        int k = left(r) ? read_bytes(r, &s, &kn) : (take(r, 1, &s), -2);
        if (k != 0) {
            if (k != -2)
                fail(r, "attribute names must be strings%s", NULL);
            break;
        }
        char *name = xa_strndup((const char *)s, kn);
        long idx = name ? type_attr_index(t, name) : -1;
        if (!name)
            oom(r);
        else if (idx < 0 || strlen(name) != kn)
            fail(r, "unsupported attribute \"%s\"", name);
        else if (seen[idx])
            fail(r, "attribute \"%s\" appears twice", name);
        else if (!attr_path_push_attr(&r->path, name))
            oom(r);
        if (!r->failed) {
            seen[idx] = true;
            struct value *e = decode(r, t->attrs[idx].type);
            attr_path_pop(&r->path);
            if (e && !value_object_set(o, name, e))
                oom(r);
        }
        xa_free(name);
    }
    for (size_t i = 0; i < t->nattrs && !r->failed; i++) {
        if (!seen[i]) {
            if (attr_path_push_attr(&r->path, t->attrs[i].name)) {
                fail(r, "attribute \"%s\" is required", t->attrs[i].name);
                attr_path_pop(&r->path);
            } else {
                oom(r);
            }
        }
    }
    xa_free(seen);
    if (r->failed) {
        value_free(o);
        return NULL;
    }
    return o;
}

static struct value *decode_dynamic(struct reader *r)
{
    size_t n;
    bool ok;
    if (!read_container(r, false, &n, &ok) || (ok && n != 2)) {
        fail(r, "a dynamic value is required: [type JSON, value]%s", NULL);
        return NULL;
    }
    const unsigned char *s;
    size_t len;
    int k = ok && left(r) ? read_bytes(r, &s, &len) : -1;
    if (k < 0) {
        if (ok && k == -1)
            fail(r, "a dynamic value's type must be JSON bytes%s", NULL);
        return NULL;
    }
    struct diags td;
    diags_init(&td);
    const struct type *t = codec_type_from_json((const char *)s, len, &td);
    diags_cleanup(&td);
    if (!t) {
        fail(r, "a dynamic value's type is not a valid type%s", NULL);
        return NULL;
    }
    struct value *v = t->kind == TYPE_DYNAMIC ? NULL : decode(r, t);
    if (t->kind == TYPE_DYNAMIC)
        fail(r, "a dynamic value cannot have the type \"dynamic\"%s", NULL);
    type_unref(t);
    return v;
}

static struct value *decode(struct reader *r, const struct type *t)
{
    if (left(r) == 0) {
        fail(r, "the data ends where a value was expected%s", NULL);
        return NULL;
    }
    unsigned char b = *r->p;
    if (b == 0xc0) {
        r->p++;
        return or_oom(r, value_new_null(t));
    }
    if (is_ext(b)) {
        int type;
        const unsigned char *payload;
        size_t len;
        if (!read_ext(r, &type, &payload, &len))
            return NULL;
        if (len > 1 && type != 12) {
            fail(r, "unknown values with an extension payload of type %s are not supported",
                 type == 0 ? "0" : "other than 12");
            return NULL;
        }
        if (len > 1 && t->kind != TYPE_DYNAMIC && !check_refinement(r, payload, len))
            return NULL;
        return or_oom(r, value_new_unknown(t));
    }
    if (++r->depth > CODEC_MAX_DEPTH) {
        fail(r, "values are nested too deeply%s", NULL);
        return NULL;
    }
    struct value *v = NULL;
    const unsigned char *s;
    size_t n;
    switch (t->kind) {
    case TYPE_BOOL:
        if (b == 0xc2 || b == 0xc3) {
            r->p++;
            v = or_oom(r, value_new_bool(b == 0xc3));
        } else {
            fail(r, "a bool is required%s", NULL);
        }
        break;
    case TYPE_NUMBER:
        v = decode_number(r);
        break;
    case TYPE_STRING: {
        int k = read_bytes(r, &s, &n);
        if (k == 0) {
            v = value_new_stringn((const char *)s, n);
            if (!v)
                fail(r, "a string is required, but the bytes are not valid UTF-8%s", NULL);
        } else if (k != -2) {
            fail(r, "a string is required%s", NULL);
        }
        break;
    }
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE:
        v = decode_list(r, t);
        break;
    case TYPE_MAP:
        v = decode_map(r, t);
        break;
    case TYPE_OBJECT:
        v = decode_object(r, t);
        break;
    case TYPE_DYNAMIC:
        v = decode_dynamic(r);
        break;
    }
    r->depth--;
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
    struct reader r = {.p = data, .end = (const unsigned char *)data + len, .d = d};
    attr_path_init(&r.path);
    struct value *v = decode(&r, t);
    if (v && r.p != r.end) {
        fail(&r, "there are extra bytes after the value%s", NULL);
        value_free(v);
        v = NULL;
    }
    attr_path_cleanup(&r.path);
    return v;
}

/* ---- writing ---------------------------------------------------------------------- */

static int xbuf_write(void *data, const char *buf, size_t len)
{
    return xbuf_append(data, buf, len) == XA_OK ? 0 : -1;
}

/* True when the decimal text is exactly a float64 (go-cty's big.Exact test). */
static bool exact_double(const char *text, double *out)
{
    double d = strtod(text, NULL);
    if (!isfinite(d))
        return false;
    char buf[840];
    snprintf(buf, sizeof buf, "%.800e", d);
    struct value *back = value_new_number_text(buf);
    bool same = back && strcmp(value_number_text(back), text) == 0;
    value_free(back);
    *out = d;
    return same;
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
    const struct type *vt = value_type(v);
    if (t->kind == TYPE_DYNAMIC) {
        struct xbuf tj;
        xbuf_init(&tj);
        enum xa_status st = codec_type_json(vt, &tj);
        if (st == XA_OK && (msgpack_pack_array(pk, 2) || msgpack_pack_bin(pk, tj.len) ||
                            msgpack_pack_bin_body(pk, tj.data, tj.len)))
            st = XA_ENOMEM;
        xbuf_cleanup(&tj);
        return st == XA_OK ? encode(pk, v, vt, depth + 1) : st;
    }
    if (vt->kind != t->kind || !type_conforms(vt, t))
        return XA_EINVAL;
    int rc = 0;
    switch (t->kind) {
    case TYPE_BOOL: {
        bool b = false;
        value_get_bool(v, &b);
        rc = b ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
        break;
    }
    case TYPE_NUMBER: {
        int64_t i;
        double d;
        bool neg;
        const char *text = value_number_text(v);
        if (value_get_int64(v, &i))
            rc = msgpack_pack_int64(pk, i);
        else if (value_number_is_inf(v, &neg))
            rc = msgpack_pack_double(pk, neg ? -INFINITY : INFINITY);
        else if (exact_double(text, &d))
            rc = msgpack_pack_double(pk, d);
        else
            rc = msgpack_pack_str_with_body(pk, text, strlen(text));
        break;
    }
    case TYPE_STRING:
        rc = msgpack_pack_str_with_body(pk, value_get_string(v), value_string_len(v));
        break;
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE: {
        size_t n = value_length(v);
        rc = msgpack_pack_array(pk, n);
        for (size_t i = 0; i < n && !rc; i++) {
            enum xa_status st = encode(pk, value_index(v, i),
                                       t->kind == TYPE_TUPLE ? t->elems[i] : t->elem, depth + 1);
            if (st != XA_OK)
                return st;
        }
        break;
    }
    case TYPE_MAP: {
        size_t n = value_length(v);
        rc = msgpack_pack_map(pk, n);
        for (size_t i = 0; i < n && !rc; i++) {
            const char *k = value_map_key(v, i);
            rc = msgpack_pack_str_with_body(pk, k, strlen(k));
            enum xa_status st = rc ? XA_ENOMEM : encode(pk, value_index(v, i), t->elem, depth + 1);
            if (st != XA_OK)
                return st;
        }
        break;
    }
    case TYPE_OBJECT:
        rc = msgpack_pack_map(pk, t->nattrs);
        for (size_t i = 0; i < t->nattrs && !rc; i++) {
            const char *k = t->attrs[i].name;
            rc = msgpack_pack_str_with_body(pk, k, strlen(k));
            enum xa_status st =
                rc ? XA_ENOMEM : encode(pk, value_index(v, i), t->attrs[i].type, depth + 1);
            if (st != XA_OK)
                return st;
        }
        break;
    default:
        return XA_EINVAL;
    }
    return rc ? XA_ENOMEM : XA_OK;
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
