/* tests/integration/test_awsemu_control.c - black-box tests of the AWS emulator's test
 * control (dump, reset, drift, the request log), its faults (throttling, errors, resets,
 * latency, lost responses, faults from the command line) and concurrency. The fixture
 * (two emulators, reset before each test) is emu_fixture.h's.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>

#include "emu_fixture.h"

/* --------------------------------------------------------------- test control */

static void control_dump_reset_and_drift(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "GET", "/_emu/state", NULL, &r);
    EXPECT(r, 200);
    assert_null(strstr(xbuf_cstr(&r.body), "emu1111SecretKey"));
    assert_non_null(strstr(xbuf_cstr(&r.body), "a1b2c3d4e5"));
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources/hello00001/methods/GET/integration",
          NULL, NULL, &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_ctl(&big, "POST", "/_emu/drift", "{\"op\":\"set_integration_uri\",\"api_id\":\"b2c3d4e5f6\","
        "\"path\":\"/hello\",\"http_method\":\"GET\",\"uri\":\"arn:aws:apigateway:us-east-1:"
        "lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:"
        "other/invocations\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources/hello00001/methods/GET/integration",
          NULL, NULL, &r);
    assert_non_null(strstr(xbuf_cstr(&r.body), "function:other"));
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"delete_function\",\"function_arn\":\"" FN_ARN
        "\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("GET", FN_PATH, NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
    emu_reset_all(state);
    tc_reply_init(&r);
    lambda("GET", FN_PATH, NULL, NULL, &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"explode\"}", &r);
    EXPECT(r, 400);
    tc_reply_cleanup(&r);
}

static void control_request_log(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_ctl(&tut, "GET", "/_emu/log", NULL, &r);
    EXPECT(r, 200);
    json_t *j = json_loads(xbuf_cstr(&r.body), JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(j);
    assert_string_equal(tc_str(j, "operation"), "GetRestApi");
    assert_string_equal(tc_str(j, "account"), "111111111111");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    assert_true(json_is_number(json_object_get(j, "latency_ms")));
    json_decref(j);
    tc_reply_cleanup(&r);
}

/* --------------------------------------------------------------------- faults */

static void faults_throttle_with_each_services_error(void **state)
{
    set_faults("{\"throttle_next\":3}");
    struct tc_reply r;
    char code[64];
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    EXPECT(r, 429);
    assert_non_null(strstr(r.error_type, "TooManyRequestsException"));
    assert_string_equal(r.retry_after, "1");
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("GET", FN_PATH, NULL, NULL, &r);
    EXPECT(r, 429);
    assert_string_equal(r.error_type, "TooManyRequestsException");
    assert_non_null(strstr(xbuf_cstr(&r.body), "CallerRateLimitExceeded"));
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    sts(&tut, &OWNER, "Action=GetCallerIdentity&Version=2011-06-15", &r);
    EXPECT(r, 400);
    assert_string_equal(tc_xml(&r, "Code", code, sizeof code), "Throttling");
    tc_reply_cleanup(&r);
}

static void faults_token_bucket_limits_per_account(void **state)
{
    set_faults("{\"rate_limits\":{\"apigateway\":{\"rate\":1,\"burst\":3}}}");
    int throttled = 0;
    for (int i = 0; i < 6; i++) {
        struct tc_reply r;
        tc_reply_init(&r);
        apigw(&tut, "GET", API, NULL, NULL, &r);
        throttled += r.status == 429;
        tc_reply_cleanup(&r);
    }
    assert_true(throttled >= 2);
    /* Another account has its own bucket. */
    struct tc_reply r;
    tc_reply_init(&r);
    const struct tc_call other = {.service = "apigateway", .region = "us-east-1",
                               .creds = &FN_OWNER, .method = "GET", .path = API};
    tc_aws(&tut, &other, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
}

static void faults_errors_resets_latency_conflicts(void **state)
{
    struct tc_reply r;
    set_faults("{\"fail_next\":1}");
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    assert_true(r.status >= 500);
    tc_reply_cleanup(&r);

    set_faults("{\"reset_next\":1}");
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    assert_int_not_equal(r.curl, CURLE_OK);
    tc_reply_cleanup(&r);

    set_faults("{\"latency_ms\":300}");
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    EXPECT(r, 200);
    assert_true(r.seconds >= 0.29);
    tc_reply_cleanup(&r);

    set_faults("{\"latency_ms\":0,\"conflict_next\":1}");
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    EXPECT(r, 409);
    assert_non_null(strstr(r.error_type, "ConflictException"));
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/faults", "{\"error_rate\":2}", &r);
    EXPECT(r, 400);
    tc_reply_cleanup(&r);
}

static void faults_lost_response_still_commits(void **state)
{
    set_faults("{\"lose_next\":1,\"operations\":[\"AddPermission\"]}");
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, "{\"StatementId\":\"lost\",\"Action\":"
           "\"lambda:InvokeFunction\",\"Principal\":\"apigateway.amazonaws.com\"}", &r);
    assert_int_not_equal(r.curl, CURLE_OK);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("GET", FN_PATH "/policy", NULL, NULL, &r);
    EXPECT(r, 200);
    assert_non_null(strstr(xbuf_cstr(&r.body), "lost"));
    tc_reply_cleanup(&r);
}

static void faults_from_the_command_line_survive_reset(void **state)
{
    struct tc_emu e;
    assert_int_equal(tc_spawn(&e, "tutorial.json", false,
                              "{\"error_rate\":1,\"services\":[\"sts\"]}"), 0);
    struct tc_reply r;
    for (int round = 0; round < 2; round++) {
        tc_reply_init(&r);
        sts(&e, &OWNER, "Action=GetCallerIdentity&Version=2011-06-15", &r);
        EXPECT(r, 500);
        tc_reply_cleanup(&r);
        tc_reply_init(&r);
        apigw(&e, "GET", API, NULL, NULL, &r);
        EXPECT(r, 200);
        tc_reply_cleanup(&r);
        tc_reply_init(&r);
        tc_ctl(&e, "POST", "/_emu/reset", "{}", &r);
        EXPECT(r, 200);
        tc_reply_cleanup(&r);
    }
    tc_kill(&e);
}

/* ---------------------------------------------------------------- concurrency */

#define NTHREADS 64

static void *one_call(void *arg)
{
    struct tc_reply *r = arg;
    apigw(&tut, "GET", API, NULL, NULL, r);
    return NULL;
}

static void concurrency_64_connections(void **state)
{
    set_faults("{\"throttle\":false,\"latency_ms\":200}");
    pthread_t th[NTHREADS];
    struct tc_reply *rs = calloc(NTHREADS, sizeof *rs);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < NTHREADS; i++) {
        tc_reply_init(&rs[i]);
        pthread_create(&th[i], NULL, one_call, &rs[i]);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    for (int i = 0; i < NTHREADS; i++) {
        EXPECT(rs[i], 200);
        tc_reply_cleanup(&rs[i]);
    }
    free(rs);
    /* Latency is per connection: 64 x 200 ms must overlap, not queue. */
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(secs < 5.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(control_dump_reset_and_drift),
        T(control_request_log),
        T(faults_throttle_with_each_services_error),
        T(faults_token_bucket_limits_per_account),
        T(faults_errors_resets_latency_conflicts),
        T(faults_lost_response_still_commits),
        T(faults_from_the_command_line_survive_reset),
        T(concurrency_64_connections),
    };
    return cmocka_run_group_tests_name("awsemu_control", tests, emu_group_setup,
                                       emu_group_teardown);
}
