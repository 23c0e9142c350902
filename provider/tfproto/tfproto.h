/* tfproto/tfproto.h - Terraform's provider protocols (tfplugin5 and tfplugin6) as a table
 * of method handlers over raw protobuf bytes.
 *
 * rpc/ receives a call, looks its full method name up here ("/tfplugin6.Provider/
 * PlanResourceChange") and hands the request bytes to the handler, which decodes them
 * with protobuf-c, calls core/provider.h and encodes the answer. Every provider problem
 * becomes a diagnostic in an OK answer; only a request that cannot be decoded returns
 * XA_EINVAL, which rpc/ turns into INVALID_ARGUMENT for that call. Streaming methods
 * (ListResource, InvokeAction) hand each message to a tfproto_stream as they make it.
 * Both protocol versions are always served: the handshake names one and Terraform uses
 * only that one, and serving both costs nothing.
 * Not here: gRPC (rpc/), values and schemas (core/).
 * Ownership: the handler appends the answer to `out`; the provider is borrowed.
 */
#ifndef XA_TFPROTO_TFPROTO_H
#define XA_TFPROTO_TFPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

struct provider;

/* XA_OK: out holds one packed message. XA_EINVAL: the request does not decode.
 * XA_ENOMEM: the answer could not be built. */
typedef enum xa_status (*tfproto_handler_fn)(struct provider *p, const uint8_t *req,
                                             size_t len, struct xbuf *out);

/* Where a streaming handler's messages go, each as soon as it is made (rpc/ sends them
 * in order, one at a time, then the status). */
struct tfproto_stream {
    /* Sends one packed message (copied). false when the client is gone or memory ran
     * out: the handler stops early. */
    bool (*send)(struct tfproto_stream *s, const uint8_t *msg, size_t len);
};
/* As tfproto_handler_fn, but any number of messages go to out: XA_EINVAL (nothing sent)
 * when the request does not decode. */
typedef enum xa_status (*tfproto_stream_fn)(struct provider *p, const uint8_t *req,
                                            size_t len, struct tfproto_stream *out);

enum tfproto_kind {
    TFPROTO_UNARY = 0,
    TFPROTO_SERVER_STREAM,      /* the handler's message (fn) or messages (stream) are
                                   sent, then the status */
    TFPROTO_CLIENT_STREAM,      /* answered after the first request message */
};

struct tfproto_method {
    const char *path;           /* "/tfplugin6.Provider/GetProviderSchema" */
    enum tfproto_kind kind;
    tfproto_handler_fn fn;      /* one answer; NULL when stream is set */
    tfproto_stream_fn stream;   /* TFPROTO_SERVER_STREAM with many messages */
};

/* The handler of a full method name, or NULL when neither protocol has it. */
const struct tfproto_method *tfproto_lookup(const char *path, size_t len);

/* The tables themselves (for tests): NULL-path terminated. */
extern const struct tfproto_method tfproto_v5_methods[];
extern const struct tfproto_method tfproto_v6_methods[];

#endif
