/* core/codec_json.c - cty values as JSON (raw state, DynamicValue.json), on jansson.
 *
 * Decoding parses with jansson, then walks the tree guided by the type, so the nesting is
 * bounded by the type (and CODEC_MAX_DEPTH for dynamic values inside dynamic values).
 * Like go-cty, primitives convert where cty would: a string holding a number or
 * "true"/"false" decodes as a number or bool, a number or bool decodes as a string.
 * Attributes missing from an object are null; attributes the type lacks are an error
 * unless allow_extra (old raw state, whose removed attributes we drop).
 *
 * Number precision: numbers are what jansson makes of them. Integers that fit int64 are
 * exact. jansson refuses an integer beyond int64 ("too big integer"); the document is
 * then read again with JSON_DECODE_INT_AS_REAL, so every integer in that document goes
 * through a double and integers beyond int64 (and, in such a document, any beyond 2^53)
 * lose precision. Reals keep the shortest decimal text that reads back as the same
 * double (1.5 stays 1.5, 0.1 stays 0.1); digits a double cannot hold are lost, reals
 * beyond the double range are refused by jansson and those below it read as 0. Strings
 * holding numbers keep their exact text, within the double range so that the encoder,
 * which refuses numbers beyond it as it refuses unknowns, can write them back. Only raw
 * state (UpgradeResourceState, MoveResourceState) is JSON; Terraform's DynamicValues are
 * msgpack, where numbers of any size are exact (codec_msgpack.c).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

static const char summary[] = "Invalid JSON value";

struct jreader {
    struct attr_path path;
    struct diags *d;
    bool allow_extra;
    bool failed;
    int depth;
};

static struct value *jfail(struct jreader *r, const char *fmt, const char *arg)
{
    if (r->failed)
        return NULL;
    r->failed = true;
    char *where = attr_path_str(&r->path);
    char sentence[256];
    snprintf(sentence, sizeof sentence, fmt, arg ? arg : "");
    if (where && *where)
        diag_add(r->d, DIAG_ERROR, &r->path, summary, "%s: %s.", where, sentence);
    else
        diag_add(r->d, DIAG_ERROR, NULL, summary, "%s.", sentence);
    xa_free(where);
    return NULL;
}

static struct value *need(struct jreader *r, struct value *v)
{
    return v ? v : jfail(r, "out of memory while decoding%s", NULL);
}

static struct value *jdecode(struct jreader *r, const json_t *j, const struct type *t);

/* Numbers beyond the double range: jansson refuses them as bare JSON numbers. */
static bool jansson_readable(const struct value *num)
{
    return !value_number_is_inf(num, NULL) && isfinite(strtod(value_number_text(num), NULL));
}

/* The shortest of %.15g, %.16g, %.17g that reads back as d, as canonical number text. */
static struct value *real_value(struct jreader *r, double d)
{
    if (!isfinite(d))
        return jfail(r, "the number is too large or too small%s", NULL);
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return need(r, value_new_number_text(buf));
}

static struct value *jnumber(struct jreader *r, const json_t *j)
{
    if (json_is_integer(j))
        return need(r, value_new_int((int64_t)json_integer_value(j)));
    if (json_is_real(j))
        return real_value(r, json_real_value(j));
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        /* JSON has no infinities, so a string naming one would not survive re-encoding */
        bool ok = strlen(s) == json_string_length(j) && !strchr(s, 'I') && !strchr(s, 'i');
        struct value *v = ok ? value_new_number_text(s) : NULL;
        if (!v)
            return jfail(r, "a number is required, but \"%.60s\" is not a number", s);
        /* nor would one jansson refuses as a bare number */
        if (!jansson_readable(v)) {
            value_free(v);
            return jfail(r, "the number \"%.60s\" is beyond the range of a double", s);
        }
        return v;
    }
    return jfail(r, "a number is required%s", NULL);
}

static struct value *jprimitive(struct jreader *r, const json_t *j, const struct type *t)
{
    if (t->kind == TYPE_NUMBER)
        return jnumber(r, j);
    if (t->kind == TYPE_BOOL) {
        if (json_is_boolean(j))
            return need(r, value_new_bool(json_is_true(j)));
        const char *s = json_string_value(j);
        if (s && strlen(s) == json_string_length(j) &&
            (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
            return need(r, value_new_bool(s[0] == 't'));
        return jfail(r, "a bool is required%s", NULL);
    }
    if (json_is_string(j)) {
        const char *problem = value_string_problem(json_string_value(j), json_string_length(j));
        if (problem)
            return jfail(r, "the string %s", problem);
        return need(r, value_new_stringn(json_string_value(j), json_string_length(j)));
    }
    if (json_is_boolean(j))
        return need(r, value_new_string(json_is_true(j) ? "true" : "false"));
    if (json_is_number(j)) {
        struct value *n = jnumber(r, j);
        struct value *s = n ? value_new_string(value_number_text(n)) : NULL;
        value_free(n);
        return n ? need(r, s) : NULL;
    }
    return jfail(r, "a string is required%s", NULL);
}

static struct value *jlist(struct jreader *r, const json_t *j, const struct type *t)
{
    if (!json_is_array(j))
        return jfail(r, "a %s is required", t->kind == TYPE_TUPLE ? "tuple" : "list or set");
    size_t n = json_array_size(j);
    if (t->kind == TYPE_TUPLE && n != t->nelems)
        return jfail(r, "a tuple of a different length is required%s", NULL);
    struct value *c = need(r, value_new_collection(t));
    for (size_t i = 0; c && i < n; i++) {
        if (!attr_path_push_index(&r->path, (int64_t)i)) {
            value_free(c);
            return need(r, NULL);
        }
        struct value *e = jdecode(r, json_array_get(j, i),
                                  t->kind == TYPE_TUPLE ? t->elems[i] : t->elem);
        attr_path_pop(&r->path);
        bool had = e != NULL;
        bool ok = e && (t->kind == TYPE_TUPLE ? value_tuple_set(c, i, e)
                        : t->kind == TYPE_SET ? value_set_append_raw(c, e)
                                              : value_list_append(c, e));
        if (!ok) {
            value_free(c);
            return had ? need(r, NULL) : NULL;
        }
    }
    value_set_finish(c);
    return c;
}

static struct value *jmap(struct jreader *r, const json_t *j, const struct type *t)
{
    if (!json_is_object(j))
        return jfail(r, "a map is required%s", NULL);
    struct value *m = need(r, value_new_collection(t));
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)j, key, val) {
        if (!m)
            break;
        if (!attr_path_push_key(&r->path, key)) {
            value_free(m);
            return need(r, NULL);
        }
        struct value *e = jdecode(r, val, t->elem);
        attr_path_pop(&r->path);
        bool had = e != NULL;
        if (!e || !value_map_set(m, key, e)) {
            value_free(m);
            return had ? need(r, NULL) : NULL;
        }
    }
    return m;
}

static struct value *jobject(struct jreader *r, const json_t *j, const struct type *t)
{
    if (!json_is_object(j))
        return jfail(r, "an object is required%s", NULL);
    if (!r->allow_extra) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)j, key, val) {
            if (type_attr_index(t, key) < 0)
                return jfail(r, "unsupported attribute \"%s\"", key);
        }
    }
    struct value *o = need(r, value_new_object(t));
    for (size_t i = 0; o && i < t->nattrs; i++) {
        const json_t *a = json_object_get(j, t->attrs[i].name);
        if (!a)
            continue;
        if (!attr_path_push_attr(&r->path, t->attrs[i].name)) {
            value_free(o);
            return need(r, NULL);
        }
        struct value *e = jdecode(r, a, t->attrs[i].type);
        attr_path_pop(&r->path);
        bool had = e != NULL;
        if (!e || !value_object_set(o, t->attrs[i].name, e)) {
            value_free(o);
            return had ? need(r, NULL) : NULL;
        }
    }
    return o;
}

static struct value *jdynamic(struct jreader *r, const json_t *j)
{
    const json_t *tj = json_object_get(j, "type"), *vj = json_object_get(j, "value");
    if (!json_is_object(j) || !tj || !vj || json_object_size(j) != 2)
        return jfail(r, "a dynamic value is required: {\"type\": ..., \"value\": ...}%s", NULL);
    struct diags td;
    diags_init(&td);
    const struct type *t = codec_type_from_jansson(tj, 0, &td);
    diags_cleanup(&td);
    if (!t)
        return jfail(r, "a dynamic value's type is not a valid type%s", NULL);
    struct value *v = t->kind == TYPE_DYNAMIC
                          ? jfail(r, "a dynamic value cannot have the type \"dynamic\"%s", NULL)
                          : jdecode(r, vj, t);
    type_unref(t);
    return v;
}

static struct value *jdecode(struct jreader *r, const json_t *j, const struct type *t)
{
    if (json_is_null(j))
        return need(r, value_new_null(t));
    if (++r->depth > CODEC_MAX_DEPTH) {
        r->depth--;
        return jfail(r, "values are nested too deeply%s", NULL);
    }
    struct value *v;
    switch (t->kind) {
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE:
        v = jlist(r, j, t);
        break;
    case TYPE_MAP:
        v = jmap(r, j, t);
        break;
    case TYPE_OBJECT:
        v = jobject(r, j, t);
        break;
    case TYPE_DYNAMIC:
        v = jdynamic(r, j);
        break;
    default:
        v = jprimitive(r, j, t);
        break;
    }
    r->depth--;
    return v;
}

struct value *codec_json_decode(const char *data, size_t len, const struct type *t,
                                bool allow_extra, struct diags *d)
{
    if (!t) {
        diag_bug(d, summary, "codec_json_decode was called without a type.");
        return NULL;
    }
    json_error_t err;
    const char *text = data ? data : "";
    /* JSON_ALLOW_NUL: a "\u0000" is then refused by the walk, with its attribute path. */
    size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_t *j = json_loadb(text, len, flags, &err);
    /* an integer beyond int64: read every integer of the document as a double */
    if (!j && json_error_code(&err) == json_error_numeric_overflow)
        j = json_loadb(text, len, flags | JSON_DECODE_INT_AS_REAL, &err);
    if (!j && json_error_code(&err) == json_error_invalid_utf8) {
        diag_error(d, summary, "The JSON is not valid: the text at line %d, column %d is not "
                               "valid UTF-8.", err.line, err.column);
        return NULL;
    }
    if (!j) {
        diag_error(d, summary, "The JSON is not valid: %s (line %d, column %d).", err.text,
                   err.line, err.column);
        return NULL;
    }
    struct jreader r = {.d = d, .allow_extra = allow_extra};
    attr_path_init(&r.path);
    struct value *v = jdecode(&r, j, t);
    attr_path_cleanup(&r.path);
    json_decref(j);
    return v;
}

/* ---- encoding --------------------------------------------------------------------- */

/* `want` is the type the reader expects (NULL: untyped); dynamic wraps the value. */
static enum xa_status jencode(const struct value *v, const struct type *want, struct xbuf *out,
                              int depth)
{
    if (depth > CODEC_MAX_DEPTH || value_is_unknown(v))
        return XA_EINVAL;
    if (value_is_null(v))
        return xbuf_append_str(out, "null");
    const struct type *t = value_type(v);
    enum xa_status st = XA_OK;
    if (want && want->kind == TYPE_DYNAMIC) {
        st = xbuf_append_str(out, "{\"type\":");
        if (st == XA_OK)
            st = codec_type_json(t, out);
        if (st == XA_OK)
            st = xbuf_append_str(out, ",\"value\":");
        if (st == XA_OK)
            st = jencode(v, t, out, depth + 1);
        return st == XA_OK ? xbuf_append_char(out, '}') : st;
    }
    if (want && !type_conforms(t, want))
        return XA_EINVAL;
    switch (t->kind) {
    case TYPE_BOOL: {
        bool b = false;
        value_get_bool(v, &b);
        return xbuf_append_str(out, b ? "true" : "false");
    }
    case TYPE_NUMBER:
        if (!jansson_readable(v))
            return XA_EINVAL;
        return xbuf_append_str(out, value_number_text(v));
    case TYPE_STRING:
        return codec_json_string(out, value_get_string(v), value_string_len(v));
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_TUPLE:
        st = xbuf_append_char(out, '[');
        for (size_t i = 0; i < value_length(v) && st == XA_OK; i++) {
            if (i > 0)
                st = xbuf_append_char(out, ',');
            if (st == XA_OK)
                st = jencode(value_index(v, i),
                             !want                   ? NULL
                             : t->kind == TYPE_TUPLE ? want->elems[i]
                                                     : want->elem,
                             out, depth + 1);
        }
        return st == XA_OK ? xbuf_append_char(out, ']') : st;
    case TYPE_MAP:
    case TYPE_OBJECT:
        st = xbuf_append_char(out, '{');
        for (size_t i = 0; i < value_length(v) && st == XA_OK; i++) {
            const char *k = t->kind == TYPE_MAP ? value_map_key(v, i) : t->attrs[i].name;
            if (i > 0)
                st = xbuf_append_char(out, ',');
            if (st == XA_OK)
                st = codec_json_string(out, k, strlen(k));
            if (st == XA_OK)
                st = xbuf_append_char(out, ':');
            if (st == XA_OK)
                st = jencode(value_index(v, i),
                             !want                 ? NULL
                             : t->kind == TYPE_MAP ? want->elem
                                                   : want->attrs[i].type,
                             out, depth + 1);
        }
        return st == XA_OK ? xbuf_append_char(out, '}') : st;
    default:
        return XA_EINVAL;
    }
}

enum xa_status codec_json_encode(const struct value *v, struct xbuf *out)
{
    return codec_json_encode_typed(v, NULL, out);
}

enum xa_status codec_json_encode_typed(const struct value *v, const struct type *t,
                                       struct xbuf *out)
{
    size_t mark = out->len;
    enum xa_status st = jencode(v, t, out, 0);
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}
