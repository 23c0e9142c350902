/* tfproto/common.h - what the two protocol files share that needs no protobuf type:
 * an arena for building answers, DynamicValue decoding and encoding, and the packing
 * helper. Private to tfproto/.
 *
 * Answers are trees of protobuf-c structs with many small parts (diagnostics, schema
 * attributes, paths). They are built in a per-call arena and dropped in one go after
 * packing, so no error path has to walk a half-built tree.
 */
#ifndef XA_TFPROTO_COMMON_H
#define XA_TFPROTO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "core/diag.h"
#include "core/value.h"
#include "util/buf.h"
#include "util/status.h"

struct tfproto_arena {
    struct arena_chunk *head;
    bool failed;                /* an allocation failed; the answer is incomplete */
};

void tfproto_arena_init(struct tfproto_arena *a);
void tfproto_arena_cleanup(struct tfproto_arena *a);
/* Zeroed memory that lives until cleanup; NULL (and a->failed) on failure. */
void *tfproto_alloc(struct tfproto_arena *a, size_t n);
/* A copy in a; NULL s -> "". Bytes that are not UTF-8 become '?' (protobuf-go refuses them). */
char *tfproto_strdup(struct tfproto_arena *a, const char *s);

/* Terraform's decodeDynamicValue: msgpack if non-empty, else JSON if non-empty, else
 * null. `present` false (the field was absent) also means null. NULL + error diagnostic
 * when the bytes do not decode as t. */
struct value *tfproto_decode_value(bool present, const ProtobufCBinaryData *msgpack,
                                   const ProtobufCBinaryData *json, const struct type *t,
                                   const char *what, struct diags *d);
/* msgpack of v (NULL pointer = null) into arena memory; false + diagnostic on failure. */
bool tfproto_encode_value(const struct value *v, const struct type *t,
                          struct tfproto_arena *a, ProtobufCBinaryData *out, struct diags *d);
/* Type JSON of t in arena memory. */
bool tfproto_type_json(const struct type *t, struct tfproto_arena *a, ProtobufCBinaryData *out);

/* Packs m after whatever out holds. XA_ENOMEM on failure. */
enum xa_status tfproto_pack(const ProtobufCMessage *m, struct xbuf *out);
/* Copies bytes into arena memory (private state passes through unchanged). */
bool tfproto_copy_bytes(struct tfproto_arena *a, const ProtobufCBinaryData *in,
                        ProtobufCBinaryData *out);

#endif
