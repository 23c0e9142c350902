/* tests/support/xt_features.c - the newer protocol features as Terraform 1.12-1.14 calls
 * them (see xt.h): import by identity, UpgradeResourceIdentity, ListResource (a server
 * stream), GenerateResourceConfig, CallFunction and actions (InvokeAction, a stream).
 * Types come from the same tables the binary serves (xacct_provider_type).
 */
#include <stdio.h>
#include <string.h>

#include "core/action.h"
#include "core/codec.h"
#include "core/function.h"
#include "core/identity.h"
#include "core/list_resource.h"
#include "resources/registry.h"
#include "tests/support/xt_priv.h"
#include "util/alloc.h"

static bool pack(const ProtobufCMessage *m, struct xbuf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    if (xbuf_reserve(out, n + 1) != XA_OK)
        return false;
    out->len = protobuf_c_message_pack(m, (uint8_t *)out->data);
    return true;
}

/* ---- types --------------------------------------------------------------------------- */

const struct type *xt_identity_type(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.nresources; i++) {
        const struct resource_type *r = xacct_provider_type.resources[i];
        if (!strcmp(r->name, type_name))
            return r->identity ? identity_type(r->identity) : NULL;
    }
    return NULL;
}

const struct type *xt_list_config_type(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.nlist_resources; i++)
        if (!strcmp(xacct_provider_type.list_resources[i]->name, type_name))
            return schema_implied_type(&xacct_provider_type.list_resources[i]->schema->block);
    return NULL;
}

const struct type *xt_action_config_type(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.nactions; i++)
        if (!strcmp(xacct_provider_type.actions[i]->name, type_name))
            return schema_implied_type(&xacct_provider_type.actions[i]->schema->block);
    return NULL;
}

const struct type *xt_function_param_type(const char *name, size_t i)
{
    for (size_t k = 0; k < xacct_provider_type.nfunctions; k++) {
        const struct function_type *f = xacct_provider_type.functions[k];
        if (!strcmp(f->name, name))
            return i < f->params->nattrs ? f->params->attrs[i].type : NULL;
    }
    return NULL;
}

void xt_take_identity(struct xt_result *r, const char *type_name,
                      const Tfplugin6__ResourceIdentityData *id)
{
    const struct type *t = xt_identity_type(type_name);
    struct diags d;
    if (!id || !id->identity_data || !t)
        return;
    diags_init(&d);
    value_free(r->identity);
    r->identity = codec_msgpack_decode(id->identity_data->msgpack.data,
                                       id->identity_data->msgpack.len, t, &d);
    diags_cleanup(&d);
}

/* ---- identity ---------------------------------------------------------------------------- */

int xt_import_identity(struct xt_provider *p, const char *type, const struct value *identity,
                       struct xt_result *r)
{
    Tfplugin6__ImportResourceState__Request rq = TFPLUGIN6__IMPORT_RESOURCE_STATE__REQUEST__INIT;
    Tfplugin6__ResourceIdentityData idd = TFPLUGIN6__RESOURCE_IDENTITY_DATA__INIT;
    Tfplugin6__DynamicValue dv;
    struct xbuf store;
    const struct type *it = xt_identity_type(type);
    xt_dv_set(&dv, identity, it ? it : &type_dynamic, &store);
    idd.identity_data = &dv;
    rq.type_name = (char *)type;
    rq.identity = &idd;
    if (xt_send(p, "ImportResourceState", &rq.base, r) == 0) {
        Tfplugin6__ImportResourceState__Response *rs =
            (void *)XT_UNPACK(tfplugin6__import_resource_state__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            if (rs->n_imported_resources) {
                xt_take_pb_value(r, rs->imported_resources[0]->state, xt_resource_type(type));
                xt_take_identity(r, type, rs->imported_resources[0]->identity);
            }
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&store);
    return r->status;
}

int xt_upgrade_identity(struct xt_provider *p, const char *type, int64_t version,
                        const char *json, struct xt_result *r)
{
    Tfplugin6__UpgradeResourceIdentity__Request rq =
        TFPLUGIN6__UPGRADE_RESOURCE_IDENTITY__REQUEST__INIT;
    Tfplugin6__RawState raw = TFPLUGIN6__RAW_STATE__INIT;
    raw.json.data = (uint8_t *)json;
    raw.json.len = json ? strlen(json) : 0;
    rq.type_name = (char *)type;
    rq.version = version;
    rq.raw_identity = &raw;
    if (xt_send(p, "UpgradeResourceIdentity", &rq.base, r) == 0) {
        Tfplugin6__UpgradeResourceIdentity__Response *rs =
            (void *)XT_UNPACK(tfplugin6__upgrade_resource_identity__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_identity(r, type, rs->upgraded_identity);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

/* ---- query --------------------------------------------------------------------------------- */

int xt_generate_config(struct xt_provider *p, const char *type, const struct value *state,
                       struct xt_result *r)
{
    Tfplugin6__GenerateResourceConfig__Request rq =
        TFPLUGIN6__GENERATE_RESOURCE_CONFIG__REQUEST__INIT;
    Tfplugin6__DynamicValue dv;
    struct xbuf store;
    const struct type *t = xt_resource_type(type);
    xt_dv_set(&dv, state, t ? t : &type_dynamic, &store);
    rq.type_name = (char *)type;
    rq.state = &dv;
    if (xt_send(p, "GenerateResourceConfig", &rq.base, r) == 0) {
        Tfplugin6__GenerateResourceConfig__Response *rs =
            (void *)XT_UNPACK(tfplugin6__generate_resource_config__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->config, t);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&store);
    return r->status;
}

int xt_validate_list(struct xt_provider *p, const char *type, const struct value *config,
                     struct xt_result *r)
{
    Tfplugin6__ValidateListResourceConfig__Request rq =
        TFPLUGIN6__VALIDATE_LIST_RESOURCE_CONFIG__REQUEST__INIT;
    Tfplugin6__DynamicValue dv;
    struct xbuf store;
    const struct type *t = xt_list_config_type(type);
    xt_dv_set(&dv, config, t ? t : &type_dynamic, &store);
    rq.type_name = (char *)type;
    rq.config = &dv;
    if (xt_send(p, "ValidateListResourceConfig", &rq.base, r) == 0) {
        Tfplugin6__ValidateListResourceConfig__Response *rs =
            (void *)XT_UNPACK(tfplugin6__validate_list_resource_config__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&store);
    return r->status;
}

/* One ListResource event into e. */
static void take_list_event(const char *type, const struct xbuf *msg, struct xt_result *e)
{
    xt_result_init(e);
    Tfplugin6__ListResource__Event *ev = (void *)protobuf_c_message_unpack(
        &tfplugin6__list_resource__event__descriptor, NULL, msg->len, (const uint8_t *)msg->data);
    if (!ev)
        return;
    xt_take_diags(e, ev->diagnostic, ev->n_diagnostic);
    xt_take_identity(e, type, ev->identity);
    xbuf_append_str(&e->raw, ev->display_name);
    if (ev->_resource_object_case ==
        TFPLUGIN6__LIST_RESOURCE__EVENT___RESOURCE_OBJECT_RESOURCE_OBJECT)
        xt_take_pb_value(e, ev->resource_object, xt_resource_type(type));
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}

int xt_list_resources(struct xt_provider *p, const char *type, const struct value *config,
                      bool include_object, int64_t limit, struct xt_list *out)
{
    Tfplugin6__ListResource__Request rq = TFPLUGIN6__LIST_RESOURCE__REQUEST__INIT;
    Tfplugin6__DynamicValue dv;
    struct xbuf store, req;
    struct xt_messages msgs = {0};
    char method[128];
    const struct type *t = xt_list_config_type(type);
    xt_dv_set(&dv, config, t ? t : &type_dynamic, &store);
    rq.type_name = (char *)type;
    rq.config = &dv;
    rq.include_resource_object = include_object;
    rq.limit = limit;
    xbuf_init(&req);
    *out = (struct xt_list){0};
    if (pack(&rq.base, &req))
        out->status = xt_call_stream(p, xt_method(p, "ListResource", method, sizeof method),
                                     req.data, req.len, &msgs);
    out->events = msgs.n ? xa_calloc(msgs.n, sizeof *out->events) : NULL;
    for (size_t i = 0; out->events && i < msgs.n; i++)
        take_list_event(type, &msgs.items[i], &out->events[out->n++]);
    xt_messages_cleanup(&msgs);
    xbuf_cleanup(&req);
    xbuf_cleanup(&store);
    return out->status;
}

void xt_list_cleanup(struct xt_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        xt_result_cleanup(&l->events[i]);
    xa_free(l->events);
    *l = (struct xt_list){0};
}

/* ---- functions ------------------------------------------------------------------------------ */

int xt_call_function(struct xt_provider *p, const char *name, const struct value *const *args,
                     size_t n, int64_t *argument, struct xt_result *r)
{
    Tfplugin6__CallFunction__Request rq = TFPLUGIN6__CALL_FUNCTION__REQUEST__INIT;
    Tfplugin6__DynamicValue *dvs = xa_calloc(n + 1, sizeof *dvs);
    Tfplugin6__DynamicValue **ptrs = xa_calloc(n + 1, sizeof *ptrs);
    struct xbuf *stores = xa_calloc(n + 1, sizeof *stores);
    const struct type *rt = NULL;
    for (size_t k = 0; k < xacct_provider_type.nfunctions; k++)
        if (!strcmp(xacct_provider_type.functions[k]->name, name))
            rt = function_return_type(xacct_provider_type.functions[k]);
    for (size_t i = 0; i < n; i++) {
        const struct type *t = xt_function_param_type(name, i);
        xt_dv_set(&dvs[i], args[i], t ? t : &type_string, &stores[i]);
        ptrs[i] = &dvs[i];
    }
    rq.name = (char *)name;
    rq.n_arguments = n;
    rq.arguments = ptrs;
    *argument = -1;
    if (xt_send(p, "CallFunction", &rq.base, r) == 0) {
        Tfplugin6__CallFunction__Response *rs =
            (void *)XT_UNPACK(tfplugin6__call_function__response__descriptor, r);
        if (rs && rs->error) {
            Tfplugin6__Diagnostic d = TFPLUGIN6__DIAGNOSTIC__INIT, *dp = &d;
            d.severity = TFPLUGIN6__DIAGNOSTIC__SEVERITY__ERROR;
            d.summary = "Function error";
            d.detail = rs->error->text;
            xt_take_diags(r, &dp, 1);
            if (rs->error->_function_argument_case ==
                TFPLUGIN6__FUNCTION_ERROR___FUNCTION_ARGUMENT_FUNCTION_ARGUMENT)
                *argument = rs->error->function_argument;
        } else if (rs) {
            xt_take_pb_value(r, rs->result, rt);
        }
        if (rs)
            protobuf_c_message_free_unpacked(&rs->base, NULL);
    }
    for (size_t i = 0; i < n; i++)
        xbuf_cleanup(&stores[i]);
    xa_free(stores);
    xa_free(ptrs);
    xa_free(dvs);
    return r->status;
}

/* ---- actions ---------------------------------------------------------------------------------- */

/* ValidateActionConfig (action "ValidateActionConfig") or PlanAction: same answer shape. */
static int action_call(struct xt_provider *p, const char *rpc, const char *type,
                       const struct value *config, struct xt_result *r)
{
    Tfplugin6__DynamicValue dv;
    struct xbuf store;
    const struct type *t = xt_action_config_type(type);
    xt_dv_set(&dv, config, t ? t : &type_dynamic, &store);
    if (!strcmp(rpc, "PlanAction")) {
        Tfplugin6__PlanAction__Request rq = TFPLUGIN6__PLAN_ACTION__REQUEST__INIT;
        rq.action_type = (char *)type;
        rq.config = &dv;
        xt_send(p, rpc, &rq.base, r);
    } else {
        Tfplugin6__ValidateActionConfig__Request rq =
            TFPLUGIN6__VALIDATE_ACTION_CONFIG__REQUEST__INIT;
        rq.type_name = (char *)type;
        rq.config = &dv;
        xt_send(p, rpc, &rq.base, r);
    }
    /* Both answers: diagnostics = 1 (PlanAction adds deferred = 2, never set by xacct). */
    Tfplugin6__ValidateActionConfig__Response *rs =
        r->status ? NULL
                  : (void *)XT_UNPACK(tfplugin6__validate_action_config__response__descriptor, r);
    if (rs) {
        xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
        protobuf_c_message_free_unpacked(&rs->base, NULL);
    }
    xbuf_cleanup(&store);
    return r->status;
}

int xt_validate_action(struct xt_provider *p, const char *type, const struct value *config,
                       struct xt_result *r)
{
    return action_call(p, "ValidateActionConfig", type, config, r);
}

int xt_plan_action(struct xt_provider *p, const char *type, const struct value *config,
                   struct xt_result *r)
{
    return action_call(p, "PlanAction", type, config, r);
}

int xt_invoke_action(struct xt_provider *p, const char *type, const struct value *config,
                     struct xt_action_run *out)
{
    Tfplugin6__InvokeAction__Request rq = TFPLUGIN6__INVOKE_ACTION__REQUEST__INIT;
    Tfplugin6__DynamicValue dv;
    struct xbuf store, req;
    struct xt_messages msgs = {0};
    char method[128];
    const struct type *t = xt_action_config_type(type);
    xt_dv_set(&dv, config, t ? t : &type_dynamic, &store);
    rq.action_type = (char *)type;
    rq.config = &dv;
    xbuf_init(&req);
    *out = (struct xt_action_run){0};
    xt_result_init(&out->r);
    if (pack(&rq.base, &req))
        out->r.status = xt_call_stream(p, xt_method(p, "InvokeAction", method, sizeof method),
                                       req.data, req.len, &msgs);
    out->progress = xa_calloc(msgs.n + 1, sizeof *out->progress);
    for (size_t i = 0; i < msgs.n; i++) {
        Tfplugin6__InvokeAction__Event *ev = (void *)protobuf_c_message_unpack(
            &tfplugin6__invoke_action__event__descriptor, NULL, msgs.items[i].len,
            (const uint8_t *)msgs.items[i].data);
        if (ev && ev->type_case == TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_PROGRESS)
            out->progress[out->nprogress++] = xa_strdup(ev->progress->message);
        if (ev && ev->type_case == TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_COMPLETED) {
            out->completed++;
            out->completed_last = i + 1 == msgs.n;
            xt_take_diags(&out->r, ev->completed->diagnostics, ev->completed->n_diagnostics);
        }
        if (ev)
            protobuf_c_message_free_unpacked(&ev->base, NULL);
    }
    xt_messages_cleanup(&msgs);
    xbuf_cleanup(&req);
    xbuf_cleanup(&store);
    return out->r.status;
}

void xt_action_run_cleanup(struct xt_action_run *a)
{
    for (size_t i = 0; i < a->nprogress; i++)
        xa_free(a->progress[i]);
    xa_free(a->progress);
    xt_result_cleanup(&a->r);
    *a = (struct xt_action_run){0};
}
