/* tests/support/xt_priv.h - what the typed helpers of xt_rpc.c and xt_features.c share:
 * packing and sending a request, and reading diagnostics, values and identities out of an
 * answer into a struct xt_result. Private to tests/support.
 */
#ifndef XA_TESTS_SUPPORT_XT_PRIV_H
#define XA_TESTS_SUPPORT_XT_PRIV_H

#include <stdbool.h>

#include "tests/support/xt.h"
#include "tfplugin6.pb-c.h"

/* Packs m and calls v6_name (translated for v5) into r->raw; returns the gRPC status. */
int xt_send(struct xt_provider *p, const char *v6_name, const ProtobufCMessage *m,
            struct xt_result *r);
/* A DynamicValue holding msgpack of v (NULL = null); bytes live in *store. */
bool xt_dv_set(Tfplugin6__DynamicValue *dv, const struct value *v, const struct type *t,
               struct xbuf *store);
void xt_take_diags(struct xt_result *r, Tfplugin6__Diagnostic **d, size_t n);
/* r->value from dv decoded as t (nothing when dv or t is NULL). */
void xt_take_pb_value(struct xt_result *r, const Tfplugin6__DynamicValue *dv, const struct type *t);
/* r->identity from identity data of a resource type (nothing when absent). */
void xt_take_identity(struct xt_result *r, const char *type_name,
                      const Tfplugin6__ResourceIdentityData *id);

#define XT_UNPACK(desc, r) \
    protobuf_c_message_unpack(&desc, NULL, (r)->raw.len, (const uint8_t *)(r)->raw.data)

#endif
