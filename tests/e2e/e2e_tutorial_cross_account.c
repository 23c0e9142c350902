/* e2e_tutorial_cross_account - AWS's cross-account Lambda proxy integration tutorial,
 * end to end over the real protocol against awsemu: two provider processes like
 * Terraform's two configurations (the API account with its own keys; the function
 * account through assume_role from the first), a plan that shows the values known at plan
 * time, apply of both, API Gateway's invocation answering 200, an empty plan after, and a
 * destroy that leaves nothing in the emulator (the invocation then answers 500).
 */
#include "tests/e2e/e2e_lambda_common.h"

#define INTEGRATION_CONFIG                                                                   \
    "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\",\"http_method\":\"GET\","    \
    "\"function_arn\":\"" FN_ARN "\"}"

static void tutorial_apply_invoke_plan_destroy(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *api = start_provider(&e, false, NULL);
    struct xt_provider *fn = start_provider(&e, true, NULL);

    /* Plan: what is known before anything exists. */
    struct value *ic = res_config(T_INTEGRATION, INTEGRATION_CONFIG);
    struct value *planned = tf_plan(api, T_INTEGRATION, NULL, ic, NULL, NULL);
    assert_string_equal(value_attr_string(planned, "invoke_uri"),
                        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_ARN
                        "/invocations");
    assert_string_equal(value_attr_string(planned, "api_account_id"), "111111111111");
    assert_string_equal(value_attr_string(planned, "function_account_id"), "222222222222");
    assert_string_equal(value_attr_string(planned, "function_region"), "us-west-2");
    const char *planned_source = value_attr_string(planned, "source_arn");
    assert_non_null(planned_source);
    printf("# planned source_arn %s\n", planned_source);

    struct value *integ = tf_apply(api, T_INTEGRATION, NULL, planned, ic, false);
    assert_string_equal(value_attr_string(integ, "id"), API_ID "/" ROOT_ID "/GET");
    assert_string_equal(value_attr_string(integ, "source_arn"), planned_source);
    value_free(planned);

    /* The permission, with the function account's provider and the integration's ARN. */
    struct value *pc = res_config(T_PERMISSION,
                                  "{\"function_name\":\"" FN_ARN "\",\"statement_id\":"
                                  "\"AllowApiGatewayInvoke\",\"source_arn\":\"%s\"}",
                                  value_attr_string(integ, "source_arn"));
    struct value *perm = tf_converge(fn, T_PERMISSION, NULL, pc);
    assert_string_equal(value_attr_string(perm, "id"), "AllowApiGatewayInvoke");

    /* Checked at the end so that one mismatch does not hide the rest of the run. */
    char reason[256];
    emu_deploy(&e, API_ID);
    long invoked = emu_invoke(&e, "/", reason, sizeof reason);
    if (invoked != 200)
        printf("# execute-api answered %ld (%s) for permission source_arn %s\n", invoked,
               reason, value_attr_string(perm, "source_arn"));

    assert_true(tf_plan_is_noop(api, T_INTEGRATION, integ, ic));
    assert_true(tf_plan_is_noop(fn, T_PERMISSION, perm, pc));
    struct value *again = tf_read(fn, T_PERMISSION, perm);
    assert_true(value_equal(again, perm));
    value_free(again);

    /* Destroy: the permission first (it depends on the integration), then the integration. */
    tf_destroy(fn, T_PERMISSION, perm);
    tf_destroy(api, T_INTEGRATION, integ);
    assert_int_equal(emu_invoke(&e, "/", reason, sizeof reason), 500);
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(&e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    /* The live method has no integration any more (deployments keep their snapshots). */
    json_t *world = json_loads(xbuf_cstr(&dump), 0, NULL);
    json_t *live = json_object_get(json_object_get(json_object_get(world, "rest_apis"), API_ID),
                                   "resources");
    char *resources = json_dumps(live, 0);
    assert_null(strstr(resources, "methodIntegration"));
    free(resources);
    json_decref(world);
    assert_null(strstr(xbuf_cstr(&dump), "AllowApiGatewayInvoke"));
    xbuf_cleanup(&dump);

    value_free(ic);
    value_free(pc);
    assert_int_equal(xt_stop(api, NULL), 0);
    assert_int_equal(xt_stop(fn, NULL), 0);
    emu_stop(&e);
    if (invoked != 200)
        fail_msg("API Gateway could not invoke the function (HTTP %ld: %s). The source ARN "
                 "region rule (aws/arn.h: the API's region for a method's calls) and "
                 "the emulator's rule must agree.", invoked, reason);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tutorial_apply_invoke_plan_destroy),
    };
    return cmocka_run_group_tests_name("e2e_tutorial_cross_account", tests, NULL, NULL);
}
