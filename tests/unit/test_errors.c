/* tests/unit/test_errors.c - parsing AWS error answers and describing them.
 *
 * Real answer shapes from API Gateway, Lambda and STS, plus bodies that are not what
 * they claim (truncated JSON, XML with entities, binary noise): the parse must never
 * fail for those, only say the answer was unreadable. Descriptions never contain more
 * than the bounded, sanitised text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/errors.h"
#include "util/alloc.h"

static void errors_parse_rest_json_apigateway(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    const char *body = "{\"message\":\"Invalid Resource identifier specified\"}";
    assert_int_equal(aws_error_parse_rest_json(
                         &e, 404,
                         "NotFoundException:http://internal.amazon.com/coral/"
                         "com.amazonaws.backplane.controlplane/",
                         "5b2f3c4d-0000-1111-2222-333344445555", body, strlen(body)),
                     XA_OK);
    assert_int_equal(e.http_status, 404);
    assert_string_equal(e.code, "NotFoundException");
    assert_string_equal(e.message, "Invalid Resource identifier specified");
    assert_string_equal(e.request_id, "5b2f3c4d-0000-1111-2222-333344445555");
    assert_true(aws_error_is(&e, "NotFoundException"));
    assert_false(aws_error_is(&e, "NotFound"));
    aws_error_cleanup(&e);
}

static void errors_parse_rest_json_lambda_type_is_not_code(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    const char *body = "{\"Type\":\"User\",\"Message\":\"Function not found: arn:aws:lambda:"
                       "us-west-2:222222222222:function:nope\"}";
    assert_int_equal(aws_error_parse_rest_json(&e, 404, NULL, "rid", body, strlen(body)), XA_OK);
    assert_null(e.code);
    assert_non_null(strstr(e.message, "Function not found"));
    aws_error_reset(&e);
    assert_int_equal(aws_error_parse_rest_json(&e, 404, "ResourceNotFoundException", NULL, body,
                                               strlen(body)),
                     XA_OK);
    assert_string_equal(e.code, "ResourceNotFoundException");
    aws_error_cleanup(&e);
}

static void errors_parse_rest_json_body_code_forms(void **state)
{
    (void)state;
    static const struct {
        const char *name, *body, *code, *message;
    } cases[] = {
        {"__type with namespace",
         "{\"__type\":\"com.amazonaws.lambda#TooManyRequestsException\",\"message\":\"Rate\"}",
         "TooManyRequestsException", "Rate"},
        {"code", "{\"code\":\"ConflictException\",\"errorMessage\":\"busy\"}", "ConflictException",
         "busy"},
        {"Type as code", "{\"Type\":\"ValidationException\",\"message\":\"m\"}",
         "ValidationException", "m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct aws_error e;
        aws_error_init(&e);
        assert_int_equal(aws_error_parse_rest_json(&e, 400, NULL, NULL, cases[i].body,
                                                   strlen(cases[i].body)),
                         XA_OK);
        if (!e.code || strcmp(e.code, cases[i].code) != 0)
            fail_msg("%s: code %s", cases[i].name, e.code ? e.code : "(none)");
        assert_string_equal(e.message, cases[i].message);
        aws_error_cleanup(&e);
    }
}

static void errors_parse_rest_json_unreadable_body(void **state)
{
    (void)state;
    const char *bodies[] = {"{\"message\":", "<html>502 Bad Gateway</html>", "\x01\x02\xff",
                            "[1,2]"};
    for (size_t i = 0; i < 4; i++) {
        struct aws_error e;
        aws_error_init(&e);
        assert_int_equal(aws_error_parse_rest_json(&e, 502, NULL, NULL, bodies[i],
                                                   strlen(bodies[i])),
                         XA_OK);
        assert_int_equal(e.http_status, 502);
        assert_null(e.code);
        assert_non_null(strstr(e.message, "not readable"));
        for (const char *p = e.message; *p; p++)
            assert_true(*p >= 0x20 && *p < 0x7f);
        aws_error_cleanup(&e);
    }
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_parse_rest_json(&e, 503, NULL, NULL, "  \n", 3), XA_OK);
    assert_null(e.message);
    aws_error_cleanup(&e);
}

static const char sts_error[] =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
    "    <Message>User: arn:aws:iam::111111111111:user/ci is not authorized to perform: "
    "sts:AssumeRole</Message>\n  </Error>\n"
    "  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n</ErrorResponse>\n";

static void errors_parse_query_xml_sts(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_parse_query_xml(&e, 403, NULL, sts_error, strlen(sts_error)),
                     XA_OK);
    assert_string_equal(e.code, "AccessDenied");
    assert_non_null(strstr(e.message, "not authorized"));
    assert_string_equal(e.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    aws_error_reset(&e);
    /* The header's request id wins; parse_any detects XML. */
    assert_int_equal(aws_error_parse_any(&e, 403, NULL, "hdr-id", sts_error, strlen(sts_error)),
                     XA_OK);
    assert_string_equal(e.request_id, "hdr-id");
    assert_string_equal(e.code, "AccessDenied");
    aws_error_cleanup(&e);
}

static void errors_parse_query_xml_refuses_entities(void **state)
{
    (void)state;
    const char *xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY y \"expanded\">]>"
        "<ErrorResponse><Error><Code>&y;</Code><Message>&x;</Message></Error></ErrorResponse>";
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_parse_query_xml(&e, 400, NULL, xxe, strlen(xxe)), XA_OK);
    assert_true(e.message == NULL || strstr(e.message, "root:") == NULL);
    assert_true(e.code == NULL || strcmp(e.code, "expanded") != 0);
    aws_error_reset(&e);
    const char *junk = "<ErrorResponse><Error><Code>X";
    assert_int_equal(aws_error_parse_query_xml(&e, 400, NULL, junk, strlen(junk)), XA_OK);
    assert_non_null(e.message);
    aws_error_cleanup(&e);
}

static void errors_describe_answer(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_set_operation(&e, "Lambda AddPermission"), XA_OK);
    const char *body = "{\"message\":\"The statement id (x) provided already exists.\"}";
    assert_int_equal(aws_error_parse_rest_json(&e, 409, "ResourceConflictException", "rid-1", body,
                                               strlen(body)),
                     XA_OK);
    e.attempts = 1;
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "Lambda AddPermission failed: HTTP 409, ResourceConflictException: The "
                        "statement id (x) provided already exists. (request id rid-1, 1 attempt).");
    aws_error_cleanup(&e);
    xbuf_cleanup(&b);
}

static void errors_describe_transport_and_throttling(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_set_operation(&e, "STS GetCallerIdentity"), XA_OK);
    assert_int_equal(aws_error_set_transport(&e, XA_ETIMEDOUT, "Connection timed out\nafter 10 s"),
                     XA_OK);
    e.attempts = 26;
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "STS GetCallerIdentity could not reach AWS after 26 "
                                       "attempts: timed out (Connection timed out after 10 s).");
    /* The endpoint is named when it is known. */
    assert_int_equal(aws_error_set_endpoint(&e, "http://127.0.0.1:1"), XA_OK);
    xbuf_clear(&b);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "STS GetCallerIdentity could not reach "
                                       "http://127.0.0.1:1 after 26 attempts: timed out "
                                       "(Connection timed out after 10 s).");
    xbuf_clear(&b);
    aws_error_reset(&e);
    xbuf_clear(&b);
    assert_int_equal(aws_error_parse_rest_json(&e, 429, "TooManyRequestsException", NULL, NULL, 0),
                     XA_OK);
    e.throttled = true;
    e.attempts = 3;
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_non_null(strstr(xbuf_cstr(&b), "The AWS request failed: HTTP 429, "
                                          "TooManyRequestsException (3 attempts)"));
    assert_non_null(strstr(xbuf_cstr(&b), "throttling"));
    aws_error_cleanup(&e);
    xbuf_cleanup(&b);
}

/* D7: a check made locally is described by its own sentence, not as "The AWS request
 * failed", and no description ends in a doubled period. */
static void errors_describe_local_check_and_single_period(void **state)
{
    (void)state;
    struct aws_error e;
    aws_error_init(&e);
    struct xbuf b;
    xbuf_init(&b);
    const char *local = "The AWS region is not set. Set `region` in the provider block.";
    assert_int_equal(aws_error_set_message(&e, local), XA_OK);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), local);
    xbuf_clear(&b);
    assert_int_equal(aws_error_set_message(&e, "assume_role failed: no STS endpoint"), XA_OK);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "assume_role failed: no STS endpoint.");
    aws_error_reset(&e);
    xbuf_clear(&b);
    assert_int_equal(aws_error_set_operation(&e, "STS AssumeRole"), XA_OK);
    const char *xml = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not allowed."
                      "</Message></Error></ErrorResponse>";
    assert_int_equal(aws_error_parse_query_xml(&e, 403, NULL, xml, strlen(xml)), XA_OK);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "STS AssumeRole failed: HTTP 403, AccessDenied: Not "
                                       "allowed.");
    aws_error_cleanup(&e);
    xbuf_cleanup(&b);
}

static void errors_describe_bounds_untrusted_text(void **state)
{
    (void)state;
    static char big[5000];
    memset(big, 'm', sizeof big - 1);
    struct aws_error e;
    aws_error_init(&e);
    assert_int_equal(aws_error_set_message(&e, big), XA_OK);
    assert_int_equal(aws_error_set_code(&e, "Bad\x01" "Code"), XA_OK);
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(aws_error_describe(&e, &b), XA_OK);
    assert_true(b.len < 700);
    assert_non_null(strstr(xbuf_cstr(&b), "Bad Code"));
    aws_error_cleanup(&e);
    xbuf_cleanup(&b);
}

static void errors_may_have_applied_unless_refused_outright(void **state)
{
    struct { const char *name; struct aws_error e; bool maybe; } cases[] = {
        {"nothing sent", {.transport = XA_EINVAL}, false},
        {"client error, one attempt", {.http_status = 400, .attempts = 1}, false},
        {"connection reset", {.transport = XA_EIO, .attempts = 1}, true},
        {"stopped while waiting", {.transport = XA_ECANCELED, .attempts = 1}, true},
        {"server error", {.http_status = 500, .attempts = 1}, true},
        {"throttled after a retry", {.http_status = 429, .attempts = 2}, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (aws_error_may_have_applied(&cases[i].e) != cases[i].maybe)
            fail_msg("%s: expected %d", cases[i].name, cases[i].maybe);
    assert_false(aws_error_may_have_applied(NULL));
}

static void errors_move_transfers_ownership(void **state)
{
    (void)state;
    struct aws_error a, b;
    aws_error_init(&a);
    aws_error_init(&b);
    assert_int_equal(aws_error_set_code(&a, "X"), XA_OK);
    assert_int_equal(aws_error_set_code(&b, "Y"), XA_OK);
    aws_error_move(&b, &a);
    assert_string_equal(b.code, "X");
    assert_null(a.code);
    aws_error_cleanup(&a);
    aws_error_cleanup(&b);
    aws_error_cleanup(&b);
}

static void errors_survive_allocation_failures(void **state)
{
    (void)state;
    const char *body = "{\"message\":\"m\",\"__type\":\"T\"}";
    bool done = false;
    for (long n = 0; n < 200 && !done; n++) {
        struct aws_error e;
        struct xbuf b;
        aws_error_init(&e);
        xbuf_init(&b);
        alloc_fail_after(n);
        enum xa_status s1 = aws_error_parse_rest_json(&e, 400, NULL, "r", body, strlen(body));
        enum xa_status s2 = aws_error_parse_query_xml(&e, 400, NULL, sts_error, strlen(sts_error));
        enum xa_status s3 = aws_error_describe(&e, &b);
        alloc_fail_reset();
        assert_true(s1 == XA_OK || s1 == XA_ENOMEM);
        assert_true(s2 == XA_OK || s2 == XA_ENOMEM);
        assert_true(s3 == XA_OK || s3 == XA_ENOMEM);
        done = s1 == XA_OK && s2 == XA_OK && s3 == XA_OK;
        aws_error_cleanup(&e);
        xbuf_cleanup(&b);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors_parse_rest_json_apigateway),
        cmocka_unit_test(errors_parse_rest_json_lambda_type_is_not_code),
        cmocka_unit_test(errors_parse_rest_json_body_code_forms),
        cmocka_unit_test(errors_parse_rest_json_unreadable_body),
        cmocka_unit_test(errors_parse_query_xml_sts),
        cmocka_unit_test(errors_parse_query_xml_refuses_entities),
        cmocka_unit_test(errors_describe_answer),
        cmocka_unit_test(errors_describe_transport_and_throttling),
        cmocka_unit_test(errors_describe_local_check_and_single_period),
        cmocka_unit_test(errors_describe_bounds_untrusted_text),
        cmocka_unit_test(errors_may_have_applied_unless_refused_outright),
        cmocka_unit_test(errors_move_transfers_ownership),
        cmocka_unit_test(errors_survive_allocation_failures),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
