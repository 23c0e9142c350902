/* tests/integration/test_aws_client_faults.c - the project's AWS client (provider/aws)
 * against the faults a spawned awsemu injects (throttling, 5xx, resets, responses lost
 * after commit, expired credentials), plus cancellation during a backoff and the TRACE
 * log's secrecy. The emulator and clients are client_fixture.h's.
 *
 * Expired credentials: the emulator checks expiry before the five-minute skew window, and
 * an AssumeRole session lives at least 900 s, so no single clock offset both expires the
 * session and lets the client sign its refresh (the client has no clock-skew correction).
 * The test therefore sends Lambda traffic through a TCP relay (tc_relay) that puts the
 * clock back the moment the ExpiredTokenException answer passes, before the client reads
 * it: the session is dead, and the refresh is signed in time.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/apigateway.h"
#include "aws/lambda.h"
#include "aws/sts.h"
#include "client_fixture.h"
#include "util/log.h"

/* ------------------------------------------------------------------- faults */

struct burst {
    struct aws_client *c;
    int calls;
    atomic_int ok;
};

static void *burst_thread(void *arg)
{
    struct burst *b = arg;
    for (int i = 0; i < b->calls; i++) {
        struct aws_error err;
        struct apigw_rest_api a;
        aws_error_init(&err);
        if (apigw_get_rest_api(b->c, NULL, API_ID, &a, &err) == XA_OK)
            atomic_fetch_add(&b->ok, 1);
        apigw_rest_api_cleanup(&a);
        aws_error_cleanup(&err);
    }
    return NULL;
}

/* API Gateway's default bucket: 10/s, burst 40. 60 calls from 4 threads at once. The
 * client waits in real time here: the emulator refills its bucket in real time, and a
 * scaled Retry-After (1 s -> 20 ms) would spend 25 retries before one token came back. */
static void throttled_burst(bool adaptive)
{
    struct aws_client *c = client_ok(&(struct copts){.adaptive = adaptive, .scale = 1.0});
    struct burst b = {.c = c, .calls = 15};
    atomic_init(&b.ok, 0);
    pthread_t th[4];
    double t0 = mono_s();
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, burst_thread, &b), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&b.ok), 60);
    assert_int_equal(logged("GetRestApi", 200, NULL), 60);
    int throttled = logged("GetRestApi", 429, NULL);
    assert_true(throttled >= 1);
    print_message("60 GetRestApi calls (%s): %d answers were 429 and retried, %.2f s\n",
                  adaptive ? "adaptive" : "standard", throttled, mono_s() - t0);
    aws_client_free(c);
}

static void aws_client_throttling_retried(void **state)
{
    (void)state;
    throttled_burst(false);
}

static void aws_client_throttling_retried_adaptive(void **state)
{
    (void)state;
    throttled_burst(true);
}

static void aws_client_5xx_retried(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    faults("{\"throttle\":false,\"error_rate\":0.3,\"seed\":7,\"services\":[\"apigateway\"]}");
    struct aws_error err;
    aws_error_init(&err);
    for (int i = 0; i < 20; i++) {
        struct apigw_resource r;
        expect_ok(apigw_get_resource(c, NULL, API_ID, ROOT_ID, &r, &err), &err);
        apigw_resource_cleanup(&r);
    }
    assert_int_equal(logged("GetResource", 200, NULL), 20);
    assert_true(logged("GetResource", 503, "error") >= 1);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* Lambda's 429 (no Retry-After, a "Reason" in the body) and 500, STS's 400 Throttling and
 * 500 InternalFailure in XML: each is recognised and retried. */
static void aws_client_lambda_and_sts_faults_retried(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN});
    faults("{\"throttle_next\":2,\"fail_next\":1,\"operations\":[\"GetFunction\"]}");
    struct aws_error err;
    aws_error_init(&err);
    struct lambda_function f;
    expect_ok(lambda_get_function(c, NULL, FN_NAME, NULL, &f, &err), &err);
    lambda_function_cleanup(&f);
    assert_int_equal(logged("GetFunction", 429, "throttle"), 2);
    assert_int_equal(logged("GetFunction", 500, "error"), 1);
    assert_int_equal(logged("GetFunction", 200, NULL), 1);

    faults("{\"throttle_next\":1,\"fail_next\":1,\"operations\":[\"GetCallerIdentity\"]}");
    struct sts_caller_identity id;
    expect_ok(aws_client_caller_identity(c, "us-east-1", &id, &err), &err);
    assert_string_equal(id.account, "222222222222");
    sts_caller_identity_cleanup(&id);
    assert_int_equal(logged("GetCallerIdentity", 400, "throttle"), 1);
    assert_int_equal(logged("GetCallerIdentity", 500, "error"), 1);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

static void aws_client_connection_reset_retried(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    faults("{\"reset_next\":3,\"operations\":[\"GetMethod\"]}");
    struct aws_error err;
    aws_error_init(&err);
    struct apigw_method m;
    expect_ok(apigw_get_method(c, NULL, API_ID, ROOT_ID, "GET", &m, &err), &err);
    apigw_method_cleanup(&m);
    assert_int_equal(logged("GetMethod", 0, "reset"), 3);
    assert_int_equal(logged("GetMethod", 200, NULL), 1);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* needle in haystack, ignoring ASCII case (strcasestr is a GNU extension). */
static const char *find_nocase(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* The occurrences of needle in haystack. */
static int occurrences(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void aws_client_lost_put_integration_retried_once(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    faults("{\"lose_next\":1,\"operations\":[\"PutIntegration\"]}");
    struct aws_error err;
    aws_error_init(&err);
    const struct apigw_put_integration_req put = {
        .key = {API_ID, ROOT_ID, "GET"}, .type = "AWS_PROXY", .integration_http_method = "POST",
        .uri = INVOKE_URI};
    struct apigw_integration in;
    expect_ok(apigw_put_integration(c, NULL, &put, &in, &err), &err);
    assert_string_equal(in.uri, INVOKE_URI);
    apigw_integration_cleanup(&in);
    /* Committed, answer lost, sent again: the method holds one integration. */
    assert_int_equal(logged("PutIntegration", 0, "lost_response"), 1);
    assert_int_equal(logged("PutIntegration", 201, NULL), 1);
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&emu, "GET", "/_emu/state", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(occurrences(xbuf_cstr(&r.body), INVOKE_URI), 1);
    tc_reply_cleanup(&r);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* A lost AddPermission answer, sent with max_retries. Every request on the wire must be an
 * attempt the client counts (and that max_retries allows): libcurl by itself replays a
 * request whose reused connection died before any answer byte, POST included, so without
 * care a non-idempotent call goes out twice behind the retry policy's back. */
static void lost_add_permission(int max_retries, enum xa_status want, const char *code)
{
    struct aws_client *c = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN,
                                                     .max_retries = max_retries});
    faults("{\"lose_next\":1,\"operations\":[\"AddPermission\"]}");
    struct aws_error err;
    aws_error_init(&err);
    const struct lambda_add_permission_req add = {
        .function_name = FN_NAME, .statement_id = "lost", .action = "lambda:InvokeFunction",
        .principal = "apigateway.amazonaws.com", .source_arn = SOURCE_ARN};
    struct lambda_add_permission_resp ap;
    enum xa_status st = lambda_add_permission(c, NULL, &add, &ap, &err);
    lambda_add_permission_resp_cleanup(&ap);
    int sends = logged("AddPermission", -1, NULL), attempts = err.attempts;
    bool is_code = code == NULL || aws_error_is(&err, code);
    /* The statement the lost answer was about exists either way. */
    struct lambda_policy p;
    struct lambda_statement s;
    expect_ok(lambda_get_policy(c, NULL, FN_NAME, NULL, &p, &err), &err);
    assert_int_equal(lambda_policy_find_statement(p.policy, "lost", &s), XA_OK);
    lambda_statement_cleanup(&s);
    lambda_policy_cleanup(&p);
    aws_error_cleanup(&err);
    aws_client_free(c);
    assert_int_equal(logged("AddPermission", 0, "lost_response"), 1);
    if (sends != attempts)
        print_message("AddPermission went out %d times, the client counted %d attempt(s)\n",
                      sends, attempts);
    assert_int_equal(sends, attempts);
    assert_int_equal(st, want);
    assert_true(is_code);
}

/* Retried by the client: the retry meets the statement the first attempt created, and the
 * client reports that as it is (409 at attempt 2); telling it apart from a real duplicate
 * is the resource's job. */
static void aws_client_lost_add_permission_meets_itself(void **state)
{
    (void)state;
    lost_add_permission(0, XA_EAWS, "ResourceConflictException");
}

/* max_retries = 0: one attempt, one request, and the lost answer is a transport error. */
static void aws_client_no_retries_sends_once(void **state)
{
    (void)state;
    lost_add_permission(NO_RETRIES, XA_EIO, NULL);
}

static void aws_client_retry_exhaustion_described(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){.max_retries = 2});
    faults("{\"fail_next\":10,\"operations\":[\"GetRestApi\"]}");
    struct aws_error err;
    aws_error_init(&err);
    struct apigw_rest_api a;
    enum xa_status st = apigw_get_rest_api(c, NULL, API_ID, &a, &err);
    apigw_rest_api_cleanup(&a);
    assert_int_equal(st, XA_EAWS);
    assert_string_equal(err.code, "ServiceUnavailableException");
    assert_int_equal(err.http_status, 503);
    assert_int_equal(err.attempts, 3);
    assert_true(err.retryable);
    assert_non_null(err.request_id);
    assert_int_equal(logged("GetRestApi", 503, "error"), 3);
    struct xbuf d;
    xbuf_init(&d);
    assert_int_equal(aws_error_describe(&err, &d), XA_OK);
    const char *text = xbuf_cstr(&d);
    print_message("%s\n", text);
    assert_non_null(strstr(text, "GetRestApi"));
    assert_non_null(strstr(text, "ServiceUnavailableException"));
    assert_non_null(strstr(text, err.request_id));
    assert_non_null(strstr(text, "3 attempts"));
    xbuf_cleanup(&d);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* ------------------------------------------------------- expired sessions */

/* The relay's hook: an answer naming ExpiredToken(Exception) puts the emulator's clock back
 * before the client reads it. */
static void rewind_on_expired(void *ctx, const char *data, size_t len)
{
    static const char needle[] = "ExpiredToken";
    for (size_t i = 0; i + sizeof needle - 1 <= len; i++) {
        if (memcmp(data + i, needle, sizeof needle - 1) == 0) {
            if (ctl("POST", "/_emu/clock", "{\"offset_seconds\":0}") == 200)
                atomic_fetch_add((atomic_int *)ctx, 1);
            return;
        }
    }
}

static void aws_client_expired_session_refreshed(void **state)
{
    (void)state;
    atomic_int rewinds;
    atomic_init(&rewinds, 0);
    struct tc_relay *relay = tc_relay_start(&emu, rewind_on_expired, &rewinds);
    assert_non_null(relay);
    char via[64];
    snprintf(via, sizeof via, "http://127.0.0.1:%d", tc_relay_port(relay));
    struct aws_client *c = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN,
                                                     .duration = 900, .lambda_endpoint = via});
    struct aws_error err;
    aws_error_init(&err);
    struct lambda_function f;
    expect_ok(lambda_get_function(c, NULL, FN_NAME, NULL, &f, &err), &err);
    lambda_function_cleanup(&f);
    assert_int_equal(logged("AssumeRole", 200, NULL), 1);

    /* The session (900 s) is past its expiry for the emulator. */
    assert_int_equal(ctl("POST", "/_emu/clock", "{\"offset_seconds\":1000}"), 200);
    expect_ok(lambda_get_function(c, NULL, FN_NAME, "live", &f, &err), &err);
    assert_string_equal(f.function_arn, FN_ARN ":live");
    lambda_function_cleanup(&f);
    assert_int_equal(atomic_load(&rewinds), 1);
    assert_int_equal(logged("GetFunction", 403, NULL), 1);
    assert_int_equal(logged("AssumeRole", 200, NULL), 2);
    assert_int_equal(logged("GetFunction", 200, NULL), 2);
    aws_error_cleanup(&err);
    aws_client_free(c);
    tc_relay_stop(relay);
}

/* ----------------------------------------------------------------- stopping */

struct stopped_call {
    struct aws_client *c;
    enum xa_status st;
    double ended;
};

static void *stopped_call_thread(void *arg)
{
    struct stopped_call *s = arg;
    struct aws_error err;
    struct apigw_rest_api a;
    aws_error_init(&err);
    s->st = apigw_get_rest_api(s->c, NULL, API_ID, &a, &err);
    s->ended = mono_s();
    apigw_rest_api_cleanup(&a);
    aws_error_cleanup(&err);
    return NULL;
}

static void aws_client_stop_during_backoff(void **state)
{
    (void)state;
    /* Real time: every answer is a 429 with Retry-After: 1, so each wait is >= 1 s. */
    struct aws_client *c = client_ok(&(struct copts){.scale = 1.0});
    faults("{\"throttle_next\":1000,\"operations\":[\"GetRestApi\"]}");
    struct stopped_call s = {.c = c};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stopped_call_thread, &s), 0);
    for (int i = 0; i < 100 && logged("GetRestApi", 429, NULL) < 1; i++)
        usleep(20000);
    usleep(100000);
    assert_int_equal(logged("GetRestApi", 429, NULL), 1);   /* still waiting to retry */
    double t0 = mono_s();
    aws_client_stop(c);
    pthread_join(th, NULL);
    assert_int_equal(s.st, XA_ECANCELED);
    assert_true(s.ended - t0 < 1.0);
    assert_true(aws_client_stopped(c));
    /* Later calls fail at once, without a request. */
    stopped_call_thread(&s);
    assert_int_equal(s.st, XA_ECANCELED);
    assert_int_equal(logged("GetRestApi", -1, NULL), 1);
    aws_client_free(c);
}

static void aws_client_stop_during_request(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    faults("{\"latency_ms\":2500,\"operations\":[\"GetRestApi\"]}");
    struct stopped_call s = {.c = c};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stopped_call_thread, &s), 0);
    usleep(300000);
    double t0 = mono_s();
    aws_client_stop(c);
    pthread_join(th, NULL);
    assert_int_equal(s.st, XA_ECANCELED);
    assert_true(s.ended - t0 < 1.0);
    aws_client_free(c);
}

/* -------------------------------------------------------------- TRACE logs */

static void aws_client_trace_log_has_no_secret(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/xa-cve-trace-%d.log", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    log_set_level(LOG_TRACE);
    log_set_fd(fd);

    struct aws_client *fn = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN});
    struct aws_client *api = client_ok(&(struct copts){0});
    struct aws_client *bad = client_ok(&(struct copts){.secret = WRONG_SECRET,
                                                       .skip_validation = true});
    struct aws_error err;
    aws_error_init(&err);
    struct lambda_function f;
    faults("{\"fail_next\":1,\"reset_next\":1,\"operations\":[\"GetFunction\"]}");
    expect_ok(lambda_get_function(fn, NULL, FN_NAME, "live", &f, &err), &err);
    lambda_function_cleanup(&f);
    const struct lambda_add_permission_req add = {
        .function_name = FN_NAME, .statement_id = "trace", .action = "lambda:InvokeFunction",
        .principal = "apigateway.amazonaws.com", .source_arn = SOURCE_ARN};
    struct lambda_add_permission_resp ap;
    expect_ok(lambda_add_permission(fn, NULL, &add, &ap, &err), &err);
    lambda_add_permission_resp_cleanup(&ap);
    /* An error answer, and a refused signature whose message holds the canonical request. */
    assert_int_equal(lambda_add_permission(fn, NULL, &add, &ap, &err), XA_EAWS);
    lambda_add_permission_resp_cleanup(&ap);
    struct apigw_rest_api a;
    assert_int_equal(apigw_get_rest_api(bad, NULL, API_ID, &a, &err), XA_EAWS);
    apigw_rest_api_cleanup(&a);
    /* A session whose secrets the test knows. */
    struct sts_assume_role_result ar;
    const struct aws_assume_role_config rc = {.role_arn = ROLE_ARN, .session_name = "trace"};
    expect_ok(aws_client_assume_role(api, NULL, &rc, &ar, &err), &err);
    aws_error_cleanup(&err);
    aws_client_free(fn);
    aws_client_free(api);
    aws_client_free(bad);
    log_set_fd(-1);
    log_set_level(LOG_OFF);

    struct xbuf text;
    xbuf_init(&text);
    char chunk[4096];
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        xbuf_append(&text, chunk, (size_t)n);
    close(fd);
    unlink(path);
    const char *t = xbuf_cstr(&text);
    print_message("TRACE log: %zu bytes, %d lines\n", text.len, occurrences(t, "\n"));
    assert_non_null(strstr(t, "AWS request"));
    assert_non_null(strstr(t, "AssumeRole"));
    assert_non_null(strstr(t, "retrying after"));
    const char *secrets[] = {API_SECRET, WRONG_SECRET, FN_SECRET,
                             ar.credentials.secret_access_key, ar.credentials.session_token,
                             "IQoJb3JpZ2luX2VjE", "Signature=", "x-amz-security-token:"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        const char *hit = find_nocase(t, secrets[i]);
        if (hit != NULL)
            fail_msg("the TRACE log contains secret #%zu: %.400s", i, hit);
    }
    sts_assume_role_result_cleanup(&ar);
    xbuf_cleanup(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(aws_client_throttling_retried),
        T(aws_client_throttling_retried_adaptive),
        T(aws_client_5xx_retried),
        T(aws_client_lambda_and_sts_faults_retried),
        T(aws_client_connection_reset_retried),
        T(aws_client_lost_put_integration_retried_once),
        T(aws_client_lost_add_permission_meets_itself),
        T(aws_client_no_retries_sends_once),
        T(aws_client_retry_exhaustion_described),
        T(aws_client_expired_session_refreshed),
        T(aws_client_stop_during_backoff),
        T(aws_client_stop_during_request),
        T(aws_client_trace_log_has_no_secret),
    };
    return cmocka_run_group_tests_name("aws_client_faults", tests, client_group_setup,
                                       client_group_teardown);
}
