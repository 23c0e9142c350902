/* rpc/server.h - the gRPC server a Terraform provider process runs.
 *
 * Built on gRPC core's C API (Debian libgrpc 1.51): one completion queue polled by one
 * thread, which also runs the methods that answer from memory, a pool of threads
 * started on demand for the methods that may wait on AWS (rpc/pool), and generic call
 * requests (several armed at all times) dispatched by full method name through
 * tfproto_lookup(), plus the go-plugin side services:
 *   /plugin.GRPCController/Shutdown   answered, then config.on_shutdown is called
 *   /plugin.GRPCBroker/StartStream,
 *   /plugin.GRPCStdio/StreamStdio     accepted and held open until shutdown
 *   /grpc.health.v1.Health/Check      SERVING for "" and "plugin", NOT_FOUND otherwise
 *   /grpc.health.v1.Health/Watch      SERVING, then held open
 * A server-streaming provider method (ListResource, InvokeAction) sends each message as
 * its handler makes it, one batch at a time, then the status.
 * Every other method is answered UNIMPLEMENTED as soon as its request arrives: gRPC core
 * would otherwise park it forever (PROTOCOL-FACTS.md 3.1). Messages up to 256 MiB each way.
 * The schema and metadata answers are built once per protocol version and then resent.
 * Not here: which address and certificate (plugin/), what the provider RPCs do (tfproto/).
 * Ownership: the server borrows the provider and the strings of its config only during
 * rpc_server_new.
 */
#ifndef XA_RPC_SERVER_H
#define XA_RPC_SERVER_H

#include "util/buf.h"
#include "util/status.h"

struct provider;

struct rpc_server_config {
    const char *address;        /* "unix:/path" or "127.0.0.1:PORT" */
    const char *client_ca_pem;  /* PLUGIN_CLIENT_CERT: required client cert; NULL = plaintext */
    const char *cert_pem;       /* server certificate and key when client_ca_pem is set */
    const char *key_pem;
    struct provider *provider;
    int workers;                /* most threads running methods that may wait (they start
                                   on demand); 0 = 64 */
    /* Called from a worker thread once GRPCController.Shutdown has been answered. Must
     * only signal (e.g. write to a pipe): the server is torn down by rpc_server_free. */
    void (*on_shutdown)(void *ctx);
    void *ctx;
};

struct rpc_server;

/* Binds, starts the poller and serves. NULL with a sentence in *why on failure. */
struct rpc_server *rpc_server_new(const struct rpc_server_config *cfg, struct xbuf *why);

/* The drain sequence: stop accepting (shutdown_and_notify), cancel every call still
 * open (held streams, calls in handlers finish first), let the poller drain the queue
 * until the shutdown tag and the last call are seen, shut the queue down, join the
 * poller and the pool, destroy server and queue. NULL is a no-op. */
void rpc_server_free(struct rpc_server *s);

/* Routes gRPC core's own log lines into util/log (module xacct.grpc). */
void rpc_log_init(void);

#endif
