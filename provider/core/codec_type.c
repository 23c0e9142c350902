/* core/codec_type.c - cty type JSON, both ways.
 *
 * "string" | "number" | "bool" | "dynamic" | ["list",T] | ["set",T] | ["map",T] |
 * ["object",{"name":T,...}] | ["object",{...},["optional",...]] | ["tuple",[T,...]]
 * (go-cty cty/json.go). Encoding writes object attributes sorted, as go-cty does, so the
 * bytes are deterministic. Decoding uses jansson, bounds nesting at CODEC_MAX_DEPTH and
 * returns heap types (refs = 1); errors are diagnostics, never crashes.
 */
#include <jansson.h>
#include <string.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

static const char type_summary[] = "Invalid type specification";

/* ---- encoding --------------------------------------------------------------------- */

enum xa_status codec_json_string(struct xbuf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    enum xa_status st = xbuf_append_char(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < n && st == XA_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
            continue;
        st = xbuf_append(out, s + run, i - run);
        run = i + 1;
        if (st != XA_OK)
            break;
        switch (c) {
        case '"': st = xbuf_append_str(out, "\\\""); break;
        case '\\': st = xbuf_append_str(out, "\\\\"); break;
        case '\n': st = xbuf_append_str(out, "\\n"); break;
        case '\r': st = xbuf_append_str(out, "\\r"); break;
        case '\t': st = xbuf_append_str(out, "\\t"); break;
        default: {
            /* control characters and, like Go's encoding/json, <, > and & */
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            st = xbuf_append_str(out, u);
            break;
        }
        }
    }
    if (st == XA_OK)
        st = xbuf_append(out, s + run, n - run);
    if (st == XA_OK)
        st = xbuf_append_char(out, '"');
    return st;
}

static enum xa_status type_json(const struct type *t, struct xbuf *out, int depth)
{
    if (depth > CODEC_MAX_DEPTH)
        return XA_EINVAL;
    enum xa_status st = XA_OK;
    switch (t->kind) {
    case TYPE_BOOL: return xbuf_append_str(out, "\"bool\"");
    case TYPE_NUMBER: return xbuf_append_str(out, "\"number\"");
    case TYPE_STRING: return xbuf_append_str(out, "\"string\"");
    case TYPE_DYNAMIC: return xbuf_append_str(out, "\"dynamic\"");
    case TYPE_LIST:
    case TYPE_SET:
    case TYPE_MAP:
        st = xbuf_appendf(out, "[\"%s\",", type_kind_name(t->kind));
        if (st == XA_OK)
            st = type_json(t->elem, out, depth + 1);
        return st == XA_OK ? xbuf_append_char(out, ']') : st;
    case TYPE_OBJECT: {
        bool any_opt = false;
        st = xbuf_append_str(out, "[\"object\",{");
        for (size_t i = 0; i < t->nattrs && st == XA_OK; i++) {
            any_opt = any_opt || t->attrs[i].optional;
            if (i > 0)
                st = xbuf_append_char(out, ',');
            if (st == XA_OK)
                st = codec_json_string(out, t->attrs[i].name, strlen(t->attrs[i].name));
            if (st == XA_OK)
                st = xbuf_append_char(out, ':');
            if (st == XA_OK)
                st = type_json(t->attrs[i].type, out, depth + 1);
        }
        if (st == XA_OK)
            st = xbuf_append_char(out, '}');
        if (st == XA_OK && any_opt) {
            st = xbuf_append_str(out, ",[");
            bool first = true;
            for (size_t i = 0; i < t->nattrs && st == XA_OK; i++) {
                if (!t->attrs[i].optional)
                    continue;
                if (!first)
                    st = xbuf_append_char(out, ',');
                first = false;
                if (st == XA_OK)
                    st = codec_json_string(out, t->attrs[i].name, strlen(t->attrs[i].name));
            }
            if (st == XA_OK)
                st = xbuf_append_char(out, ']');
        }
        return st == XA_OK ? xbuf_append_char(out, ']') : st;
    }
    case TYPE_TUPLE:
        st = xbuf_append_str(out, "[\"tuple\",[");
        for (size_t i = 0; i < t->nelems && st == XA_OK; i++) {
            if (i > 0)
                st = xbuf_append_char(out, ',');
            if (st == XA_OK)
                st = type_json(t->elems[i], out, depth + 1);
        }
        return st == XA_OK ? xbuf_append_str(out, "]]") : st;
    }
    return XA_EINVAL;
}

enum xa_status codec_type_json(const struct type *t, struct xbuf *out)
{
    size_t mark = out->len;
    enum xa_status st = t ? type_json(t, out, 0) : XA_EINVAL;
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}

/* ---- decoding --------------------------------------------------------------------- */

static const struct type *bad(struct diags *d, const char *why)
{
    diag_error(d, type_summary, "The type specification is invalid: %s.", why);
    return NULL;
}

static const struct type *object_from_json(const json_t *j, int depth, struct diags *d)
{
    const json_t *attrs = json_array_get(j, 1), *opt = json_array_get(j, 2);
    size_t n = json_array_size(j);
    if (!json_is_object(attrs) || n > 3 || (n == 3 && !json_is_array(opt)))
        return bad(d, "an object type is [\"object\", {attributes}] with an optional list of "
                      "optional attribute names");
    size_t na = json_object_size(attrs);
    const char **names = xa_calloc(na ? na : 1, sizeof *names);
    const struct type **types = xa_calloc(na ? na : 1, sizeof *types);
    bool *optional = xa_calloc(na ? na : 1, sizeof *optional);
    const struct type *t = NULL;
    size_t got = 0;
    if (!names || !types || !optional) {
        diag_error(d, type_summary, "Out of memory while reading a type.");
        goto done;
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)attrs, key, val) {
        names[got] = key;
        types[got] = codec_type_from_jansson(val, depth + 1, d);
        if (!types[got])
            goto done;
        for (size_t k = 0; opt && k < json_array_size(opt); k++) {
            const char *o = json_string_value(json_array_get(opt, k));
            if (!o) {
                bad(d, "optional attribute names must be strings");
                got++;
                goto done;
            }
            if (strcmp(o, key) == 0)
                optional[got] = true;
        }
        got++;
    }
    t = type_new_object(names, types, optional, got);
    got = 0;    /* taken */
    if (!t)
        diag_error(d, type_summary, "Out of memory while reading a type.");
done:
    for (size_t i = 0; i < got; i++)
        type_unref(types[i]);
    xa_free(names);
    xa_free(types);
    xa_free(optional);
    return t;
}

const struct type *codec_type_from_jansson(const struct json_t *cj, int depth, struct diags *d)
{
    const json_t *j = (const json_t *)cj;
    if (depth > CODEC_MAX_DEPTH)
        return bad(d, "types are nested too deeply");
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (strcmp(s, "string") == 0)
            return &type_string;
        if (strcmp(s, "number") == 0)
            return &type_number;
        if (strcmp(s, "bool") == 0)
            return &type_bool;
        if (strcmp(s, "dynamic") == 0)
            return &type_dynamic;
        return bad(d, "unknown primitive type name");
    }
    const char *kind = json_string_value(json_array_get(j, 0));
    if (!json_is_array(j) || !kind)
        return bad(d, "a type is a string or an array starting with its kind");
    if (strcmp(kind, "list") == 0 || strcmp(kind, "set") == 0 || strcmp(kind, "map") == 0) {
        if (json_array_size(j) != 2)
            return bad(d, "a collection type has exactly one element type");
        const struct type *e = codec_type_from_jansson(json_array_get(j, 1), depth + 1, d);
        if (!e)
            return NULL;
        enum type_kind k = kind[0] == 'l' ? TYPE_LIST : kind[0] == 's' ? TYPE_SET : TYPE_MAP;
        const struct type *t = type_new_collection(k, e);
        if (!t)
            diag_error(d, type_summary, "Out of memory while reading a type.");
        return t;
    }
    if (strcmp(kind, "object") == 0)
        return object_from_json(j, depth, d);
    if (strcmp(kind, "tuple") == 0) {
        const json_t *el = json_array_get(j, 1);
        if (json_array_size(j) != 2 || !json_is_array(el))
            return bad(d, "a tuple type is [\"tuple\", [element types]]");
        size_t n = json_array_size(el);
        const struct type **types = xa_calloc(n ? n : 1, sizeof *types);
        if (!types) {
            diag_error(d, type_summary, "Out of memory while reading a type.");
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            types[i] = codec_type_from_jansson(json_array_get(el, i), depth + 1, d);
            if (!types[i]) {
                for (size_t k = 0; k < i; k++)
                    type_unref(types[k]);
                xa_free(types);
                return NULL;
            }
        }
        const struct type *t = type_new_tuple(types, n);
        xa_free(types);
        if (!t)
            diag_error(d, type_summary, "Out of memory while reading a type.");
        return t;
    }
    return bad(d, "unknown type kind");
}

const struct type *codec_type_from_json(const char *data, size_t len, struct diags *d)
{
    json_error_t err;
    json_t *j = json_loadb(data ? data : "", len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        diag_error(d, type_summary, "The type specification is not valid JSON: %s.", err.text);
        return NULL;
    }
    const struct type *t = codec_type_from_jansson(j, 0, d);
    json_decref(j);
    return t;
}
