/* tfproto/unsupported_rpcs.c - what xacct does not offer: resource identities, configuration generation, ephemeral resources, list resources, provider
 * functions, actions and (tfplugin6) state stores.
 *
 * Each RPC still decodes its request (garbage gets INVALID_ARGUMENT, as for every RPC)
 * and answers an empty response with one error diagnostic that names what is missing;
 * GetFunctions answers an empty list, which is true. When one of these is built, its
 * handler moves to a file of its own and its table entry in v5.c / v6.c stays.
 */
#include "tfproto/handlers.h"

/* Decodes the request, then answers an empty response of resp_desc carrying one error
 * diagnostic, or none when summary is NULL. */
static enum xa_status unsupported(const ProtobufCMessageDescriptor *req_desc,
                                  const ProtobufCMessageDescriptor *resp_desc,
                                  const char *summary, const char *what, const uint8_t *req,
                                  size_t len, struct xbuf *out)
{
    void *rq = tfproto_unpack(req_desc, req, len);
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    ProtobufCMessage *rs = tfproto_alloc(&c.a, resp_desc->sizeof_message);
    if (!rs) {
        tfproto_arena_cleanup(&c.a);
        return XA_ENOMEM;
    }
    protobuf_c_message_init(resp_desc, rs);
    if (summary)
        diag_error(&c.d, summary,
                   "The xacct provider has no %s: it offers resources and data sources only.",
                   what);
    return tfproto_call_finish(&c, rs, out);
}

enum xa_status tfproto_upgrade_resource_identity(struct provider *p, const uint8_t *req, size_t len,
                                                 struct xbuf *out)
{
    return unsupported(&tfplugin6__upgrade_resource_identity__request__descriptor,
                       &tfplugin6__upgrade_resource_identity__response__descriptor,
                       "Unsupported resource identity", "resource identities", req, len, out);
}

enum xa_status tfproto_generate_resource_config(struct provider *p, const uint8_t *req, size_t len,
                                                struct xbuf *out)
{
    return unsupported(&tfplugin6__generate_resource_config__request__descriptor,
                       &tfplugin6__generate_resource_config__response__descriptor,
                       "Unsupported configuration generation", "configuration generation",
                       req, len, out);
}

enum xa_status tfproto_validate_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                          struct xbuf *out)
{
    return unsupported(&tfplugin6__validate_ephemeral_resource_config__request__descriptor,
                       &tfplugin6__validate_ephemeral_resource_config__response__descriptor,
                       "Unsupported ephemeral resource", "ephemeral resources", req, len, out);
}

enum xa_status tfproto_open_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                      struct xbuf *out)
{
    return unsupported(&tfplugin6__open_ephemeral_resource__request__descriptor,
                       &tfplugin6__open_ephemeral_resource__response__descriptor,
                       "Unsupported ephemeral resource", "ephemeral resources", req, len, out);
}

enum xa_status tfproto_renew_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out)
{
    return unsupported(&tfplugin6__renew_ephemeral_resource__request__descriptor,
                       &tfplugin6__renew_ephemeral_resource__response__descriptor,
                       "Unsupported ephemeral resource", "ephemeral resources", req, len, out);
}

enum xa_status tfproto_close_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out)
{
    return unsupported(&tfplugin6__close_ephemeral_resource__request__descriptor,
                       &tfplugin6__close_ephemeral_resource__response__descriptor,
                       "Unsupported ephemeral resource", "ephemeral resources", req, len, out);
}

enum xa_status tfproto_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    return unsupported(&tfplugin6__list_resource__request__descriptor,
                       &tfplugin6__list_resource__event__descriptor,
                       "Unsupported list resource", "list resources", req, len, out);
}

enum xa_status tfproto_validate_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out)
{
    return unsupported(&tfplugin6__validate_list_resource_config__request__descriptor,
                       &tfplugin6__validate_list_resource_config__response__descriptor,
                       "Unsupported list resource", "list resources", req, len, out);
}

enum xa_status tfproto_get_functions(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    return unsupported(&tfplugin6__get_functions__request__descriptor,
                       &tfplugin6__get_functions__response__descriptor,
                       NULL, "", req, len, out);
}

enum xa_status tfproto_plan_action(struct provider *p, const uint8_t *req, size_t len,
                                   struct xbuf *out)
{
    return unsupported(&tfplugin6__plan_action__request__descriptor,
                       &tfplugin6__plan_action__response__descriptor,
                       "Unsupported action", "actions", req, len, out);
}

enum xa_status tfproto_validate_action(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out)
{
    return unsupported(&tfplugin6__validate_action_config__request__descriptor,
                       &tfplugin6__validate_action_config__response__descriptor,
                       "Unsupported action", "actions", req, len, out);
}

enum xa_status tfproto_validate_state_store(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out)
{
    return unsupported(&tfplugin6__validate_state_store__request__descriptor,
                       &tfplugin6__validate_state_store__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_configure_state_store(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out)
{
    return unsupported(&tfplugin6__configure_state_store__request__descriptor,
                       &tfplugin6__configure_state_store__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_read_state_bytes(struct provider *p, const uint8_t *req, size_t len,
                                        struct xbuf *out)
{
    return unsupported(&tfplugin6__read_state_bytes__request__descriptor,
                       &tfplugin6__read_state_bytes__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_write_state_bytes(struct provider *p, const uint8_t *req, size_t len,
                                         struct xbuf *out)
{
    return unsupported(&tfplugin6__write_state_bytes__request_chunk__descriptor,
                       &tfplugin6__write_state_bytes__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_lock_state(struct provider *p, const uint8_t *req, size_t len,
                                  struct xbuf *out)
{
    return unsupported(&tfplugin6__lock_state__request__descriptor,
                       &tfplugin6__lock_state__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_unlock_state(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out)
{
    return unsupported(&tfplugin6__unlock_state__request__descriptor,
                       &tfplugin6__unlock_state__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_get_states(struct provider *p, const uint8_t *req, size_t len,
                                  struct xbuf *out)
{
    return unsupported(&tfplugin6__get_states__request__descriptor,
                       &tfplugin6__get_states__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_delete_state(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out)
{
    return unsupported(&tfplugin6__delete_state__request__descriptor,
                       &tfplugin6__delete_state__response__descriptor,
                       "Unsupported state store", "state stores", req, len, out);
}

enum xa_status tfproto_invoke_action(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__invoke_action__request__descriptor, req, len);
    Tfplugin6__InvokeAction__Event ev = TFPLUGIN6__INVOKE_ACTION__EVENT__INIT;
    Tfplugin6__InvokeAction__Event__Completed done =
        TFPLUGIN6__INVOKE_ACTION__EVENT__COMPLETED__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    diag_error(&c.d, "Unsupported action",
               "The xacct provider has no actions: it offers resources and data sources only.");
    tfproto_call_set_diags(&c, &done.base);
    ev.type_case = TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_COMPLETED;
    ev.completed = &done;
    return tfproto_call_finish(&c, &ev.base, out);
}

enum xa_status tfproto_call_function(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    Tfplugin6__CallFunction__Request *rq =
        tfproto_unpack(&tfplugin6__call_function__request__descriptor, req, len);
    Tfplugin6__CallFunction__Response rs = TFPLUGIN6__CALL_FUNCTION__RESPONSE__INIT;
    Tfplugin6__FunctionError fe = TFPLUGIN6__FUNCTION_ERROR__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    struct xbuf text;
    xbuf_init(&text);
    xbuf_appendf(&text, "The xacct provider has no function named \"%s\"; it offers no "
                        "provider functions.", rq->name);
    fe.text = (char *)xbuf_cstr(&text);
    rs.error = &fe;
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    xbuf_cleanup(&text);
    tfproto_unpacked_free(rq);
    return st;
}
