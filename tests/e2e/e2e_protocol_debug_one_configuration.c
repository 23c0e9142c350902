/* e2e_protocol_debug_one_configuration - a provider started with -debug serves exactly one
 * provider configuration. Terraform and OpenTofu send every configuration of the provider
 * to the one process named in TF_REATTACH_PROVIDERS; before this rule the last
 * ConfigureProvider won and plans silently used the other block's account. Here, over the
 * plaintext gRPC a reattaching CLI uses: the same configuration again is accepted (every
 * terraform command configures anew), a different one is refused with a diagnostic that
 * says how to debug the tutorial, and plans keep the first configuration's account. A
 * configuration that failed does not claim the process.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define INTEGRATION_CONFIG                                                                   \
    "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\",\"http_method\":\"GET\","    \
    "\"function_arn\":\"" FN_ARN "\"}"

static struct value *provider_config(const struct emu *e, bool function_account,
                                     const char *secret)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"region\":\"%s\",\"access_key\":\"" API_KEY "\",\"secret_key\":\"%s\","
             "%s\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}],"
             "\"max_retries\":2}",
             function_account ? "us-west-2" : "us-east-1", secret,
             function_account ? "\"assume_role\":[{\"role_arn\":\"" ROLE_ARN "\"}]," : "",
             e->url, e->url, e->url);
    return json_value(xt_provider_config_type(), json);
}

static void planned_api_account_is(struct xt_provider *p, const char *account)
{
    struct value *ic = res_config(T_INTEGRATION, INTEGRATION_CONFIG);
    struct value *planned = tf_plan(p, T_INTEGRATION, NULL, ic, NULL, NULL);
    assert_string_equal(value_attr_string(planned, "api_account_id"), account);
    value_free(planned);
    value_free(ic);
}

static void debug_process_serves_one_configuration(void **state)
{
    (void)state;
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *p = xt_start(&(struct xt_options){
        .debug = true, .stderr_path = "/tmp/xacct-e2e-provider.log", .timeout_ms = 60000});
    assert_non_null(p);
    assert_int_equal(xt_protocol(p), 6);
    struct value *bad = provider_config(&e, false, "not-the-secret-key-of-this-access-key");
    struct value *api = provider_config(&e, false, API_SECRET);
    struct value *fn = provider_config(&e, true, API_SECRET);
    struct xt_result r;
    xt_result_init(&r);

    /* A configuration that fails (wrong secret) does not claim the process. */
    assert_int_equal(xt_configure(p, bad, &r), 0);
    assert_true(xt_has_error(&r));
    assert_null(xt_find_diag(&r, "One provider configuration per debug process"));

    /* The first configuration that works is the one served, as often as it comes. */
    check(&r, xt_configure(p, api, &r), "ConfigureProvider (api)");
    check(&r, xt_configure(p, api, &r), "ConfigureProvider (api, again)");
    planned_api_account_is(p, "111111111111");

    /* The tutorial's second block is refused, with what to do instead. */
    assert_int_equal(xt_configure(p, fn, &r), 0);
    const struct xt_diag *d = xt_find_diag(&r, "One provider configuration per debug process");
    assert_non_null(d);
    assert_non_null(strstr(d->detail, "they differ in: assume_role, region"));
    assert_non_null(strstr(d->detail, "-target=xacct_lambda_integration.hello"));
    assert_non_null(strstr(d->detail, "one debug process per configuration"));

    /* Never a plan with the other block's account. */
    planned_api_account_is(p, "111111111111");

    xt_result_cleanup(&r);
    value_free(bad);
    value_free(api);
    value_free(fn);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

/* Managed processes (one per configuration, as Terraform starts them) are not limited. */
static void managed_process_takes_a_new_configuration(void **state)
{
    (void)state;
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *p = xt_start(&(struct xt_options){
        .stderr_path = "/tmp/xacct-e2e-provider.log", .timeout_ms = 60000});
    assert_non_null(p);
    struct value *api = provider_config(&e, false, API_SECRET);
    struct value *fn = provider_config(&e, true, API_SECRET);
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_configure(p, api, &r), "ConfigureProvider (api)");
    check(&r, xt_configure(p, fn, &r), "ConfigureProvider (function)");
    planned_api_account_is(p, "222222222222");
    xt_result_cleanup(&r);
    value_free(api);
    value_free(fn);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debug_process_serves_one_configuration),
        cmocka_unit_test(managed_process_takes_a_new_configuration),
    };
    return cmocka_run_group_tests_name("e2e_protocol_debug_one_configuration", tests, NULL, NULL);
}
