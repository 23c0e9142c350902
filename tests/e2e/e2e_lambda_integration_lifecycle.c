/* e2e_lambda_integration_lifecycle - xacct_lambda_integration against awsemu over the
 * real protocol, with the API account's provider: drift read back truthfully and
 * repaired (URI changed, type changed, integration deleted), import by hashicorp/aws's ID
 * with an empty plan after, a malformed ID's error, `moved` from hashicorp/aws's
 * aws_api_gateway_integration with no replacement, and state of schema version 0.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define CONFIG                                                                               \
    "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\",\"http_method\":\"GET\","    \
    "\"function_arn\":\"" FN_ARN "\"}"
#define SELECTOR "\"api_id\":\"" API_ID "\",\"path\":\"/\",\"http_method\":\"GET\""

struct fixture {
    struct emu e;
    struct xt_provider *api;
    struct value *config, *state;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!emu_start(&f->e, NULL, NULL)) {
        free(f);
        *state = NULL;
        return 0;
    }
    f->api = start_provider(&f->e, false, NULL);
    f->config = res_config(T_INTEGRATION, CONFIG);
    f->state = tf_converge(f->api, T_INTEGRATION, NULL, f->config);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (!f)
        return 0;
    value_free(f->state);
    value_free(f->config);
    xt_stop(f->api, NULL);
    emu_stop(&f->e);
    free(f);
    return 0;
}

/* Refresh sees the change (Terraform's -refresh-only would exit 2), plan repairs it, and
 * the plan after is empty. */
static void refresh_detects_and_plan_repairs(struct fixture *f, const char *drift,
                                             const char *attr, const char *want)
{
    emu_drift(&f->e, drift);
    struct value *now = tf_read(f->api, T_INTEGRATION, f->state);
    assert_non_null(now);
    assert_false(value_equal(now, f->state));
    assert_string_equal(value_attr_string(now, attr), want);
    value_free(f->state);
    f->state = tf_converge(f->api, T_INTEGRATION, now, f->config);
    struct value *again = tf_read(f->api, T_INTEGRATION, f->state);
    assert_true(value_equal(again, f->state));
    value_free(again);
    assert_true(tf_plan_is_noop(f->api, T_INTEGRATION, f->state, f->config));
}

static void lambda_integration_drift_uri_changed(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    refresh_detects_and_plan_repairs(
        f, "{\"op\":\"set_integration_uri\"," SELECTOR ",\"uri\":\"arn:aws:apigateway:us-west-2:"
           "lambda:path/2015-03-31/functions/" FN_ARN ":live/invocations\"}",
        "function_arn", FN_ARN ":live");
    assert_string_equal(value_attr_string(f->state, "function_arn"), FN_ARN);
}

static void lambda_integration_drift_type_changed(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    refresh_detects_and_plan_repairs(
        f, "{\"op\":\"patch_integration\"," SELECTOR ",\"integration\":{\"type\":\"AWS\"}}", "type",
        "AWS");
    assert_string_equal(value_attr_string(f->state, "type"), "AWS_PROXY");
}

static void lambda_integration_drift_deleted_recreates(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    emu_drift(&f->e, "{\"op\":\"delete_integration\"," SELECTOR "}");
    struct value *now = tf_read(f->api, T_INTEGRATION, f->state);
    assert_null(now);   /* gone: removed from state, the next plan creates it */
    value_free(f->state);
    f->state = tf_converge(f->api, T_INTEGRATION, NULL, f->config);
    assert_string_equal(value_attr_string(f->state, "id"), API_ID "/" ROOT_ID "/GET");
    assert_true(tf_plan_is_noop(f->api, T_INTEGRATION, f->state, f->config));
}

static void lambda_integration_import_then_empty_plan(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    struct value *imported = tf_import(f->api, T_INTEGRATION, API_ID "/" ROOT_ID "/GET");
    assert_true(value_equal(imported, f->state));
    assert_true(tf_plan_is_noop(f->api, T_INTEGRATION, imported, f->config));
    value_free(imported);

    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_import(f->api, T_INTEGRATION, API_ID "-GET", &r), 0);
    assert_non_null(xt_find_diag(&r, "REST-API-ID/RESOURCE-ID/HTTP-METHOD"));
    xt_result_cleanup(&r);
}

static void lambda_integration_moved_from_hashicorp_aws(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    /* What hashicorp/aws v5 stores for the same integration. */
    const char *aws_state =
        "{\"id\":\"agi-" API_ID "-" ROOT_ID "-GET\",\"rest_api_id\":\"" API_ID "\","
        "\"resource_id\":\"" ROOT_ID "\",\"http_method\":\"GET\",\"integration_http_method\":"
        "\"POST\",\"type\":\"AWS_PROXY\",\"uri\":\"arn:aws:apigateway:us-west-2:lambda:path/"
        "2015-03-31/functions/" FN_ARN "/invocations\",\"connection_type\":\"INTERNET\","
        "\"connection_id\":\"\",\"credentials\":\"\",\"passthrough_behavior\":\"WHEN_NO_MATCH\","
        "\"cache_key_parameters\":[],\"cache_namespace\":\"" ROOT_ID "\",\"content_handling\":\"\","
        "\"request_parameters\":{},\"request_templates\":{},\"timeout_milliseconds\":29000,"
        "\"tls_config\":[]}";
    char err[512];
    struct value *moved = tf_move(f->api, "aws_api_gateway_integration", aws_state, T_INTEGRATION,
                                  err, sizeof err);
    if (!moved)
        fail_msg("MoveResourceState: %s", err);
    struct value *refreshed = tf_read(f->api, T_INTEGRATION, moved);
    assert_non_null(refreshed);
    size_t rr = 1;
    struct value *planned = tf_plan(f->api, T_INTEGRATION, refreshed, f->config, &rr, NULL);
    assert_int_equal(rr, 0);   /* adopted, not replaced */
    value_free(planned);
    value_free(refreshed);
    value_free(moved);

    assert_null(tf_move(f->api, "aws_s3_bucket", "{}", T_INTEGRATION, err, sizeof err));
    assert_non_null(strstr(err, "aws_api_gateway_integration"));
}

/* Response streaming in place: the streaming URI and a 15-minute timeout reach API
 * Gateway; read back, nothing drifts; back to buffered. */
static void lambda_integration_streaming_in_place(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    struct value *c = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\","
                                 "\"resource_path\":\"/\",\"http_method\":\"GET\","
                                 "\"function_arn\":\"" FN_ARN "\",\"response_transfer_mode\":"
                                 "\"STREAM\",\"timeout_milliseconds\":900000}");
    size_t rr = 0;
    value_free(tf_plan(f->api, T_INTEGRATION, f->state, c, &rr, NULL));
    assert_int_equal(rr, 0);
    f->state = tf_converge(f->api, T_INTEGRATION, f->state, c);
    assert_string_equal(value_attr_string(f->state, "invoke_uri"),
                        "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/functions/" FN_ARN
                        "/response-streaming-invocations");
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(&f->e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *w = json_loads(xbuf_cstr(&dump), 0, NULL);
    json_t *integ = json_object_get(json_object_get(json_object_get(json_object_get(
        json_object_get(json_object_get(w, "rest_apis"), API_ID), "resources"), ROOT_ID),
        "resourceMethods"), "GET");
    integ = json_object_get(integ, "methodIntegration");
    assert_string_equal(json_string_value(json_object_get(integ, "responseTransferMode")),
                        "STREAM");
    assert_int_equal(json_integer_value(json_object_get(integ, "timeoutInMillis")), 900000);
    json_decref(w);
    xbuf_cleanup(&dump);
    struct value *again = tf_read(f->api, T_INTEGRATION, f->state);
    assert_true(value_equal(again, f->state));
    value_free(again);
    assert_true(tf_plan_is_noop(f->api, T_INTEGRATION, f->state, c));
    f->state = tf_converge(f->api, T_INTEGRATION, f->state, f->config);
    assert_string_equal(value_attr_string(f->state, "response_transfer_mode"), "BUFFERED");
    value_free(c);
}

static void lambda_integration_upgrade_from_version_0(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    struct xt_result r;
    xt_result_init(&r);
    const char *v0 = "{\"id\":\"" API_ID "/" ROOT_ID "/GET\",\"rest_api_id\":\"" API_ID "\","
                     "\"resource_id\":\"" ROOT_ID "\",\"resource_path\":\"/\",\"http_method\":"
                     "\"GET\",\"type\":\"AWS_PROXY\",\"timeout_milliseconds\":29000,"
                     "\"function_arn\":\"" FN_ARN "\",\"uri\":\"arn:aws:apigateway:us-west-2:"
                     "lambda:path/2015-03-31/functions/" FN_ARN "/invocations\"}";
    check(&r, xt_upgrade(f->api, T_INTEGRATION, 0, v0, &r), "UpgradeResourceState");
    struct value *up = xt_take_value(&r);
    xt_result_cleanup(&r);
    assert_true(value_is_wholly_known(up));
    struct value *refreshed = tf_read(f->api, T_INTEGRATION, up);
    assert_true(tf_plan_is_noop(f->api, T_INTEGRATION, refreshed, f->config));
    value_free(refreshed);
    value_free(up);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lambda_integration_drift_uri_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_drift_type_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_drift_deleted_recreates, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_import_then_empty_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_moved_from_hashicorp_aws, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_streaming_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_integration_upgrade_from_version_0, setup, teardown),
    };
    return cmocka_run_group_tests_name("e2e_lambda_integration_lifecycle", tests, NULL, NULL);
}
