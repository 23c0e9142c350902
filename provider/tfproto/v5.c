/* tfproto/v5.c - the tfplugin5.Provider service (Terraform 0.12 and later): its method
 * table, and PrepareProviderConfig, the one RPC whose answer differs from tfplugin6's (it
 * echoes the configuration as prepared_config).
 *
 * Every other RPC is answered by the shared handlers (handlers.h), which read and write
 * tfplugin6's messages: for these RPCs tfplugin5's bytes are the same (call.h), whatever
 * the RPC is called here (GetSchema, ValidateResourceTypeConfig, Configure, Stop, ...).
 * The v5-only Provisioner service is not served: rpc/ answers it UNIMPLEMENTED, which
 * Terraform never asks of a provider.
 */
#include "tfplugin5.pb-c.h"
#include "tfproto/handlers.h"
#include "tfproto/tfproto.h"

static enum xa_status prepare_provider_config(struct provider *p, const uint8_t *req,
                                              size_t len, struct xbuf *out)
{
    /* The request is ValidateProviderConfig.Request byte for byte. */
    Tfplugin6__ValidateProviderConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_provider_config__request__descriptor, req, len);
    Tfplugin5__PrepareProviderConfig__Response rs =
        TFPLUGIN5__PREPARE_PROVIDER_CONFIG__RESPONSE__INIT;
    Tfplugin5__DynamicValue prepared = TFPLUGIN5__DYNAMIC_VALUE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    struct value *v = tfproto_validate_provider(p, rq->config, &c.d);
    /* Terraform decodes prepared_config (a malformed one is an error) and then ignores
     * it: echo the configuration as received. */
    const struct type *t = v ? tfproto_provider_value_type(p, &c.d) : NULL;
    if (t && tfproto_encode_value(v, t, &c.a, &prepared.msgpack, &c.d))
        rs.prepared_config = &prepared;
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

#define M(name, h) {.path = "/tfplugin5.Provider/" name, .kind = TFPROTO_UNARY, .fn = h}
#define S(name, h) {.path = "/tfplugin5.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .fn = h}
#define SM(name, h) {.path = "/tfplugin5.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .stream = h}

const struct tfproto_method tfproto_v5_methods[] = {
    M("GetSchema", tfproto_get_provider_schema),
    M("GetResourceIdentitySchemas", tfproto_get_identity_schemas),
    M("PrepareProviderConfig", prepare_provider_config),
    M("ValidateResourceTypeConfig", tfproto_validate_resource_config),
    M("Configure", tfproto_configure_provider),
    M("PlanResourceChange", tfproto_plan_resource_change),
    M("ApplyResourceChange", tfproto_apply_resource_change),
    M("ReadResource", tfproto_read_resource),
    M("UpgradeResourceState", tfproto_upgrade_resource_state),
    M("ImportResourceState", tfproto_import_resource_state),
    M("MoveResourceState", tfproto_move_resource_state),
    M("Stop", tfproto_stop_provider),
    M("GetMetadata", tfproto_get_metadata),
    M("ValidateDataSourceConfig", tfproto_validate_data_resource),
    M("ReadDataSource", tfproto_read_data_source),
    M("UpgradeResourceIdentity", tfproto_upgrade_resource_identity),
    M("GenerateResourceConfig", tfproto_generate_resource_config),
    M("ValidateEphemeralResourceConfig", tfproto_validate_ephemeral),
    M("OpenEphemeralResource", tfproto_open_ephemeral),
    M("RenewEphemeralResource", tfproto_renew_ephemeral),
    M("CloseEphemeralResource", tfproto_close_ephemeral),
    SM("ListResource", tfproto_list_resource),
    M("ValidateListResourceConfig", tfproto_validate_list_resource),
    M("GetFunctions", tfproto_get_functions),
    M("CallFunction", tfproto_call_function),
    M("PlanAction", tfproto_plan_action),
    SM("InvokeAction", tfproto_invoke_action),
    M("ValidateActionConfig", tfproto_validate_action),
    {.path = NULL},
};
