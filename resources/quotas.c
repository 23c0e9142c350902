/* resources/quotas.c - pacing the operations with a fixed API Gateway quota (quotas.h).
 *
 * CreateDeployment (one request per 5 s): one call at a time per process, each sent no
 * sooner than 5 s after the previous one was answered. AWS counts a request when it
 * admits it, which is before its answer, so spacing from the answers never comes early -
 * whatever the load on this machine or the network delays the sends by.
 * GetResources (five per 2 s): a generic cell rate, one "theoretical arrival time": a call
 * may go at tat - (burst - 1) * interval, and taking a slot moves tat one interval on. A
 * rare early call is retried by aws/retry.
 * Waits happen outside the mutex, through the client's stop-aware sleep.
 */
#include "resources/quotas.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "aws/client.h"
#include "resources/meta.h"
#include "util/alloc.h"

struct pace {
    int64_t interval_ms;
    int64_t burst;          /* 1: one call at a time, spaced from the answers */
    int64_t tat_ms;         /* burst > 1: when the bucket is empty again */
    bool busy;              /* burst 1: a call is in flight */
    int64_t answered_ms;    /* burst 1: when the last call was answered (0: never) */
};

struct xacct_quotas {
    pthread_mutex_t mu;
    struct pace pace[QUOTA_NOPS];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool quotas_new(struct xacct_meta *m)
{
    struct xacct_quotas *q = xa_calloc(1, sizeof *q);
    if (!q)
        return false;
    pthread_mutex_init(&q->mu, NULL);
    const char *interval = getenv("XACCT_CREATE_DEPLOYMENT_INTERVAL_MS");
    /* A quarter second more than the quota: clocks are read to the millisecond, and AWS's
     * count of 5 s must never see a call early. */
    q->pace[QUOTA_CREATE_DEPLOYMENT] = (struct pace){
        .interval_ms = interval ? strtoll(interval, NULL, 10) : 5250, .burst = 1};
    q->pace[QUOTA_GET_RESOURCES] = (struct pace){.interval_ms = 400, .burst = 5};
    m->quotas = q;
    return true;
}

void quotas_free(struct xacct_meta *m)
{
    if (!m->quotas)
        return;
    pthread_mutex_destroy(&m->quotas->mu);
    xa_free(m->quotas);
    m->quotas = NULL;
}

static bool stopped(struct xacct_meta *m)
{
    return m->client && aws_client_stopped(m->client);
}

/* How long to wait before a call of p may go (0: it is taken now). Under the mutex. */
static int64_t take(struct pace *p, int64_t now)
{
    if (p->burst > 1) {
        int64_t tat = p->tat_ms > now ? p->tat_ms : now;
        int64_t at = tat - (p->burst - 1) * p->interval_ms;
        p->tat_ms = tat + p->interval_ms;
        return at > now ? at - now : 0;
    }
    if (p->busy)
        return 50;   /* another call is in flight: look again soon */
    int64_t at = p->answered_ms ? p->answered_ms + p->interval_ms : now;
    if (at > now)
        return at - now;
    p->busy = true;
    return 0;
}

bool quotas_wait(struct xacct_meta *m, enum quota_op op)
{
    struct xacct_quotas *q = m->quotas;
    if (!q || op >= QUOTA_NOPS || q->pace[op].interval_ms <= 0)
        return !stopped(m);
    struct pace *p = &q->pace[op];
    for (;;) {
        pthread_mutex_lock(&q->mu);
        int64_t wait = take(p, now_ms());
        pthread_mutex_unlock(&q->mu);
        /* A cell-rate slot is taken even when it lies ahead: sleep until it, once. */
        if (wait == 0 || p->burst > 1)
            return wait == 0 ? !stopped(m) : !m->client || aws_client_wait_ms(m->client, wait);
        if (!m->client || !aws_client_wait_ms(m->client, wait))
            return false;
    }
}

void quotas_done(struct xacct_meta *m, enum quota_op op)
{
    struct xacct_quotas *q = m->quotas;
    if (!q || op >= QUOTA_NOPS || q->pace[op].burst > 1 || q->pace[op].interval_ms <= 0)
        return;
    pthread_mutex_lock(&q->mu);
    q->pace[op].busy = false;
    q->pace[op].answered_ms = now_ms();
    pthread_mutex_unlock(&q->mu);
}
