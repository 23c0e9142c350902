/* tfproto/handlers.h - the Provider service's RPC handlers, shared by tfplugin5 and
 * tfplugin6 (see call.h for why one set serves both), and what v5.c needs to write the
 * one RPC whose answer differs (PrepareProviderConfig).
 *
 * Every handler has the tfproto_handler_fn shape (tfproto/tfproto.h): XA_OK with the
 * packed answer in out, XA_EINVAL when the request does not decode, XA_ENOMEM; the two
 * streaming ones (ListResource, InvokeAction) the tfproto_stream_fn shape.
 * Private to tfproto/.
 */
#ifndef XA_TFPROTO_HANDLERS_H
#define XA_TFPROTO_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "tfproto/call.h"
#include "tfproto/tfproto.h"

/* schema_rpcs.c */
enum xa_status tfproto_get_provider_schema(struct provider *p, const uint8_t *req, size_t len,
                                           struct xbuf *out);
enum xa_status tfproto_get_metadata(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out);

/* resource_rpcs.c: the provider and the resource lifecycle */
enum xa_status tfproto_validate_provider_config(struct provider *p, const uint8_t *req, size_t len,
                                                struct xbuf *out);
enum xa_status tfproto_validate_resource_config(struct provider *p, const uint8_t *req, size_t len,
                                                struct xbuf *out);
enum xa_status tfproto_configure_provider(struct provider *p, const uint8_t *req, size_t len,
                                          struct xbuf *out);
enum xa_status tfproto_stop_provider(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out);
enum xa_status tfproto_upgrade_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out);
enum xa_status tfproto_read_resource(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out);
enum xa_status tfproto_plan_resource_change(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out);
enum xa_status tfproto_apply_resource_change(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out);
enum xa_status tfproto_import_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out);
enum xa_status tfproto_move_resource_state(struct provider *p, const uint8_t *req, size_t len,
                                           struct xbuf *out);
/* Validate(Provider)Config's work: the decoded configuration (caller frees) after
 * validation, so that v5 can echo it as prepared_config. */
struct value *tfproto_validate_provider(struct provider *p, const Tfplugin6__DynamicValue *config,
                                        struct diags *d);

/* identity_rpcs.c: resource identities */
enum xa_status tfproto_get_identity_schemas(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out);
enum xa_status tfproto_upgrade_resource_identity(struct provider *p, const uint8_t *req, size_t len,
                                                 struct xbuf *out);
/* The identity of a state of type_name as the protocol carries it, in arena memory; NULL
 * when the type has none, the state is null, or (known_only) a value is still unknown. */
Tfplugin6__ResourceIdentityData *tfproto_identity_data(struct tfproto_call *c, struct provider *p,
                                                       const char *type_name,
                                                       const struct value *state,
                                                       bool known_only);
/* An identity Terraform sent (import by identity); NULL with a diagnostic. */
struct value *tfproto_identity_decode(struct provider *p, const char *type_name,
                                      const Tfplugin6__ResourceIdentityData *data,
                                      struct diags *d);

/* list_rpcs.c: list resources and generated configuration (`terraform query`) */
enum xa_status tfproto_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                     struct tfproto_stream *out);
enum xa_status tfproto_validate_list_resource(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out);
enum xa_status tfproto_generate_resource_config(struct provider *p, const uint8_t *req, size_t len,
                                                struct xbuf *out);

/* function_rpcs.c: provider functions */
enum xa_status tfproto_get_functions(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out);
enum xa_status tfproto_call_function(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out);
/* A function as GetProviderSchema and GetFunctions describe it, in arena memory; NULL
 * (and c->a.failed) when memory ran out. */
struct function_type;
Tfplugin6__Function *tfproto_function_to_pb(struct tfproto_call *c, const struct function_type *f);

/* action_rpcs.c: actions */
enum xa_status tfproto_plan_action(struct provider *p, const uint8_t *req, size_t len,
                                   struct xbuf *out);
enum xa_status tfproto_invoke_action(struct provider *p, const uint8_t *req, size_t len,
                                     struct tfproto_stream *out);
enum xa_status tfproto_validate_action(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out);

/* data_source_rpcs.c: ValidateDataResourceConfig, ReadDataSource */
enum xa_status tfproto_validate_data_resource(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out);
enum xa_status tfproto_read_data_source(struct provider *p, const uint8_t *req, size_t len,
                                        struct xbuf *out);

/* unsupported_rpcs.c: what xacct does not offer answers with a diagnostic naming it */
enum xa_status tfproto_validate_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                          struct xbuf *out);
enum xa_status tfproto_open_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                      struct xbuf *out);
enum xa_status tfproto_renew_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out);
enum xa_status tfproto_close_ephemeral(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out);
/* tfplugin6 only */
enum xa_status tfproto_validate_state_store(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out);
enum xa_status tfproto_configure_state_store(struct provider *p, const uint8_t *req, size_t len,
                                             struct xbuf *out);
enum xa_status tfproto_read_state_bytes(struct provider *p, const uint8_t *req, size_t len,
                                        struct xbuf *out);
enum xa_status tfproto_write_state_bytes(struct provider *p, const uint8_t *req, size_t len,
                                         struct xbuf *out);
enum xa_status tfproto_lock_state(struct provider *p, const uint8_t *req, size_t len,
                                  struct xbuf *out);
enum xa_status tfproto_unlock_state(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out);
enum xa_status tfproto_get_states(struct provider *p, const uint8_t *req, size_t len,
                                  struct xbuf *out);
enum xa_status tfproto_delete_state(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out);

#endif
