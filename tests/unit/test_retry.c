/* tests/unit/test_retry.c - retry decisions, backoff, quota and the adaptive limiter.
 *
 * Everything runs on a fake clock, so a minute of throttled traffic takes microseconds.
 * The adaptive test drives the limiter against a simulated endpoint that throttles above
 * 10 requests per second and checks that the client settles near that rate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/retry.h"

/* ---- helpers ------------------------------------------------------------------------ */

struct fake_clock {
    int64_t ns;
};

static int64_t fake_now(void *ctx) { return ((struct fake_clock *)ctx)->ns; }

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
        int64_t ceiling = attempt >= 5 ? 20000 : (int64_t)1000 << attempt;
        for (size_t i = 0; i < 4; i++) {
            int64_t d = retry_delay_ms(&p, attempt, NULL, rs[i]);
            assert_true(d >= 0);
            assert_true(d <= ceiling);
            assert_int_equal(d, (int64_t)(rs[i] * (double)ceiling));
        }
    }
    assert_int_equal(retry_delay_ms(&p, 1, NULL, 0.5), 1000);
    assert_int_equal(retry_delay_ms(&p, 3, NULL, 0.5), 4000);
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
    /* The jittered delay wins when longer. */
    assert_int_equal(retry_delay_ms(&p, 5, "1", 0.5), 10000);
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

/* ---- adaptive rate limiter ---------------------------------------------------------- */

static void retry_rate_is_off_until_throttled(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 1000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(retry_rate_acquire(&r), 0);
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
    retry_rate_init(&r, &clk);
    int64_t accepted[WINDOW] = {0};   /* ring of accepted send times */
    size_t head = 0;
    const int64_t start = fc.ns, measure_from = start + 30 * INT64_C(1000000000),
                  end = start + 90 * INT64_C(1000000000);
    long sent_late = 0, ok_late = 0, throttled_late = 0;
    while (fc.ns < end) {
        fc.ns += retry_rate_acquire(&r) * INT64_C(1000000);
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

static void retry_rate_acquire_waits_when_empty(void **state)
{
    (void)state;
    struct fake_clock fc = {.ns = 1000000000};
    struct retry_clock clk = {.now_ns = fake_now, .ctx = &fc};
    struct retry_rate r;
    retry_rate_init(&r, &clk);
    for (int i = 0; i < 20; i++) {   /* 20 requests in 1 s, then a throttle */
        retry_rate_update(&r, false);
        fc.ns += 50000000;
    }
    retry_rate_update(&r, true);
    double rate = retry_rate_current(&r);
    assert_true(rate >= 0.5);
    /* Successive callers queue: each waits about 1/rate longer than the one before. */
    int64_t w1 = retry_rate_acquire(&r), w2 = retry_rate_acquire(&r), w3 = retry_rate_acquire(&r);
    assert_true(w2 > w1 && w3 > w2);
    int64_t step = (int64_t)(1000.0 / rate);
    assert_true(w3 - w2 >= step - 2 && w3 - w2 <= step + 2);
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
        cmocka_unit_test(retry_rate_is_off_until_throttled),
        cmocka_unit_test(retry_rate_converges_near_throttled_limit),
        cmocka_unit_test(retry_rate_acquire_waits_when_empty),
    };
    return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
