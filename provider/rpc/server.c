/* rpc/server.c - gRPC core server: completion queue, workers, the per-call state machine
 * and go-plugin's side services (see server.h for what is served).
 *
 * Every call is a struct rpc_call used as the completion-queue tag of exactly one
 * outstanding batch at a time; its state says which batch that is, and call_step() is
 * the one switch that moves it on:
 *   REQUESTED  a generic request matched a call: re-arm, classify, start the first batch
 *   RECEIVED   the request message is here: run the handler, send answer + status
 *   HOLDING    a held stream ended (client left or shutdown cancelled it): send status
 *   STREAMING  one message of a server stream was sent: send the next, or the status
 *              once the handler is done (rpc_stream, below)
 *   FINISHED   the final batch completed: free the call
 * A failed batch (client gone, server cancelling) skips to the final status batch, whose
 * own completion frees the call whatever its outcome. Nothing here asserts on runtime
 * failures: an allocation failure answers RESOURCE_EXHAUSTED for that one call.
 * Threads: one poller waits on the completion queue and runs every step of every call,
 * including the provider methods that answer from memory (schemas, metadata,
 * validation, planning, state upgrades, StopProvider, CallFunction, GenerateResourceConfig,
 * PlanAction). The methods that may wait on AWS (ConfigureProvider, ReadResource,
 * ApplyResourceChange, ImportResourceState, ReadDataSource, ListResource, InvokeAction
 * and any method not listed in quick_methods) run on rpc/pool's threads,
 * started on demand. Measured: with sixteen threads all waiting on the one queue, every
 * event handed the polling role to another thread (a futex wake and a context switch),
 * which cost a third of the provider's CPU time per Validate.
 * Constant answers: the schema and metadata methods answer an empty request with bytes
 * that depend on nothing but this binary; the first answer of each protocol version is
 * kept as a slice and later calls send a reference to it.
 */
#include <stdatomic.h>
#include <pthread.h>
#include <string.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/log.h>
#include <grpc/support/time.h>

#include "health.pb-c.h"
#include "rpc/pool.h"
#include "rpc/server.h"
#include "tfproto/tfproto.h"
#include "util/alloc.h"
#include "util/log.h"

#define MAX_MESSAGE (256 << 20)
#define ARMED_REQUESTS 32
#define MAX_WORKERS 64
#define POLLER_STACK (1 << 20)

enum call_kind {
    KIND_PROVIDER,      /* a tfproto method */
    KIND_SHUTDOWN,      /* GRPCController.Shutdown */
    KIND_HEALTH_CHECK,
    KIND_HEALTH_WATCH,
    KIND_HOLD,          /* broker and stdio streams: open until shutdown */
    KIND_UNIMPLEMENTED,
};

enum call_state { CALL_REQUESTED, CALL_RECEIVED, CALL_HOLDING, CALL_STREAMING, CALL_FINISHED };

/* Provider methods that answer from memory, never waiting on AWS (DESIGN.md: a
 * resource plans with values known at plan time): run on the poller. */
static const char *const quick_methods[] = {
    "GetSchema", "GetProviderSchema", "GetMetadata", "GetResourceIdentitySchemas",
    "GetFunctions", "PrepareProviderConfig", "ValidateProviderConfig",
    "ValidateResourceTypeConfig", "ValidateResourceConfig", "ValidateDataSourceConfig",
    "ValidateDataResourceConfig", "ValidateEphemeralResourceConfig",
    "ValidateListResourceConfig", "ValidateActionConfig", "UpgradeResourceState",
    "UpgradeResourceIdentity", "PlanResourceChange", "MoveResourceState", "StopProvider",
    "CallFunction", "GenerateResourceConfig", "PlanAction",
};

/* Methods whose answer to an empty request is the same for the life of the process. */
static const char *const constant_methods[] = {
    "/tfplugin5.Provider/GetSchema",   "/tfplugin6.Provider/GetProviderSchema",
    "/tfplugin5.Provider/GetMetadata", "/tfplugin6.Provider/GetMetadata",
};
#define CONSTANT_METHODS (sizeof constant_methods / sizeof constant_methods[0])

struct rpc_server {
    grpc_server *server;
    grpc_completion_queue *cq;
    struct provider *provider;
    void (*on_shutdown)(void *ctx);
    void *ctx;
    pthread_t poller;
    bool has_poller;
    struct rpc_pool *pool;          /* the calls that may wait on AWS */
    pthread_mutex_t constant_mu;    /* guards the constant answers */
    struct constant_answer {
        const struct tfproto_method *method;
        grpc_slice bytes;
    } constants[CONSTANT_METHODS];
    int nconstants;
    atomic_int live_calls;          /* armed requests + calls not yet freed */
    atomic_int armed;               /* generic requests waiting for a call */
    atomic_bool shutting_down;
    atomic_bool shutdown_notified;  /* the shutdown_and_notify tag came back */
    atomic_bool cq_shut;
    int shutdown_tag;               /* its address is the tag */
};

struct rpc_call {
    struct rpc_server *srv;
    enum call_state state;
    enum call_kind kind;
    const struct tfproto_method *method;
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array request_md;
    grpc_byte_buffer *recv;
    grpc_byte_buffer *send;
    int cancelled;                  /* RECV_CLOSE_ON_SERVER's output */
    bool close_received;            /* RECV_CLOSE_ON_SERVER already done */
    bool md_sent;                   /* SEND_INITIAL_METADATA already done */
    bool notify_shutdown;           /* Shutdown answered: tell main once the batch is done */
    grpc_slice status_details;
    bool has_status_details;
    struct rpc_stream *stream;      /* a streaming method's messages, or NULL */
};

/* A server stream's messages: the handler (on a pool thread) hands each one over as it
 * makes it; one SEND_MESSAGE batch is out at a time, the rest wait in order; the status
 * goes once the handler is done and the last message is out. Guarded by mu, because the
 * poller finishes batches while the handler adds messages. */
struct rpc_stream {
    struct tfproto_stream base;     /* the handler's view; first member */
    struct rpc_call *call;
    pthread_mutex_t mu;
    grpc_byte_buffer **queue;       /* waiting, oldest at head */
    size_t head, n, cap;
    grpc_byte_buffer *inflight;
    bool sending;                   /* a SEND_MESSAGE batch is out */
    bool done;                      /* the handler returned: code and details are set */
    bool broken;                    /* a send failed: the client is gone */
    grpc_status_code code;
    const char *details;            /* static text or NULL */
};

/* ---- arming and freeing ------------------------------------------------------------------ */

static void stream_free(struct rpc_stream *s)
{
    for (size_t i = 0; i < s->n; i++)
        grpc_byte_buffer_destroy(s->queue[(s->head + i) % s->cap]);
    if (s->inflight)
        grpc_byte_buffer_destroy(s->inflight);
    xa_free(s->queue);
    pthread_mutex_destroy(&s->mu);
    xa_free(s);
}

static void maybe_shutdown_cq(struct rpc_server *s)
{
    if (atomic_load(&s->shutdown_notified) && atomic_load(&s->live_calls) == 0 &&
        !atomic_exchange(&s->cq_shut, true))
        grpc_completion_queue_shutdown(s->cq);
}

static void call_free(struct rpc_call *c)
{
    struct rpc_server *s = c->srv;
    if (c->call)
        grpc_call_unref(c->call);
    grpc_call_details_destroy(&c->details);
    grpc_metadata_array_destroy(&c->request_md);
    if (c->recv)
        grpc_byte_buffer_destroy(c->recv);
    if (c->send)
        grpc_byte_buffer_destroy(c->send);
    if (c->has_status_details)
        grpc_slice_unref(c->status_details);
    if (c->stream)
        stream_free(c->stream);
    xa_free(c);
    atomic_fetch_sub(&s->live_calls, 1);
    maybe_shutdown_cq(s);
}

static bool arm_one(struct rpc_server *s)
{
    struct rpc_call *c = xa_calloc(1, sizeof *c);
    if (!c)
        return false;
    c->srv = s;
    c->state = CALL_REQUESTED;
    grpc_call_details_init(&c->details);
    grpc_metadata_array_init(&c->request_md);
    atomic_fetch_add(&s->live_calls, 1);
    atomic_fetch_add(&s->armed, 1);
    if (grpc_server_request_call(s->server, &c->call, &c->details, &c->request_md, s->cq, s->cq,
                                 c) != GRPC_CALL_OK) {
        atomic_fetch_sub(&s->armed, 1);
        c->call = NULL;
        call_free(c);
        return false;
    }
    return true;
}

/* Keeps ARMED_REQUESTS generic requests posted, so that that many calls can start at
 * once; one that could not be posted (out of memory) is retried on the next call. */
static void arm(struct rpc_server *s)
{
    while (!atomic_load(&s->shutting_down) && atomic_load(&s->armed) < ARMED_REQUESTS) {
        if (!arm_one(s)) {
            log_msg(LOG_ERROR, "xacct.rpc", "cannot post a call request (out of memory)");
            break;
        }
    }
}

/* ---- batches ---------------------------------------------------------------------------- */

static void start_batch(struct rpc_call *c, const grpc_op *ops, size_t n, enum call_state next)
{
    c->state = next;
    if (grpc_call_start_batch(c->call, ops, n, c, NULL) != GRPC_CALL_OK) {
        log_msg(LOG_ERROR, "xacct.rpc", "cannot start a batch on call %p", (void *)c);
        call_free(c);
    }
}

/* The last batch of every call: optional answer, status, and the close if not seen. */
static void finish(struct rpc_call *c, grpc_status_code code, const char *details)
{
    grpc_op ops[3];
    size_t n = 0;
    if (details) {
        c->status_details = grpc_slice_from_copied_string(details);
        c->has_status_details = true;
    }
    if (c->send && code == GRPC_STATUS_OK)
        ops[n++] = (grpc_op){.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = c->send};
    ops[n++] = (grpc_op){
        .op = GRPC_OP_SEND_STATUS_FROM_SERVER,
        .data.send_status_from_server = {.status = code,
                                         .status_details = details ? &c->status_details : NULL}};
    if (!c->close_received) {
        ops[n++] = (grpc_op){.op = GRPC_OP_RECV_CLOSE_ON_SERVER,
                             .data.recv_close_on_server.cancelled = &c->cancelled};
        c->close_received = true;
    }
    start_batch(c, ops, n, CALL_FINISHED);
}

static void hold(struct rpc_call *c)
{
    grpc_op ops[3];
    size_t n = 0;
    if (!c->md_sent) {
        ops[n++] = (grpc_op){.op = GRPC_OP_SEND_INITIAL_METADATA};
        c->md_sent = true;
    }
    if (c->send)
        ops[n++] = (grpc_op){.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = c->send};
    ops[n++] = (grpc_op){.op = GRPC_OP_RECV_CLOSE_ON_SERVER,
                         .data.recv_close_on_server.cancelled = &c->cancelled};
    c->close_received = true;
    start_batch(c, ops, n, CALL_HOLDING);
}

static bool set_send(struct rpc_call *c, const void *p, size_t n)
{
    grpc_slice slice = grpc_slice_from_copied_buffer(p, n);
    c->send = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);
    return c->send != NULL;
}

/* ---- server streams ----------------------------------------------------------------------- */

static void stream_sent(struct rpc_stream *s, bool ok);

/* Starts the batch that sends bb (taken); a batch that cannot start counts as failed. */
static void stream_start(struct rpc_stream *s, grpc_byte_buffer *bb)
{
    struct rpc_call *c = s->call;
    grpc_op op = {.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = bb};
    s->inflight = bb;
    c->state = CALL_STREAMING;
    if (grpc_call_start_batch(c->call, &op, 1, c, NULL) != GRPC_CALL_OK)
        stream_sent(s, false);
}

/* One message went out (ok) or could not (the client is gone): the next one, else the
 * status when the handler is done. On the poller, or on the handler's thread when a
 * batch could not start. */
static void stream_sent(struct rpc_stream *s, bool ok)
{
    pthread_mutex_lock(&s->mu);
    grpc_byte_buffer_destroy(s->inflight);
    s->inflight = NULL;
    if (!ok) {
        s->broken = true;
        for (; s->n; s->n--, s->head = (s->head + 1) % s->cap)
            grpc_byte_buffer_destroy(s->queue[s->head]);
    }
    grpc_byte_buffer *next = NULL;
    if (s->n) {
        next = s->queue[s->head];
        s->head = (s->head + 1) % s->cap;
        s->n--;
    }
    s->sending = next != NULL;
    bool finished = !next && s->done;
    pthread_mutex_unlock(&s->mu);
    if (next)
        stream_start(s, next);
    else if (finished)
        finish(s->call, s->broken ? GRPC_STATUS_CANCELLED : s->code, s->details);
}

static bool queue_push(struct rpc_stream *s, grpc_byte_buffer *bb)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        grpc_byte_buffer **q = xa_calloc(cap, sizeof *q);
        if (!q)
            return false;
        for (size_t i = 0; i < s->n; i++)
            q[i] = s->queue[(s->head + i) % s->cap];
        xa_free(s->queue);
        s->queue = q;
        s->head = 0;
        s->cap = cap;
    }
    s->queue[(s->head + s->n++) % s->cap] = bb;
    return true;
}

/* tfproto_stream.send: on the handler's thread. */
static bool stream_send(struct tfproto_stream *base, const uint8_t *msg, size_t len)
{
    struct rpc_stream *s = (struct rpc_stream *)base;
    grpc_slice slice = grpc_slice_from_copied_buffer((const char *)msg, len);
    grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);
    if (!bb)
        return false;
    pthread_mutex_lock(&s->mu);
    bool ok = !s->broken, start = ok && !s->sending;
    if (start)
        s->sending = true;
    else if (ok)
        ok = queue_push(s, bb);
    pthread_mutex_unlock(&s->mu);
    if (start)
        stream_start(s, bb);
    else if (!ok)
        grpc_byte_buffer_destroy(bb);
    return ok;
}

/* The handler returned: the status goes after the last message. */
static void stream_done(struct rpc_stream *s, grpc_status_code code, const char *details)
{
    pthread_mutex_lock(&s->mu);
    s->done = true;
    s->code = code;
    s->details = details;
    bool finished = !s->sending;
    pthread_mutex_unlock(&s->mu);
    if (finished)
        finish(s->call, s->broken ? GRPC_STATUS_CANCELLED : code, details);
}

/* Runs a streaming handler: its messages go out as it makes them. */
static void run_stream(struct rpc_call *c, const struct xbuf *req)
{
    struct rpc_stream *s = xa_calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->mu, NULL) != 0) {
        xa_free(s);
        finish(c, GRPC_STATUS_RESOURCE_EXHAUSTED, "the provider ran out of memory");
        return;
    }
    s->base.send = stream_send;
    s->call = c;
    c->stream = s;
    enum xa_status st = c->method->stream(c->srv->provider, (const uint8_t *)req->data, req->len,
                                          &s->base);
    if (st == XA_EINVAL)
        log_kv(LOG_WARN, "xacct.rpc", "request does not decode", "method", c->method->path, NULL);
    stream_done(s, st == XA_OK ? GRPC_STATUS_OK : st == XA_EINVAL ? GRPC_STATUS_INVALID_ARGUMENT
                                                               : GRPC_STATUS_RESOURCE_EXHAUSTED,
                st == XA_OK      ? NULL
                : st == XA_EINVAL ? "the request message could not be decoded as the method's "
                                    "protobuf type"
                                  : "the provider ran out of memory");
}

/* ---- classification and handlers ----------------------------------------------------------- */

static bool method_is(const grpc_slice m, const char *name)
{
    size_t n = strlen(name);
    return GRPC_SLICE_LENGTH(m) == n && memcmp(GRPC_SLICE_START_PTR(m), name, n) == 0;
}

static void classify(struct rpc_call *c)
{
    const grpc_slice m = c->details.method;
    c->method = tfproto_lookup((const char *)GRPC_SLICE_START_PTR(m), GRPC_SLICE_LENGTH(m));
    if (c->method)
        c->kind = KIND_PROVIDER;
    else if (method_is(m, "/plugin.GRPCController/Shutdown"))
        c->kind = KIND_SHUTDOWN;
    else if (method_is(m, "/grpc.health.v1.Health/Check"))
        c->kind = KIND_HEALTH_CHECK;
    else if (method_is(m, "/grpc.health.v1.Health/Watch"))
        c->kind = KIND_HEALTH_WATCH;
    else if (method_is(m, "/plugin.GRPCBroker/StartStream") ||
             method_is(m, "/plugin.GRPCStdio/StreamStdio"))
        c->kind = KIND_HOLD;
    else
        c->kind = KIND_UNIMPLEMENTED;
}

static bool read_message(grpc_byte_buffer *bb, struct xbuf *out)
{
    grpc_byte_buffer_reader r;
    if (!bb)
        return true;        /* no message: decode as an empty one */
    if (!grpc_byte_buffer_reader_init(&r, bb))
        return false;
    grpc_slice all = grpc_byte_buffer_reader_readall(&r);
    bool ok = xbuf_append(out, GRPC_SLICE_START_PTR(all), GRPC_SLICE_LENGTH(all)) == XA_OK;
    grpc_slice_unref(all);
    grpc_byte_buffer_reader_destroy(&r);
    return ok;
}

/* Health: "" (the whole server) and "plugin" (go-plugin's Ping) are SERVING. */
static grpc_status_code health_answer(struct rpc_call *c, const struct xbuf *req)
{
    Grpc__Health__V1__HealthCheckRequest *rq = grpc__health__v1__health_check_request__unpack(
        NULL, req->len, (const uint8_t *)req->data);
    Grpc__Health__V1__HealthCheckResponse rs = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
    uint8_t buf[8];
    grpc_status_code code = GRPC_STATUS_INVALID_ARGUMENT;
    if (!rq)
        return code;
    code = GRPC_STATUS_NOT_FOUND;
    if (!strcmp(rq->service, "") || !strcmp(rq->service, "plugin")) {
        rs.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
        size_t n = grpc__health__v1__health_check_response__pack(&rs, buf);
        code = set_send(c, buf, n) ? GRPC_STATUS_OK : GRPC_STATUS_RESOURCE_EXHAUSTED;
    }
    grpc__health__v1__health_check_request__free_unpacked(rq, NULL);
    return code;
}

static bool is_constant_method(const struct tfproto_method *m)
{
    for (size_t i = 0; i < CONSTANT_METHODS; i++)
        if (strcmp(m->path, constant_methods[i]) == 0)
            return true;
    return false;
}

/* The kept answer of c's method as c's message; false when there is none yet. */
static bool send_constant(struct rpc_call *c)
{
    struct rpc_server *s = c->srv;
    bool found = false;
    pthread_mutex_lock(&s->constant_mu);
    for (int i = 0; i < s->nconstants && !found; i++) {
        if (s->constants[i].method == c->method) {
            c->send = grpc_raw_byte_buffer_create(&s->constants[i].bytes, 1);
            found = c->send != NULL;
        }
    }
    pthread_mutex_unlock(&s->constant_mu);
    return found;
}

static void keep_constant(struct rpc_call *c, const struct xbuf *answer)
{
    struct rpc_server *s = c->srv;
    pthread_mutex_lock(&s->constant_mu);
    bool known = false;
    for (int i = 0; i < s->nconstants; i++)
        known = known || s->constants[i].method == c->method;
    if (!known && s->nconstants < (int)CONSTANT_METHODS)
        s->constants[s->nconstants++] = (struct constant_answer){
            .method = c->method, .bytes = grpc_slice_from_copied_buffer(answer->data, answer->len)};
    pthread_mutex_unlock(&s->constant_mu);
}

static void run_provider(struct rpc_call *c, const struct xbuf *req)
{
    if (c->method->stream) {
        run_stream(c, req);
        return;
    }
    bool constant = req->len == 0 && is_constant_method(c->method);
    if (constant && send_constant(c)) {
        finish(c, GRPC_STATUS_OK, NULL);
        return;
    }
    struct xbuf out;
    xbuf_init(&out);
    enum xa_status st = c->method->fn(c->srv->provider, (const uint8_t *)req->data, req->len, &out);
    if (st == XA_OK && set_send(c, out.data, out.len)) {
        if (constant)
            keep_constant(c, &out);
        finish(c, GRPC_STATUS_OK, NULL);
    } else if (st == XA_EINVAL) {
        log_kv(LOG_WARN, "xacct.rpc", "request does not decode", "method", c->method->path, NULL);
        finish(c, GRPC_STATUS_INVALID_ARGUMENT,
               "the request message could not be decoded as the method's protobuf type");
    } else {
        finish(c, GRPC_STATUS_RESOURCE_EXHAUSTED, "the provider ran out of memory");
    }
    xbuf_cleanup(&out);
}

static bool is_quick(const struct tfproto_method *m)
{
    const char *name = strrchr(m->path, '/');
    for (size_t i = 0; name && i < sizeof quick_methods / sizeof quick_methods[0]; i++)
        if (strcmp(name + 1, quick_methods[i]) == 0)
            return true;
    return false;
}

static void on_received(struct rpc_call *c);

static void on_pool(void *arg)
{
    on_received(arg);
}

/* On the poller: a method that may wait goes to the pool (or, should no pool thread be
 * had, runs here rather than not at all). */
static void dispatch_received(struct rpc_call *c)
{
    if (c->kind == KIND_PROVIDER && !is_quick(c->method) && rpc_pool_submit(c->srv->pool, on_pool, c))
        return;
    on_received(c);
}

static void on_received(struct rpc_call *c)
{
    struct xbuf req;
    xbuf_init(&req);
    if (!read_message(c->recv, &req)) {
        finish(c, GRPC_STATUS_RESOURCE_EXHAUSTED, "cannot read the request");
        goto out;
    }
    switch (c->kind) {
    case KIND_PROVIDER:
        run_provider(c, &req);
        break;
    case KIND_SHUTDOWN:
        c->notify_shutdown = true;
        if (set_send(c, "", 0))
            finish(c, GRPC_STATUS_OK, NULL);
        else
            finish(c, GRPC_STATUS_RESOURCE_EXHAUSTED, NULL);
        break;
    case KIND_HEALTH_CHECK: {
        grpc_status_code code = health_answer(c, &req);
        finish(c, code, code == GRPC_STATUS_NOT_FOUND ? "unknown service" : NULL);
        break;
    }
    case KIND_HEALTH_WATCH:
        if (health_answer(c, &req) == GRPC_STATUS_OK)
            hold(c);
        else
            finish(c, GRPC_STATUS_NOT_FOUND, "unknown service");
        break;
    case KIND_UNIMPLEMENTED:
        finish(c, GRPC_STATUS_UNIMPLEMENTED, "xacct does not implement this method");
        break;
    case KIND_HOLD:
        finish(c, GRPC_STATUS_INTERNAL, NULL);   /* not reached: no message is read */
        break;
    }
out:
    xbuf_cleanup(&req);
}

static void on_requested(struct rpc_call *c)
{
    grpc_op ops[2] = {{.op = GRPC_OP_SEND_INITIAL_METADATA}};
    arm(c->srv);
    classify(c);
    if (c->kind == KIND_UNIMPLEMENTED && log_enabled(LOG_DEBUG)) {
        char *name = grpc_slice_to_c_string(c->details.method);
        log_kv(LOG_DEBUG, "xacct.rpc", "unimplemented method", "method", name, NULL);
        gpr_free(name);
    }
    if (c->kind == KIND_HOLD) {
        hold(c);
        return;
    }
    /* Everything else, unknown methods included, first reads its request: gRPC core
     * does not deliver the client's close (nor, in practice, our early status) while a
     * message is still unread. */
    c->md_sent = true;
    ops[1] = (grpc_op){.op = GRPC_OP_RECV_MESSAGE, .data.recv_message.recv_message = &c->recv};
    start_batch(c, ops, 2, CALL_RECEIVED);
}

/* The one place a call moves from state to state. */
static void call_step(struct rpc_call *c, bool ok)
{
    switch (c->state) {
    case CALL_REQUESTED:
        atomic_fetch_sub(&c->srv->armed, 1);
        if (!ok) {              /* the server is shutting down: the request was cancelled */
            c->call = NULL;
            call_free(c);
            return;
        }
        on_requested(c);
        break;
    case CALL_RECEIVED:
        if (ok)
            dispatch_received(c);
        else
            finish(c, GRPC_STATUS_CANCELLED, NULL);
        break;
    case CALL_STREAMING:
        stream_sent(c->stream, ok);
        break;
    case CALL_HOLDING:
        if (c->send) {
            grpc_byte_buffer_destroy(c->send);
            c->send = NULL;
        }
        finish(c, GRPC_STATUS_OK, NULL);
        break;
    case CALL_FINISHED: {
        struct rpc_server *s = c->srv;
        bool notify = c->notify_shutdown;   /* asked for, even if the answer was lost */
        call_free(c);
        if (notify && s->on_shutdown)
            s->on_shutdown(s->ctx);
        break;
    }
    }
}

static void *worker(void *arg)
{
    struct rpc_server *s = arg;
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
        if (ev.type != GRPC_OP_COMPLETE)
            continue;
        if (ev.tag == &s->shutdown_tag) {
            atomic_store(&s->shutdown_notified, true);
            maybe_shutdown_cq(s);
            continue;
        }
        call_step(ev.tag, ev.success != 0);
    }
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

/* grpc_shutdown() sometimes finishes on a detached thread of gRPC's own (when the last
 * reference goes inside gRPC); its executor and timer threads, which ran TLS code, then
 * exit after rpc_server_free returned. Had the process exited meanwhile, OpenSSL's atexit
 * cleanup would have removed its thread-local keys under them, and their error state
 * leaked (ASan: 904 bytes from CRYPTO_zalloc, 1 run in ~90). grpc_is_initialized() blocks
 * while that cleanup runs, and is false once gRPC's threads are joined. */
static void shutdown_grpc_and_wait(void)
{
    grpc_shutdown();
    gpr_timespec step = gpr_time_from_millis(10, GPR_TIMESPAN);
    for (int i = 0; i < 100 && grpc_is_initialized(); i++)
        gpr_sleep_until(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), step));
}

static grpc_server_credentials *make_credentials(const struct rpc_server_config *cfg)
{
    if (!cfg->client_ca_pem)
        return grpc_insecure_server_credentials_create();
    grpc_ssl_pem_key_cert_pair pair = {.private_key = cfg->key_pem, .cert_chain = cfg->cert_pem};
    return grpc_ssl_server_credentials_create_ex(
        cfg->client_ca_pem, &pair, 1, GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY,
        NULL);
}

struct rpc_server *rpc_server_new(const struct rpc_server_config *cfg, struct xbuf *why)
{
    struct rpc_server *s = xa_calloc(1, sizeof *s);
    if (!s) {
        xbuf_append_str(why, "out of memory");
        return NULL;
    }
    grpc_init();
    pthread_mutex_init(&s->constant_mu, NULL);
    s->pool = rpc_pool_new(cfg->workers > 0 && cfg->workers < MAX_WORKERS ? cfg->workers
                                                                         : MAX_WORKERS);
    s->provider = cfg->provider;
    s->on_shutdown = cfg->on_shutdown;
    s->ctx = cfg->ctx;
    grpc_arg args[] = {
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
         .value.integer = MAX_MESSAGE},
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH,
         .value.integer = MAX_MESSAGE},
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_ALLOW_REUSEPORT, .value.integer = 0},
    };
    grpc_channel_args chargs = {.num_args = sizeof args / sizeof args[0], .args = args};
    s->cq = grpc_completion_queue_create_for_next(NULL);
    s->server = grpc_server_create(&chargs, NULL);
    grpc_server_register_completion_queue(s->server, s->cq, NULL);
    grpc_server_credentials *creds = make_credentials(cfg);
    int port = creds ? grpc_server_add_http2_port(s->server, cfg->address, creds) : 0;
    if (creds)
        grpc_server_credentials_release(creds);
    if (!port) {
        xbuf_appendf(why, "cannot listen on %s%s", cfg->address,
                     creds ? "" : " (the TLS credentials were refused)");
        grpc_server_destroy(s->server);
        grpc_completion_queue_shutdown(s->cq);
        while (grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
               GRPC_QUEUE_SHUTDOWN) {
        }
        grpc_completion_queue_destroy(s->cq);
        rpc_pool_free(s->pool);
        pthread_mutex_destroy(&s->constant_mu);
        xa_free(s);
        shutdown_grpc_and_wait();
        return NULL;
    }
    grpc_server_start(s->server);
    arm(s);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, POLLER_STACK);
    s->has_poller = pthread_create(&s->poller, &attr, worker, s) == 0;
    pthread_attr_destroy(&attr);
    if (!s->has_poller || !s->pool) {
        xbuf_append_str(why, "cannot start the server's threads");
        rpc_server_free(s);
        return NULL;
    }
    return s;
}

void rpc_server_free(struct rpc_server *s)
{
    if (!s)
        return;
    atomic_store(&s->shutting_down, true);
    grpc_server_shutdown_and_notify(s->server, s->cq, &s->shutdown_tag);
    grpc_server_cancel_all_calls(s->server);
    if (s->has_poller)
        pthread_join(s->poller, NULL);  /* returns once every call is freed */
    else
        worker(s);      /* no poller (start-up failure): drain on this thread */
    rpc_pool_free(s->pool);
    grpc_server_destroy(s->server);
    grpc_completion_queue_destroy(s->cq);
    for (int i = 0; i < s->nconstants; i++)
        grpc_slice_unref(s->constants[i].bytes);
    pthread_mutex_destroy(&s->constant_mu);
    xa_free(s);
    shutdown_grpc_and_wait();
}

/* ---- gRPC core's own log -------------------------------------------------------------------- */

static void grpc_log_to_hclog(gpr_log_func_args *a)
{
    enum log_level lv = a->severity == GPR_LOG_SEVERITY_ERROR  ? LOG_ERROR
                        : a->severity == GPR_LOG_SEVERITY_INFO ? LOG_DEBUG
                                                               : LOG_TRACE;
    log_msg(lv, "xacct.grpc", "%s (%s:%d)", a->message, a->file, a->line);
}

void rpc_log_init(void)
{
    gpr_set_log_function(grpc_log_to_hclog);
}
