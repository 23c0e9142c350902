/* tests/integration/client_fixture.c - the emulator, clients and checks the AWS client's
 * integration tests share (client_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "client_fixture.h"

struct tc_emu emu;
char endpoint[64];
static char seed_path[128];

double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long ctl(const char *method, const char *path, const char *body)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&emu, method, path, body, &r);
    long status = r.status;
    tc_reply_cleanup(&r);
    return status;
}

void faults(const char *json)
{
    assert_int_equal(ctl("POST", "/_emu/faults", json), 200);
}

int logged(const char *operation, long status, const char *fault)
{
    int n = tc_log_count(&emu, operation, status, fault);
    assert_true(n >= 0);
    return n;
}

enum xa_status client_new(const struct copts *o, struct aws_client **c, struct aws_error *err)
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

struct aws_client *client_ok(const struct copts *o)
{
    struct aws_client *c = NULL;
    struct aws_error err;
    enum xa_status st = client_new(o, &c, &err);
    if (st != XA_OK)
        fail_msg("aws_client_new: %s (%s)", xa_status_str(st), err.message ? err.message : "");
    aws_error_cleanup(&err);
    return c;
}

void expect_ok(enum xa_status st, const struct aws_error *err)
{
    if (st != XA_OK) {
        struct xbuf d;
        xbuf_init(&d);
        aws_error_describe(err, &d);
        fail_msg("%s: %s", xa_status_str(st), xbuf_cstr(&d));
    }
}

void expect_aws_error(enum xa_status st, const struct aws_error *err, const char *code,
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

int client_group_setup(void **state)
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

int client_group_teardown(void **state)
{
    (void)state;
    tc_kill(&emu);
    unlink(seed_path);
    curl_global_cleanup();
    return 0;
}

int client_reset(void **state)
{
    (void)state;
    return ctl("POST", "/_emu/reset", NULL) == 200 ? 0 : -1;
}

