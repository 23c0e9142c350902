/* tfproto/call.c - a call's scratch, diagnostics and paths as protobuf, DynamicValues
 * (see call.h). */
#include "tfproto/call.h"

#include "core/schema.h"
#include "tfproto/tfproto.h"

void tfproto_call_init(struct tfproto_call *c)
{
    tfproto_arena_init(&c->a);
    diags_init(&c->d);
}

Tfplugin6__AttributePath *tfproto_path_to_pb(struct tfproto_call *c, const struct attr_path *p)
{
    Tfplugin6__AttributePath *ap = tfproto_alloc(&c->a, sizeof *ap);
    Tfplugin6__AttributePath__Step **steps = tfproto_alloc(&c->a, (p->len + 1) * sizeof *steps);
    if (!ap || !steps)
        return NULL;
    tfplugin6__attribute_path__init(ap);
    for (size_t i = 0; i < p->len; i++) {
        Tfplugin6__AttributePath__Step *s = tfproto_alloc(&c->a, sizeof *s);
        if (!s)
            return NULL;
        tfplugin6__attribute_path__step__init(s);
        switch (p->steps[i].kind) {
        case PATH_ATTR:
            s->selector_case = TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ATTRIBUTE_NAME;
            s->attribute_name = tfproto_strdup(&c->a, p->steps[i].name);
            break;
        case PATH_KEY_STRING:
            s->selector_case = TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ELEMENT_KEY_STRING;
            s->element_key_string = tfproto_strdup(&c->a, p->steps[i].name);
            break;
        case PATH_KEY_INT:
            s->selector_case = TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ELEMENT_KEY_INT;
            s->element_key_int = p->steps[i].index;
            break;
        }
        steps[i] = s;
    }
    ap->n_steps = p->len;
    ap->steps = steps;
    return ap;
}

static Tfplugin6__Diagnostic *diag_to_pb(struct tfproto_call *c, const struct diag *in)
{
    Tfplugin6__Diagnostic *out = tfproto_alloc(&c->a, sizeof *out);
    if (!out)
        return NULL;
    tfplugin6__diagnostic__init(out);
    out->severity = in->severity == DIAG_WARNING ? TFPLUGIN6__DIAGNOSTIC__SEVERITY__WARNING
                                                 : TFPLUGIN6__DIAGNOSTIC__SEVERITY__ERROR;
    out->summary = tfproto_strdup(&c->a, in->summary);
    out->detail = tfproto_strdup(&c->a, in->detail);
    if (in->has_path && in->path.len)
        out->attribute = tfproto_path_to_pb(c, &in->path);
    return out;
}

void tfproto_call_set_diags(struct tfproto_call *c, ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "diagnostics");
    if (!f)
        f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "diagnostic");
    if (!f || !c->d.len)
        return;
    Tfplugin6__Diagnostic **arr = tfproto_alloc(&c->a, c->d.len * sizeof *arr);
    if (!arr)
        return;
    for (size_t i = 0; i < c->d.len; i++)
        if (!(arr[i] = diag_to_pb(c, &c->d.items[i])))
            return;
    *(size_t *)((char *)m + f->quantifier_offset) = c->d.len;
    *(void **)((char *)m + f->offset) = arr;
}

enum xa_status tfproto_call_finish(struct tfproto_call *c, ProtobufCMessage *resp,
                                   struct xbuf *out)
{
    tfproto_call_set_diags(c, resp);
    enum xa_status st = c->a.failed ? XA_ENOMEM : tfproto_pack(resp, out);
    tfproto_arena_cleanup(&c->a);
    diags_cleanup(&c->d);
    return st;
}

void *tfproto_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *req, size_t len)
{
    return protobuf_c_message_unpack(desc, NULL, len, req);
}

void tfproto_unpacked_free(void *m)
{
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
}

struct value *tfproto_dv_decode(const Tfplugin6__DynamicValue *dv, const struct type *t,
                                const char *what, struct diags *d)
{
    return tfproto_decode_value(dv != NULL, dv ? &dv->msgpack : NULL, dv ? &dv->json : NULL,
                                t, what, d);
}

Tfplugin6__DynamicValue *tfproto_dv_encode(struct tfproto_call *c, const struct value *v,
                                           const struct type *t)
{
    Tfplugin6__DynamicValue *dv = tfproto_alloc(&c->a, sizeof *dv);
    if (!dv)
        return NULL;
    tfplugin6__dynamic_value__init(dv);
    return tfproto_encode_value(v, t, &c->a, &dv->msgpack, &c->d) ? dv : NULL;
}

const struct type *tfproto_provider_value_type(struct provider *p, struct diags *d)
{
    const struct type *t = schema_implied_type(&provider_get_type(p)->schema->block);
    if (!t)
        diag_error(d, "Out of memory", "The provider could not build its configuration type.");
    return t;
}

bool tfproto_stream_send(struct tfproto_stream *s, const ProtobufCMessage *m)
{
    struct xbuf b;
    xbuf_init(&b);
    bool ok = tfproto_pack(m, &b) == XA_OK && s->send(s, (const uint8_t *)b.data, b.len);
    xbuf_cleanup(&b);
    return ok;
}
