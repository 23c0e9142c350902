/* aws/waiter.h - waiting for AWS's eventual consistency.
 *
 * A change AWS accepted is not at once visible to every reader (a Lambda statement added
 * to a policy, a function update in progress). Callers that must see the change poll;
 * this is the wait between two polls: exponential, with jitter (half the delay is
 * random, so that parallel callers spread out), within a budget of total waiting, and
 * cut short by StopProvider (aws_client_stop) through the client's stop-aware sleep.
 * Time scaling for tests comes with that sleep (aws_client_config.retry_time_scale): the
 * budget counts unscaled milliseconds, so a scaled run polls as often as a real one.
 * The service waits built on it live with their service (aws/lambda_wait.c).
 * Not here: retries of one failed request (aws/retry, aws/http).
 * Ownership: a waiter is caller storage holding a borrowed client; nothing to free.
 */
#ifndef XA_AWS_WAITER_H
#define XA_AWS_WAITER_H

#include <stdint.h>

#include "util/status.h"

struct aws_client;

struct waiter_policy {
    int64_t first_delay_ms;     /* the first wait, before jitter */
    int64_t max_delay_ms;       /* waits double up to this */
    int64_t budget_ms;          /* give up once this much was waited in total */
};

struct waiter {
    struct aws_client *client;
    struct waiter_policy policy;
    int64_t next_delay_ms;
    int64_t waited_ms;
};

void waiter_start(struct waiter *w, struct aws_client *c, const struct waiter_policy *p);
/* Waits before the next poll. XA_OK: poll again; XA_ETIMEDOUT: the budget is spent;
 * XA_ECANCELED: the provider is stopping. */
enum xa_status waiter_sleep(struct waiter *w);

#endif
