/* tfproto/identity_rpcs.c - resource identities on the wire (protocol 5.9/6.9):
 * GetResourceIdentitySchemas and UpgradeResourceIdentity, and the identity data the
 * resource RPCs attach to their answers and read from import requests.
 *
 * The tables and the rules are core/identity.h's; this file only builds and reads
 * messages. The identity schemas never change while the process lives, but Terraform
 * asks for them once per schema load, like GetProviderSchema: they are built per call
 * (a handful of small messages).
 */
#include "core/identity.h"
#include "core/provider.h"
#include "tfproto/handlers.h"

static Tfplugin6__ResourceIdentitySchema *schema_to_pb(struct tfproto_call *c,
                                                        const struct identity_schema *s)
{
    Tfplugin6__ResourceIdentitySchema *pb = tfproto_alloc(&c->a, sizeof *pb);
    Tfplugin6__ResourceIdentitySchema__IdentityAttribute **attrs =
        tfproto_alloc(&c->a, (s->nattrs + 1) * sizeof *attrs);
    if (!pb || !attrs)
        return NULL;
    tfplugin6__resource_identity_schema__init(pb);
    pb->version = s->version;
    for (size_t i = 0; i < s->nattrs; i++) {
        Tfplugin6__ResourceIdentitySchema__IdentityAttribute *a =
            tfproto_alloc(&c->a, sizeof *a);
        if (!a)
            return NULL;
        tfplugin6__resource_identity_schema__identity_attribute__init(a);
        a->name = tfproto_strdup(&c->a, s->attrs[i].name);
        a->description = tfproto_strdup(&c->a, s->attrs[i].description);
        a->required_for_import = s->attrs[i].required_for_import;
        a->optional_for_import = !s->attrs[i].required_for_import;
        if (!tfproto_type_json(&type_string, &c->a, &a->type))
            return NULL;
        attrs[i] = a;
    }
    pb->n_identity_attributes = s->nattrs;
    pb->identity_attributes = attrs;
    return pb;
}

enum xa_status tfproto_get_identity_schemas(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__get_resource_identity_schemas__request__descriptor,
                              req, len);
    Tfplugin6__GetResourceIdentitySchemas__Response rs =
        TFPLUGIN6__GET_RESOURCE_IDENTITY_SCHEMAS__RESPONSE__INIT;
    const struct provider_type *pt = provider_get_type(p);
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    Tfplugin6__GetResourceIdentitySchemas__Response__IdentitySchemasEntry **entries =
        tfproto_alloc(&c.a, (pt->nresources + 1) * sizeof *entries);
    size_t n = 0;
    for (size_t i = 0; entries && i < pt->nresources; i++) {
        const struct resource_type *r = pt->resources[i];
        if (!r->identity)
            continue;
        entries[n] = tfproto_alloc(&c.a, sizeof *entries[n]);
        if (!entries[n])
            break;
        tfplugin6__get_resource_identity_schemas__response__identity_schemas_entry__init(
            entries[n]);
        entries[n]->key = tfproto_strdup(&c.a, r->name);
        if (!(entries[n++]->value = schema_to_pb(&c, r->identity)))
            c.a.failed = true;
    }
    rs.n_identity_schemas = n;
    rs.identity_schemas = entries;
    return tfproto_call_finish(&c, &rs.base, out);
}

/* ---- identity data in the resource RPCs ---------------------------------------------------- */

Tfplugin6__ResourceIdentityData *tfproto_identity_data(struct tfproto_call *c, struct provider *p,
                                                       const char *type_name,
                                                       const struct value *state,
                                                       bool known_only)
{
    struct value *id = identity_of_state(p, type_name, state, &c->d);
    Tfplugin6__ResourceIdentityData *pb = NULL;
    if (id && (!known_only || value_is_wholly_known(id)) &&
        (pb = tfproto_alloc(&c->a, sizeof *pb)) != NULL) {
        tfplugin6__resource_identity_data__init(pb);
        pb->identity_data = tfproto_dv_encode(c, id, value_type(id));
        if (!pb->identity_data)
            pb = NULL;
    }
    value_free(id);
    return pb;
}

struct value *tfproto_identity_decode(struct provider *p, const char *type_name,
                                      const Tfplugin6__ResourceIdentityData *data,
                                      struct diags *d)
{
    const struct identity_schema *s = identity_schema_of(p, type_name);
    const struct type *t = s ? identity_type(s) : NULL;
    if (!s)
        diag_error(d, "Cannot import by identity",
                   "The resource type \"%s\" has no identity; import it by ID.",
                   type_name ? type_name : "");
    else if (!t)
        diag_error(d, "Out of memory", "The provider could not build the identity type.");
    return t ? tfproto_dv_decode(data ? data->identity_data : NULL, t, "resource identity", d)
             : NULL;
}

enum xa_status tfproto_upgrade_resource_identity(struct provider *p, const uint8_t *req,
                                                 size_t len, struct xbuf *out)
{
    Tfplugin6__UpgradeResourceIdentity__Request *rq =
        tfproto_unpack(&tfplugin6__upgrade_resource_identity__request__descriptor, req, len);
    Tfplugin6__UpgradeResourceIdentity__Response rs =
        TFPLUGIN6__UPGRADE_RESOURCE_IDENTITY__RESPONSE__INIT;
    Tfplugin6__ResourceIdentityData data = TFPLUGIN6__RESOURCE_IDENTITY_DATA__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const Tfplugin6__RawState *raw = rq->raw_identity;
    struct value *v = NULL;
    if (!raw || !raw->json.len)
        diag_error(&c.d, "Cannot upgrade the resource identity",
                   "Terraform sent no JSON identity for this %s.", rq->type_name);
    else
        v = identity_upgrade(p, rq->type_name, rq->version, (const char *)raw->json.data,
                             raw->json.len, &c.d);
    if (v && !value_is_known(v))
        diag_error(&c.d, "Cannot upgrade the resource identity",
                   "The stored identity of this %s is null.", rq->type_name);
    else if (v && (data.identity_data = tfproto_dv_encode(&c, v, value_type(v))) != NULL)
        rs.upgraded_identity = &data;
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}
