/* tests/unit/test_retry.c - retry decisions, backoff, quota and the adaptive limiter.
 *
 * Everything runs on a fake clock, so a minute of throttled traffic takes microseconds.
 * The adaptive test drives the limiter against a simulated endpoint that throttles above
 * 10 requests per second and checks that the client settles near that rate. The waiting
 * tests block a thread in retry_rate_acquire on a frozen fake clock and a huge time
 * scale, so only a wake-up (rate change, stop) can release it: nothing depends on timing.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/retry.h"

/* ---- helpers ------------------------------------------------------------------------ */

struct fake_clock {
    _Atomic int64_t ns;     /* the waiting tests move it from another thread */
};

static int64_t fake_now(void *ctx) { return atomic_load(&((struct fake_clock *)ctx)->ns); }

static void answer(struct aws_error *e, long status, const char *code, const char *message)
{
    aws_error_init(e);
    e->http_status = status;
    assert_int_equal(aws_error_set_code(e, code), XA_OK);
    assert_int_equal(aws_error_set_message(e, message), XA_OK);
}

/* ---- classification ----------------------------------------------------------------- */

static void retry_classify_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        long status;
        const char *code, *message;
        enum retry_kind want;
    } cases[] = {
        {"throttling", 400, "ThrottlingException", "Rate exceeded", RETRY_KIND_THROTTLE},
        {"too many", 429, "TooManyRequestsException", "Too Many Requests", RETRY_KIND_THROTTLE},
        {"sts throttling", 400, "Throttling", NULL, RETRY_KIND_THROTTLE},
        {"ec2", 503, "RequestLimitExceeded", NULL, RETRY_KIND_THROTTLE},
        {"slow down", 503, "SlowDown", NULL, RETRY_KIND_THROTTLE},
        {"limit rate", 429, "LimitExceededException", "Rate exceeded", RETRY_KIND_THROTTLE},
        {"limit quota", 400, "LimitExceededException",
         "Cannot exceed the maximum number of resources per API", RETRY_KIND_NONE},
        {"429 no code", 429, NULL, NULL, RETRY_KIND_THROTTLE},
        {"500", 500, NULL, NULL, RETRY_KIND_TRANSIENT},
        {"502", 502, NULL, NULL, RETRY_KIND_TRANSIENT},
        {"503 code", 503, "ServiceUnavailableException", "x", RETRY_KIND_TRANSIENT},
        {"504", 504, NULL, NULL, RETRY_KIND_TRANSIENT},
        {"request timeout", 400, "RequestTimeout", NULL, RETRY_KIND_TRANSIENT},
        {"conflict retry", 409, "ConflictException",
         "Unable to complete operation due to concurrent modification. Please try again later.",
         RETRY_KIND_TRANSIENT},
        {"conflict real", 409, "ConflictException", "Another resource has the same path",
         RETRY_KIND_NONE},
        {"not found", 404, "NotFoundException", "Invalid Resource identifier", RETRY_KIND_NONE},
        {"validation", 400, "ValidationException", "bad", RETRY_KIND_NONE},
        {"access denied", 403, "AccessDeniedException", "no", RETRY_KIND_NONE},
        {"501", 501, NULL, NULL, RETRY_KIND_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct aws_error e;
        answer(&e, cases[i].status, cases[i].code, cases[i].message);
        enum retry_kind got = retry_classify(&e);
        if (got != cases[i].want)
            fail_msg("%s: kind %d, want %d", cases[i].name, got, cases[i].want);
        retry_mark(&e);
        assert_int_equal(e.retryable, cases[i].want != RETRY_KIND_NONE);
        assert_int_equal(e.throttled, cases[i].want == RETRY_KIND_THROTTLE);
        aws_error_cleanup(&e);
    }
}

static void retry_classify_transport(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_set_transport(&e, XA_ETIMEDOUT, "timed out"), XA_OK);
    assert_int_equal(retry_classify(&e), RETRY_KIND_TIMEOUT);
    assert_int_equal(aws_error_set_transport(&e, XA_EIO, "connection refused"), XA_OK);
    assert_int_equal(retry_classify(&e), RETRY_KIND_TIMEOUT);
    assert_int_equal(aws_error_set_transport(&e, XA_ECANCELED, "stopping"), XA_OK);
    assert_int_equal(retry_classify(&e), RETRY_KIND_NONE);
    assert_int_equal(retry_classify(NULL), RETRY_KIND_NONE);
    aws_error_cleanup(&e);
}

/* ---- policy and backoff ------------------------------------------------------------- */

static void retry_policy_counts_attempts(void **state)
{
    (void)state;
    struct retry_policy p;
    struct aws_error e;
    answer(&e, 503, NULL, NULL);
    retry_policy_init(&p, -1);
    assert_int_equal(p.max_attempts, 26);
    assert_true(retry_should_retry(&p, &e, 25));
    assert_false(retry_should_retry(&p, &e, 26));
    retry_policy_init(&p, 0);
    assert_false(retry_should_retry(&p, &e, 1));
    retry_policy_init(&p, 3);
    assert_true(retry_should_retry(&p, &e, 3));
    assert_false(retry_should_retry(&p, &e, 4));
    aws_error_cleanup(&e);
    answer(&e, 404, "NotFoundException", NULL);
    assert_false(retry_should_retry(&p, &e, 1));
    aws_error_cleanup(&e);
}

static void retry_delay_is_full_jitter_within_caps(void **state)
{
    (void)state;
    struct retry_policy p;
    retry_policy_init(&p, -1);
    const double rs[] = {0.0, 0.25, 0.5, 0.999999};
    for (int attempt = 1; attempt <= 200; attempt++) {
        int64_t ceiling = attempt >= 6 ? 20000 : (int64_t)1000 << (attempt - 1);
        for (size_t i = 0; i < 4; i++) {
            int64_t d = retry_delay_ms(&p, attempt, NULL, rs[i]);
            assert_true(d >= 0);
            assert_true(d <= ceiling);
            assert_int_equal(d, (int64_t)(rs[i] * (double)ceiling));
        }
    }
    assert_int_equal(retry_delay_ms(&p, 1, NULL, 0.5), 500);    /* botocore's: up to 1 s */
    assert_int_equal(retry_delay_ms(&p, 3, NULL, 0.5), 2000);
    assert_int_equal(retry_delay_ms(&p, 10, NULL, 0.5), 10000);
    /* Out-of-range randomness is clamped, not trusted. */
    assert_true(retry_delay_ms(&p, 10, NULL, 7.0) <= 20000);
    assert_int_equal(retry_delay_ms(&p, 10, NULL, -1.0), 0);
}

static void retry_delay_honours_retry_after(void **state)
{
    (void)state;
    struct retry_policy p;
    retry_policy_init(&p, -1);
    assert_int_equal(retry_delay_ms(&p, 1, "3", 0.0), 3000);
    assert_int_equal(retry_delay_ms(&p, 1, " 5 ", 0.0), 5000);
    assert_int_equal(retry_delay_ms(&p, 1, "3600", 0.0), 20000);
    assert_int_equal(retry_delay_ms(&p, 1, "99999999999999999999", 0.0), 20000);
    /* The server's delay replaces the exponential one, plus a tenth of it at random. */
    assert_int_equal(retry_delay_ms(&p, 1, "1", 0.5), 1050);
    assert_int_equal(retry_delay_ms(&p, 5, "1", 0.5), 1800);
    assert_int_equal(retry_delay_ms(&p, 9, "2", 0.999999), 3999);
    /* Retry-After: 0 says nothing about when: the exponential delay applies. */
    assert_int_equal(retry_delay_ms(&p, 3, "0", 0.5), 2000);
    /* Not delta-seconds: ignored. */
    assert_int_equal(retry_delay_ms(&p, 1, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0), 0);
    assert_int_equal(retry_delay_ms(&p, 1, "-1", 0.0), 0);
    assert_int_equal(retry_delay_ms(&p, 1, "1.5", 0.0), 0);
    assert_int_equal(retry_delay_ms(&p, 1, "", 0.0), 0);
    assert_int_equal(retry_after_ms(NULL, 1000), -1);
}

static void retry_jitter_is_in_unit_interval(void **state)
{
    (void)state;
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < 1000; i++) {
        double r = retry_jitter();
        assert_true(r >= 0.0 && r < 1.0);
        lo = r < lo ? r : lo;
        hi = r > hi ? r : hi;
    }
    assert_true(lo < 0.1 && hi > 0.9);
}

/* ---- quota -------------------------------------------------------------------------- */

static void retry_quota_exhausts_and_refills(void **state)
{
    (void)state;
    struct retry_quota q;
    retry_quota_init(&q, 0);
    struct aws_error e, t;
    answer(&e, 503, NULL, NULL);
    aws_error_init(&t);
    assert_int_equal(aws_error_set_transport(&t, XA_ETIMEDOUT, "t"), XA_OK);

    int cost = 0, granted = 0;
    while (retry_quota_acquire(&q, &e, &cost))
        granted++;
    assert_int_equal(granted, 100);
    assert_int_equal(cost, 500);
    assert_int_equal(retry_quota_available(&q), 0);

    retry_quota_release(&q, 0);           /* success at first attempt: +1 */
    assert_int_equal(retry_quota_available(&q), 1);
    retry_quota_release(&q, 15);          /* a retried call gives its cost back */
    assert_int_equal(retry_quota_available(&q), 16);
    cost = 0;
    assert_true(retry_quota_acquire(&q, &t, &cost));
    assert_int_equal(cost, 10);
    assert_false(retry_quota_acquire(&q, &t, &cost));   /* 6 left < 10 */
    assert_int_equal(cost, 10);
    retry_quota_release(&q, 100000);
    assert_int_equal(retry_quota_available(&q), 500);   /* never above capacity */
    retry_quota_cleanup(&q);
    aws_error_cleanup(&e);
    aws_error_cleanup(&t);
}

/* Throttles are paced, not counted: an empty quota still lets them retry. */
static void retry_quota_never_refuses_a_throttle(void **state)
{
    (void)state;
    struct retry_quota q;
    retry_quota_init(&q, 5);
    struct aws_error e, throttle;
    answer(&e, 503, NULL, NULL);
    answer(&throttle, 429, "TooManyRequestsException", "Too Many Requests");
    int cost = 0;
    assert_true(retry_quota_acquire(&q, &e, &cost));
    assert_false(retry_quota_acquire(&q, &e, &cost));
    for (int i = 0; i < 1000; i++)
        assert_true(retry_quota_acquire(&q, &throttle, &cost));
    assert_int_equal(cost, 5);
    assert_int_equal(retry_quota_available(&q), 0);
    retry_quota_cleanup(&q);
    aws_error_cleanup(&e);
    aws_error_cleanup(&throttle);
}

/* ---- adaptive rate limiter ---------------------------------------------------------- */

static void retry_rate_is_off_until_throttled(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 1000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk, 1.0);
    for (int i = 0; i < 100; i++) {
        assert_true(retry_rate_try_acquire(&r) == 0.0);
        assert_true(retry_rate_acquire(&r));
        retry_rate_update(&r, false);
        fc.ns += 1000000;
    }
    assert_true(retry_rate_current(&r) == 0.0);
    retry_rate_update(&r, true);
    assert_true(retry_rate_current(&r) > 0.0);
    retry_rate_cleanup(&r);
}

/* A client that would send 100 requests/s meets an endpoint allowing 10/s (a sliding
 * one-second window). After a minute the adaptive limiter keeps it near 10/s. */
#define LIMIT_PER_S 10
#define WINDOW 64

static void retry_rate_converges_near_throttled_limit(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 5000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk, 1.0);
    int64_t accepted[WINDOW] = {0};   /* ring of accepted send times */
    size_t head = 0;
    const int64_t start = fc.ns, measure_from = start + 30 * INT64_C(1000000000),
                  end = start + 90 * INT64_C(1000000000);
    long sent_late = 0, ok_late = 0, throttled_late = 0;
    while (fc.ns < end) {
        for (double w; (w = retry_rate_try_acquire(&r)) > 0;)
            fc.ns += (int64_t)(w * 1e9) + 1;
        /* The endpoint: throttle when LIMIT_PER_S requests were accepted within 1 s. */
        int64_t oldest = accepted[(head + WINDOW - LIMIT_PER_S) % WINDOW];
        bool throttled = oldest != 0 && fc.ns - oldest < INT64_C(1000000000);
        if (!throttled) {
            accepted[head] = fc.ns;
            head = (head + 1) % WINDOW;
        }
        retry_rate_update(&r, throttled);
        if (fc.ns >= measure_from) {
            sent_late++;
            ok_late += !throttled;
            throttled_late += throttled;
        }
        fc.ns += 10000000;   /* the client's own pace: 100/s */
    }
    double secs = (double)(end - measure_from) / 1e9;
    double sent_rate = (double)sent_late / secs, ok_rate = (double)ok_late / secs;
    print_message("adaptive: sent %.1f/s, accepted %.1f/s, throttled %ld of %ld, rate %.1f\n",
                  sent_rate, ok_rate, throttled_late, sent_late, retry_rate_current(&r));
    assert_true(sent_rate > 5.0 && sent_rate < 16.0);
    assert_true(ok_rate > 6.0 && ok_rate <= 10.5);
    assert_true(throttled_late < sent_late / 3);
    retry_rate_cleanup(&r);
}

/* 20 requests in 1 s, then a throttle: the limiter is on at 0.7 x the measured rate. */
static double throttle_after_burst(struct retry_rate *r, struct fake_clock *fc)
{
    for (int i = 0; i < 20; i++) {
        retry_rate_update(r, false);
        fc->ns += 50000000;
    }
    retry_rate_update(r, true);
    return retry_rate_current(r);
}

static void retry_rate_try_acquire_takes_only_what_is_there(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 1000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk, 1.0);
    double rate = throttle_after_burst(&r, &fc);
    assert_true(rate >= 0.5);
    /* Empty right after the throttle: the wait is one token's time, and asking again
     * without time passing neither takes a token nor queues a debt. */
    double w1 = retry_rate_try_acquire(&r), w2 = retry_rate_try_acquire(&r);
    assert_true(w1 > 0 && w1 <= 1.0 / rate + 1e-9);
    assert_true(w2 > w1 - 1e-9 && w2 < w1 + 1e-9);
    fc.ns += (int64_t)(w1 * 1e9) + 1;
    assert_true(retry_rate_try_acquire(&r) == 0.0);
    assert_true(retry_rate_try_acquire(&r) > 0.0);
    /* A long pause fills the bucket to its capacity (the rate, at least 1), not beyond. */
    fc.ns += INT64_C(100) * 1000000000;
    int taken = 0;
    while (retry_rate_try_acquire(&r) == 0.0 && taken < 1000)
        taken++;
    int capacity = rate > 1.0 ? (int)rate : 1;
    assert_int_equal(taken, capacity);
    retry_rate_cleanup(&r);
}

struct waiter {
    struct retry_rate *r;
    bool got;
};

static void *wait_for_token(void *arg)
{
    struct waiter *w = arg;
    w->got = retry_rate_acquire(w->r);
    return NULL;
}

/* Returns once n callers are asleep in retry_rate_acquire. */
static void until_waiting(struct retry_rate *r, int n)
{
    for (int now = 0; now < n;) {
        sched_yield();
        pthread_mutex_lock(&r->mu);
        now = r->waiting;
        pthread_mutex_unlock(&r->mu);
    }
}

/* A time scale this large turns any computed sleep into weeks of real time: the waiter
 * can only be released by a wake-up followed by a re-check against the fake clock, which
 * runs in real nanoseconds (limiter seconds x FOREVER_SCALE). */
#define FOREVER_SCALE 1e6
#define LIMITER_S(s) ((int64_t)((s) * 1e9 * FOREVER_SCALE))

static void retry_rate_waiter_rechecks_when_rate_rises(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = LIMITER_S(1)};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk, FOREVER_SCALE);
    /* Drive the rate down to the 0.5/s floor: a second or more per token. */
    for (int i = 0; i < 10; i++) {
        retry_rate_update(&r, true);
        fc.ns += LIMITER_S(0.001);
    }
    assert_true(retry_rate_current(&r) <= 1.0);
    while (retry_rate_try_acquire(&r) == 0.0) {
    }
    struct waiter w = {.r = &r};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_for_token, &w), 0);
    until_waiting(&r, 1);
    /* Successes over time raise the rate; each broadcast makes the waiter look again. A
     * waiter that had computed one sleep at the floor rate would sleep for ever here. */
    for (int i = 0; i < 400; i++) {
        fc.ns += LIMITER_S(0.025);      /* 10 s of limiter time in all */
        retry_rate_update(&r, false);
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_true(w.got);
    retry_rate_cleanup(&r);
}

static void retry_rate_stop_releases_waiters(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 1000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk, FOREVER_SCALE);
    throttle_after_burst(&r, &fc);
    while (retry_rate_try_acquire(&r) == 0.0) {
    }
    struct waiter w[3] = {{.r = &r, .got = true}, {.r = &r, .got = true}, {.r = &r, .got = true}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, wait_for_token, &w[i]), 0);
    until_waiting(&r, 3);
    retry_rate_stop(&r);    /* the clock never moves: only the stop can release them */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_false(w[i].got);
    }
    assert_false(retry_rate_acquire(&r));
    retry_rate_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retry_classify_table),
        cmocka_unit_test(retry_classify_transport),
        cmocka_unit_test(retry_policy_counts_attempts),
        cmocka_unit_test(retry_delay_is_full_jitter_within_caps),
        cmocka_unit_test(retry_delay_honours_retry_after),
        cmocka_unit_test(retry_jitter_is_in_unit_interval),
        cmocka_unit_test(retry_quota_exhausts_and_refills),
        cmocka_unit_test(retry_quota_never_refuses_a_throttle),
        cmocka_unit_test(retry_rate_is_off_until_throttled),
        cmocka_unit_test(retry_rate_converges_near_throttled_limit),
        cmocka_unit_test(retry_rate_try_acquire_takes_only_what_is_there),
        cmocka_unit_test(retry_rate_waiter_rechecks_when_rate_rises),
        cmocka_unit_test(retry_rate_stop_releases_waiters),
    };
    return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
