/* aws/retry.c - the SDKs' standard retry mode and adaptive rate limiter.
 *
 * Classification reads a struct aws_error; backoff, Retry-After and the quota are plain
 * arithmetic; the adaptive limiter follows the SDKs' CUBIC description (BETA 0.7,
 * SCALE_CONSTANT 0.4, SMOOTH 0.8, half-second measuring buckets, minimum fill rate
 * 0.5/s) and botocore's token bucket, whose waiters sleep on a condition variable that
 * every rate change broadcasts. Time always comes from a struct retry_clock so that
 * tests replay hours of throttling in microseconds. See retry.h for the contract and the
 * caller's loop.
 */
#include "aws/retry.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

/* ---- clock and randomness ----------------------------------------------------------- */

int64_t retry_clock_now_ns(const struct retry_clock *c)
{
    if (c && c->now_ns)
        return c->now_ns(c->ctx);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t fallback_random(void)
{
    static _Thread_local uint64_t state;
    if (state == 0)
        state = (uint64_t)retry_clock_now_ns(NULL) | 1u;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

double retry_jitter(void)
{
    uint64_t v;
    if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
        v = fallback_random();
    return (double)(v >> 11) / 9007199254740992.0; /* 53 bits / 2^53: [0, 1) */
}

/* ---- classification ----------------------------------------------------------------- */

static const char *const throttle_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    NULL,
};

static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* Case-insensitive substring search; both NUL-terminated. */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* API Gateway answers LimitExceededException both for its request rate and for hard
 * quotas ("... exceeded the maximum number of resources/stages/..."); waiting only helps
 * the former. */
static bool reports_hard_quota(const char *message)
{
    return message && (contains_ci(message, "maximum number") || contains_ci(message, "quota") ||
                       contains_ci(message, "cannot exceed"));
}

bool retry_is_throttle_code(const char *code, const char *message)
{
    if (!code || !in_list(throttle_codes, code))
        return false;
    if (strcmp(code, "LimitExceededException") == 0 && reports_hard_quota(message))
        return false;
    return true;
}

/* API Gateway's ConflictException for concurrent modifications: "Unable to complete
 * operation due to concurrent modification. Please try again later." */
static bool conflict_says_retry(const struct aws_error *e)
{
    return aws_error_is(e, "ConflictException") && e->message &&
           (contains_ci(e->message, "try again") ||
            contains_ci(e->message, "concurrent modification"));
}

enum retry_kind retry_classify(const struct aws_error *e)
{
    if (!e)
        return RETRY_KIND_NONE;
    if (e->transport != XA_OK)
        return (e->transport == XA_EIO || e->transport == XA_ETIMEDOUT) ? RETRY_KIND_TIMEOUT
                                                                        : RETRY_KIND_NONE;
    if (e->code && retry_is_throttle_code(e->code, e->message))
        return RETRY_KIND_THROTTLE;
    if (e->code && (in_list(transient_codes, e->code) || conflict_says_retry(e)))
        return RETRY_KIND_TRANSIENT;
    if (e->http_status == 429 && !e->code)
        return RETRY_KIND_THROTTLE;
    switch (e->http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
        return RETRY_KIND_TRANSIENT;
    default:
        return RETRY_KIND_NONE;
    }
}

void retry_mark(struct aws_error *e)
{
    enum retry_kind k = retry_classify(e);
    e->retryable = k != RETRY_KIND_NONE;
    e->throttled = k == RETRY_KIND_THROTTLE;
}

/* ---- policy and backoff ------------------------------------------------------------- */

void retry_policy_init(struct retry_policy *p, int max_retries)
{
    if (max_retries < 0)
        max_retries = RETRY_DEFAULT_MAX_RETRIES;
    if (max_retries > 1000)
        max_retries = 1000;
    *p = (struct retry_policy){
        .max_attempts = max_retries + 1,
        .base_delay_ms = RETRY_BASE_DELAY_MS,
        .max_backoff_ms = RETRY_MAX_BACKOFF_MS,
        .max_retry_after_ms = RETRY_MAX_RETRY_AFTER_MS,
    };
}

bool retry_should_retry(const struct retry_policy *p, const struct aws_error *e, int attempt)
{
    return attempt < p->max_attempts && retry_classify(e) != RETRY_KIND_NONE;
}

int64_t retry_after_ms(const char *v, int64_t cap_ms)
{
    if (!v)
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (!isdigit((unsigned char)*v))
        return -1;
    int64_t secs = 0;
    for (; isdigit((unsigned char)*v); v++) {
        if (secs < 1000000000)
            secs = secs * 10 + (*v - '0');
    }
    while (*v == ' ' || *v == '\t')
        v++;
    if (*v != '\0')
        return -1;
    int64_t ms = secs * 1000;
    return ms > cap_ms ? cap_ms : ms;
}

int64_t retry_delay_ms(const struct retry_policy *p, int attempt, const char *retry_after,
                       double random01)
{
    if (!(random01 >= 0.0))   /* also catches NaN */
        random01 = 0.0;
    if (random01 >= 1.0)
        random01 = 0.999999;
    if (attempt < 0)
        attempt = 0;
    /* base * 2^(attempt - 1), computed without overflow: stop doubling at the cap. */
    int64_t ceiling = p->base_delay_ms > 0 ? p->base_delay_ms : 0;
    for (int i = 1; i < attempt && ceiling < p->max_backoff_ms; i++)
        ceiling *= 2;
    if (ceiling > p->max_backoff_ms)
        ceiling = p->max_backoff_ms;
    /* The server said when to come back: then, plus a tenth of the backoff at random, so
     * that the callers it told the same second spread out, more so the longer it keeps
     * refusing. */
    int64_t ra = retry_after_ms(retry_after, p->max_retry_after_ms);
    if (ra > 0)
        return ra + (int64_t)(random01 * (double)ceiling / 10.0);
    return (int64_t)(random01 * (double)ceiling);
}

/* ---- retry quota -------------------------------------------------------------------- */

void retry_quota_init(struct retry_quota *q, int capacity)
{
    if (capacity <= 0)
        capacity = RETRY_QUOTA_CAPACITY;
    pthread_mutex_init(&q->mu, NULL);
    q->capacity = capacity;
    q->available = capacity;
}

void retry_quota_cleanup(struct retry_quota *q) { pthread_mutex_destroy(&q->mu); }

bool retry_quota_acquire(struct retry_quota *q, const struct aws_error *e, int *cost_out)
{
    /* A throttle is the service pacing its callers, not an outage: its retries are spaced
     * by the backoff, Retry-After or the adaptive limiter already, and a quota spent on
     * them fails an apply whose calls AWS would have taken a moment later (the SDK's
     * "retry quota exceeded" that hashicorp/aws users met, terraform-provider-aws#36094). */
    enum retry_kind kind = retry_classify(e);
    if (kind == RETRY_KIND_THROTTLE)
        return true;
    int cost = kind == RETRY_KIND_TIMEOUT ? RETRY_QUOTA_TIMEOUT_COST : RETRY_QUOTA_COST;
    bool ok = false;
    pthread_mutex_lock(&q->mu);
    if (q->available >= cost) {
        q->available -= cost;
        ok = true;
    }
    pthread_mutex_unlock(&q->mu);
    if (ok && cost_out)
        *cost_out += cost;
    return ok;
}

void retry_quota_release(struct retry_quota *q, int cost)
{
    int amount = cost > 0 ? cost : RETRY_QUOTA_SUCCESS_REFUND;
    pthread_mutex_lock(&q->mu);
    q->available += amount;
    if (q->available > q->capacity)
        q->available = q->capacity;
    pthread_mutex_unlock(&q->mu);
}

int retry_quota_available(struct retry_quota *q)
{
    pthread_mutex_lock(&q->mu);
    int n = q->available;
    pthread_mutex_unlock(&q->mu);
    return n;
}

/* ---- adaptive rate limiter ---------------------------------------------------------- */

#define CUBIC_BETA 0.7
#define CUBIC_SCALE 0.4
#define RATE_SMOOTH 0.8
#define MIN_FILL_RATE 0.5
#define MIN_CAPACITY 1.0

/* Small replacements for libm (floor, cbrt): xa_aws links without -lm. */
static double floor_d(double x)
{
    double t = (double)(int64_t)x;
    return t > x ? t - 1.0 : t;
}

static double cbrt_pos(double x)
{
    if (x <= 0.0)
        return 0.0;
    double y = x > 1.0 ? x / 3.0 : 1.0;
    for (int i = 0; i < 100; i++) {
        double next = (2.0 * y + x / (y * y)) / 3.0;
        if (next == y)
            break;
        y = next;
    }
    return y;
}

static double now_s(const struct retry_rate *r)
{
    return (double)retry_clock_now_ns(&r->clock) / 1e9 / r->time_scale;
}

void retry_rate_init(struct retry_rate *r, const struct retry_clock *clock, double time_scale)
{
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->changed, &ca);
    pthread_condattr_destroy(&ca);
    r->clock = clock ? *clock : (struct retry_clock){0};
    r->time_scale = time_scale > 0 ? time_scale : 1.0;
    r->stopped = false;
    r->waiting = 0;
    r->enabled = false;
    r->fill_rate = 0;
    r->max_capacity = 0;
    r->current_capacity = 0;
    r->last_timestamp = -1;
    r->measured_tx_rate = 0;
    r->last_tx_rate_bucket = floor_d(now_s(r));
    r->request_count = 0;
    r->last_max_rate = 0;
    r->last_throttle_time = now_s(r);
    r->time_window = 0;
}

void retry_rate_cleanup(struct retry_rate *r)
{
    pthread_cond_destroy(&r->changed);
    pthread_mutex_destroy(&r->mu);
}

/* Adds the tokens earned since the last refill, up to max_capacity. */
static void refill(struct retry_rate *r, double t)
{
    if (r->last_timestamp < 0) {
        r->last_timestamp = t;
        return;
    }
    double add = (t - r->last_timestamp) * r->fill_rate;
    r->current_capacity += add;
    if (r->current_capacity > r->max_capacity)
        r->current_capacity = r->max_capacity;
    r->last_timestamp = t;
}

/* With r->mu held: 0 when a token was taken (or none is needed), else the limiter
 * seconds until one is there at the current rate. */
static double take_token(struct retry_rate *r)
{
    if (!r->enabled)
        return 0;
    refill(r, now_s(r));
    if (r->current_capacity >= 1.0) {
        r->current_capacity -= 1.0;
        return 0;
    }
    return (1.0 - r->current_capacity) / r->fill_rate;
}

double retry_rate_try_acquire(struct retry_rate *r)
{
    pthread_mutex_lock(&r->mu);
    double wait_s = take_token(r);
    pthread_mutex_unlock(&r->mu);
    return wait_s;
}

static struct timespec deadline_after(double real_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = (int64_t)(real_s * 1e9) + 1000000;   /* +1 ms: wake after, not before */
    ts.tv_sec += ns / 1000000000;
    ts.tv_nsec += ns % 1000000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

bool retry_rate_acquire(struct retry_rate *r)
{
    pthread_mutex_lock(&r->mu);
    double wait_s;
    while (!r->stopped && (wait_s = take_token(r)) > 0) {
        /* Woken early by a rate change or stop: the loop recomputes from the new rate. */
        struct timespec until = deadline_after(wait_s * r->time_scale);
        r->waiting++;
        pthread_cond_timedwait(&r->changed, &r->mu, &until);
        r->waiting--;
    }
    bool ok = !r->stopped;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

void retry_rate_stop(struct retry_rate *r)
{
    pthread_mutex_lock(&r->mu);
    r->stopped = true;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mu);
}

static void update_measured_rate(struct retry_rate *r, double t)
{
    double bucket = floor_d(t * 2.0) / 2.0;
    r->request_count++;
    if (bucket > r->last_tx_rate_bucket) {
        double current = r->request_count / (bucket - r->last_tx_rate_bucket);
        r->measured_tx_rate = current * RATE_SMOOTH + r->measured_tx_rate * (1.0 - RATE_SMOOTH);
        r->request_count = 0;
        r->last_tx_rate_bucket = bucket;
    }
}

static void update_time_window(struct retry_rate *r)
{
    r->time_window = cbrt_pos(r->last_max_rate * (1.0 - CUBIC_BETA) / CUBIC_SCALE);
}

static void set_fill_rate(struct retry_rate *r, double t, double rate)
{
    refill(r, t);
    r->fill_rate = rate > MIN_FILL_RATE ? rate : MIN_FILL_RATE;
    r->max_capacity = rate > MIN_CAPACITY ? rate : MIN_CAPACITY;
    if (r->current_capacity > r->max_capacity)
        r->current_capacity = r->max_capacity;
    pthread_cond_broadcast(&r->changed);
}

void retry_rate_update(struct retry_rate *r, bool throttled)
{
    pthread_mutex_lock(&r->mu);
    double t = now_s(r);
    update_measured_rate(r, t);
    double rate;
    if (throttled) {
        double base = r->enabled && r->fill_rate < r->measured_tx_rate ? r->fill_rate
                                                                   : r->measured_tx_rate;
        r->last_max_rate = base;
        update_time_window(r);
        r->last_throttle_time = t;
        rate = base * CUBIC_BETA;
        if (!r->enabled) {
            r->enabled = true;
            r->current_capacity = 0;
        }
    } else {
        update_time_window(r);
        double dt = t - r->last_throttle_time - r->time_window;
        rate = CUBIC_SCALE * dt * dt * dt + r->last_max_rate;
    }
    double cap = 2.0 * r->measured_tx_rate;
    if (rate > cap)
        rate = cap;
    if (r->enabled)
        set_fill_rate(r, t, rate);
    pthread_mutex_unlock(&r->mu);
}

double retry_rate_current(struct retry_rate *r)
{
    pthread_mutex_lock(&r->mu);
    double v = r->enabled ? r->fill_rate : 0.0;
    pthread_mutex_unlock(&r->mu);
    return v;
}
