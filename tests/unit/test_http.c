/* tests/unit/test_http.c - aws/http: transport, signing on the wire, retries, stop, logs.
 *
 * Talks to the in-process fake server (fake_aws_server.c) on 127.0.0.1. Backoff waits are
 * scaled down with aws_http_config.time_scale so retry tests run in milliseconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_aws_server.c"

#include "aws/credentials.h"
#include "aws/errors.h"
#include "aws/http.h"
#include "util/log.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEXAMPLETOKEN0123456789abcdef"

struct fixture {
    struct fake_server *srv;
    struct aws_http *http;
    struct aws_credentials creds;
};

static struct aws_http *new_http(int max_retries, double scale)
{
    struct aws_http_config cfg = {.max_retries = max_retries, .time_scale = scale,
                                  .connect_timeout_ms = 2000, .request_timeout_ms = 5000};
    struct aws_http *h = NULL;
    assert_int_equal(aws_http_new(&cfg, &h), XA_OK);
    return h;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    unsetenv("TF_APPEND_USER_AGENT");
    f->srv = fake_server_start();
    f->http = new_http(3, 0.001);
    aws_credentials_init(&f->creds);
    aws_credentials_set(&f->creds, "AKIDEXAMPLE", SECRET, TOKEN, 0, "test");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    fake_server_stop(f->srv);
    aws_credentials_cleanup(&f->creds);
    free(f);
    return 0;
}

static struct aws_http_call rest_call(struct fixture *f, const char *method, const char *path,
                                      const char *query)
{
    return (struct aws_http_call){
        .operation = "GetThing", .service = "Lambda", .protocol = AWS_PROTOCOL_REST_JSON,
        .endpoint = f->srv->url, .region = "us-east-1", .signing_name = "lambda",
        .method = method, .path = path, .query = query, .credentials = &f->creds,
    };
}

static void http_uri_encode_keeps_unreserved_only(void **state)
{
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(aws_http_uri_encode(&b, "arn:aws:lambda:us-east-1:1:function:f-1_a.b~c d/é"),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af-1_a.b~c%20d%2F%C3%A9");
    xbuf_cleanup(&b);
}

/* Found by fuzz_http_headers: a NUL byte inside a header line ends its value, which is
 * then trimmed like any other. */
static void http_response_keeps_trimmed_headers(void **state)
{
    (void)state;
    struct aws_http_response r;
    aws_http_response_init(&r);
    static const char line[] = "Retry-After:   120   \r\0\0junk\r\n";
    aws_http_response_keep_header(&r, line, sizeof line - 1);
    aws_http_response_keep_header(&r, "x-amzn-ErrorType: Throttling:http://x/\r\n", 40);
    aws_http_response_keep_header(&r, "no colon\r\n", 10);
    assert_string_equal(r.retry_after, "120");
    assert_string_equal(r.error_type, "Throttling:http://x/");
    assert_null(r.request_id);
    aws_http_response_cleanup(&r);
}

static void http_call_signs_request_verifiably(void **state)
{
    struct fixture *f = *state;
    struct fake_response ok = {.status = 200, .body = "{\"ok\":true}"};
    fake_server_script(f->srv, &ok, 1);
    const char *body = "{\"a\":\"b\"}";
    struct aws_http_call call = rest_call(f, "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda/policy",
                                          "Qualifier=prod&b=%2F");
    call.body = body;
    call.body_len = strlen(body);
    call.content_type = "application/json";
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_call(f->http, &call, &resp, &err), XA_OK);
    assert_int_equal(resp.status, 200);
    assert_string_equal(xbuf_cstr(&resp.body), "{\"ok\":true}");
    assert_non_null(resp.request_id);
    assert_int_equal(fake_server_count(f->srv), 1);
    struct fake_request *r = &f->srv->reqs[0];
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->path, "/2015-03-31/functions/arn%3Aaws%3Alambda/policy");
    assert_string_equal(r->query, "Qualifier=prod&b=%2F");
    assert_string_equal(r->body, body);
    assert_string_equal(fake_req_header(r, "X-Amz-Security-Token"), TOKEN);
    assert_non_null(strstr(fake_req_header(r, "User-Agent"), "terraform-provider-xacct/"));
    assert_int_equal(fake_verify_sigv4(r, SECRET, "us-east-1", "lambda"), 0);
    assert_int_not_equal(fake_verify_sigv4(r, "wrong-secret", "us-east-1", "lambda"), 0);
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

static enum xa_status call_script(struct fixture *f, const struct fake_response *script, size_t n,
                                  struct aws_error *err)
{
    fake_server_reset(f->srv);
    fake_server_script(f->srv, script, n);
    struct aws_http_call call = rest_call(f, "GET", "/x", NULL);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = aws_http_call(f->http, &call, &resp, err);
    aws_http_response_cleanup(&resp);
    return st;
}

static void http_call_retries_5xx_then_succeeds(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {
        {.status = 500, .body = "{\"message\":\"boom\"}"},
        {.status = 503, .body = ""},
        {.status = 200, .body = "{}"},
    };
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 3, &err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 3);
    aws_error_cleanup(&err);
}

static void http_call_retries_throttling(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {
        {.status = 429, .headers = "x-amzn-ErrorType: TooManyRequestsException:http://x\r\n",
         .body = "{\"message\":\"Rate exceeded\"}"},
        {.status = 400, .body = "{\"__type\":\"ThrottlingException\",\"message\":\"slow\"}"},
        {.status = 200, .body = "{}"},
    };
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 3, &err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 3);
    aws_error_cleanup(&err);
}

static void http_call_retries_dropped_connection(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {{.drop = true}, {.status = 200, .body = "{}"}};
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 2, &err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 2);
    aws_error_cleanup(&err);
}

static void http_call_does_not_retry_client_errors(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {
        {.status = 404, .headers = "x-amzn-ErrorType: ResourceNotFoundException\r\n",
         .body = "{\"Type\":\"User\",\"Message\":\"Function not found: f\"}"},
    };
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 1, &err), XA_EAWS);
    assert_int_equal(fake_server_count(f->srv), 1);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "ResourceNotFoundException");
    assert_string_equal(err.message, "Function not found: f");
    assert_non_null(err.request_id);
    assert_string_equal(err.operation, "Lambda GetThing");
    assert_int_equal(err.attempts, 1);
    assert_false(err.retryable);
    aws_error_cleanup(&err);
}

static void http_call_gives_up_after_max_retries(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {{.status = 503, .body = "{\"message\":\"down\"}"}};
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 1, &err), XA_EAWS);
    assert_int_equal(fake_server_count(f->srv), 4);   /* 1 + max_retries (3) */
    assert_int_equal(err.attempts, 4);
    assert_int_equal(err.http_status, 503);
    assert_true(err.retryable);
    struct xbuf d;
    xbuf_init(&d);
    assert_int_equal(aws_error_describe(&err, &d), XA_OK);
    assert_non_null(strstr(xbuf_cstr(&d), "GetThing"));
    xbuf_cleanup(&d);
    aws_error_cleanup(&err);
}

static int64_t mono_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void http_call_honours_retry_after(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    f->http = new_http(3, 0.05);   /* Retry-After 2 s -> at least 100 ms here */
    struct fake_response s[] = {
        {.status = 503, .headers = "Retry-After: 2\r\n", .body = ""},
        {.status = 200, .body = "{}"},
    };
    struct aws_error err;
    aws_error_init(&err);
    int64_t t0 = mono_now_ms();
    assert_int_equal(call_script(f, s, 2, &err), XA_OK);
    int64_t took = mono_now_ms() - t0;
    assert_true(took >= 100);
    assert_true(took < 2000);
    aws_error_cleanup(&err);
}

static void http_call_parses_query_xml_errors(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {{
        .status = 403,
        .body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                "<Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to "
                "perform sts:AssumeRole</Message></Error><RequestId>abc-123</RequestId>"
                "</ErrorResponse>",
    }};
    fake_server_reset(f->srv);
    fake_server_script(f->srv, s, 1);
    struct aws_http_call call = rest_call(f, "POST", "/", NULL);
    call.protocol = AWS_PROTOCOL_QUERY;
    call.signing_name = "sts";
    call.service = "STS";
    call.operation = "AssumeRole";
    call.body = "Action=AssumeRole&Version=2011-06-15";
    call.body_len = strlen(call.body);
    call.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_call(f->http, &call, &resp, &err), XA_EAWS);
    assert_string_equal(err.code, "AccessDenied");
    assert_string_equal(err.operation, "STS AssumeRole");
    assert_non_null(err.request_id);
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[0], SECRET, "us-east-1", "sts"), 0);
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

struct stopper {
    struct aws_http *http;
    int after_ms;
};

static void *stop_later(void *arg)
{
    struct stopper *s = arg;
    usleep((useconds_t)s->after_ms * 1000);
    aws_http_stop(s->http);
    return NULL;
}

static void http_stop_cancels_backoff_wait(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    f->http = new_http(5, 1.0);
    struct fake_response s[] = {{.status = 503, .headers = "Retry-After: 20\r\n", .body = ""}};
    struct stopper st = {.http = f->http, .after_ms = 200};
    pthread_t t;
    pthread_create(&t, NULL, stop_later, &st);
    struct aws_error err;
    aws_error_init(&err);
    int64_t t0 = mono_now_ms();
    assert_int_equal(call_script(f, s, 1, &err), XA_ECANCELED);
    assert_true(mono_now_ms() - t0 < 1500);
    assert_int_equal(err.transport, XA_ECANCELED);
    pthread_join(t, NULL);
    /* Later calls fail at once. */
    assert_int_equal(call_script(f, s, 1, &err), XA_ECANCELED);
    assert_int_equal(fake_server_count(f->srv), 0);
    aws_error_cleanup(&err);
}

static void http_stop_cancels_in_flight_request(void **state)
{
    struct fixture *f = *state;
    struct fake_response s[] = {{.status = 200, .body = "{}", .delay_ms = 4000}};
    struct stopper st = {.http = f->http, .after_ms = 200};
    pthread_t t;
    pthread_create(&t, NULL, stop_later, &st);
    struct aws_error err;
    aws_error_init(&err);
    int64_t t0 = mono_now_ms();
    assert_int_equal(call_script(f, s, 1, &err), XA_ECANCELED);
    assert_true(mono_now_ms() - t0 < 1500);
    pthread_join(t, NULL);
    aws_error_cleanup(&err);
}

static void http_user_agent_appends_tf_append_user_agent(void **state)
{
    struct fixture *f = *state;
    setenv("TF_APPEND_USER_AGENT", "acme/1.2", 1);
    aws_http_free(f->http);
    f->http = new_http(0, 0.001);
    unsetenv("TF_APPEND_USER_AGENT");
    struct fake_response s[] = {{.status = 200, .body = "{}"}};
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 1, &err), XA_OK);
    const char *ua = fake_req_header(&f->srv->reqs[0], "User-Agent");
    assert_non_null(ua);
    assert_non_null(strstr(ua, "terraform-provider-xacct/" XACCT_VERSION));
    assert_non_null(strstr(ua, "acme/1.2"));
    aws_error_cleanup(&err);
}

static void http_trace_log_contains_no_secret(void **state)
{
    struct fixture *f = *state;
    FILE *tmp = tmpfile();
    log_set_fd(fileno(tmp));
    log_set_level(LOG_TRACE);
    struct fake_response s[] = {{.status = 500, .body = "{}"}, {.status = 200, .body = "{}"}};
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 2, &err), XA_OK);
    log_set_level(LOG_OFF);
    log_set_fd(-1);
    fflush(tmp);
    rewind(tmp);
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    assert_true(n > 0);
    assert_non_null(strstr(text, "\"attempt\":\"2\""));
    assert_null(strstr(text, SECRET));
    assert_null(strstr(text, TOKEN));
    assert_null(strstr(text, "Signature="));
    aws_error_cleanup(&err);
}

static void http_perform_reports_connection_refused(void **state)
{
    struct fixture *f = *state;
    struct aws_http_request req = {.method = "GET", .url = "http://127.0.0.1:1/x",
                                   .timeout_ms = 1000};
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_perform(f->http, &req, &resp, &err), XA_EIO);
    assert_int_equal(err.transport, XA_EIO);
    assert_non_null(err.transport_detail);
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

/* D6: the Host header never carries the user info of an endpoint URL; such an endpoint
 * is refused before anything is sent. */
static void http_call_refuses_user_info_in_endpoint(void **state)
{
    struct fixture *f = *state;
    char url[128];
    snprintf(url, sizeof url, "http://user:pass@%s", f->srv->url + 7);
    struct aws_http_call call = rest_call(f, "GET", "/x", NULL);
    call.endpoint = url;
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_call(f->http, &call, &resp, &err), XA_EINVAL);
    assert_int_equal(fake_server_count(f->srv), 0);
    assert_null(strstr(err.transport_detail ? err.transport_detail : "", "pass"));
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

/* An unreachable endpoint shows its progress at WARN, one line per failed attempt, and
 * the final error names the endpoint, with one period. */
static void http_unreachable_endpoint_warns_on_every_retry(void **state)
{
    struct fixture *f = *state;
    FILE *tmp = tmpfile();
    log_set_fd(fileno(tmp));
    log_set_level(LOG_WARN);
    struct aws_http_call call = rest_call(f, "GET", "/x", NULL);
    call.endpoint = "http://127.0.0.1:1";
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_call(f->http, &call, &resp, &err), XA_EIO);
    log_set_level(LOG_OFF);
    log_set_fd(-1);
    fflush(tmp);
    rewind(tmp);
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    int lines = 0;
    for (const char *p = text; (p = strstr(p, "\"@level\":\"warn\"")); p++)
        lines++;
    assert_int_equal(lines, 3);   /* max_retries 3: attempts 1-3 are followed by a retry */
    assert_non_null(strstr(text, "http://127.0.0.1:1"));
    assert_non_null(strstr(text, "attempt 3 of 4"));
    struct xbuf d;
    xbuf_init(&d);
    assert_int_equal(aws_error_describe(&err, &d), XA_OK);
    assert_non_null(strstr(xbuf_cstr(&d), "Lambda GetThing could not reach http://127.0.0.1:1 "
                                          "after 4 attempts"));
    assert_null(strstr(xbuf_cstr(&d), ".."));
    xbuf_cleanup(&d);
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

static void http_adaptive_mode_sends(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    struct aws_http_config cfg = {.max_retries = 3, .time_scale = 0.001,
                                  .retry_mode = AWS_RETRY_ADAPTIVE};
    assert_int_equal(aws_http_new(&cfg, &f->http), XA_OK);
    struct fake_response s[] = {
        {.status = 429, .body = "{\"__type\":\"ThrottlingException\"}"},
        {.status = 200, .body = "{}"},
    };
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(call_script(f, s, 2, &err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 2);
    aws_error_cleanup(&err);
}

static void http_proxy_argument_is_used(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    struct aws_http_config cfg = {.max_retries = 0, .http_proxy = f->srv->url,
                                  .no_proxy = "skip.example"};
    assert_int_equal(aws_http_new(&cfg, &f->http), XA_OK);
    struct fake_response s[] = {{.status = 200, .body = "{}"}};
    fake_server_script(f->srv, s, 1);
    struct aws_http_call call = rest_call(f, "GET", "/x", NULL);
    call.endpoint = "http://lambda.us-east-1.example";
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_http_call(f->http, &call, &resp, &err), XA_OK);
    /* A proxy sees the absolute URL; the signature still covers the Host and path. */
    assert_string_equal(f->srv->reqs[0].path, "http://lambda.us-east-1.example/x");
    assert_string_equal(fake_req_header(&f->srv->reqs[0], "Host"), "lambda.us-east-1.example");
    /* no_proxy hosts go direct (and fail to resolve here). */
    call.endpoint = "http://skip.example";
    assert_int_not_equal(aws_http_call(f->http, &call, &resp, &err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 1);
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
}

/* A kept-alive connection that dies after reading a request: libcurl would re-send it by
 * itself on a new connection. Each request must leave once per attempt the policy counts,
 * so with no retries the POST goes out once and the loss is a transport error, and with
 * retries the second send is the client's own, counted, attempt. */
static void http_call_never_replays_behind_the_policy(void **state)
{
    struct fixture *f = *state;
    static const char *const methods[] = {"POST", "GET"};
    for (int retries = 0; retries <= 1; retries++) {
        for (size_t m = 0; m < 2; m++) {
            struct aws_http *h = new_http(retries, 0.001);
            struct fake_response s[] = {
                {.status = 200, .body = "{}"}, {.drop = true}, {.status = 200, .body = "{}"}};
            fake_server_reset(f->srv);
            fake_server_script(f->srv, s, 3);
            struct aws_http_call call = rest_call(f, methods[m], "/x", NULL);
            call.body = (const uint8_t *)"{\"a\":1}";
            call.body_len = methods[m][0] == 'P' ? 7 : 0;
            struct aws_http_response resp;
            aws_http_response_init(&resp);
            struct aws_error err;
            aws_error_init(&err);
            /* The first call leaves the connection in the pool for the second. */
            assert_int_equal(aws_http_call(h, &call, &resp, &err), XA_OK);
            enum xa_status st = aws_http_call(h, &call, &resp, &err);
            if (retries == 0) {
                assert_int_equal(st, XA_EIO);
                assert_int_equal(err.attempts, 1);
                assert_int_equal(fake_server_count(f->srv), 2);
            } else {
                assert_int_equal(st, XA_OK);
                assert_int_equal(fake_server_count(f->srv), 3);
            }
            aws_http_response_cleanup(&resp);
            aws_error_cleanup(&err);
            aws_http_free(h);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(http_uri_encode_keeps_unreserved_only),
        cmocka_unit_test(http_response_keeps_trimmed_headers),
        cmocka_unit_test_setup_teardown(http_call_signs_request_verifiably, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_retries_5xx_then_succeeds, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_retries_throttling, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_retries_dropped_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_does_not_retry_client_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_never_replays_behind_the_policy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(http_call_gives_up_after_max_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_honours_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_parses_query_xml_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(http_stop_cancels_backoff_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(http_stop_cancels_in_flight_request, setup, teardown),
        cmocka_unit_test_setup_teardown(http_user_agent_appends_tf_append_user_agent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(http_trace_log_contains_no_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(http_perform_reports_connection_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(http_call_refuses_user_info_in_endpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(http_unreachable_endpoint_warns_on_every_retry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(http_adaptive_mode_sends, setup, teardown),
        cmocka_unit_test_setup_teardown(http_proxy_argument_is_used, setup, teardown),
    };
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
