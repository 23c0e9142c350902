/* test_aws_client.c - the project's AWS client (provider/aws) against a spawned awsemu over
 * real HTTP: every typed call the resources make, AWS's error answers, and the faults the
 * emulator injects (throttling, 5xx, resets, responses lost after commit, expired
 * credentials), plus cancellation during a backoff and the TRACE log's secrecy.
 *
 * The emulator runs the tutorial seed with one more API of 520 resources, so that
 * GetResources (limit 500) has to follow `position`. Each test starts from POST /_emu/reset.
 * Counts of what really went over the wire come from the emulator's request log.
 * Clients use retry_time_scale so that Retry-After and backoff waits cost milliseconds.
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
#include "aws/client.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "aws/sts.h"
#include "test_client.h"
#include "util/log.h"

#define API_AKID "AKIAEMU1111EXAMPLE01"
#define API_SECRET "emu1111SecretKeyForTheApiOwnerAccount000"
#define FN_SECRET "emu2222SecretKeyForTheFunctionAccount000"
#define WRONG_SECRET "wrongSecretKeyForTheApiOwnerAccount00000"
#define API_ID "a1b2c3d4e5"
#define ROOT_ID "r00t000001"
#define BIG_API_ID "p4g3s00001"
#define BIG_RESOURCES 520
#define FN_NAME "tutorial-hello"
#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"
#define ROLE_ARN "arn:aws:iam::222222222222:role/xacct-cross-account"
#define ROLE_EXT_ARN "arn:aws:iam::222222222222:role/xacct-cross-account-external"
#define EXTERNAL_ID "tutorial-external-id"
#define INVOKE_URI "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" \
                   FN_ARN ":live/invocations"
#define SOURCE_ARN "arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/GET/"
#define TIME_SCALE 0.02
#define NO_RETRIES (-100)

static struct tc_emu emu;
static char endpoint[64];
static char seed_path[128];

/* ------------------------------------------------------------------ helpers */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long ctl(const char *method, const char *path, const char *body)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&emu, method, path, body, &r);
    long status = r.status;
    tc_reply_cleanup(&r);
    return status;
}

static void faults(const char *json)
{
    assert_int_equal(ctl("POST", "/_emu/faults", json), 200);
}

/* tc_log_count for the shared emulator; a log that cannot be read fails the test. */
static int logged(const char *operation, long status, const char *fault)
{
    int n = tc_log_count(&emu, operation, status, fault);
    assert_true(n >= 0);
    return n;
}

struct copts {
    const char *region;          /* NULL: us-east-1 */
    const char *secret;          /* NULL: the API account's */
    const char *role;            /* assume_role, or NULL */
    const char *external_id;
    int duration;
    int max_retries;             /* 0: the default (25); NO_RETRIES: none */
    double scale;                /* 0: TIME_SCALE */
    const char *lambda_endpoint; /* NULL: the emulator */
    bool skip_validation;
    bool adaptive;               /* retry_mode = "adaptive" */
};

static enum xa_status client_new(const struct copts *o, struct aws_client **c,
                                 struct aws_error *err)
{
    static const char *const nofiles[] = {"/nonexistent/xacct-cve"};
    struct aws_assume_role_config ar = {.role_arn = o->role, .session_name = "cve",
                                        .external_id = o->external_id,
                                        .duration_seconds = o->duration};
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.region = o->region ? o->region : "us-east-1";
    cfg.sts_region = "us-east-1";
    cfg.access_key = API_AKID;
    cfg.secret_key = o->secret ? o->secret : API_SECRET;
    cfg.shared_config_files = nofiles;
    cfg.nshared_config_files = 1;
    cfg.shared_credentials_files = nofiles;
    cfg.nshared_credentials_files = 1;
    cfg.assume_role = o->role ? &ar : NULL;
    cfg.nassume_role = o->role ? 1 : 0;
    cfg.endpoint_apigateway = endpoint;
    cfg.endpoint_lambda = o->lambda_endpoint ? o->lambda_endpoint : endpoint;
    cfg.endpoint_sts = endpoint;
    cfg.max_retries = o->max_retries == NO_RETRIES ? 0 : o->max_retries ? o->max_retries : -1;
    cfg.retry_time_scale = o->scale > 0 ? o->scale : TIME_SCALE;
    cfg.request_timeout_ms = 10000;
    cfg.skip_metadata_api_check = true;
    cfg.skip_credentials_validation = o->skip_validation;
    cfg.skip_requesting_account_id = o->skip_validation;
    cfg.retry_mode = o->adaptive ? AWS_RETRY_ADAPTIVE : AWS_RETRY_STANDARD;
    aws_error_init(err);
    return aws_client_new(&cfg, c, err);
}

static struct aws_client *client_ok(const struct copts *o)
{
    struct aws_client *c = NULL;
    struct aws_error err;
    enum xa_status st = client_new(o, &c, &err);
    if (st != XA_OK)
        fail_msg("aws_client_new: %s (%s)", xa_status_str(st), err.message ? err.message : "");
    aws_error_cleanup(&err);
    return c;
}

/* Fails the test with the client's own description of err. */
static void expect_ok(enum xa_status st, const struct aws_error *err)
{
    if (st != XA_OK) {
        struct xbuf d;
        xbuf_init(&d);
        aws_error_describe(err, &d);
        fail_msg("%s: %s", xa_status_str(st), xbuf_cstr(&d));
    }
}

static void expect_aws_error(enum xa_status st, const struct aws_error *err, const char *code,
                             long http_status, int attempts)
{
    assert_int_equal(st, XA_EAWS);
    assert_non_null(err->code);
    assert_string_equal(err->code, code);
    assert_int_equal(err->http_status, http_status);
    assert_int_equal(err->attempts, attempts);
    assert_non_null(err->request_id);
    assert_false(err->retryable);
}

/* custom_ca_bundle: the emulator's generated CA is trusted through it (the bundle is read
 * once by the client and handed to libcurl as a blob), and nothing else is. */
static void aws_client_trusts_custom_ca_bundle(void **state)
{
    struct tc_emu secure;
    assert_int_equal(tc_spawn(&secure, seed_path, true, NULL), 0);
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

/* --------------------------------------------------- the seed and the fixture */

static int group_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    json_t *seed = json_load_file(AWSEMU_SEEDS "/tutorial.json", 0, NULL);
    if (seed == NULL)
        return -1;
    json_t *res = json_array();
    json_array_append_new(res, json_pack("{s:s}", "path", "/"));
    for (int i = 0; i < BIG_RESOURCES; i++) {
        char p[32];
        snprintf(p, sizeof p, "/r%03d", i);
        json_array_append_new(res, json_pack("{s:s}", "path", p));
    }
    json_array_append_new(json_object_get(seed, "rest_apis"),
                          json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", BIG_API_ID, "name", "many",
                                    "account", "111111111111", "region", "us-east-1",
                                    "resources", res));
    snprintf(seed_path, sizeof seed_path, "/tmp/xa-cve-seed-%d.json", (int)getpid());
    int rc = json_dump_file(seed, seed_path, 0);
    json_decref(seed);
    if (rc != 0 || tc_spawn(&emu, seed_path, false, NULL) != 0)
        return -1;
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", emu.port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tc_kill(&emu);
    unlink(seed_path);
    curl_global_cleanup();
    return 0;
}

static int reset(void **state)
{
    (void)state;
    return ctl("POST", "/_emu/reset", NULL) == 200 ? 0 : -1;
}

/* ------------------------------------------------------------- typed calls */

static void aws_client_apigateway_calls(void **state)
{
    (void)state;
    struct aws_client *c = client_ok(&(struct copts){0});
    assert_string_equal(aws_client_account_id(c), "111111111111");
    struct aws_error err;
    aws_error_init(&err);

    struct sts_caller_identity id;
    expect_ok(sts_get_caller_identity(c, NULL, &id, &err), &err);
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
    expect_ok(sts_get_caller_identity(c, "us-east-1", &id, &err), &err);
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

/* API Gateway's default bucket: 10/s, burst 40. 60 calls from 4 threads at once. */
static void throttled_burst(bool adaptive)
{
    struct aws_client *c = client_ok(&(struct copts){.adaptive = adaptive});
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
    expect_ok(sts_get_caller_identity(c, "us-east-1", &id, &err), &err);
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
    expect_ok(sts_assume_role(api, NULL, &rc, &ar, &err), &err);
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
        cmocka_unit_test_setup(aws_client_apigateway_calls, reset),
        cmocka_unit_test_setup(aws_client_lambda_calls_via_assume_role, reset),
        cmocka_unit_test_setup(aws_client_lambda_calls_via_external_id, reset),
        cmocka_unit_test_setup(aws_client_error_answers, reset),
        cmocka_unit_test_setup(aws_client_wrong_secret_not_retried, reset),
        cmocka_unit_test_setup(aws_client_throttling_retried, reset),
        cmocka_unit_test_setup(aws_client_throttling_retried_adaptive, reset),
        cmocka_unit_test_setup(aws_client_5xx_retried, reset),
        cmocka_unit_test_setup(aws_client_lambda_and_sts_faults_retried, reset),
        cmocka_unit_test_setup(aws_client_connection_reset_retried, reset),
        cmocka_unit_test_setup(aws_client_lost_put_integration_retried_once, reset),
        cmocka_unit_test_setup(aws_client_lost_add_permission_meets_itself, reset),
        cmocka_unit_test_setup(aws_client_no_retries_sends_once, reset),
        cmocka_unit_test_setup(aws_client_retry_exhaustion_described, reset),
        cmocka_unit_test_setup(aws_client_expired_session_refreshed, reset),
        cmocka_unit_test_setup(aws_client_stop_during_backoff, reset),
        cmocka_unit_test_setup(aws_client_stop_during_request, reset),
        cmocka_unit_test_setup(aws_client_trace_log_has_no_secret, reset),
        cmocka_unit_test(aws_client_trusts_custom_ca_bundle),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
