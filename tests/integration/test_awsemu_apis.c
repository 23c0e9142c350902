/* tests/integration/test_awsemu_apis.c - black-box tests of the AWS emulator's APIs: a
 * spawned awsemu driven over real HTTP with libcurl, every request signed by the
 * project's signer (aws/sigv4.h). Sections: API Gateway, Lambda, STS. The fixture (two
 * emulators, reset before each test) is emu_fixture.h's.
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

/* ---------------------------------------------------------------- API Gateway */

static void apigw_get_rest_api_answers_own_api(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "GET", API, NULL, NULL, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "id"), "a1b2c3d4e5");
    assert_string_equal(tc_str(j, "rootResourceId"), "r00t000001");
    assert_true(strlen(r.request_id) == 36);
    json_decref(j);
    tc_reply_cleanup(&r);
}

static void apigw_get_rest_api_hides_other_accounts_and_regions(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    const struct tc_call other = {.service = "apigateway", .region = "us-east-1",
                               .creds = &FN_OWNER, .method = "GET", .path = API};
    tc_aws(&tut, &other, &r);
    EXPECT(r, 404);
    assert_non_null(strstr(r.error_type, "NotFoundException"));
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    const struct tc_call region = {.service = "apigateway", .region = "eu-west-1",
                                .creds = &OWNER, .method = "GET", .path = API};
    tc_aws(&tut, &region, &r);
    EXPECT(r, 404);
    json_t *j = tc_json(&r);
    assert_non_null(strstr(tc_str(j, "message"), "Invalid API identifier specified"));
    json_decref(j);
    tc_reply_cleanup(&r);
}

static void apigw_get_resources_paginates_with_item_key(void **state)
{
    char query[128] = "limit=10";
    size_t seen = 0;
    for (int page = 0; page < 10; page++) {
        struct tc_reply r;
        tc_reply_init(&r);
        apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources", query, NULL, &r);
        EXPECT(r, 200);
        json_t *j = tc_json(&r);
        json_t *items = json_object_get(j, "item");
        assert_true(json_is_array(items));
        assert_true(json_array_size(items) <= 10);
        seen += json_array_size(items);
        const char *pos = tc_str(j, "position");
        bool more = pos[0] != '\0';
        if (more)
            snprintf(query, sizeof query, "limit=10&position=%s", pos);
        json_decref(j);
        tc_reply_cleanup(&r);
        if (!more)
            break;
    }
    assert_int_equal(seen, 33);
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources", "limit=501", NULL, &r);
    EXPECT(r, 400);
    assert_non_null(strstr(r.error_type, "BadRequestException"));
    tc_reply_cleanup(&r);
}

static void apigw_get_resource_and_method(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources/hello00001", NULL, NULL, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "path"), "/hello");
    assert_string_equal(tc_str(j, "pathPart"), "hello");
    assert_string_equal(tc_str(j, "parentId"), "r00t000002");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&big, "GET", "/restapis/b2c3d4e5f6/resources/hello00001/methods/GET", NULL, NULL, &r);
    EXPECT(r, 200);
    j = tc_json(&r);
    assert_string_equal(tc_str(j, "httpMethod"), "GET");
    assert_string_equal(tc_str(json_object_get(j, "methodIntegration"), "type"), "AWS_PROXY");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "GET", ROOT "/methods/DELETE", NULL, NULL, &r);
    EXPECT(r, 404);
    j = tc_json(&r);
    assert_string_equal(tc_str(j, "message"), "Invalid Method identifier specified");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "GET", API "/resources/nope", NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
}

static void apigw_integration_lifecycle(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "GET", INTEG, NULL, NULL, &r);
    EXPECT(r, 404);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "message"), "Invalid Integration identifier specified");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    EXPECT(r, 201);
    j = tc_json(&r);
    assert_string_equal(tc_str(j, "uri"), INVOKE_URI);
    assert_string_equal(tc_str(j, "passthroughBehavior"), "WHEN_NO_MATCH");
    assert_int_equal(json_integer_value(json_object_get(j, "timeoutInMillis")), 29000);
    assert_string_equal(tc_str(j, "cacheNamespace"), "r00t000001");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "PATCH", INTEG, NULL,
          "{\"patchOperations\":[{\"op\":\"replace\",\"path\":\"/timeoutInMillis\",\"value\":"
          "\"5000\"},{\"op\":\"add\",\"path\":\"/requestParameters/integration.request.header."
          "x-id\",\"value\":\"'1'\"},{\"op\":\"add\",\"path\":\"/requestTemplates/application~1"
          "json\",\"value\":\"{}\"}]}", &r);
    EXPECT(r, 200);
    j = tc_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "timeoutInMillis")), 5000);
    assert_string_equal(tc_str(json_object_get(j, "requestParameters"),
                             "integration.request.header.x-id"), "'1'");
    assert_string_equal(tc_str(json_object_get(j, "requestTemplates"), "application/json"), "{}");
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "GET", ROOT "/methods/GET", NULL, NULL, &r);
    EXPECT(r, 200);
    j = tc_json(&r);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "methodIntegration"),
                                                        "timeoutInMillis")), 5000);
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    apigw(&tut, "DELETE", INTEG, NULL, NULL, &r);
    EXPECT(r, 204);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    apigw(&tut, "DELETE", INTEG, NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
}

static void apigw_integration_errors(void **state)
{
    static const struct {
        const char *name, *method, *path, *body;
        int status;
        const char *type;
    } cases[] = {
        {"put on a missing method", "PUT", ROOT "/methods/POST/integration", PUT_BODY, 404,
         "NotFoundException"},
        {"bad type", "PUT", INTEG, "{\"type\":\"LAMBDA\"}", 400, "BadRequestException"},
        {"no uri", "PUT", INTEG, "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\"}", 400,
         "BadRequestException"},
        {"timeout too long", "PUT", INTEG,
         "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI
         "\",\"timeoutInMillis\":30000}", 400, "BadRequestException"},
        {"patch without integration", "PATCH", INTEG, "{\"patchOperations\":[]}", 404,
         "NotFoundException"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tc_reply r;
        tc_reply_init(&r);
        apigw(&tut, cases[i].method, cases[i].path, NULL, cases[i].body, &r);
        if (r.status != cases[i].status || strstr(r.error_type, cases[i].type) == NULL)
            fail_msg("%s: %ld %s %s", cases[i].name, r.status, r.error_type,
                     xbuf_cstr(&r.body));
        tc_reply_cleanup(&r);
    }
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    apigw(&tut, "PATCH", INTEG, NULL,
          "{\"patchOperations\":[{\"op\":\"replace\",\"path\":\"/nope\",\"value\":\"x\"}]}", &r);
    EXPECT(r, 400);
    assert_non_null(strstr(xbuf_cstr(&r.body), "Invalid patch path"));
    tc_reply_cleanup(&r);
}

/* --------------------------------------------------------------------- Lambda */

static void lambda_get_function_by_name_arn_and_partial_arn(void **state)
{
    static const char *const names[] = {
        FN_PATH, "/2015-03-31/functions/" FN_ARN,
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A222222222222%3Afunction%3A"
        "tutorial-hello",
        "/2015-03-31/functions/222222222222:function:tutorial-hello"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct tc_reply r;
        tc_reply_init(&r);
        lambda("GET", names[i], NULL, NULL, &r);
        EXPECT(r, 200);
        json_t *j = tc_json(&r);
        json_t *cfg = json_object_get(j, "Configuration");
        assert_string_equal(tc_str(cfg, "FunctionArn"), FN_ARN);
        assert_string_equal(tc_str(cfg, "Version"), "$LATEST");
        assert_true(strlen(tc_str(cfg, "RevisionId")) == 36);
        json_decref(j);
        tc_reply_cleanup(&r);
    }
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("GET", FN_PATH, "Qualifier=live", NULL, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(json_object_get(j, "Configuration"), "FunctionArn"), FN_ARN ":live");
    assert_string_equal(tc_str(json_object_get(j, "Configuration"), "Version"), "1");
    json_decref(j);
    tc_reply_cleanup(&r);
}

static void lambda_errors(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("GET", "/2015-03-31/functions/nope", NULL, NULL, &r);
    EXPECT(r, 404);
    assert_string_equal(r.error_type, "ResourceNotFoundException");
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "Type"), "User");
    assert_non_null(strstr(tc_str(j, "message"), "Function not found"));
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda("GET", FN_PATH, "Qualifier=nope", NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);

    /* Another account's function, even by full ARN: not a cross-account API. */
    tc_reply_init(&r);
    lambda_as(&OWNER, "us-west-2", "POST", "/2015-03-31/functions/" FN_ARN "/policy", NULL,
              "{\"StatementId\":\"x\",\"Action\":\"lambda:InvokeFunction\",\"Principal\":"
              "\"apigateway.amazonaws.com\"}", &r);
    EXPECT(r, 403);
    assert_string_equal(r.error_type, "AccessDeniedException");
    tc_reply_cleanup(&r);

    /* By name in the caller's own account the function simply does not exist. */
    tc_reply_init(&r);
    lambda_as(&OWNER, "us-west-2", "GET", FN_PATH, NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda_as(&FN_OWNER, "us-east-1", "GET", "/2015-03-31/functions/" FN_ARN, NULL, NULL, &r);
    EXPECT(r, 404);
    assert_non_null(strstr(xbuf_cstr(&r.body), "not reachable in this region"));
    tc_reply_cleanup(&r);
}

static void lambda_permission_lifecycle(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("GET", FN_PATH "/policy", NULL, NULL, &r);
    EXPECT(r, 404);
    assert_string_equal(r.error_type, "ResourceNotFoundException");
    tc_reply_cleanup(&r);

    const char *add = "{\"StatementId\":\"apigw\",\"Action\":\"lambda:InvokeFunction\","
                      "\"Principal\":\"apigateway.amazonaws.com\",\"SourceArn\":\"" SOURCE_ARN
                      "\",\"SourceAccount\":\"111111111111\"}";
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, add, &r);
    EXPECT(r, 201);
    json_t *j = tc_json(&r);
    json_t *st = json_loads(tc_str(j, "Statement"), 0, NULL);
    assert_non_null(st);
    assert_string_equal(tc_str(st, "Sid"), "apigw");
    assert_string_equal(tc_str(st, "Effect"), "Allow");
    assert_string_equal(tc_str(json_object_get(st, "Principal"), "Service"),
                        "apigateway.amazonaws.com");
    assert_string_equal(tc_str(st, "Resource"), FN_ARN);
    assert_string_equal(tc_str(json_object_get(json_object_get(st, "Condition"), "ArnLike"),
                             "AWS:SourceArn"), SOURCE_ARN);
    json_decref(st);
    json_decref(j);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, add, &r);
    EXPECT(r, 409);
    assert_string_equal(r.error_type, "ResourceConflictException");
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda("GET", FN_PATH "/policy", NULL, NULL, &r);
    EXPECT(r, 200);
    j = tc_json(&r);
    json_t *policy = json_loads(tc_str(j, "Policy"), 0, NULL);
    assert_int_equal(json_array_size(json_object_get(policy, "Statement")), 1);
    char rev[64];
    snprintf(rev, sizeof rev, "%s", tc_str(j, "RevisionId"));
    json_decref(policy);
    json_decref(j);
    tc_reply_cleanup(&r);

    /* A qualifier has its own policy. */
    tc_reply_init(&r);
    lambda("GET", FN_PATH "/policy", "Qualifier=live", NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda("DELETE", FN_PATH "/policy/apigw", "RevisionId=stale", NULL, &r);
    EXPECT(r, 412);
    assert_string_equal(r.error_type, "PreconditionFailedException");
    tc_reply_cleanup(&r);

    char q[128];
    snprintf(q, sizeof q, "RevisionId=%s", rev);
    tc_reply_init(&r);
    lambda("DELETE", FN_PATH "/policy/apigw", q, NULL, &r);
    EXPECT(r, 204);
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    lambda("DELETE", FN_PATH "/policy/apigw", NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("GET", FN_PATH "/policy", NULL, NULL, &r);
    EXPECT(r, 404);
    tc_reply_cleanup(&r);
}

static void lambda_add_permission_qualified_and_account_principal(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", "Qualifier=live",
           "{\"StatementId\":\"acct\",\"Action\":\"lambda:InvokeFunction\",\"Principal\":"
           "\"111111111111\",\"RevisionId\":\"wrong\"}", &r);
    EXPECT(r, 412);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", "Qualifier=live",
           "{\"StatementId\":\"acct\",\"Action\":\"lambda:InvokeFunction\",\"Principal\":"
           "\"111111111111\"}", &r);
    EXPECT(r, 201);
    json_t *j = tc_json(&r);
    json_t *st = json_loads(tc_str(j, "Statement"), 0, NULL);
    assert_string_equal(tc_str(json_object_get(st, "Principal"), "AWS"),
                        "arn:aws:iam::111111111111:root");
    assert_string_equal(tc_str(st, "Resource"), FN_ARN ":live");
    json_decref(st);
    json_decref(j);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, "{\"StatementId\":\"bad id!\",\"Action\":"
           "\"lambda:InvokeFunction\",\"Principal\":\"x\"}", &r);
    EXPECT(r, 400);
    tc_reply_cleanup(&r);
}

/* ------------------------------------------------------------------------ STS */

static void sts_get_caller_identity(void **state)
{
    struct tc_reply r;
    char v[256];
    tc_reply_init(&r);
    sts(&tut, &OWNER, "Action=GetCallerIdentity&Version=2011-06-15", &r);
    EXPECT(r, 200);
    assert_non_null(strstr(xbuf_cstr(&r.body),
                           "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""));
    assert_string_equal(tc_xml(&r, "Account", v, sizeof v), "111111111111");
    assert_string_equal(tc_xml(&r, "Arn", v, sizeof v), "arn:aws:iam::111111111111:user/deployer");
    tc_reply_cleanup(&r);
}

/* Assumes role (form-encoded ARN) as OWNER; fills the session credentials. */
static long assume(const char *form, char *akid, char *secret, char *token)
{
    struct tc_reply r;
    tc_reply_init(&r);
    sts(&tut, &OWNER, form, &r);
    long status = r.status;
    tc_xml(&r, "AccessKeyId", akid, 64);
    tc_xml(&r, "SecretAccessKey", secret, 64);
    tc_xml(&r, "SessionToken", token, 512);
    tc_reply_cleanup(&r);
    return status;
}

#define ROLE "arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fxacct-cross-account"

static void sts_assume_role_gives_credentials_of_the_role_account(void **state)
{
    char akid[64], secret[64], token[512], v[256];
    assert_int_equal(assume("Action=AssumeRole&Version=2011-06-15&RoleArn=" ROLE
                            "&RoleSessionName=tf", akid, secret, token), 200);
    assert_memory_equal(akid, "ASIA", 4);
    const struct tc_creds session = {akid, secret, token};
    struct tc_reply r;
    tc_reply_init(&r);
    sts(&tut, &session, "Action=GetCallerIdentity&Version=2011-06-15", &r);
    EXPECT(r, 200);
    assert_string_equal(tc_xml(&r, "Account", v, sizeof v), "222222222222");
    assert_string_equal(tc_xml(&r, "Arn", v, sizeof v),
                        "arn:aws:sts::222222222222:assumed-role/xacct-cross-account/tf");
    tc_reply_cleanup(&r);
    /* The session works against the second account's function ... */
    tc_reply_init(&r);
    lambda_as(&session, "us-west-2", "GET", FN_PATH, NULL, NULL, &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    /* A refused signature never echoes the session token. */
    tc_reply_init(&r);
    const struct tc_call bad = {.service = "lambda", .region = "us-west-2", .creds = &session,
                                .method = "GET", .path = FN_PATH, .bad_signature = true};
    tc_aws(&tut, &bad, &r);
    EXPECT(r, 403);
    assert_string_equal(r.error_type, "InvalidSignatureException");
    assert_null(strstr(xbuf_cstr(&r.body), token));
    tc_reply_cleanup(&r);
    /* ... until it expires. */
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/clock", "{\"offset_seconds\":3700}", &r);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    const struct tc_call late = {.service = "lambda", .region = "us-west-2", .creds = &session,
                              .method = "GET", .path = FN_PATH, .skew = 3700};
    tc_aws(&tut, &late, &r);
    EXPECT(r, 403);
    assert_string_equal(r.error_type, "ExpiredTokenException");
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    const struct tc_call late_sts = {.service = "sts", .region = "us-east-1", .creds = &session,
                                  .method = "POST", .path = "/", .skew = 3700,
                                  .body = "Action=GetCallerIdentity&Version=2011-06-15"};
    tc_aws(&tut, &late_sts, &r);
    EXPECT(r, 403);
    assert_string_equal(tc_xml(&r, "Code", v, sizeof v), "ExpiredToken");
    tc_reply_cleanup(&r);
}

static void sts_assume_role_checks_trust_and_external_id(void **state)
{
    char akid[64], secret[64], token[512], v[256];
    static const char ext[] = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
                              "222222222222%3Arole%2Fxacct-cross-account-external"
                              "&RoleSessionName=tf";
    assert_int_equal(assume(ext, akid, secret, token), 403);
    char form[512];
    snprintf(form, sizeof form, "%s&ExternalId=wrong", ext);
    assert_int_equal(assume(form, akid, secret, token), 403);
    snprintf(form, sizeof form, "%s&ExternalId=tutorial-external-id", ext);
    assert_int_equal(assume(form, akid, secret, token), 200);
    assert_int_equal(assume("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
                            "222222222222%3Arole%2Fnope&RoleSessionName=tf", akid, secret,
                            token), 403);
    /* The function owner is not trusted by the role. */
    struct tc_reply r;
    tc_reply_init(&r);
    sts(&tut, &FN_OWNER, "Action=AssumeRole&Version=2011-06-15&RoleArn=" ROLE
        "&RoleSessionName=tf", &r);
    EXPECT(r, 403);
    assert_string_equal(tc_xml(&r, "Code", v, sizeof v), "AccessDenied");
    assert_string_equal(tc_xml(&r, "Type", v, sizeof v), "Sender");
    tc_reply_cleanup(&r);
}

static void sts_assume_role_with_web_identity_unsigned(void **state)
{
    struct tc_reply r;
    char v[256];
    tc_reply_init(&r);
    tc_send(&tut, "POST", "/",
             "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
             "111111111111%3Arole%2Fxacct-ci&RoleSessionName=ci&WebIdentityToken="
             "emu-web-identity-token-1", NULL, &r);
    EXPECT(r, 200);
    assert_string_equal(tc_xml(&r, "Provider", v, sizeof v),
                        "token.actions.githubusercontent.com");
    assert_memory_equal(tc_xml(&r, "AccessKeyId", v, sizeof v), "ASIA", 4);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&tut, "POST", "/",
             "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
             "111111111111%3Arole%2Fxacct-ci&RoleSessionName=ci&WebIdentityToken=forged", NULL,
             &r);
    EXPECT(r, 400);
    assert_string_equal(tc_xml(&r, "Code", v, sizeof v), "InvalidIdentityToken");
    tc_reply_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(apigw_get_rest_api_answers_own_api),
        T(apigw_get_rest_api_hides_other_accounts_and_regions),
        T(apigw_get_resources_paginates_with_item_key),
        T(apigw_get_resource_and_method),
        T(apigw_integration_lifecycle),
        T(apigw_integration_errors),
        T(lambda_get_function_by_name_arn_and_partial_arn),
        T(lambda_errors),
        T(lambda_permission_lifecycle),
        T(lambda_add_permission_qualified_and_account_principal),
        T(sts_get_caller_identity),
        T(sts_assume_role_gives_credentials_of_the_role_account),
        T(sts_assume_role_checks_trust_and_external_id),
        T(sts_assume_role_with_web_identity_unsigned),
    };
    return cmocka_run_group_tests_name("awsemu_apis", tests, emu_group_setup,
                                       emu_group_teardown);
}
