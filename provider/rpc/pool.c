/* rpc/pool.c - threads for the calls that may wait, started on demand (see pool.h).
 *
 * One mutex guards the queue (a singly linked FIFO) and the counts; waiting threads
 * sleep on one condition variable. A job is always taken by a thread that exists: a
 * thread is started when the jobs waiting outnumber the idle threads, and a failure to
 * start one only matters when there is no thread at all.
 */
#include "rpc/pool.h"

#include <pthread.h>

#include "util/alloc.h"

#define POOL_STACK (1 << 20)

struct job {
    struct job *next;
    void (*fn)(void *arg);
    void *arg;
};

struct rpc_pool {
    pthread_mutex_t mu;
    pthread_cond_t ready;
    struct job *head, *tail;
    int queued, idle, nthreads, max_threads;
    bool stopping;
    pthread_t threads[];
};

static void *run(void *arg)
{
    struct rpc_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stopping) {
            p->idle++;
            pthread_cond_wait(&p->ready, &p->mu);
            p->idle--;
        }
        struct job *j = p->head;
        if (!j)
            break;      /* stopping, and nothing left to run */
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        pthread_mutex_unlock(&p->mu);
        j->fn(j->arg);
        xa_free(j);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct rpc_pool *rpc_pool_new(int max_threads)
{
    if (max_threads < 1)
        max_threads = 1;
    struct rpc_pool *p = xa_calloc(1, sizeof *p + (size_t)max_threads * sizeof(pthread_t));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    p->max_threads = max_threads;
    return p;
}

/* With p->mu held. */
static void start_thread(struct rpc_pool *p)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, POOL_STACK);
    if (pthread_create(&p->threads[p->nthreads], &attr, run, p) == 0)
        p->nthreads++;
    pthread_attr_destroy(&attr);
}

bool rpc_pool_submit(struct rpc_pool *p, void (*fn)(void *arg), void *arg)
{
    struct job *j = xa_calloc(1, sizeof *j);
    if (!j)
        return false;
    *j = (struct job){.fn = fn, .arg = arg};
    pthread_mutex_lock(&p->mu);
    if (p->queued >= p->idle && p->nthreads < p->max_threads && !p->stopping)
        start_thread(p);
    bool taken = p->nthreads > 0 && !p->stopping;
    if (taken) {
        if (p->tail)
            p->tail->next = j;
        else
            p->head = j;
        p->tail = j;
        p->queued++;
        pthread_cond_signal(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    if (!taken)
        xa_free(j);
    return taken;
}

int rpc_pool_threads(struct rpc_pool *p)
{
    pthread_mutex_lock(&p->mu);
    int n = p->nthreads;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void rpc_pool_free(struct rpc_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->ready);
    int n = p->nthreads;
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    xa_free(p);
}
