/* tfproto/v5.c - the tfplugin5.Provider service (Terraform 0.12 and later).
 *
 * The RPCs both protocols share come from provider_rpcs.inc compiled with tfplugin5's
 * names; this file adds v5's own names (GetSchema, PrepareProviderConfig, which must
 * echo the configuration as prepared_config, ValidateResourceTypeConfig,
 * ValidateDataSourceConfig, Configure, Stop) and the method table. The v5-only
 * Provisioner service is not served: rpc/ answers it UNIMPLEMENTED, which Terraform
 * never asks of a provider.
 */
#include "tfplugin5.pb-c.h"
#include "tfproto/tfproto.h"

#define PB_CAT_(a, b) a##b
#define PB_CAT(a, b) PB_CAT_(a, b)
#define PB(x) PB_CAT(Tfplugin5__, x)
#define PBD(x) PB_CAT(PB_CAT(tfplugin5__, x), __descriptor)
#define PBE(x) PB_CAT(TFPLUGIN5__, x)
#define TFPROTO_V 5

#include "tfproto/provider_rpcs.inc"

static enum xa_status h_prepare_provider_config(struct provider *p, const uint8_t *req,
                                                size_t len, struct xbuf *out)
{
    Tfplugin5__PrepareProviderConfig__Request *rq =
        unpack(&tfplugin5__prepare_provider_config__request__descriptor, req, len);
    Tfplugin5__PrepareProviderConfig__Response rs =
        TFPLUGIN5__PREPARE_PROVIDER_CONFIG__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    struct value *v = validate_provider(p, rq->config, &c.d);
    /* Terraform decodes prepared_config (a malformed one is an error) and then ignores
     * it: echo the configuration as received. */
    if (v)
        rs.prepared_config = dv_encode(&c, v, provider_value_type(p, &c.d));
    value_free(v);
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_validate_resource_type_config(struct provider *p, const uint8_t *req,
                                                      size_t len, struct xbuf *out)
{
    Tfplugin5__ValidateResourceTypeConfig__Request *rq =
        unpack(&tfplugin5__validate_resource_type_config__request__descriptor, req, len);
    Tfplugin5__ValidateResourceTypeConfig__Response rs =
        TFPLUGIN5__VALIDATE_RESOURCE_TYPE_CONFIG__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    validate_resource(p, rq->type_name, rq->config, &c.d);
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_configure(struct provider *p, const uint8_t *req, size_t len,
                                  struct xbuf *out)
{
    Tfplugin5__Configure__Request *rq = unpack(&tfplugin5__configure__request__descriptor, req, len);
    Tfplugin5__Configure__Response rs = TFPLUGIN5__CONFIGURE__RESPONSE__INIT;
    struct call c;
    if (!rq)
        return XA_EINVAL;
    call_init(&c);
    configure(p, rq->terraform_version, rq->config, &c.d);
    enum xa_status st = call_finish(&c, &rs.base, out);
    unpacked_free(rq);
    return st;
}

static enum xa_status h_stop(struct provider *p, const uint8_t *req, size_t len, struct xbuf *out)
{
    void *rq = unpack(&tfplugin5__stop__request__descriptor, req, len);
    Tfplugin5__Stop__Response rs = TFPLUGIN5__STOP__RESPONSE__INIT;
    if (!rq)
        return XA_EINVAL;
    unpacked_free(rq);
    provider_stop(p);
    return tfproto_pack(&rs.base, out);
}

UNSUPPORTED(h_validate_data_source, validate_data_source_config__request,
            validate_data_source_config__response, "Unsupported data source", "data sources")

#define M(name, h) {.path = "/tfplugin5.Provider/" name, .kind = TFPROTO_UNARY, .fn = h}
#define S(name, h) {.path = "/tfplugin5.Provider/" name, .kind = TFPROTO_SERVER_STREAM, .fn = h}

const struct tfproto_method tfproto_v5_methods[] = {
    M("GetSchema", h_get_provider_schema),
    M("GetResourceIdentitySchemas", h_get_identity_schemas),
    M("PrepareProviderConfig", h_prepare_provider_config),
    M("ValidateResourceTypeConfig", h_validate_resource_type_config),
    M("Configure", h_configure),
    M("PlanResourceChange", h_plan_resource_change),
    M("ApplyResourceChange", h_apply_resource_change),
    M("ReadResource", h_read_resource),
    M("UpgradeResourceState", h_upgrade_resource_state),
    M("ImportResourceState", h_import_resource_state),
    M("MoveResourceState", h_move_resource_state),
    M("Stop", h_stop),
    M("GetMetadata", h_get_metadata),
    M("ValidateDataSourceConfig", h_validate_data_source),
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
    M("PlanAction", h_plan_action),
    S("InvokeAction", h_invoke_action),
    M("ValidateActionConfig", h_validate_action),
    {.path = NULL},
};
