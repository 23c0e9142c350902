/* tfproto/list_rpcs.c - what `terraform query` calls (protocol 5.10/6.10):
 * ValidateListResourceConfig, ListResource and GenerateResourceConfig.
 *
 * ListResource is a server stream: every object the list function finds goes out as one
 * Event (identity, display name, and the object when include_resource_object) as soon as
 * it is found; problems end the stream with one last Event carrying the diagnostics, as
 * Terraform reads an event with errors as the end of the listing. The rules are
 * core/list_resource.h's and core/generate_config.h's.
 */
#include "core/generate_config.h"
#include "core/list_resource.h"
#include "core/provider.h"
#include "tfproto/handlers.h"

/* The list type's config type, or NULL with an error diagnostic. */
static const struct type *config_type(struct provider *p, const char *type_name,
                                      struct diags *d)
{
    const struct list_resource_type *l = list_resource_of(p, type_name);
    const struct type *t = l ? schema_implied_type(&l->schema->block) : NULL;
    if (!l)
        diag_error(d, "Unknown list resource type",
                   "The xacct provider has no list resource type \"%s\". It lists "
                   "xacct_lambda_integration and xacct_lambda_permission.",
                   type_name ? type_name : "");
    else if (!t)
        diag_error(d, "Out of memory", "The provider could not build the list's config type.");
    return t;
}

enum xa_status tfproto_validate_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out)
{
    Tfplugin6__ValidateListResourceConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_list_resource_config__request__descriptor, req, len);
    Tfplugin6__ValidateListResourceConfig__Response rs =
        TFPLUGIN6__VALIDATE_LIST_RESOURCE_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t = config_type(p, rq->type_name, &c.d);
    struct value *v = t ? tfproto_dv_decode(rq->config, t, "list configuration", &c.d) : NULL;
    if (v)
        list_validate(p, rq->type_name, v, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

/* ---- ListResource ------------------------------------------------------------------------ */

struct list_stream {
    struct tfproto_stream *out;
    const struct type *object_type;
    bool failed;                /* an event could not be built or sent */
};

static Tfplugin6__ResourceIdentityData *identity_pb(struct tfproto_call *c,
                                                    const struct value *id)
{
    Tfplugin6__ResourceIdentityData *pb = tfproto_alloc(&c->a, sizeof *pb);
    if (pb) {
        tfplugin6__resource_identity_data__init(pb);
        pb->identity_data = tfproto_dv_encode(c, id, value_type(id));
    }
    return pb && pb->identity_data ? pb : NULL;
}

/* list_sink.result: one Event per object. */
static bool send_result(void *ctx, const struct value *identity, const char *display_name,
                        const struct value *object)
{
    struct list_stream *ls = ctx;
    Tfplugin6__ListResource__Event ev = TFPLUGIN6__LIST_RESOURCE__EVENT__INIT;
    struct tfproto_call c;
    tfproto_call_init(&c);
    ev.identity = identity_pb(&c, identity);
    ev.display_name = tfproto_strdup(&c.a, display_name);
    if (object) {
        ev._resource_object_case = TFPLUGIN6__LIST_RESOURCE__EVENT___RESOURCE_OBJECT_RESOURCE_OBJECT;
        ev.resource_object = tfproto_dv_encode(&c, object, ls->object_type);
    }
    bool ok = ev.identity && ev.display_name && (!object || ev.resource_object) &&
              !c.a.failed && tfproto_stream_send(ls->out, &ev.base);
    tfproto_arena_cleanup(&c.a);
    diags_cleanup(&c.d);
    ls->failed |= !ok;
    return ok;
}

/* The diagnostics of the listing, as the stream's last Event. */
static bool send_diags(struct tfproto_stream *out, struct diags *d)
{
    Tfplugin6__ListResource__Event ev = TFPLUGIN6__LIST_RESOURCE__EVENT__INIT;
    struct tfproto_call c;
    tfproto_call_init(&c);
    diags_move(&c.d, d);
    tfproto_call_set_diags(&c, &ev.base);
    bool ok = !c.a.failed && tfproto_stream_send(out, &ev.base);
    tfproto_arena_cleanup(&c.a);
    diags_cleanup(&c.d);
    return ok;
}

enum xa_status tfproto_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                     struct tfproto_stream *out)
{
    Tfplugin6__ListResource__Request *rq =
        tfproto_unpack(&tfplugin6__list_resource__request__descriptor, req, len);
    struct diags d;
    if (!rq)
        return XA_EINVAL;
    diags_init(&d);
    const struct type *t = config_type(p, rq->type_name, &d);
    const struct resource_type *r = provider_resource(p, rq->type_name);
    struct list_stream ls = {.out = out,
                             .object_type = r ? schema_implied_type(&r->schema->block) : NULL};
    const struct list_sink sink = {.result = send_result, .ctx = &ls};
    struct value *v = t ? tfproto_dv_decode(rq->config, t, "list configuration", &d) : NULL;
    if (v)
        list_run(p, rq->type_name, v, rq->include_resource_object, rq->limit, &sink, &d);
    /* The problems end the stream in one event - unless a result could not go out
     * (the client left), when nothing more can be said. */
    if (d.len && !ls.failed)
        send_diags(out, &d);
    value_free(v);
    diags_cleanup(&d);
    tfproto_unpacked_free(rq);
    return XA_OK;
}

/* ---- GenerateResourceConfig ----------------------------------------------------------------- */

enum xa_status tfproto_generate_resource_config(struct provider *p, const uint8_t *req, size_t len,
                                                struct xbuf *out)
{
    Tfplugin6__GenerateResourceConfig__Request *rq =
        tfproto_unpack(&tfplugin6__generate_resource_config__request__descriptor, req, len);
    Tfplugin6__GenerateResourceConfig__Response rs =
        TFPLUGIN6__GENERATE_RESOURCE_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct resource_type *r = provider_resource(p, rq->type_name);
    const struct type *t = r ? schema_implied_type(&r->schema->block) : NULL;
    struct value *state = t ? tfproto_dv_decode(rq->state, t, "state", &c.d) : NULL;
    struct value *config = state ? generate_config(p, rq->type_name, state, &c.d) : NULL;
    if (!r)
        diag_error(&c.d, "Unknown resource type",
                   "The xacct provider has no resource type \"%s\".",
                   rq->type_name ? rq->type_name : "");
    if (config)
        rs.config = tfproto_dv_encode(&c, config, t);
    value_free(state);
    value_free(config);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}
