/* tfproto/call.h - one RPC's scratch and the messages every answer shares.
 *
 * The Provider service is written once (resource_rpcs.c, schema_rpcs.c, identity_rpcs.c,
 * list_rpcs.c, function_rpcs.c, action_rpcs.c, unsupported_rpcs.c) with tfplugin6's
 * generated types for both protocol versions:
 * tfplugin5 and tfplugin6 give every message xacct reads or writes the same field
 * numbers and types, so their bytes on the wire are the same (tests/unit/test_tfproto.c
 * checks the descriptors field by field). The few messages that differ are built by
 * v5.c and v6.c. A handler unpacks its request, works in a struct tfproto_call (arena +
 * diagnostics) and finishes with tfproto_call_finish, which attaches the diagnostics and
 * packs the answer.
 * Private to tfproto/. Ownership: everything built during a call lives in its arena and
 * goes at tfproto_call_finish.
 */
#ifndef XA_TFPROTO_CALL_H
#define XA_TFPROTO_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tfplugin6.pb-c.h"
#include "core/diag.h"
#include "core/provider.h"
#include "tfproto/common.h"
#include "util/buf.h"
#include "util/status.h"

struct tfproto_call {
    struct tfproto_arena a;
    struct diags d;
};

void tfproto_call_init(struct tfproto_call *c);
/* Puts the call's diagnostics into resp's repeated Diagnostic field (found through the
 * descriptor: "diagnostics", or "diagnostic"), packs resp after what out holds and
 * releases the call's scratch. XA_ENOMEM when the answer could not be built. */
enum xa_status tfproto_call_finish(struct tfproto_call *c, ProtobufCMessage *resp,
                                   struct xbuf *out);
/* Only the diagnostics part of finish, for an answer nested in another message. */
void tfproto_call_set_diags(struct tfproto_call *c, ProtobufCMessage *m);

/* A request of desc, or NULL when the bytes do not decode; free with
 * tfproto_unpacked_free. */
void *tfproto_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *req, size_t len);
void tfproto_unpacked_free(void *m);

/* A path as the protocol writes it, in arena memory; NULL on allocation failure. */
Tfplugin6__AttributePath *tfproto_path_to_pb(struct tfproto_call *c, const struct attr_path *p);

/* DynamicValue to a value of t (tfproto_decode_value's rules); NULL + diagnostic. */
struct value *tfproto_dv_decode(const Tfplugin6__DynamicValue *dv, const struct type *t,
                                const char *what, struct diags *d);
/* A value as a msgpack DynamicValue in arena memory; NULL + diagnostic. */
Tfplugin6__DynamicValue *tfproto_dv_encode(struct tfproto_call *c, const struct value *v,
                                           const struct type *t);

/* Packs m and sends it on a stream; false when it could not be sent (client gone, out of
 * memory): the handler stops. */
struct tfproto_stream;
bool tfproto_stream_send(struct tfproto_stream *s, const ProtobufCMessage *m);

/* The provider block's type; NULL + diagnostic when it cannot be built. */
const struct type *tfproto_provider_value_type(struct provider *p, struct diags *d);

#endif
