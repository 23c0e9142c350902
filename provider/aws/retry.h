/* aws/retry.h - when and how long to wait before trying an AWS call again.
 *
 * The AWS SDKs' "standard" retry mode as pure logic, plus the "adaptive" mode's
 * client-side rate limiter. Time comes from a struct retry_clock (tests pass a fake one
 * and run instantly) and randomness is a number in [0, 1) the caller passes
 * (retry_jitter() gives a real one). The one place that blocks is retry_rate_acquire,
 * which waits for a send token on a condition variable (see the limiter below).
 *
 * How aws/http uses it, per operation:
 *     retry_policy_init(&pol, cfg->max_retries);                 once per client
 *     retry_quota_init(&quota); retry_rate_init(&rate, clock, scale);   once per client
 *     for (attempt = 1;; attempt++) {
 *         if (adaptive && !retry_rate_acquire(&rate)) stopped: give up;
 *         send; on success: retry_quota_release(&quota, cost); retry_rate_update(.., false);
 *                           done
 *         fill err (aws/errors); retry_mark(&err);      sets err.retryable / err.throttled
 *         if (adaptive) retry_rate_update(&rate, err.throttled);
 *         if (!retry_should_retry(&pol, &err, attempt)) give up;
 *         if (!retry_quota_acquire(&quota, &err, &cost)) give up (quota exhausted);
 *         wait retry_delay_ms(&pol, attempt, adaptive ? NULL : resp.retry_after,
 *                             retry_jitter()) ms;
 *     }
 *
 * What retries (retry_classify):
 *   throttling - codes Throttling, ThrottlingException, ThrottledException,
 *     RequestThrottledException, TooManyRequestsException,
 *     ProvisionedThroughputExceededException, TransactionInProgressException,
 *     RequestLimitExceeded, BandwidthLimitExceeded, LimitExceededException (unless its
 *     message reports a hard quota, as API Gateway's does for "exceeded the maximum
 *     number of ..."), RequestThrottled, SlowDown, PriorRequestNotComplete,
 *     EC2ThrottledException; HTTP 429 without a code;
 *   transient - HTTP 500, 502, 503, 504; codes RequestTimeout, RequestTimeoutException,
 *     InternalError, InternalFailure, ServiceUnavailable, ServiceUnavailableException;
 *     API Gateway's ConflictException whose message asks to try again later;
 *   timeout / connection - no HTTP answer (transport XA_EIO or XA_ETIMEDOUT).
 * Everything else (other 4xx, XA_ECANCELED, XA_ENOMEM, XA_EINVAL) does not retry.
 *
 * Backoff: full jitter, delay = r * min(max_backoff, base * 2^(attempt - 1)) with r in
 * [0, 1), base 1 s and max_backoff 20 s: botocore's ExponentialBackoff, whose first retry
 * waits up to 1 s. A Retry-After header in delta-seconds (> 0) replaces it: the delay is
 * that many seconds (capped at max_retry_after_ms, 20 s) plus a tenth of the backoff
 * (r * min(max_backoff, base * 2^(attempt - 1)) / 10), so that callers told the same
 * second spread out, more so the longer the server keeps refusing; other forms (HTTP
 * dates) are ignored.
 * Measured against API Gateway's 10/s (bench/): the exponential delay on top of
 * Retry-After left the limit idle a quarter of the time in a sustained run. In adaptive
 * mode aws/http passes no Retry-After: the limiter, which every attempt waits for,
 * already paces retries at the rate the server accepts (botocore's adaptive mode).
 * Quota: a token bucket of 500 per client; a retry costs 5 (10 after a timeout or
 * connection error); a successful retried call gives its cost back, a success at the first
 * attempt gives 1. An empty bucket stops retries (the call fails with its last error).
 * Concurrency: retry_quota and retry_rate are guarded by their own mutex and are meant to
 * be shared by every thread of one client; the rest is pure.
 */
#ifndef XA_AWS_RETRY_H
#define XA_AWS_RETRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/errors.h"

#define RETRY_DEFAULT_MAX_RETRIES 25
#define RETRY_BASE_DELAY_MS 1000
#define RETRY_MAX_BACKOFF_MS 20000
#define RETRY_MAX_RETRY_AFTER_MS 20000
#define RETRY_QUOTA_CAPACITY 500
#define RETRY_QUOTA_COST 5
#define RETRY_QUOTA_TIMEOUT_COST 10
#define RETRY_QUOTA_SUCCESS_REFUND 1

/* ---- clock ---------------------------------------------------------------------- */

/* A monotonic clock in nanoseconds. now_ns NULL (or a NULL struct) means CLOCK_MONOTONIC. */
struct retry_clock {
    int64_t (*now_ns)(void *ctx);
    void *ctx;
};
int64_t retry_clock_now_ns(const struct retry_clock *c);

/* A uniformly distributed number in [0, 1) from OpenSSL's RAND_bytes (falls back to a
 * per-thread xorshift seeded from the clock should RAND_bytes fail). */
double retry_jitter(void);

/* ---- classification -------------------------------------------------------------- */

enum retry_kind {
    RETRY_KIND_NONE = 0,    /* do not retry */
    RETRY_KIND_THROTTLE,    /* AWS asked us to slow down */
    RETRY_KIND_TRANSIENT,   /* a 5xx or a transient AWS error code */
    RETRY_KIND_TIMEOUT,     /* no answer: connection failure or timeout */
};

enum retry_kind retry_classify(const struct aws_error *e);
/* True for the throttling codes listed above; message may be NULL. */
bool retry_is_throttle_code(const char *code, const char *message);
/* Sets e->retryable and e->throttled from retry_classify. */
void retry_mark(struct aws_error *e);

/* ---- policy and backoff ---------------------------------------------------------- */

struct retry_policy {
    int max_attempts;           /* 1 + max_retries */
    int64_t base_delay_ms;      /* RETRY_BASE_DELAY_MS */
    int64_t max_backoff_ms;     /* RETRY_MAX_BACKOFF_MS */
    int64_t max_retry_after_ms; /* RETRY_MAX_RETRY_AFTER_MS */
};

/* max_retries < 0 means RETRY_DEFAULT_MAX_RETRIES; 0 means a single attempt. */
void retry_policy_init(struct retry_policy *p, int max_retries);

/* attempt is the 1-based number of the attempt that just failed. True when e is
 * retryable (retry_classify) and attempt < max_attempts. */
bool retry_should_retry(const struct retry_policy *p, const struct aws_error *e, int attempt);

/* Milliseconds to wait before attempt + 1. random01 in [0, 1); retry_after is the raw
 * Retry-After header value or NULL. Always within [0, max_retry_after_ms +
 * max_backoff_ms]. */
int64_t retry_delay_ms(const struct retry_policy *p, int attempt, const char *retry_after,
                       double random01);

/* Parses a Retry-After delta-seconds value ("3", " 10 "); returns -1 when absent or not
 * delta-seconds, else the value in milliseconds capped at cap_ms. */
int64_t retry_after_ms(const char *retry_after, int64_t cap_ms);

/* ---- retry quota (token bucket shared per client) ---------------------------------- */

struct retry_quota {
    pthread_mutex_t mu;
    int capacity;
    int available;
};

/* capacity <= 0 means RETRY_QUOTA_CAPACITY. */
void retry_quota_init(struct retry_quota *q, int capacity);
void retry_quota_cleanup(struct retry_quota *q);
/* Before a retry of e: takes its cost (RETRY_QUOTA_TIMEOUT_COST for RETRY_KIND_TIMEOUT,
 * nothing for RETRY_KIND_THROTTLE, else RETRY_QUOTA_COST). Returns false, taking
 * nothing, when not enough is left.
 * *cost_out accumulates what was taken (start it at 0 per operation). */
bool retry_quota_acquire(struct retry_quota *q, const struct aws_error *e, int *cost_out);
/* After a successful attempt: gives back cost (what acquire took for this operation) or,
 * when cost is 0, RETRY_QUOTA_SUCCESS_REFUND; never above capacity. */
void retry_quota_release(struct retry_quota *q, int cost);
int retry_quota_available(struct retry_quota *q);

/* ---- adaptive mode: client-side rate limiter -------------------------------------- */

/* CUBIC-style rate adjustment from the SDKs' adaptive retry mode: the send rate is
 * measured in half-second buckets; a throttle cuts the allowed rate to 0.7 of what was
 * being sent and turns the limiter on; successes grow it back along a cubic curve toward
 * (and past) the rate that was throttled. Until the first throttle nothing is limited.
 * Waiting for a token is botocore's TokenBucket: a caller short of a token sleeps on a
 * condition variable for as long as the current rate needs, and every rate change
 * wakes all sleepers to recompute; so a caller that started waiting at the 0.5/s floor
 * sends as soon as the rate has recovered, not seconds later. Capacity never goes
 * negative: a token is taken only when it is there. */
struct retry_rate {
    pthread_mutex_t mu;
    pthread_cond_t changed;     /* broadcast on every rate change and on stop */
    struct retry_clock clock;
    double time_scale;          /* real seconds per limiter second (tests: < 1) */
    bool stopped;
    int waiting;                /* callers asleep in retry_rate_acquire */
    bool enabled;
    double fill_rate;           /* tokens per second */
    double max_capacity;
    double current_capacity;
    double last_timestamp;      /* seconds, < 0 before the first refill */
    double measured_tx_rate;
    double last_tx_rate_bucket;
    int request_count;
    double last_max_rate;
    double last_throttle_time;
    double time_window;
};

/* clock NULL means CLOCK_MONOTONIC. time_scale <= 0 means 1: the limiter's clock runs
 * 1/time_scale times faster than the real one and its waits are scaled to match, the
 * way aws_http_config.time_scale shortens backoff waits in tests. */
void retry_rate_init(struct retry_rate *r, const struct retry_clock *clock, double time_scale);
void retry_rate_cleanup(struct retry_rate *r);
/* Takes one send token and returns 0, or takes nothing and returns how many limiter
 * seconds must pass at the current rate before one is there (> 0). Never blocks. */
double retry_rate_try_acquire(struct retry_rate *r);
/* Takes one send token, sleeping until there is one (re-evaluated whenever the rate
 * changes); true at once while the limiter is off. False, taking nothing, when
 * retry_rate_stop was called before or during the wait. */
bool retry_rate_acquire(struct retry_rate *r);
/* Wakes every waiter for good: acquire returns false from now on. */
void retry_rate_stop(struct retry_rate *r);
/* After each answer: throttled says whether it was a throttling error. */
void retry_rate_update(struct retry_rate *r, bool throttled);
/* The current allowed send rate in requests per second (0 while the limiter is off). */
double retry_rate_current(struct retry_rate *r);

#endif
