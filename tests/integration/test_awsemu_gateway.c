/* tests/integration/test_awsemu_gateway.c - black-box tests of the emulator's deployments,
 * stages, Lambda authorizers, test invokes and Lambda's policy limits: a stage serves its
 * deployment's snapshot, CreateDeployment's checks and quota, an authorizer's permission
 * checked before the integration's with the cross-region authorizer rule, TestInvokeMethod
 * and TestInvokeAuthorizer with the same evaluation, $LATEST and the 20 KB policy refused.
 * The fixture (two emulators, reset before each test) is emu_fixture.h's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "emu_fixture.h"

#define STAGE "/_emu/execute-api/a1b2c3d4e5/prod/"
#define AUTH_SOURCE(region, id) \
    "arn:aws:execute-api:" region ":111111111111:a1b2c3d4e5/authorizers/" id

static void no_deployment_quota(void)
{
    set_faults("{\"operation_limits\":{\"CreateDeployment\":{\"rate\":1000,\"burst\":1000}}}");
}

static long deploy_to(const char *stage)
{
    char body[128];
    snprintf(body, sizeof body, "{\"stageName\":\"%s\",\"description\":\"test\"}", stage);
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "POST", API "/deployments", NULL, body, &r);
    long status = r.status;
    tc_reply_cleanup(&r);
    return status;
}

static void call(const char *method, const char *path, const char *body, int want)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, method, path, NULL, body, &r);
    if (r.status != want)
        fail_msg("%s %s: %ld (want %d): %s", method, path, r.status, want, xbuf_cstr(&r.body));
    tc_reply_cleanup(&r);
}

static void grant(const char *sid, const char *source_arn)
{
    char body[512];
    snprintf(body, sizeof body, "{\"StatementId\":\"%s\",\"Action\":\"lambda:InvokeFunction\","
             "\"Principal\":\"apigateway.amazonaws.com\",\"SourceArn\":\"%s\"}", sid, source_arn);
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, body, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
}

/* GET through the stage with an Authorization header (NULL: none); the status. */
static long invoke_with(const char *token, char *reason, size_t n)
{
    struct tc_reply r;
    tc_reply_init(&r);
    char h[128];
    snprintf(h, sizeof h, "Authorization: %s", token ? token : "");
    tc_send(&tut, "GET", STAGE, NULL, token ? curl_slist_append(NULL, h) : NULL, &r);
    long status = r.status;
    if (reason)
        snprintf(reason, n, "%s", r.reason);
    tc_reply_cleanup(&r);
    return status;
}

/* ------------------------------------------------------------ deployments */

static void stage_serves_its_deployment(void **state)
{
    no_deployment_quota();
    call("PUT", INTEG, PUT_BODY, 201);
    grant("apigw", SOURCE_ARN);
    assert_int_equal(invoke_with(NULL, NULL, 0), 500);   /* the seeded snapshot */
    assert_int_equal(deploy_to("prod"), 201);
    assert_int_equal(invoke_with(NULL, NULL, 0), 200);
    /* A change out of band is not served until the next deployment. */
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"set_integration_uri\",\"api_id\":"
           "\"a1b2c3d4e5\",\"path\":\"/\",\"uri\":\"arn:aws:apigateway:us-west-2:lambda:path/"
           "2015-03-31/functions/" FN_ARN ":live/invocations\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke_with(NULL, NULL, 0), 200);
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"deploy\",\"api_id\":\"a1b2c3d4e5\","
           "\"stage\":\"prod\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke_with(NULL, NULL, 0), 500);   /* :live has no statement */
    /* GetStage names the deployment; a served deployment cannot be deleted. */
    tc_reply_init(&r);
    apigw(&tut, "GET", API "/stages/prod", NULL, NULL, &r);
    EXPECT(r, 200);
    json_t *st = tc_json(&r);
    char path[128];
    snprintf(path, sizeof path, API "/deployments/%s", tc_str(st, "deploymentId"));
    json_decref(st);
    tc_reply_cleanup(&r);
    call("GET", path, NULL, 200);
    call("DELETE", path, NULL, 400);
    call("DELETE", API "/stages/prod", NULL, 202);
    call("GET", API "/stages/prod", NULL, 404);
    assert_int_equal(invoke_with(NULL, NULL, 0), 403);
    call("DELETE", path, NULL, 202);
    call("GET", path, NULL, 404);
}

static void create_deployment_checks_and_quota(void **state)
{
    /* The bigger API has methods without an integration: AWS refuses to deploy it. */
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&big, "POST", "/restapis/b2c3d4e5f6/deployments", NULL, "{\"stageName\":\"v2\"}", &r);
    EXPECT(r, 400);
    assert_non_null(strstr(xbuf_cstr(&r.body), "No integration defined for method"));
    tc_reply_cleanup(&r);
    call("PUT", INTEG, PUT_BODY, 201);
    /* CreateDeployment: 1 request per 5 seconds per account, Retry-After says when. */
    assert_int_equal(deploy_to("prod"), 201);
    tc_reply_init(&r);
    apigw(&tut, "POST", API "/deployments", NULL, "{\"stageName\":\"prod\"}", &r);
    EXPECT(r, 429);
    assert_non_null(strstr(r.error_type, "TooManyRequestsException"));
    assert_true(atoi(r.retry_after) >= 1 && atoi(r.retry_after) <= 5);
    tc_reply_cleanup(&r);
    no_deployment_quota();
    assert_int_equal(deploy_to("bad.name"), 400);
}

/* ------------------------------------------------------------ authorizers */

/* A TOKEN authorizer calling tutorial-hello (us-west-2) for the API (us-east-1), used by
 * GET /; returns its id. */
static void make_authorizer(char *id, size_t n)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "POST", API "/authorizers", NULL,
          "{\"name\":\"tokens\",\"type\":\"TOKEN\",\"authorizerUri\":\"" INVOKE_URI "\","
          "\"identitySource\":\"method.request.header.Authorization\"}", &r);
    EXPECT(r, 201);
    json_t *a = tc_json(&r);
    snprintf(id, n, "%s", tc_str(a, "id"));
    assert_int_equal(json_integer_value(json_object_get(a, "authorizerResultTtlInSeconds")), 300);
    json_decref(a);
    tc_reply_cleanup(&r);
    char body[256];
    snprintf(body, sizeof body, "{\"patchOperations\":[{\"op\":\"replace\",\"path\":"
             "\"/authorizationType\",\"value\":\"CUSTOM\"},{\"op\":\"replace\",\"path\":"
             "\"/authorizerId\",\"value\":\"%s\"}]}", id);
    call("PATCH", ROOT "/methods/GET", body, 200);
}

static void authorizers_are_checked_as_api_gateway_does(void **state)
{
    call("POST", API "/authorizers", "{\"name\":\"x\",\"type\":\"TOKEN\"}", 400);
    call("POST", API "/authorizers", "{\"name\":\"x\",\"type\":\"TOKEN\",\"authorizerUri\":\""
         INVOKE_URI "\",\"identitySource\":\"method.request.querystring.t\"}", 400);
    call("POST", API "/authorizers", "{\"name\":\"x\",\"type\":\"REQUEST\",\"authorizerUri\":\""
         INVOKE_URI "\",\"authorizerResultTtlInSeconds\":3601}", 400);
    call("PATCH", ROOT "/methods/GET", "{\"patchOperations\":[{\"op\":\"replace\",\"path\":"
         "\"/authorizationType\",\"value\":\"CUSTOM\"}]}", 400);
    char id[16], path[128];
    make_authorizer(id, sizeof id);
    snprintf(path, sizeof path, API "/authorizers/%s", id);
    call("PATCH", path, "{\"patchOperations\":[{\"op\":\"replace\",\"path\":"
         "\"/authorizerResultTtlInSeconds\",\"value\":\"0\"}]}", 200);
    call("PATCH", path, "{\"patchOperations\":[{\"op\":\"replace\",\"path\":\"/bogus\","
         "\"value\":\"0\"}]}", 400);
    call("DELETE", path, NULL, 409);   /* GET / uses it */
    call("PATCH", ROOT "/methods/GET", "{\"patchOperations\":[{\"op\":\"replace\",\"path\":"
         "\"/authorizationType\",\"value\":\"NONE\"}]}", 200);
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "GET", ROOT "/methods/GET", NULL, NULL, &r);
    json_t *m = tc_json(&r);
    assert_string_equal(tc_str(m, "authorizationType"), "NONE");
    assert_null(json_object_get(m, "authorizerId"));
    json_decref(m);
    tc_reply_cleanup(&r);
    call("DELETE", path, NULL, 202);
    call("GET", path, NULL, 404);
}

/* The authorizer's permission is checked first, with the function's region (the function
 * is in us-west-2, the API in us-east-1); then the integration's, with the API's. */
static void invoke_runs_the_authorizer_first(void **state)
{
    char id[16], reason[256], src[160];
    no_deployment_quota();
    call("PUT", INTEG, PUT_BODY, 201);
    grant("method", SOURCE_ARN);
    make_authorizer(id, sizeof id);
    assert_int_equal(deploy_to("prod"), 201);
    assert_int_equal(invoke_with(NULL, NULL, 0), 401);   /* no token */
    assert_int_equal(invoke_with("allow", reason, sizeof reason), 500);
    assert_non_null(strstr(reason, "permissions"));
    snprintf(src, sizeof src, AUTH_SOURCE("us-east-1", "%s"), id);
    grant("auth-api-region", src);   /* the API's region: cannot match */
    assert_int_equal(invoke_with("allow", NULL, 0), 500);
    snprintf(src, sizeof src, AUTH_SOURCE("us-west-2", "%s"), id);
    grant("auth", src);
    assert_int_equal(invoke_with("allow", NULL, 0), 200);
    assert_int_equal(invoke_with("deny", NULL, 0), 403);
    assert_int_equal(invoke_with("unauthorized", NULL, 0), 401);
    /* Without the method's statement the integration fails after the authorizer. */
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"delete_statement\",\"function_arn\":\""
           FN_ARN "\",\"sid\":\"method\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke_with("allow", reason, sizeof reason), 500);
    assert_non_null(strstr(reason, "permissions"));
}

/* ------------------------------------------------------------ test invokes */

static json_t *test_invoke(const char *path, const char *body)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "POST", path, NULL, body, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    tc_reply_cleanup(&r);
    return j;
}

static void test_invokes_use_the_live_configuration(void **state)
{
    call("PUT", INTEG, PUT_BODY, 201);   /* not deployed: test invokes need no stage */
    json_t *j = test_invoke(ROOT "/methods/GET", "{\"pathWithQueryString\":\"/\"}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 500);
    assert_non_null(strstr(tc_str(j, "log"), "Invalid permissions on Lambda function"));
    assert_non_null(strstr(tc_str(j, "log"), "Method completed with status: 500"));
    json_decref(j);
    /* The test invoke's stage is test-invoke-stage, which /\*\/ matches. */
    grant("exact-stage", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/prod/GET/");
    j = test_invoke(ROOT "/methods/GET", "{}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 500);
    json_decref(j);
    grant("apigw", SOURCE_ARN);
    j = test_invoke(ROOT "/methods/GET", "{}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    json_t *body = json_loads(tc_str(j, "body"), 0, NULL);
    assert_string_equal(tc_str(body, "source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/"
                        "test-invoke-stage/GET/");
    json_decref(body);
    json_decref(j);
    /* TestInvokeMethod does not run the authorizer; TestInvokeAuthorizer does. */
    char id[16], path[128], src[160];
    make_authorizer(id, sizeof id);
    j = test_invoke(ROOT "/methods/GET", "{}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    json_decref(j);
    snprintf(path, sizeof path, API "/authorizers/%s", id);
    j = test_invoke(path, "{\"headers\":{\"Authorization\":\"allow\"}}");
    assert_int_equal(json_integer_value(json_object_get(j, "clientStatus")), 500);
    assert_non_null(strstr(tc_str(j, "log"), "Invalid permissions"));
    json_decref(j);
    snprintf(src, sizeof src, AUTH_SOURCE("us-west-2", "%s"), id);
    grant("auth", src);
    j = test_invoke(path, "{\"headers\":{\"authorization\":\"allow\"}}");
    assert_int_equal(json_integer_value(json_object_get(j, "clientStatus")), 200);
    assert_string_equal(tc_str(j, "principalId"), "user");
    json_decref(j);
    j = test_invoke(path, "{\"headers\":{}}");
    assert_int_equal(json_integer_value(json_object_get(j, "clientStatus")), 401);
    json_decref(j);
    call("POST", API "/resources/nope/methods/GET", "{}", 404);
}

/* ------------------------------------------------------------ Lambda's limits */

static void lambda_refuses_latest_and_full_policies(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", "Qualifier=%24LATEST",
           "{\"StatementId\":\"s\",\"Action\":\"lambda:InvokeFunction\","
           "\"Principal\":\"apigateway.amazonaws.com\"}", &r);
    EXPECT(r, 400);
    assert_string_equal(r.error_type, "InvalidParameterValueException");
    tc_reply_cleanup(&r);
    set_faults("{\"throttle\":false}");
    int added = 0;
    for (;; added++) {
        char body[512];
        snprintf(body, sizeof body, "{\"StatementId\":\"method-%03d\",\"Action\":"
                 "\"lambda:InvokeFunction\",\"Principal\":\"apigateway.amazonaws.com\","
                 "\"SourceArn\":\"arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/"
                 "items/%03d\"}", added, added);
        tc_reply_init(&r);
        lambda("POST", FN_PATH "/policy", NULL, body, &r);
        if (r.status != 201)
            break;
        tc_reply_cleanup(&r);
        assert_true(added < 200);
    }
    EXPECT(r, 400);
    assert_string_equal(r.error_type, "PolicyLengthExceededException");
    assert_non_null(strstr(xbuf_cstr(&r.body), "20480"));
    tc_reply_cleanup(&r);
    /* One statement per method fills 20 KB within the 50 to 80 the docs warn about. */
    assert_true(added >= 50 && added <= 110);
}

static void streaming_integrations(void **state)
{
    static const char stream_uri[] = "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/"
                                     "functions/" FN_ARN "/response-streaming-invocations";
    char body[512];
    snprintf(body, sizeof body, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"%s\","
             "\"responseTransferMode\":\"STREAM\",\"timeoutInMillis\":900000}", stream_uri);
    call("PUT", INTEG, body, 201);
    snprintf(body, sizeof body, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"%s\","
             "\"responseTransferMode\":\"STREAM\",\"timeoutInMillis\":900001}", stream_uri);
    call("PUT", INTEG, body, 400);
    snprintf(body, sizeof body, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"%s\"}",
             stream_uri);
    call("PUT", INTEG, body, 400);   /* the streaming URI needs STREAM */
    call("PUT", INTEG, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI
         "\",\"timeoutInMillis\":30000}", 400);
    snprintf(body, sizeof body, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"%s\","
             "\"responseTransferMode\":\"STREAM\"}", stream_uri);
    call("PUT", INTEG, body, 201);
    grant("apigw", SOURCE_ARN);
    json_t *j = test_invoke(ROOT "/methods/GET", "{}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(stage_serves_its_deployment),
        T(create_deployment_checks_and_quota),
        T(authorizers_are_checked_as_api_gateway_does),
        T(invoke_runs_the_authorizer_first),
        T(test_invokes_use_the_live_configuration),
        T(lambda_refuses_latest_and_full_policies),
        T(streaming_integrations),
    };
    return cmocka_run_group_tests_name("awsemu_gateway", tests, emu_group_setup,
                                       emu_group_teardown);
}
