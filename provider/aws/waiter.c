/* aws/waiter.c - jittered waits within a budget, cut short by StopProvider.
 *
 * Delay n is d = min(max, first * 2^n); the wait is d/2 plus a random share of d/2
 * ("equal jitter": never much shorter than planned, but spread), clipped to what is
 * left of the budget. The sleep is the client's, which wakes at once on StopProvider.
 */
#include "aws/waiter.h"

#include "aws/client.h"
#include "aws/retry.h"

void waiter_start(struct waiter *w, struct aws_client *c, const struct waiter_policy *p)
{
    *w = (struct waiter){.client = c, .policy = *p, .next_delay_ms = p->first_delay_ms};
}

enum xa_status waiter_sleep(struct waiter *w)
{
    int64_t left = w->policy.budget_ms - w->waited_ms;
    if (left <= 0)
        return XA_ETIMEDOUT;
    int64_t d = w->next_delay_ms;
    int64_t ms = d / 2 + (int64_t)(retry_jitter() * (double)(d - d / 2));
    if (ms > left)
        ms = left;
    w->waited_ms += ms;
    w->next_delay_ms = d * 2 > w->policy.max_delay_ms ? w->policy.max_delay_ms : d * 2;
    return aws_client_wait_ms(w->client, ms) ? XA_OK : XA_ECANCELED;
}
