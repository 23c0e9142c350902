/* tests/integration/test_awsemu_checks.c - black-box tests of what the AWS emulator
 * checks and serves besides the APIs: signatures, the invoke check (does API Gateway's
 * call reach the function? through the stage "prod", which serves its last deployment),
 * the credential endpoints (IMDSv2, container) and TLS. Authorizers, test invokes and
 * stages in detail are test_awsemu_gateway.c's.
 * The fixture (two emulators, reset before each test) is emu_fixture.h's.
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

/* CreateDeployment to "prod" (the stage serves the API as it is now); the test lifts
 * CreateDeployment's quota of one per 5 s. */
static void deploy(void)
{
    set_faults("{\"operation_limits\":{\"CreateDeployment\":{\"rate\":1000,\"burst\":1000}}}");
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "POST", API "/deployments", NULL, "{\"stageName\":\"prod\"}", &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
}

static void put_integration(const char *body)
{
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, body, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    deploy();
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
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/nostage/", NULL, 0), 403);
    assert_int_equal(invoke(url, why, sizeof why), 500);   /* no integration yet */
    struct tc_reply r;
    tc_reply_init(&r);
    apigw(&tut, "PUT", INTEG, NULL, PUT_BODY, &r);
    EXPECT(r, 201);
    tc_reply_cleanup(&r);
    /* The stage serves its deployment: the new integration is not live yet. */
    assert_int_equal(invoke(url, why, sizeof why), 500);
    assert_non_null(strstr(why, "No integration"));
    deploy();
    assert_int_equal(invoke(url, why, sizeof why), 500);   /* no permission yet */
    assert_non_null(strstr(why, "permissions"));
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
    assert_string_equal(tc_str(j, "source_arn"),
                        "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/prod/GET/");
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
    add_apigw_permission("apigw", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_integration(bad[i].body);
        if (invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0) != 500)
            fail_msg("%s: invoke should fail", bad[i].name);
    }
    struct tc_reply r;
    put_integration(PUT_BODY);
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
        {"? in the api id", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e?/*/GET/", NULL,
         200},
        {"* for the account", "arn:aws:execute-api:us-east-1:*:a1b2c3d4e5/*", NULL, 200},
        {"* for the region", "arn:aws:execute-api:*:111111111111:a1b2c3d4e5/*/GET/", NULL, 200},
        {"exact", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/prod/GET/", NULL, 200},
        {"other stage", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/test/GET/", NULL,
         500},
        {"other verb", "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/POST/", NULL,
         500},
        /* API and function in different regions: a method's calls carry the API's region. */
        {"function's region", "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/*/GET/",
         NULL, 500},
        {"* cannot cross ':'", "arn:aws:execute-api:*:a1b2c3d4e5/*/GET/", NULL, 500},
        {"source account matches", SOURCE_ARN, "111111111111", 200},
        {"source account differs", SOURCE_ARN, "333333333333", 500},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        emu_reset_all(state);
        struct tc_reply r;
        put_integration(PUT_BODY);
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
    put_integration("{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI "\","
                    "\"credentials\":\"arn:aws:iam::222222222222:role/xacct-apigateway-invoke\"}");
    assert_int_equal(invoke("/_emu/execute-api/a1b2c3d4e5/prod/", NULL, 0), 200);
    /* An alias in the URI needs the alias's own policy. */
    put_integration("{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:"
                    "us-west-2:lambda:path/2015-03-31/functions/" FN_ARN ":live/invocations\"}");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(signature_refusals),
        T(invoke_follows_the_tutorial),
        T(invoke_refuses_wrong_wiring),
        T(invoke_arn_like_wildcards_and_source_account),
        T(invoke_with_integration_credentials_and_qualifier),
        T(invoke_same_account_seed_and_any_method),
        T(metadata_imds_v2_and_container),
        T(tls_serves_with_generated_ca),
    };
    return cmocka_run_group_tests_name("awsemu_checks", tests, emu_group_setup,
                                       emu_group_teardown);
}
