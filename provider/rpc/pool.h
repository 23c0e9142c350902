/* rpc/pool.h - threads for the calls that may wait, started on demand.
 *
 * rpc/server runs the calls that answer from memory (schemas, validation, planning) on
 * the thread that polls gRPC's completion queue, and hands the calls that may wait on
 * AWS (configure, apply, read, import) to this pool, so that a slow call never holds up
 * the others. A job is queued; a thread is started when none is idle, up to the most
 * given; threads then stay, waiting for the next job.
 * Not here: gRPC (rpc/server).
 * Ownership: the pool owns its threads and queue; a job's argument stays the caller's.
 */
#ifndef XA_RPC_POOL_H
#define XA_RPC_POOL_H

#include <stdbool.h>

struct rpc_pool;

/* NULL when out of memory. max_threads >= 1. */
struct rpc_pool *rpc_pool_new(int max_threads);

/* Queues fn(arg). False, queuing nothing, when no thread is running and none can be
 * started (or out of memory): the caller then runs fn itself. */
bool rpc_pool_submit(struct rpc_pool *p, void (*fn)(void *arg), void *arg);

/* Threads running or waiting (for tests and figures). */
int rpc_pool_threads(struct rpc_pool *p);

/* Runs what is queued, then joins and frees the threads. NULL is a no-op. */
void rpc_pool_free(struct rpc_pool *p);

#endif
