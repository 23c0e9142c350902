/* tfproto/common.c - arena and DynamicValue coding shared by every RPC (see common.h). */
#include <string.h>

#include "core/codec.h"
#include "tfproto/common.h"
#include "util/alloc.h"
#include "util/utf8.h"

/* ---- arena --------------------------------------------------------------------------- */

struct arena_chunk {
    struct arena_chunk *next;
    max_align_t data[];
};

void tfproto_arena_init(struct tfproto_arena *a)
{
    *a = (struct tfproto_arena){0};
}

void tfproto_arena_cleanup(struct tfproto_arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        xa_free(c);
        c = next;
    }
    *a = (struct tfproto_arena){0};
}

void *tfproto_alloc(struct tfproto_arena *a, size_t n)
{
    /* One chunk per allocation keeps it simple; answers have tens of parts, not more. */
    struct arena_chunk *c = n < (size_t)-1 / 2 ? xa_calloc(1, sizeof *c + n) : NULL;
    if (!c) {
        a->failed = true;
        return NULL;
    }
    c->next = a->head;
    a->head = c;
    return c->data;
}

char *tfproto_strdup(struct tfproto_arena *a, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *p = tfproto_alloc(a, n + 1);
    if (p && n) {
        memcpy(p, s, n);
        /* Terraform refuses a whole answer over one string that is not UTF-8. */
        utf8_repair(p);
    }
    return p;
}

bool tfproto_copy_bytes(struct tfproto_arena *a, const ProtobufCBinaryData *in,
                        ProtobufCBinaryData *out)
{
    *out = (ProtobufCBinaryData){0};
    if (!in || !in->len)
        return true;
    out->data = tfproto_alloc(a, in->len);
    if (!out->data)
        return false;
    memcpy(out->data, in->data, in->len);
    out->len = in->len;
    return true;
}

/* ---- values ---------------------------------------------------------------------------- */

struct value *tfproto_decode_value(bool present, const ProtobufCBinaryData *msgpack,
                                   const ProtobufCBinaryData *json, const struct type *t,
                                   const char *what, struct diags *d)
{
    struct value *v;
    struct diags local;
    diags_init(&local);
    if (present && msgpack && msgpack->len)
        v = codec_msgpack_decode(msgpack->data, msgpack->len, t, &local);
    else if (present && json && json->len)
        v = codec_json_decode((const char *)json->data, json->len, t, false, &local);
    else
        v = value_new_null(t);
    if (!v && !diags_has_error(&local))
        diag_error(&local, "Invalid value", "The %s could not be decoded (out of memory?).",
                   what);
    else if (!v)
        diag_error(d, "Invalid value",
                   "Terraform sent a %s that does not match the resource schema; the "
                   "diagnostics that follow say where.", what);
    diags_move(d, &local);
    diags_cleanup(&local);
    return v;
}

bool tfproto_encode_value(const struct value *v, const struct type *t,
                          struct tfproto_arena *a, ProtobufCBinaryData *out, struct diags *d)
{
    struct xbuf b;
    bool ok = false;
    xbuf_init(&b);
    enum xa_status st = v ? codec_msgpack_encode(v, t, &b) : xbuf_append_char(&b, (char)0xc0);
    if (st != XA_OK) {
        diag_bug(d, "Cannot encode value",
                 "The provider built a value that does not match its own schema (%s).",
                 xa_status_str(st));
        goto out;
    }
    out->data = tfproto_alloc(a, b.len);
    if (!out->data)
        goto out;
    memcpy(out->data, b.data, b.len);
    out->len = b.len;
    ok = true;
out:
    xbuf_cleanup(&b);
    return ok;
}

bool tfproto_type_json(const struct type *t, struct tfproto_arena *a, ProtobufCBinaryData *out)
{
    struct xbuf b;
    bool ok = false;
    xbuf_init(&b);
    if (codec_type_json(t, &b) == XA_OK && (out->data = tfproto_alloc(a, b.len)) != NULL) {
        memcpy(out->data, b.data, b.len);
        out->len = b.len;
        ok = true;
    }
    xbuf_cleanup(&b);
    return ok;
}

enum xa_status tfproto_pack(const ProtobufCMessage *m, struct xbuf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    if (xbuf_reserve(out, n) != XA_OK)
        return XA_ENOMEM;
    out->len += protobuf_c_message_pack(m, (uint8_t *)out->data + out->len);
    out->data[out->len] = '\0';
    return XA_OK;
}
