/* tfproto/v6.c - the tfplugin6.Provider service (Terraform 0.15.4 and later, OpenTofu):
 * its method table. Every RPC is answered by the shared handlers (handlers.h).
 */
#include "tfproto/handlers.h"
#include "tfproto/tfproto.h"

#define M(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_UNARY, .fn = h}
#define S(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .fn = h}
#define SM(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .stream = h}
#define C(name, h) {.path = "/tfplugin6.Provider/" name, .kind = TFPROTO_CLIENT_STREAM, .fn = h}

const struct tfproto_method tfproto_v6_methods[] = {
    M("GetProviderSchema", tfproto_get_provider_schema),
    M("GetResourceIdentitySchemas", tfproto_get_identity_schemas),
    M("ValidateProviderConfig", tfproto_validate_provider_config),
    M("ValidateResourceConfig", tfproto_validate_resource_config),
    M("ConfigureProvider", tfproto_configure_provider),
    M("PlanResourceChange", tfproto_plan_resource_change),
    M("ApplyResourceChange", tfproto_apply_resource_change),
    M("ReadResource", tfproto_read_resource),
    M("UpgradeResourceState", tfproto_upgrade_resource_state),
    M("ImportResourceState", tfproto_import_resource_state),
    M("MoveResourceState", tfproto_move_resource_state),
    M("StopProvider", tfproto_stop_provider),
    M("GetMetadata", tfproto_get_metadata),
    M("ValidateDataResourceConfig", tfproto_validate_data_resource),
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
    M("ValidateStateStoreConfig", tfproto_validate_state_store),
    M("ConfigureStateStore", tfproto_configure_state_store),
    S("ReadStateBytes", tfproto_read_state_bytes),
    C("WriteStateBytes", tfproto_write_state_bytes),
    M("LockState", tfproto_lock_state),
    M("UnlockState", tfproto_unlock_state),
    M("GetStates", tfproto_get_states),
    M("DeleteState", tfproto_delete_state),
    M("PlanAction", tfproto_plan_action),
    SM("InvokeAction", tfproto_invoke_action),
    M("ValidateActionConfig", tfproto_validate_action),
    {.path = NULL},
};
