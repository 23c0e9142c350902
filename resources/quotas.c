/* resources/quotas.c - pacing the operations with a fixed API Gateway quota (quotas.h).
 *
 * One "theoretical arrival time" per operation (GCRA): a call may go at
 * tat - (burst - 1) * interval; taking a slot moves tat one interval on. Slots are handed
 * out under a mutex and waited for outside it, so concurrent callers queue up in order
 * without holding the lock while they sleep.
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
    int64_t burst;
    int64_t tat_ms;     /* when the bucket is empty again; 0 before the first call */
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
    /* CreateDeployment: 1 per 5 s. GetResources: 5 per 2 s. A slot is taken before the
     * call is sent, and two sends may be a few milliseconds closer than their slots:
     * the intervals carry a small margin so that AWS's own count never sees them early. */
    q->pace[QUOTA_CREATE_DEPLOYMENT] = (struct pace){
        .interval_ms = interval ? strtoll(interval, NULL, 10) : 5200, .burst = 1};
    q->pace[QUOTA_GET_RESOURCES] = (struct pace){.interval_ms = 420, .burst = 5};
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

bool quotas_wait(struct xacct_meta *m, enum quota_op op)
{
    struct xacct_quotas *q = m->quotas;
    if (!q || op >= QUOTA_NOPS || q->pace[op].interval_ms <= 0)
        return !m->client || !aws_client_stopped(m->client);
    struct pace *p = &q->pace[op];
    pthread_mutex_lock(&q->mu);
    int64_t now = now_ms();
    int64_t tat = p->tat_ms > now ? p->tat_ms : now;
    int64_t at = tat - (p->burst - 1) * p->interval_ms;
    int64_t slot = at > now ? at : now;
    p->tat_ms = tat + p->interval_ms;
    pthread_mutex_unlock(&q->mu);
    if (slot > now && m->client)
        return aws_client_wait_ms(m->client, slot - now);
    return !m->client || !aws_client_stopped(m->client);
}
