/* tests/integration/test_aws_client.c - the project's AWS client (provider/aws) against a
 * spawned awsemu over real HTTP: every typed call the resources make, through assumed
 * roles, and AWS's error answers. Faults, expired sessions, stopping and the TRACE log
 * are test_aws_client_faults.c's; the emulator and clients are client_fixture.h's.
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

/* ------------------------------------------------------------- typed calls */

static void aws_client_apigateway_calls(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    assert_string_equal(aws_client_account_id(c), "111111111111");
    struct aws_error err;
    aws_error_init(&err);

    struct sts_caller_identity id;
    expect_ok(aws_client_caller_identity(c, NULL, &id, &err), &err);
    assert_string_equal(id.account, "111111111111");
    assert_string_equal(id.arn, "arn:aws:iam::111111111111:user/deployer");
    sts_caller_identity_cleanup(&id);

    struct apigw_rest_api api;
    expect_ok(apigw_get_rest_api(c, NULL, API_ID, &api, &err), &err);
    assert_string_equal(api.id, API_ID);
    assert_string_equal(api.name, "tutorial-api");
    assert_string_equal(api.root_resource_id, ROOT_ID);
    apigw_rest_api_cleanup(&api);

    /* Pagination: 521 resources at limit 500 take two pages. */
    struct apigw_resource_list list;
    assert_int_equal(ctl("DELETE", "/_emu/log", NULL), 200);
    expect_ok(apigw_get_resources(c, NULL, BIG_API_ID, &list, &err), &err);
    assert_int_equal(list.count, BIG_RESOURCES + 1);
    assert_non_null(apigw_resource_list_find_path(&list, "/r000"));
    assert_non_null(apigw_resource_list_find_path(&list, "/r519"));
    assert_non_null(apigw_resource_list_find_path(&list, "/"));
    assert_int_equal(logged("GetResources", 200, NULL), 2);
    apigw_resource_list_cleanup(&list);
    expect_ok(apigw_get_resources(c, NULL, API_ID, &list, &err), &err);
    assert_int_equal(list.count, 1);
    apigw_resource_list_cleanup(&list);

    struct apigw_resource res;
    expect_ok(apigw_get_resource(c, NULL, API_ID, ROOT_ID, &res, &err), &err);
    assert_string_equal(res.path, "/");
    assert_null(res.parent_id);
    apigw_resource_cleanup(&res);

    struct apigw_method m;
    expect_ok(apigw_get_method(c, NULL, API_ID, ROOT_ID, "GET", &m, &err), &err);
    assert_string_equal(m.http_method, "GET");
    assert_string_equal(m.authorization_type, "NONE");
    assert_false(m.has_integration);
    apigw_method_cleanup(&m);

    const struct apigw_integration_key key = {API_ID, ROOT_ID, "GET"};
    const struct apigw_put_integration_req put = {
        .key = key, .type = "AWS_PROXY", .integration_http_method = "POST", .uri = INVOKE_URI};
    struct apigw_integration in;
    expect_ok(apigw_put_integration(c, NULL, &put, &in, &err), &err);
    assert_string_equal(in.type, "AWS_PROXY");
    assert_string_equal(in.http_method, "POST");
    assert_string_equal(in.uri, INVOKE_URI);
    assert_int_equal(in.timeout_in_millis, 29000);
    assert_string_equal(in.cache_namespace, ROOT_ID);
    apigw_integration_cleanup(&in);

    expect_ok(apigw_get_method(c, NULL, API_ID, ROOT_ID, "GET", &m, &err), &err);
    assert_true(m.has_integration);
    assert_string_equal(m.integration_type, "AWS_PROXY");
    assert_string_equal(m.integration_uri, INVOKE_URI);
    apigw_method_cleanup(&m);

    expect_ok(apigw_get_integration(c, NULL, &key, &in, &err), &err);
    assert_string_equal(in.uri, INVOKE_URI);
    apigw_integration_cleanup(&in);

    const struct apigw_patch_op ops[] = {
        {.op = "replace", .path = "/timeoutInMillis", .value = "10000"},
        {.op = "add", .path = "/requestParameters/integration.request.header.X-Trace",
         .value = "method.request.header.X-Trace"}};
    expect_ok(apigw_update_integration(c, NULL, &key, ops, 2, &in, &err), &err);
    assert_int_equal(in.timeout_in_millis, 10000);
    assert_int_equal(in.nrequest_parameters, 1);
    assert_string_equal(in.request_parameters[0].key, "integration.request.header.X-Trace");
    apigw_integration_cleanup(&in);

    expect_ok(apigw_delete_integration(c, NULL, &key, &err), &err);
    enum xa_status st = apigw_get_integration(c, NULL, &key, &in, &err);
    expect_aws_error(st, &err, "NotFoundException", 404, 1);
    apigw_integration_cleanup(&in);

    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* The Lambda calls as the function account, reached by assume_role from the API account. */
static void lambda_calls_as(struct aws_client *c, const char *sid)
{
    struct aws_error err;
    aws_error_init(&err);
    struct lambda_function f;
    expect_ok(lambda_get_function(c, NULL, FN_NAME, NULL, &f, &err), &err);
    assert_string_equal(f.function_name, FN_NAME);
    assert_string_equal(f.function_arn, FN_ARN);
    assert_string_equal(f.runtime, "python3.12");
    lambda_function_cleanup(&f);
    expect_ok(lambda_get_function(c, NULL, FN_ARN, "live", &f, &err), &err);
    assert_string_equal(f.function_arn, FN_ARN ":live");
    assert_string_equal(f.version, "1");
    lambda_function_cleanup(&f);
    expect_ok(lambda_get_function(c, NULL, FN_ARN ":1", NULL, &f, &err), &err);
    assert_string_equal(f.function_arn, FN_ARN ":1");
    lambda_function_cleanup(&f);

    struct lambda_add_permission_req add = {
        .function_name = FN_ARN, .qualifier = "live", .statement_id = sid,
        .action = "lambda:InvokeFunction", .principal = "apigateway.amazonaws.com",
        .source_arn = SOURCE_ARN, .source_account = "111111111111"};
    struct lambda_add_permission_resp ap;
    expect_ok(lambda_add_permission(c, NULL, &add, &ap, &err), &err);
    struct lambda_statement s;
    assert_int_equal(lambda_policy_find_statement(ap.statement, sid, &s), XA_OK);
    assert_string_equal(s.principal, "apigateway.amazonaws.com");
    assert_string_equal(s.source_arn, SOURCE_ARN);
    lambda_statement_cleanup(&s);
    lambda_add_permission_resp_cleanup(&ap);

    struct lambda_policy p;
    expect_ok(lambda_get_policy(c, NULL, FN_NAME, "live", &p, &err), &err);
    assert_int_equal(lambda_policy_find_statement(p.policy, sid, &s), XA_OK);
    assert_string_equal(s.source_account, "111111111111");
    lambda_statement_cleanup(&s);
    char *stale = strdup(p.revision_id);
    lambda_policy_cleanup(&p);

    /* A second statement moves the revision on; the first one's revision is now stale. */
    char sid2[64];
    snprintf(sid2, sizeof sid2, "%s-2", sid);
    add.statement_id = sid2;
    expect_ok(lambda_add_permission(c, NULL, &add, &ap, &err), &err);
    lambda_add_permission_resp_cleanup(&ap);
    enum xa_status st = lambda_remove_permission(c, NULL, FN_NAME, sid, "live", stale, &err);
    expect_aws_error(st, &err, "PreconditionFailedException", 412, 1);
    free(stale);

    expect_ok(lambda_get_policy(c, NULL, FN_NAME, "live", &p, &err), &err);
    expect_ok(lambda_remove_permission(c, NULL, FN_NAME, sid, "live", p.revision_id, &err), &err);
    lambda_policy_cleanup(&p);
    expect_ok(lambda_get_policy(c, NULL, FN_NAME, "live", &p, &err), &err);
    assert_int_equal(lambda_policy_find_statement(p.policy, sid, &s), XA_ENOTFOUND);
    assert_int_equal(lambda_policy_find_statement(p.policy, sid2, &s), XA_OK);
    lambda_statement_cleanup(&s);
    lambda_policy_cleanup(&p);
    expect_ok(lambda_remove_permission(c, NULL, FN_ARN, sid2, "live", NULL, &err), &err);
    st = lambda_remove_permission(c, NULL, FN_ARN, sid2, "live", NULL, &err);
    expect_aws_error(st, &err, "ResourceNotFoundException", 404, 1);
    aws_error_cleanup(&err);
}

static void aws_client_lambda_calls_via_assume_role(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN});
    assert_string_equal(aws_client_account_id(c), "222222222222");
    struct aws_error err;
    aws_error_init(&err);
    struct sts_caller_identity id;
    expect_ok(aws_client_caller_identity(c, "us-east-1", &id, &err), &err);
    assert_string_equal(id.arn, "arn:aws:sts::222222222222:assumed-role/xacct-cross-account/cve");
    sts_caller_identity_cleanup(&id);
    aws_error_cleanup(&err);
    lambda_calls_as(c, "apigw-invoke");
    aws_client_free(c);
}

static void aws_client_lambda_calls_via_external_id(void **state)
{
    (void)state;
    struct aws_client *c = NULL;
    struct aws_error err;
    /* Without the external id the role refuses. */
    enum xa_status st = client_new(&(struct copts){.region = "us-west-2", .role = ROLE_EXT_ARN,
                                                   .external_id = "wrong"}, &c, &err);
    assert_int_equal(st, XA_EAWS);
    assert_null(c);
    /* The chain folds STS's answer into its account of what it tried. */
    assert_non_null(err.message);
    assert_non_null(strstr(err.message, "AccessDenied"));
    assert_non_null(strstr(err.message, ROLE_EXT_ARN));
    assert_null(strstr(err.message, API_SECRET));
    aws_error_cleanup(&err);

    c = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_EXT_ARN,
                                  .external_id = EXTERNAL_ID});
    assert_string_equal(aws_client_account_id(c), "222222222222");
    lambda_calls_as(c, "apigw-external");
    aws_client_free(c);
}

/* ------------------------------------------------------------------- errors */

static void aws_client_error_answers(void **state)
{
    (void)state;
    struct aws_client *api = client_ok(&(struct copts){.region = "us-west-2"});
    struct aws_client *fn = client_ok(&(struct copts){.region = "us-west-2", .role = ROLE_ARN});
    struct aws_error err;
    aws_error_init(&err);

    struct apigw_rest_api a;
    enum xa_status st = apigw_get_rest_api(api, "us-east-1", "zzzzzzzzzz", &a, &err);
    expect_aws_error(st, &err, "NotFoundException", 404, 1);
    assert_non_null(strstr(err.operation, "GetRestApi"));
    apigw_rest_api_cleanup(&a);

    struct lambda_function f;
    st = lambda_get_function(fn, NULL, "no-such-function", NULL, &f, &err);
    expect_aws_error(st, &err, "ResourceNotFoundException", 404, 1);
    lambda_function_cleanup(&f);

    const struct lambda_add_permission_req add = {
        .function_name = FN_NAME, .qualifier = "live", .statement_id = "dup",
        .action = "lambda:InvokeFunction", .principal = "apigateway.amazonaws.com",
        .source_arn = SOURCE_ARN};
    struct lambda_add_permission_resp ap;
    expect_ok(lambda_add_permission(fn, NULL, &add, &ap, &err), &err);
    lambda_add_permission_resp_cleanup(&ap);
    st = lambda_add_permission(fn, NULL, &add, &ap, &err);
    expect_aws_error(st, &err, "ResourceConflictException", 409, 1);
    lambda_add_permission_resp_cleanup(&ap);

    /* The API account may not change another account's function policy. */
    struct lambda_add_permission_req cross = add;
    cross.function_name = FN_ARN;
    cross.statement_id = "cross";
    st = lambda_add_permission(api, NULL, &cross, &ap, &err);
    expect_aws_error(st, &err, "AccessDeniedException", 403, 1);
    lambda_add_permission_resp_cleanup(&ap);

    aws_error_cleanup(&err);
    aws_client_free(api);
    aws_client_free(fn);
}

static void aws_client_wrong_secret_not_retried(void **state)
{
    (void)state;
    struct aws_client *c = NULL;
    struct aws_error err;
    /* At start: GetCallerIdentity is refused once, and the client is not built. */
    enum xa_status st = client_new(&(struct copts){.secret = WRONG_SECRET}, &c, &err);
    assert_int_equal(st, XA_EAWS);
    assert_null(c);
    assert_true(aws_error_is(&err, "SignatureDoesNotMatch"));
    assert_int_equal(err.attempts, 1);
    assert_int_equal(logged("GetCallerIdentity", 403, NULL), 1);
    aws_error_cleanup(&err);

    c = client_ok(&(struct copts){.secret = WRONG_SECRET, .skip_validation = true});
    aws_error_init(&err);
    struct apigw_rest_api a;
    st = apigw_get_rest_api(c, NULL, API_ID, &a, &err);
    expect_aws_error(st, &err, "InvalidSignatureException", 403, 1);
    assert_int_equal(logged("GetRestApi", -1, NULL), 1);
    apigw_rest_api_cleanup(&a);
    aws_error_cleanup(&err);
    aws_client_free(c);
}

/* custom_ca_bundle: the emulator's generated CA is trusted through it (the bundle is read
 * once by the client and handed to libcurl as a blob), and nothing else is. */
static void aws_client_trusts_custom_ca_bundle(void **state)
{
    (void)state;
    struct tc_emu secure;
    assert_int_equal(tc_spawn(&secure, "tutorial.json", true, NULL), 0);
    char url[64];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", secure.port);
    static const char *const nofiles[] = {"/nonexistent/xacct-cve"};
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.region = "us-east-1";
    cfg.access_key = API_AKID;
    cfg.secret_key = API_SECRET;
    cfg.shared_config_files = cfg.shared_credentials_files = nofiles;
    cfg.nshared_config_files = cfg.nshared_credentials_files = 1;
    cfg.endpoint_sts = url;
    cfg.skip_metadata_api_check = true;
    cfg.max_retries = 0;
    cfg.custom_ca_bundle = secure.ca_path;
    struct aws_client *c = NULL;
    struct aws_error err;
    aws_error_init(&err);
    expect_ok(aws_client_new(&cfg, &c, &err), &err);
    assert_string_equal(aws_client_account_id(c), "111111111111");
    aws_client_free(c);
    cfg.custom_ca_bundle = AWSEMU_SEEDS "/tutorial.json";   /* no certificate in it */
    assert_int_not_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    aws_error_cleanup(&err);
    tc_kill(&secure);
    unlink(secure.ca_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(aws_client_apigateway_calls),
        T(aws_client_lambda_calls_via_assume_role),
        T(aws_client_lambda_calls_via_external_id),
        T(aws_client_error_answers),
        T(aws_client_wrong_secret_not_retried),
        T(aws_client_trusts_custom_ca_bundle),
    };
    return cmocka_run_group_tests_name("aws_client", tests, client_group_setup,
                                       client_group_teardown);
}
