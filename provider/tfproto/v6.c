/* tfproto/v6.c - the tfplugin6.Provider service (Terraform 0.15.4 and later, OpenTofu).
 *
 * The RPCs both protocols share come from provider_rpcs.inc compiled with tfplugin6's
 * names; this file adds the ones only v6 has or names differently (ValidateProviderConfig,
 * ValidateResourceConfig, ValidateDataResourceConfig, ConfigureProvider, StopProvider,
 * the state-store RPCs) and the method table rpc/ dispatches on.
 */
#include "tfplugin6.pb-c.h"
#include "tfproto/tfproto.h"

#define PB_CAT_(a, b) a##b
#define PB_CAT(a, b) PB_CAT_(a, b)
#define PB(x) PB_CAT(Tfplugin6__, x)
#define PBD(x) PB_CAT(PB_CAT(tfplugin6__, x), __descriptor)
#define PBE(x) PB_CAT(TFPLUGIN6__, x)
#define TFPROTO_V 6

#include "tfproto/provider_rpcs.inc"

static enum xa_status h_validate_provider_config(struct provider *p, const uint8_t *req,
                                                 size_t len, struct xbuf *out)
{
    Tfplugin6__ValidateProviderConfig__Request *rq =
        unpack(&tfplugin6__validate_provider_config__request__descriptor, req, len);
    Tfplugin6__ValidateProviderConfig__Response rs =
        TFPLUGIN6__VALIDATE_PROVIDER_CONFIG__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    value_free(validate_provider(p, rq->config, &c.d));
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_validate_resource_config(struct provider *p, const uint8_t *req,
                                                 size_t len, struct xbuf *out)
{
    Tfplugin6__ValidateResourceConfig__Request *rq =
        unpack(&tfplugin6__validate_resource_config__request__descriptor, req, len);
    Tfplugin6__ValidateResourceConfig__Response rs =
        TFPLUGIN6__VALIDATE_RESOURCE_CONFIG__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    validate_resource(p, rq->type_name, rq->config, &c.d);
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_configure_provider(struct provider *p, const uint8_t *req, size_t len,
                                           struct xbuf *out)
{
    Tfplugin6__ConfigureProvider__Request *rq =
        unpack(&tfplugin6__configure_provider__request__descriptor, req, len);
    Tfplugin6__ConfigureProvider__Response rs = TFPLUGIN6__CONFIGURE_PROVIDER__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    configure(p, rq->terraform_version, rq->config, &c.d);
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_stop_provider(struct provider *p, const uint8_t *req, size_t len,
                                      struct xbuf *out)
{
    void *rq = unpack(&tfplugin6__stop_provider__request__descriptor, req, len);
    Tfplugin6__StopProvider__Response rs = TFPLUGIN6__STOP_PROVIDER__RESPONSE__INIT;
    if (!rq)
        return XA_EINVAL;
    unpacked_free(rq);
    provider_stop(p);
    return tfproto_pack(&rs.base, out);
}

UNSUPPORTED(h_validate_data_resource, validate_data_resource_config__request,
            validate_data_resource_config__response, "Unsupported data source", "data sources")
UNSUPPORTED(h_validate_state_store, validate_state_store__request, validate_state_store__response,
            "Unsupported state store", "state stores")
UNSUPPORTED(h_configure_state_store, configure_state_store__request,
            configure_state_store__response, "Unsupported state store", "state stores")
UNSUPPORTED(h_read_state_bytes, read_state_bytes__request, read_state_bytes__response,
            "Unsupported state store", "state stores")
UNSUPPORTED(h_write_state_bytes, write_state_bytes__request_chunk, write_state_bytes__response,
            "Unsupported state store", "state stores")
UNSUPPORTED(h_lock_state, lock_state__request, lock_state__response, "Unsupported state store",
            "state stores")
UNSUPPORTED(h_unlock_state, unlock_state__request, unlock_state__response,
            "Unsupported state store", "state stores")
UNSUPPORTED(h_get_states, get_states__request, get_states__response, "Unsupported state store",
            "state stores")
UNSUPPORTED(h_delete_state, delete_state__request, delete_state__response,
            "Unsupported state store", "state stores")

#define M(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_UNARY, .fn = h}
#define S(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .fn = h}
#define C(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_CLIENT_STREAM, .fn = h}

const struct tfproto_method tfproto_v6_methods[] = {
    M("GetProviderSchema", h_get_provider_schema),
    M("GetResourceIdentitySchemas", h_get_identity_schemas),
    M("ValidateProviderConfig", h_validate_provider_config),
    M("ValidateResourceConfig", h_validate_resource_config),
    M("ConfigureProvider", h_configure_provider),
    M("PlanResourceChange", h_plan_resource_change),
    M("ApplyResourceChange", h_apply_resource_change),
    M("ReadResource", h_read_resource),
    M("UpgradeResourceState", h_upgrade_resource_state),
    M("ImportResourceState", h_import_resource_state),
    M("MoveResourceState", h_move_resource_state),
    M("StopProvider", h_stop_provider),
    M("GetMetadata", h_get_metadata),
    M("ValidateDataResourceConfig", h_validate_data_resource),
    M("ReadDataSource", h_read_data_source),
    M("UpgradeResourceIdentity", h_upgrade_resource_identity),
    M("GenerateResourceConfig", h_generate_resource_config),
    M("ValidateEphemeralResourceConfig", h_validate_ephemeral),
    M("OpenEphemeralResource", h_open_ephemeral),
    M("RenewEphemeralResource", h_renew_ephemeral),
    M("CloseEphemeralResource", h_close_ephemeral),
    S("ListResource", h_list_resource),
    M("ValidateListResourceConfig", h_validate_list_resource),
    M("GetFunctions", h_get_functions),
    M("CallFunction", h_call_function),
    M("ValidateStateStoreConfig", h_validate_state_store),
    M("ConfigureStateStore", h_configure_state_store),
    S("ReadStateBytes", h_read_state_bytes),
    C("WriteStateBytes", h_write_state_bytes),
    M("LockState", h_lock_state),
    M("UnlockState", h_unlock_state),
    M("GetStates", h_get_states),
    M("DeleteState", h_delete_state),
    M("PlanAction", h_plan_action),
    S("InvokeAction", h_invoke_action),
    M("ValidateActionConfig", h_validate_action),
    {.path = NULL},
};
