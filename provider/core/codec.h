/* core/codec.h - cty's wire encodings: msgpack values, JSON values, type JSON.
 *
 * Exact to go-cty: unknown is msgpack extension 0 (any extension decodes as unknown,
 * refinement payloads of type 12 are accepted and ignored), dynamic values are
 * [type JSON as bin, value], numbers accept every msgpack number form and decimal
 * strings. Decoders never trust the input: wrong types, truncated or oversized data, deep
 * nesting and invalid UTF-8 give an error diagnostic naming the attribute path, never a
 * crash. Encoders write what Terraform writes (sorted object keys, fixext1 unknowns),
 * except finite numbers, which go as msgpack strings of their decimal text (go-cty's own
 * form for numbers beyond int64 and float64; core/codec_msgpack.c says why).
 * Ownership: decoded values and types belong to the caller; encoders append to a caller
 * xbuf and leave it as it was on failure... except for bytes already appended (clear it).
 */
#ifndef XA_CORE_CODEC_H
#define XA_CORE_CODEC_H

#include <stddef.h>

#include "core/diag.h"
#include "core/value.h"
#include "util/buf.h"

/* Decode a DynamicValue.msgpack as type t. NULL + error diagnostic on failure.
 * An empty input (len 0) decodes as null, as Terraform does. */
struct value *codec_msgpack_decode(const void *data, size_t len, const struct type *t,
                                   struct diags *d);
/* XA_OK or XA_ENOMEM / XA_EINVAL (value does not conform to t). */
enum xa_status codec_msgpack_encode(const struct value *v, const struct type *t, struct xbuf *out);

/* JSON value encoding (raw state, DynamicValue.json). Unknown values cannot be
 * represented in JSON; decoding treats attributes missing from an object as null and,
 * when allow_extra is true, ignores attributes the type does not have (old raw state). */
struct value *codec_json_decode(const char *data, size_t len, const struct type *t,
                                bool allow_extra, struct diags *d);
enum xa_status codec_json_encode(const struct value *v, struct xbuf *out);
/* As codec_json_encode, but values where t says "dynamic" are written as
 * {"type": <type JSON>, "value": ...}, so codec_json_decode(.., t, ..) reads them back. */
enum xa_status codec_json_encode_typed(const struct value *v, const struct type *t,
                                       struct xbuf *out);

/* Type JSON: "string", ["list","string"], ["object",{...}], ... */
enum xa_status codec_type_json(const struct type *t, struct xbuf *out);
/* Returns a heap type (type_unref when done) or NULL + diagnostic. */
const struct type *codec_type_from_json(const char *data, size_t len, struct diags *d);

#endif
