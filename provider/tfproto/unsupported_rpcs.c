/* tfproto/unsupported_rpcs.c - what xacct does not offer: ephemeral resources and
 * (tfplugin6) state stores.
 *
 * Each RPC still decodes its request (garbage gets INVALID_ARGUMENT, as for every RPC)
 * and answers an empty response with one error diagnostic that names what is missing.
 * When one of these is built, its handler moves to a file of its own and its table
 * entry in v5.c / v6.c stays.
 */
#include "tfproto/handlers.h"

/* Decodes the request, then answers an empty response of resp_desc carrying one error
 * diagnostic. */
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
    diag_error(&c.d, summary,
               "The xacct provider has no %s: it offers resources, data sources, list "
               "resources, provider functions and actions.", what);
    return tfproto_call_finish(&c, rs, out);
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
