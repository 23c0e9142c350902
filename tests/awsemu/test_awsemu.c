/* test_awsemu.c - black-box tests of the AWS emulator: a spawned awsemu driven over real
 * HTTP with libcurl, every request signed by the project's signer (aws/sigv4.h).
 *
 * Two emulators run for the whole group: the tutorial world (seeds/tutorial.json) and a
 * second one (seeds/cross-region.json) for pagination and a pre-wired method. Every test
 * starts from POST /_emu/reset, which restores the seed, the faults, the clock and the log.
 * Sections: API Gateway, Lambda, STS, signatures, the invoke check, test control, faults,
 * concurrency, credential endpoints, TLS.
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

#include "test_client.h"

static struct tc_emu tut, big;

static const struct tc_creds OWNER = {"AKIAEMU1111EXAMPLE01",
                                      "emu1111SecretKeyForTheApiOwnerAccount000", NULL};
static const struct tc_creds FN_OWNER = {"AKIAEMU2222EXAMPLE02",
                                         "emu2222SecretKeyForTheFunctionAccount000", NULL};

/* Shorthands: API Gateway as the API owner in us-east-1, Lambda as the function owner in
 * us-west-2, STS as whoever. */
static void apigw(const struct tc_emu *e, const char *method, const char *path,
                  const char *query, const char *body, struct tc_reply *out)
{
    const struct tc_call k = {.service = "apigateway", .region = "us-east-1", .creds = &OWNER,
                           .method = method, .path = path, .query = query, .body = body};
    tc_aws(e, &k, out);
}

static void lambda_as(const struct tc_creds *c, const char *region, const char *method,
                      const char *path, const char *query, const char *body, struct tc_reply *out)
{
    const struct tc_call k = {.service = "lambda", .region = region, .creds = c, .method = method,
                           .path = path, .query = query, .body = body};
    tc_aws(&tut, &k, out);
}

static void lambda(const char *method, const char *path, const char *query, const char *body,
                   struct tc_reply *out)
{
    lambda_as(&FN_OWNER, "us-west-2", method, path, query, body, out);
}

static void sts(const struct tc_emu *e, const struct tc_creds *c, const char *form,
                struct tc_reply *out)
{
    const struct tc_call k = {.service = "sts", .region = "us-east-1", .creds = c,
                           .method = "POST", .path = "/", .body = form};
    tc_aws(e, &k, out);
}

#define EXPECT(r, code)                                                                    \
    do {                                                                                   \
        if ((r).status != (code))                                                          \
            fail_msg("%s:%d: status %ld (want %d): %s", __FILE__, __LINE__, (r).status,    \
                     (code), xbuf_cstr(&(r).body));                                        \
    } while (0)

static int reset_all(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/reset", "{}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_ctl(&big, "POST", "/_emu/reset", "{}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    return 0;
}

#define API "/restapis/a1b2c3d4e5"
#define ROOT API "/resources/r00t000001"
#define INTEG ROOT "/methods/GET/integration"
#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"
#define FN_PATH "/2015-03-31/functions/tutorial-hello"
#define INVOKE_URI                                                                         \
    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_ARN "/invocations"
#define PUT_BODY "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI "\"}"
#define SOURCE_ARN "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/*/GET/"

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

/* ----------------------------------------------------------------- signatures */

static void signature_refusals(void **state)
{
    static const struct tc_creds wrong_secret = {"AKIAEMU1111EXAMPLE01", "nope", NULL};
    static const struct tc_creds unknown = {"AKIAUNKNOWNKEY000000", "nope", NULL};
    static const struct {
        const char *name;
        const char *service;
        const struct tc_creds *c;
        int64_t skew;
        bool bad;
        int status;
        const char *code;   /* x-amzn-ErrorType (JSON services) or <Code> (STS) */
    } cases[] = {
        {"apigw wrong secret", "apigateway", &wrong_secret, 0, false, 403,
         "InvalidSignatureException"},
        {"apigw flipped signature", "apigateway", &OWNER, 0, true, 403,
         "InvalidSignatureException"},
        {"apigw unknown key", "apigateway", &unknown, 0, false, 403,
         "UnrecognizedClientException"},
        {"apigw clock skew", "apigateway", &OWNER, -600, false, 403,
         "InvalidSignatureException"},
        {"lambda wrong secret", "lambda", &wrong_secret, 0, false, 403,
         "InvalidSignatureException"},
        {"lambda unknown key", "lambda", &unknown, 0, false, 403,
         "UnrecognizedClientException"},
        {"sts wrong secret", "sts", &wrong_secret, 0, false, 403, "SignatureDoesNotMatch"},
        {"sts unknown key", "sts", &unknown, 0, false, 403, "InvalidClientTokenId"},
        {"sts clock skew", "sts", &OWNER, 600, false, 403, "SignatureDoesNotMatch"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool is_sts = strcmp(cases[i].service, "sts") == 0;
        const struct tc_call k = {
            .service = cases[i].service, .region = "us-east-1", .creds = cases[i].c,
            .method = is_sts ? "POST" : "GET",
            .path = is_sts ? "/" : strcmp(cases[i].service, "lambda") == 0 ? FN_PATH : API,
            .body = is_sts ? "Action=GetCallerIdentity&Version=2011-06-15" : NULL,
            .skew = cases[i].skew, .bad_signature = cases[i].bad};
        struct tc_reply r;
        char code[128];
        tc_reply_init(&r);
        tc_aws(&tut, &k, &r);
        const char *got = is_sts ? tc_xml(&r, "Code", code, sizeof code) : r.error_type;
        if (r.status != cases[i].status || strncmp(got, cases[i].code, strlen(cases[i].code)))
            fail_msg("%s: %ld %s %s", cases[i].name, r.status, got, xbuf_cstr(&r.body));
        if (cases[i].skew != 0 && strstr(xbuf_cstr(&r.body), "Signature") == NULL)
            fail_msg("%s: no 'Signature expired' message: %s", cases[i].name,
                     xbuf_cstr(&r.body));
        tc_reply_cleanup(&r);
    }
    struct tc_reply r;
    tc_reply_init(&r);
    tc_send(&tut, "GET", API, NULL, NULL, &r);
    EXPECT(r, 403);
    assert_non_null(strstr(r.error_type, "MissingAuthenticationTokenException"));
    tc_reply_cleanup(&r);
}

/* ------------------------------------------------------------ the invoke check */

static long invoke(const char *path, char *reason, size_t n)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_send(&tut, "GET", path, NULL, NULL, &r);
    long status = r.status;
    if (reason != NULL)
        snprintf(reason, n, "%s", r.reason);
    tc_reply_cleanup(&r);
    return status;
}

static void add_apigw_permission(const char *sid, const char *source_arn)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"StatementId\":\"%s\",\"Action\":\"lambda:InvokeFunction\","
             "\"Principal\":\"apigateway.amazonaws.com\",\"SourceArn\":\"%s\"}", sid,
             source_arn);
    struct tc_reply r;
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", NULL, body, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
}

static void invoke_follows_the_tutorial(void **state)
{
    char why[256];
    const char *url = "/_emu/execute-api/a1b2c3d4e5/prod/";
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/nowhere", NULL, 0), 403);
    assert_int_equal(invoke(url, why, sizeof why), 500);   /* no integration yet */
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke(url, why, sizeof why), 500);   /* no permission yet */
    assert_non_null(strstr(why, "policy"));
    add_apigw_permission("wrong-api", "arn:aws:execute-api:us-east-1:111111111111:zzz/*/GET/");
    assert_int_equal(invoke(url, NULL, 0), 500);
    add_apigw_permission("apigw", SOURCE_ARN);
    tc_reply_init(&r);
    tc_send(&tut, "GET", url, NULL, NULL, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "function_arn"), FN_ARN);
    assert_string_equal(tc_str(j, "account"), "222222222222");
    assert_string_equal(tc_str(j, "region"), "us-west-2");
    json_decref(j);
    tc_reply_cleanup(&r);
}

static void invoke_refuses_wrong_wiring(void **state)
{
    static const struct {
        const char *name, *body;
    } bad[] = {
        {"uri in the API's region",
         "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:"
         "us-east-1:lambda:path/2015-03-31/functions/" FN_ARN "/invocations\"}"},
        {"GET to Lambda", "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"GET\",\"uri\":\"" INVOKE_URI
                          "\"}"},
        {"AWS not proxy", "{\"type\":\"AWS\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI "\"}"},
        {"missing function",
         "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:"
         "us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:222222222222:"
         "function:nope/invocations\"}"},
    };
    add_apigw_permission("apigw", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/*");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tc_reply r;
        tc_reply_init(&r);
        apigw(&tut, "PUT", INTEG, NULL, bad[i].body, &r);
        EXPECT(r, 201);
        tc_reply_cleanup(&r);
        if (invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0) != 500)
            fail_msg("%s: invoke should fail", bad[i].name);
    }
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 200);
    /* Drift: the statement disappears out of band. */
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/drift", "{\"op\":\"delete_statement\",\"function_arn\":\"" FN_ARN
        "\",\"sid\":\"apigw\"}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 500);
}

static void invoke_arn_like_wildcards_and_source_account(void **state)
{
    static const struct {
        const char *name, *source_arn, *source_account;
        long want;
    } cases[] = {
        {"? in the api id", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e?/*/GET/", NULL,
         200},
        {"* for the account", "arn:aws:execute-api:us-west-2:*:a1b2c3d4e5/*", NULL, 200},
        {"exact", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/prod/GET/", NULL, 200},
        {"other stage", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/test/GET/", NULL,
         500},
        {"other verb", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/*/POST/", NULL,
         500},
        /* API and function in different regions: the source ARN carries the function's. */
        {"API's region", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/",
         NULL, 500},
        {"* cannot cross ':'", "arn:aws:execute-api:*:a1b2c3d4e5/*/GET/", NULL, 500},
        {"source account matches", SOURCE_ARN, "111111111111", 200},
        {"source account differs", SOURCE_ARN, "333333333333", 500},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reset_all(state);
        struct tc_reply r;
        tc_reply_init(&r);
        apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
        EXPECT(r, 201);
        tc_reply_cleanup(&r);
        char body[1024];
        snprintf(body, sizeof body, "{\"StatementId\":\"s\",\"Action\":\"lambda:InvokeFunction\","
                 "\"Principal\":\"apigateway.amazonaws.com\",\"SourceArn\":\"%s\"%s%s%s}",
                 cases[i].source_arn, cases[i].source_account ? ",\"SourceAccount\":\"" : "",
                 cases[i].source_account ? cases[i].source_account : "",
                 cases[i].source_account ? "\"" : "");
        tc_reply_init(&r);
        lambda("POST", FN_PATH "/policy", NULL, body, &r);
        EXPECT(r, 201);
        tc_reply_cleanup(&r);
        long got = invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0);
        if (got != cases[i].want)
            fail_msg("%s: invoke answered %ld, want %ld", cases[i].name, got, cases[i].want);
    }
}

static void invoke_with_integration_credentials_and_qualifier(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL,
          "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI "\","
          "\"credentials\":\"arn:aws:iam::222222222222:role/xacct-apigateway-invoke\"}", &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 200);
    /* An alias in the URI needs the alias's own policy. */
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL,
          "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:"
          "us-west-2:lambda:path/2015-03-31/functions/" FN_ARN ":live/invocations\"}", &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    add_apigw_permission("apigw", SOURCE_ARN);   /* unqualified: does not cover :live */
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 500);
    tc_reply_init(&r);
    lambda("POST", FN_PATH "/policy", "Qualifier=live",
           "{\"StatementId\":\"apigw\",\"Action\":\"lambda:InvokeFunction\",\"Principal\":"
           "\"apigateway.amazonaws.com\",\"SourceArn\":\"" SOURCE_ARN "\"}", &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 200);
}

static void invoke_same_account_seed_and_any_method(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_send(&big, "GET", "/_emu/execute-api/b2c3d4e5f6/v1/hello", NULL, NULL, &r);
    EXPECT(r, 500);
    tc_reply_cleanup(&r);
    const struct tc_call add = {
        .service = "lambda", .region = "us-east-1", .creds = &OWNER, .method = "POST",
        .path = "/2015-03-31/functions/local-fn/policy",
        .body = "{\"StatementId\":\"apigw\",\"Action\":\"lambda:InvokeFunction\","
                "\"Principal\":\"apigateway.amazonaws.com\",\"SourceArn\":"
                "\"arn:aws:execute-api:us-east-1:111111111111:b2c3d4e5f6/*/*/hello\"}"};
    tc_reply_init(&r);
    tc_aws(&big, &add, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&big, "GET", "/_emu/execute-api/b2c3d4e5f6/v1/hello", NULL, NULL, &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    assert_string_equal(tc_str(j, "function_arn"),
                        "arn:aws:lambda:us-east-1:111111111111:function:local-fn");
    json_decref(j);
    tc_reply_cleanup(&r);
    /* ANY matches every verb; with no integration API Gateway answers 500. */
    tc_reply_init(&r);
    tc_send(&big, "DELETE", "/_emu/execute-api/b2c3d4e5f6/v1/items", NULL, NULL, &r);
    EXPECT(r, 500);
    tc_reply_cleanup(&r);
}

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
    reset_all(state);
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

static void set_faults(const char *json)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/faults", json, &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
}

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

/* ------------------------------------------------------- credential endpoints */

/* Copies a string field of a JSON answer (credentials the test then signs with). */
static void copy_field(char *out, size_t n, json_t *j, const char *name)
{
    const char *v = tc_str(j, name);
    assert_non_null(v);
    assert_true(strlen(v) < n);
    memcpy(out, v, strlen(v) + 1);
}

static void metadata_imds_v2_and_container(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_send(&tut, "GET", "/latest/meta-data/iam/security-credentials/", NULL, NULL, &r);
    EXPECT(r, 401);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&tut, "PUT", "/latest/api/token", "",
             curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 60"), &r);
    EXPECT(r, 200);
    char hdr[256];
    snprintf(hdr, sizeof hdr, "X-aws-ec2-metadata-token: %s", xbuf_cstr(&r.body));
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&tut, "GET", "/latest/meta-data/iam/security-credentials/", NULL,
             curl_slist_append(NULL, hdr), &r);
    EXPECT(r, 200);
    assert_string_equal(xbuf_cstr(&r.body), "xacct-ec2");
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&tut, "GET", "/latest/meta-data/iam/security-credentials/xacct-ec2", NULL,
             curl_slist_append(NULL, hdr), &r);
    EXPECT(r, 200);
    json_t *j = tc_json(&r);
    char akid[64], secret[64], token[512], v[256];
    copy_field(akid, sizeof akid, j, "AccessKeyId");
    copy_field(secret, sizeof secret, j, "SecretAccessKey");
    copy_field(token, sizeof token, j, "Token");
    assert_string_equal(tc_str(j, "Code"), "Success");
    json_decref(j);
    tc_reply_cleanup(&r);
    const struct tc_creds ec2 = {akid, secret, token};
    tc_reply_init(&r);
    sts(&tut, &ec2, "Action=GetCallerIdentity&Version=2011-06-15", &r);
    EXPECT(r, 200);
    assert_non_null(strstr(tc_xml(&r, "Arn", v, sizeof v), "assumed-role/xacct-ec2/"));
    tc_reply_cleanup(&r);

    tc_reply_init(&r);
    tc_send(&tut, "GET", "/v2/credentials/task", NULL, NULL, &r);
    EXPECT(r, 401);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_send(&tut, "GET", "/v2/credentials/task", NULL,
             curl_slist_append(NULL, "Authorization: emu-container-token"), &r);
    EXPECT(r, 200);
    j = tc_json(&r);
    assert_string_equal(tc_str(j, "RoleArn"), "arn:aws:iam::111111111111:role/xacct-task");
    assert_memory_equal(tc_str(j, "AccessKeyId"), "ASIA", 4);
    json_decref(j);
    tc_reply_cleanup(&r);
}

/* ------------------------------------------------------------------------ TLS */

static void tls_serves_with_generated_ca(void **state)
{
    struct tc_emu secure;
    assert_int_equal(tc_spawn(&secure, "tutorial.json", true, NULL), 0);
    struct tc_reply r;
    char v[64];
    tc_reply_init(&r);
    sts(&secure, &OWNER, "Action=GetCallerIdentity&Version=2011-06-15", &r);
    EXPECT(r, 200);
    assert_string_equal(tc_xml(&r, "Account", v, sizeof v), "111111111111");
    tc_reply_cleanup(&r);
    /* Without the CA the certificate is not trusted. */
    struct tc_emu untrusted = secure;
    snprintf(untrusted.ca_path, sizeof untrusted.ca_path, "/nonexistent-ca.pem");
    tc_reply_init(&r);
    tc_send(&untrusted, "GET", "/_emu/health", NULL, NULL, &r);
    assert_int_not_equal(r.curl, CURLE_OK);
    tc_reply_cleanup(&r);
    tc_kill(&secure);
    unlink(secure.ca_path);
}

/* ---------------------------------------------------------------------- group */

static int group_setup(void **state)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    if (tc_spawn(&tut, "tutorial.json", false, NULL) != 0 ||
        tc_spawn(&big, "cross-region.json", false, NULL) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    tc_kill(&tut);
    tc_kill(&big);
    curl_global_cleanup();
    return 0;
}

#define T(f) cmocka_unit_test_setup(f, reset_all)

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
        T(signature_refusals),
        T(invoke_follows_the_tutorial),
        T(invoke_refuses_wrong_wiring),
        T(invoke_arn_like_wildcards_and_source_account),
        T(invoke_with_integration_credentials_and_qualifier),
        T(invoke_same_account_seed_and_any_method),
        T(control_dump_reset_and_drift),
        T(control_request_log),
        T(faults_throttle_with_each_services_error),
        T(faults_token_bucket_limits_per_account),
        T(faults_errors_resets_latency_conflicts),
        T(faults_lost_response_still_commits),
        T(faults_from_the_command_line_survive_reset),
        T(concurrency_64_connections),
        T(metadata_imds_v2_and_container),
        T(tls_serves_with_generated_ca),
    };
    return cmocka_run_group_tests_name("awsemu", tests, group_setup, group_teardown);
}
