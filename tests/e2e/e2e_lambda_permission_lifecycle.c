/* e2e_lambda_permission_lifecycle - xacct_lambda_permission against awsemu over the real
 * protocol, with the function account's provider (assume_role from the API account):
 * drift read back truthfully and repaired (statement deleted, condition edited, function
 * deleted), import in both of hashicorp/aws's formats with an empty plan after (name vs
 * ARN, qualifier inside function_name), `moved` from aws_lambda_permission, state of
 * schema version 0, and the clear error when the API account's provider is used.
 * The shared policy cache is turned off (XACCT_POLICY_CACHE_TTL_MS=0) so that each
 * refresh sees the drift just made; e2e_lambda_permission_many tests the cache.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define SOURCE "arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/GET/"
#define CONFIG                                                                               \
    "{\"function_name\":\"tutorial-hello\",\"statement_id\":\"AllowApiGateway\","          \
    "\"source_arn\":\"" SOURCE "\"}"

struct fixture {
    struct emu e;
    struct xt_provider *fn;
    struct value *config, *state;
};

static const char *const no_cache[] = {"XACCT_POLICY_CACHE_TTL_MS=0", NULL};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!emu_start(&f->e, NULL, NULL)) {
        free(f);
        *state = NULL;
        return 0;
    }
    f->fn = start_provider_env(&f->e, true, NULL, no_cache);
    f->config = res_config(T_PERMISSION, CONFIG);
    f->state = tf_converge(f->fn, T_PERMISSION, NULL, f->config);
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
    xt_stop(f->fn, NULL);
    emu_stop(&f->e);
    free(f);
    return 0;
}

static void lambda_permission_drift_statement_deleted_recreates(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    emu_drift(&f->e, "{\"op\":\"delete_statement\",\"function_arn\":\"" FN_ARN "\",\"sid\":"
                     "\"AllowApiGateway\"}");
    assert_null(tf_read(f->fn, T_PERMISSION, f->state));
    value_free(f->state);
    f->state = tf_converge(f->fn, T_PERMISSION, NULL, f->config);
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, f->state, f->config));
}

static void lambda_permission_drift_condition_edited_replaces(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    emu_drift(&f->e, "{\"op\":\"delete_statement\",\"function_arn\":\"" FN_ARN "\",\"sid\":"
                     "\"AllowApiGateway\"}");
    emu_drift(&f->e, "{\"op\":\"add_statement\",\"function_arn\":\"" FN_ARN "\",\"statement\":"
                     "{\"Sid\":\"AllowApiGateway\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                     "\"apigateway.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
                     "\"Resource\":\"" FN_ARN "\",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":"
                     "\"arn:aws:execute-api:us-west-2:111111111111:zzzzzzzzzz/*/*/*\"}}}}");
    struct value *now = tf_read(f->fn, T_PERMISSION, f->state);
    assert_non_null(now);
    /* The condition key in lower case is AWS's too: read back, not lost. */
    assert_string_equal(value_attr_string(now, "source_arn"),
                        "arn:aws:execute-api:us-west-2:111111111111:zzzzzzzzzz/*/*/*");
    size_t rr = 0;
    value_free(tf_plan(f->fn, T_PERMISSION, now, f->config, &rr, NULL));
    assert_true(rr > 0);
    value_free(f->state);
    f->state = tf_converge(f->fn, T_PERMISSION, now, f->config);
    assert_string_equal(value_attr_string(f->state, "source_arn"), SOURCE);
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, f->state, f->config));
}

static void lambda_permission_drift_function_deleted(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    emu_drift(&f->e, "{\"op\":\"delete_function\",\"function_arn\":\"" FN_ARN "\"}");
    assert_null(tf_read(f->fn, T_PERMISSION, f->state));
    /* Destroying what is already gone succeeds. */
    tf_destroy(f->fn, T_PERMISSION, f->state);
    f->state = NULL;
}

static void lambda_permission_import_both_formats(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    struct value *imported = tf_import(f->fn, T_PERMISSION, "tutorial-hello/AllowApiGateway");
    assert_non_null(imported);
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, imported, f->config));
    /* The same function written as its ARN is no change either. */
    struct value *arn_config = res_config(T_PERMISSION,
                                          "{\"function_name\":\"" FN_ARN "\",\"statement_id\":"
                                          "\"AllowApiGateway\",\"source_arn\":\"" SOURCE "\"}");
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, imported, arn_config));
    value_free(arn_config);
    value_free(imported);

    /* A qualified permission, imported as FUNCTION:QUALIFIER/SID, configured with the
     * qualifier inside function_name. */
    struct value *live_config = res_config(T_PERMISSION,
                                           "{\"function_name\":\"tutorial-hello:live\","
                                           "\"statement_id\":\"AllowLive\",\"source_arn\":\"" SOURCE "\"}");
    struct value *live = tf_converge(f->fn, T_PERMISSION, NULL, live_config);
    struct value *live_imported = tf_import(f->fn, T_PERMISSION, "tutorial-hello:live/AllowLive");
    assert_string_equal(value_attr_string(live_imported, "qualifier"), "live");
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, live_imported, live_config));
    tf_destroy(f->fn, T_PERMISSION, live);
    value_free(live_imported);
    value_free(live_config);

    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_import(f->fn, T_PERMISSION, "AllowApiGateway", &r), 0);
    assert_non_null(xt_find_diag(&r, "FUNCTION_NAME/STATEMENT_ID"));
    xt_result_cleanup(&r);
}

static void lambda_permission_moved_and_upgraded(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    const char *aws_state =
        "{\"id\":\"AllowApiGateway\",\"action\":\"lambda:InvokeFunction\",\"event_source_token\":"
        "null,\"function_name\":\"tutorial-hello\",\"function_url_auth_type\":null,\"principal\":"
        "\"apigateway.amazonaws.com\",\"principal_org_id\":null,\"qualifier\":\"\","
        "\"source_account\":null,\"source_arn\":\"" SOURCE "\",\"statement_id\":\"AllowApiGateway\","
        "\"statement_id_prefix\":\"\"}";
    char err[512];
    struct value *moved = tf_move(f->fn, "aws_lambda_permission", aws_state, T_PERMISSION, err,
                                  sizeof err);
    if (!moved)
        fail_msg("MoveResourceState: %s", err);
    struct value *refreshed = tf_read(f->fn, T_PERMISSION, moved);
    assert_non_null(refreshed);
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, refreshed, f->config));
    value_free(refreshed);
    value_free(moved);

    struct xt_result r;
    xt_result_init(&r);
    const char *v0 = "{\"id\":\"AllowApiGateway\",\"function_name\":\"tutorial-hello\","
                     "\"statement_id\":\"AllowApiGateway\",\"action\":\"lambda:InvokeFunction\","
                     "\"principal\":\"apigateway.amazonaws.com\",\"source_arn\":\"" SOURCE "\"}";
    check(&r, xt_upgrade(f->fn, T_PERMISSION, 0, v0, &r), "UpgradeResourceState");
    struct value *up = xt_take_value(&r);
    xt_result_cleanup(&r);
    refreshed = tf_read(f->fn, T_PERMISSION, up);
    assert_true(tf_plan_is_noop(f->fn, T_PERMISSION, refreshed, f->config));
    value_free(refreshed);
    value_free(up);
}

/* A function's policy full (20 KB): the error says what happened and what to do, at
 * source_arn; the whole API in one statement (the integration's api_source_arn) fits. */
static void lambda_permission_full_policy_is_explained(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    /* Fill the policy with statements of one long method path each, out of band. */
    char json[2048], path[400];
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    for (int i = 0; i < 35; i++) {
        snprintf(json, sizeof json, "{\"op\":\"add_statement\",\"function_arn\":\"" FN_ARN "\","
                 "\"statement\":{\"Sid\":\"filler-%d\",\"Effect\":\"Allow\",\"Principal\":"
                 "{\"Service\":\"apigateway.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
                 "\"Resource\":\"" FN_ARN "\",\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":"
                 "\"arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/GET/%s%d\"}}}}", i, path,
                 i);
        emu_drift(&f->e, json);
    }
    struct value *c = res_config(T_PERMISSION, "{\"function_name\":\"tutorial-hello\","
                                 "\"statement_id\":\"OneMore\",\"source_arn\":\"arn:aws:execute-api:"
                                 "us-east-1:111111111111:" API_ID "/*/GET/%s\"}", path);
    struct value *planned = tf_plan(f->fn, T_PERMISSION, NULL, c, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_apply(f->fn, T_PERMISSION, NULL, planned, c, NULL, &r), 0);
    const struct xt_diag *full = xt_find_diag(&r, "PolicyLengthExceededException");
    assert_non_null(full);
    assert_string_equal(full->summary, "The function's resource policy is full");
    assert_non_null(strstr(full->detail, "api_source_arn"));
    assert_non_null(full->path);
    assert_string_equal(full->path, "source_arn");
    xt_result_cleanup(&r);
    value_free(planned);
    value_free(c);
}

static void lambda_permission_wrong_provider_is_explained(void **state)
{
    struct fixture *f = *state;
    if (!f)
        skip();
    struct xt_provider *api = start_provider(&f->e, false, "us-west-2");
    struct value *c = res_config(T_PERMISSION, "{\"function_name\":\"" FN_ARN "\",\"source_arn\":"
                                               "\"" SOURCE "\"}");
    struct value *proposed = proposed_new(T_PERMISSION, NULL, c);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_plan(api, T_PERMISSION, NULL, proposed, c, NULL, &r), 0);
    assert_non_null(xt_find_diag(&r, "function account's provider"));
    xt_result_cleanup(&r);
    value_free(proposed);
    value_free(c);
    xt_stop(api, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lambda_permission_drift_statement_deleted_recreates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_drift_condition_edited_replaces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_drift_function_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_import_both_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_moved_and_upgraded, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_full_policy_is_explained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lambda_permission_wrong_provider_is_explained, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("e2e_lambda_permission_lifecycle", tests, NULL, NULL);
}
