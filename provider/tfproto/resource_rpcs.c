/* tfproto/resource_rpcs.c - the provider's configuration and the resource lifecycle:
 * Validate(Provider|Resource)Config, ConfigureProvider, StopProvider, UpgradeResourceState,
 * ReadResource, PlanResourceChange, ApplyResourceChange, ImportResourceState and
 * MoveResourceState, for both protocol versions (call.h).
 *
 * Rules every handler follows (PROTOCOL-FACTS.md sections 3 and 5): a request that does
 * not decode returns XA_EINVAL; everything else answers OK with diagnostics; values are
 * decoded msgpack-else-JSON-else-null and always answered in msgpack; private bytes
 * pass through unchanged. An answer that carries an object carries its identity
 * (identity_rpcs.c) - for a plan only an update's or no change's, as Terraform takes
 * them - and ImportResourceState imports by identity when the request has one.
 */
#include "core/identity.h"
#include "core/provider.h"
#include "core/schema.h"
#include "tfproto/handlers.h"

/* The resource type and its value type, or NULL with an error diagnostic. */
static const struct resource_type *resource_or_diag(struct provider *p, const char *name,
                                                    const struct type **t, struct diags *d)
{
    const struct resource_type *rt = provider_resource(p, name);
    *t = rt ? schema_implied_type(&rt->schema->block) : NULL;
    if (!rt)
        diag_error(d, "Unknown resource type",
                   "The xacct provider has no resource type \"%s\"; check the resource "
                   "block's type.", name ? name : "");
    else if (!*t)
        diag_error(d, "Out of memory", "The provider could not build the type of %s.", name);
    return *t ? rt : NULL;
}

/* ---- the provider ----------------------------------------------------------------------- */

struct value *tfproto_validate_provider(struct provider *p, const Tfplugin6__DynamicValue *config,
                                        struct diags *d)
{
    const struct type *t = tfproto_provider_value_type(p, d);
    struct value *v = t ? tfproto_dv_decode(config, t, "provider configuration", d) : NULL;
    if (v)
        provider_validate_config(p, v, d);
    return v;
}

enum xa_status tfproto_validate_provider_config(struct provider *p, const uint8_t *req,
                                                size_t len, struct xbuf *out)
{
    Tfplugin6__ValidateProviderConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_provider_config__request__descriptor, req, len);
    Tfplugin6__ValidateProviderConfig__Response rs =
        TFPLUGIN6__VALIDATE_PROVIDER_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    value_free(tfproto_validate_provider(p, rq->config, &c.d));
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_validate_resource_config(struct provider *p, const uint8_t *req,
                                                size_t len, struct xbuf *out)
{
    Tfplugin6__ValidateResourceConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_resource_config__request__descriptor, req, len);
    Tfplugin6__ValidateResourceConfig__Response rs =
        TFPLUGIN6__VALIDATE_RESOURCE_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    const struct type *t;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct resource_type *rt = resource_or_diag(p, rq->type_name, &t, &c.d);
    struct value *v = rt ? tfproto_dv_decode(rq->config, t, "resource configuration", &c.d) : NULL;
    if (v)
        provider_validate_resource(p, rq->type_name, v, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_configure_provider(struct provider *p, const uint8_t *req, size_t len,
                                          struct xbuf *out)
{
    Tfplugin6__ConfigureProvider__Request *rq =
        tfproto_unpack(&tfplugin6__configure_provider__request__descriptor, req, len);
    Tfplugin6__ConfigureProvider__Response rs = TFPLUGIN6__CONFIGURE_PROVIDER__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t = tfproto_provider_value_type(p, &c.d);
    struct value *v = t ? tfproto_dv_decode(rq->config, t, "provider configuration", &c.d) : NULL;
    if (v)
        provider_configure(p, v, rq->terraform_version, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_stop_provider(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__stop_provider__request__descriptor, req, len);
    Tfplugin6__StopProvider__Response rs = TFPLUGIN6__STOP_PROVIDER__RESPONSE__INIT;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    provider_stop(p);
    return tfproto_pack(&rs.base, out);
}

/* ---- resource lifecycle ----------------------------------------------------------------- */

enum xa_status tfproto_upgrade_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out)
{
    Tfplugin6__UpgradeResourceState__Request *rq =
        tfproto_unpack(&tfplugin6__upgrade_resource_state__request__descriptor, req, len);
    Tfplugin6__UpgradeResourceState__Response rs =
        TFPLUGIN6__UPGRADE_RESOURCE_STATE__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t;
    const struct resource_type *rt = resource_or_diag(p, rq->type_name, &t, &c.d);
    const Tfplugin6__RawState *raw = rq->raw_state;
    struct value *v = NULL;
    if (!rt) {
        /* the diagnostic says it all */
    } else if (raw && raw->json.len) {
        v = provider_upgrade_resource(p, rq->type_name, rq->version, (const char *)raw->json.data,
                                      raw->json.len, &c.d);
    } else if (raw && raw->n_flatmap) {
        diag_error(&c.d, "State too old for xacct",
                   "This %s was stored in the flatmap format of Terraform before 0.12, which "
                   "xacct never wrote. Remove it from the state (terraform state rm) and "
                   "import it again.", rq->type_name);
    } else {
        v = value_new_null(t);
    }
    if (v)
        rs.upgraded_state = tfproto_dv_encode(&c, v, t);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_read_resource(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    Tfplugin6__ReadResource__Request *rq =
        tfproto_unpack(&tfplugin6__read_resource__request__descriptor, req, len);
    Tfplugin6__ReadResource__Response rs = TFPLUGIN6__READ_RESOURCE__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t;
    const struct resource_type *rt = resource_or_diag(p, rq->type_name, &t, &c.d);
    struct value *cur = rt ? tfproto_dv_decode(rq->current_state, t, "current state", &c.d) : NULL;
    if (cur) {
        struct value *nv = provider_read_resource(p, rq->type_name, cur, &c.d);
        /* No answer (an error): keep what Terraform holds rather than losing the object. */
        rs.new_state = tfproto_dv_encode(&c, nv ? nv : cur, t);
        if (nv && !diags_has_error(&c.d))
            rs.new_identity = tfproto_identity_data(&c, p, rq->type_name, nv, false);
        value_free(nv);
        tfproto_copy_bytes(&c.a, &rq->private_, &rs.private_);
    }
    value_free(cur);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

static bool add_requires_replace(struct tfproto_call *c, const struct path_list *l,
                                 Tfplugin6__PlanResourceChange__Response *rs)
{
    if (!l->len)
        return true;
    Tfplugin6__AttributePath **arr = tfproto_alloc(&c->a, l->len * sizeof *arr);
    if (!arr)
        return false;
    for (size_t i = 0; i < l->len; i++)
        if (!(arr[i] = tfproto_path_to_pb(c, &l->items[i])))
            return false;
    rs->n_requires_replace = l->len;
    rs->requires_replace = arr;
    return true;
}

/* The three values a plan or an apply request carries; false with a diagnostic. */
static bool decode_three(const Tfplugin6__DynamicValue *const dv[3], const char *const what[3],
                         const struct type *t, struct value *v[3], struct diags *d)
{
    for (int i = 0; i < 3; i++)
        v[i] = tfproto_dv_decode(dv[i], t, what[i], d);
    return v[0] && v[1] && v[2];
}

enum xa_status tfproto_plan_resource_change(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out)
{
    Tfplugin6__PlanResourceChange__Request *rq =
        tfproto_unpack(&tfplugin6__plan_resource_change__request__descriptor, req, len);
    Tfplugin6__PlanResourceChange__Response rs = TFPLUGIN6__PLAN_RESOURCE_CHANGE__RESPONSE__INIT;
    struct plan_result pr;
    struct tfproto_call c;
    struct value *v[3] = {NULL, NULL, NULL};   /* prior, proposed, config */
    static const char *const what[3] = {"prior state", "proposed new state", "configuration"};
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    plan_result_init(&pr);
    const struct type *t;
    const Tfplugin6__DynamicValue *const dv[3] = {rq->prior_state, rq->proposed_new_state,
                                                  rq->config};
    if (resource_or_diag(p, rq->type_name, &t, &c.d) && decode_three(dv, what, t, v, &c.d)) {
        provider_plan_resource(p, rq->type_name, v[0], v[1], v[2], &pr, &c.d);
        if (pr.planned)
            rs.planned_state = tfproto_dv_encode(&c, pr.planned, t);
        /* Terraform takes a planned identity for an update or no change only. */
        if (pr.planned && !value_is_null(v[0]))
            rs.planned_identity = tfproto_identity_data(&c, p, rq->type_name, pr.planned, true);
        add_requires_replace(&c, &pr.requires_replace, &rs);
        tfproto_copy_bytes(&c.a, &rq->prior_private, &rs.planned_private);
    }
    rs.legacy_type_system = false;
    for (int i = 0; i < 3; i++)
        value_free(v[i]);
    plan_result_cleanup(&pr);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_apply_resource_change(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out)
{
    Tfplugin6__ApplyResourceChange__Request *rq =
        tfproto_unpack(&tfplugin6__apply_resource_change__request__descriptor, req, len);
    Tfplugin6__ApplyResourceChange__Response rs =
        TFPLUGIN6__APPLY_RESOURCE_CHANGE__RESPONSE__INIT;
    struct tfproto_call c;
    struct value *v[3] = {NULL, NULL, NULL};   /* prior, planned, config */
    static const char *const what[3] = {"prior state", "planned state", "configuration"};
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t;
    const Tfplugin6__DynamicValue *const dv[3] = {rq->prior_state, rq->planned_state,
                                                  rq->config};
    if (resource_or_diag(p, rq->type_name, &t, &c.d) && decode_three(dv, what, t, v, &c.d)) {
        struct value *nv = provider_apply_resource(p, rq->type_name, v[0], v[1], v[2], &c.d);
        if (nv)
            rs.new_state = tfproto_dv_encode(&c, nv, t);
        else
            diag_error(&c.d, "Cannot apply change", "The provider ran out of memory.");
        if (nv && !value_is_null(nv))
            rs.new_identity = tfproto_identity_data(&c, p, rq->type_name, nv, false);
        value_free(nv);
        tfproto_copy_bytes(&c.a, &rq->planned_private, &rs.private_);
    }
    for (int i = 0; i < 3; i++)
        value_free(v[i]);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

/* Import by identity (Terraform 1.12's import blocks with `identity`) when the request
 * carries one, else by ID. */
static struct value *import_state(struct provider *p,
                                  const Tfplugin6__ImportResourceState__Request *rq,
                                  struct diags *d)
{
    const Tfplugin6__ResourceIdentityData *idd = rq->identity;
    if (!idd || !idd->identity_data ||
        (!idd->identity_data->msgpack.len && !idd->identity_data->json.len))
        return provider_import_resource(p, rq->type_name, rq->id, d);
    struct value *id = tfproto_identity_decode(p, rq->type_name, idd, d);
    struct value *v = id ? identity_import(p, rq->type_name, id, d) : NULL;
    value_free(id);
    return v;
}

enum xa_status tfproto_import_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out)
{
    Tfplugin6__ImportResourceState__Request *rq =
        tfproto_unpack(&tfplugin6__import_resource_state__request__descriptor, req, len);
    Tfplugin6__ImportResourceState__Response rs =
        TFPLUGIN6__IMPORT_RESOURCE_STATE__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t;
    const struct resource_type *rt = resource_or_diag(p, rq->type_name, &t, &c.d);
    struct value *v = rt ? import_state(p, rq, &c.d) : NULL;
    if (v && !value_is_null(v)) {
        Tfplugin6__ImportResourceState__ImportedResource **arr = tfproto_alloc(&c.a, sizeof *arr);
        Tfplugin6__ImportResourceState__ImportedResource *ir = tfproto_alloc(&c.a, sizeof *ir);
        if (arr && ir) {
            tfplugin6__import_resource_state__imported_resource__init(ir);
            ir->type_name = tfproto_strdup(&c.a, rq->type_name);
            ir->state = tfproto_dv_encode(&c, v, t);
            ir->identity = tfproto_identity_data(&c, p, rq->type_name, v, false);
            arr[0] = ir;
            rs.n_imported_resources = ir->state ? 1 : 0;
            rs.imported_resources = arr;
        }
    } else if (rt && !diags_has_error(&c.d)) {
        diag_error(&c.d, "Cannot import non-existent remote object",
                   "No %s with the ID \"%s\" exists.", rq->type_name, rq->id ? rq->id : "");
    }
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_move_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                           struct xbuf *out)
{
    Tfplugin6__MoveResourceState__Request *rq =
        tfproto_unpack(&tfplugin6__move_resource_state__request__descriptor, req, len);
    Tfplugin6__MoveResourceState__Response rs = TFPLUGIN6__MOVE_RESOURCE_STATE__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct type *t;
    const struct resource_type *rt = resource_or_diag(p, rq->target_type_name, &t, &c.d);
    const Tfplugin6__RawState *raw = rq->source_state;
    if (rt && raw && raw->json.len) {
        struct value *v = provider_move_resource(p, rq->source_provider_address,
                                                 rq->source_type_name, rq->source_schema_version,
                                                 (const char *)raw->json.data, raw->json.len,
                                                 rq->target_type_name, &c.d);
        if (v)
            rs.target_state = tfproto_dv_encode(&c, v, t);
        if (v && !diags_has_error(&c.d))
            rs.target_identity = tfproto_identity_data(&c, p, rq->target_type_name, v, false);
        value_free(v);
        tfproto_copy_bytes(&c.a, &rq->source_private, &rs.target_private);
    } else if (rt) {
        diag_error(&c.d, "Cannot move resource state",
                   "Terraform sent no JSON state for the %s.%s being moved.",
                   rq->source_provider_address, rq->source_type_name);
    }
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}
