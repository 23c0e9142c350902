/* e2e_protocol_functions_actions - provider functions and actions over the real
 * protocol, on tfplugin5 and tfplugin6, with the rules Terraform applies to them:
 *   - GetFunctions lists what GetProviderSchema lists; every result has the declared
 *     return type; an error names the argument at fault (function_argument), or none
 *     for the call as a whole; a null where a parameter takes none is refused;
 *   - source_arn and invoke_uri give what xacct_lambda_integration plans for the same
 *     wiring, across accounts and regions (one code path);
 *   - actions validate with attribute paths, plan with a warning while their AWS call
 *     is not built, and invoke as a stream: progress messages as the action goes, then
 *     exactly one Completed event, last, whose error names what is missing.
 * Actions run against awsemu (tutorial seed): they read the API before the call they
 * cannot make yet.
 */
#include "tests/e2e/e2e_lambda_common.h"

static struct emu emulator;
static bool have_emulator;

struct fixture {
    struct xt_provider *api;
};

static int group_setup(void **state)
{
    have_emulator = emu_start(&emulator, NULL, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    if (have_emulator)
        emu_stop(&emulator);
    return 0;
}

static int setup_for(void **state, const char *protocols)
{
    if (!have_emulator) {
        *state = NULL;
        return 0;
    }
    struct fixture *f = calloc(1, sizeof *f);
    f->api = start_provider_proto(&emulator, false, NULL, NULL, protocols);
    *state = f;
    return 0;
}

static int setup5(void **state) { return setup_for(state, "5"); }
static int setup6(void **state) { return setup_for(state, "6"); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f)
        xt_stop(f->api, NULL);
    free(f);
    return 0;
}

#define FIXTURE()                  \
    struct fixture *f = *state;    \
    if (!f)                        \
        skip()

/* Calls name with string arguments (NULL: a null argument). The result's string, or NULL
 * with *argument and the error's text in *why. */
static char *call(struct xt_provider *p, const char *name, int64_t *argument, char *why,
                  size_t n, ...)
{
    struct value *args[8] = {0};
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        const struct type *t = xt_function_param_type(name, i);
        args[i] = !s ? value_new_null(t ? t : &type_string)
                  : t && t->kind == TYPE_BOOL ? value_new_bool(strcmp(s, "true") == 0)
                                              : value_new_string(s);
    }
    va_end(ap);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_call_function(p, name, (const struct value *const *)args, n, argument,
                                      &r), 0);
    char *out = NULL;
    why[0] = '\0';
    if (r.ndiags)
        snprintf(why, 512, "%s", r.diags[0].detail);
    else if (value_get_string(r.value))
        out = strdup(value_get_string(r.value));
    for (size_t i = 0; i < n; i++)
        value_free(args[i]);
    xt_result_cleanup(&r);
    return out;
}

/* ---- functions ------------------------------------------------------------------------- */

static void functions_are_listed_alike(void **state)
{
    FIXTURE();
    char m[128];
    struct xbuf resp;
    struct xt_result r;
    xbuf_init(&resp);
    xt_result_init(&r);
    assert_int_equal(xt_call(f->api, xt_method(f->api, "GetFunctions", m, sizeof m), "", 0, &resp),
                     0);
    Tfplugin6__GetFunctions__Response *fs = (void *)protobuf_c_message_unpack(
        &tfplugin6__get_functions__response__descriptor, NULL, resp.len, (uint8_t *)resp.data);
    assert_int_equal(xt_get_schema(f->api, &r), 0);
    Tfplugin6__GetProviderSchema__Response *ps = (void *)protobuf_c_message_unpack(
        &tfplugin6__get_provider_schema__response__descriptor, NULL, r.raw.len,
        (uint8_t *)r.raw.data);
    assert_non_null(fs);
    assert_non_null(ps);
    assert_int_equal(fs->n_functions, 4);
    assert_int_equal(ps->n_functions, fs->n_functions);
    for (size_t i = 0; i < fs->n_functions; i++) {
        assert_string_equal(fs->functions[i]->key, ps->functions[i]->key);
        assert_int_equal(fs->functions[i]->value->n_parameters,
                         ps->functions[i]->value->n_parameters);
        assert_true(fs->functions[i]->value->summary[0] != '\0');
    }
    protobuf_c_message_free_unpacked(&fs->base, NULL);
    protobuf_c_message_free_unpacked(&ps->base, NULL);
    xbuf_cleanup(&resp);
    xt_result_cleanup(&r);
}

static void functions_answer_and_name_the_argument(void **state)
{
    FIXTURE();
    int64_t arg;
    char why[512];
    char *s = call(f->api, "invoke_uri", &arg, why, 2, FN_ARN ":live", "true");
    assert_string_equal(s, "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/functions/"
                           FN_ARN ":live/response-streaming-invocations");
    free(s);
    assert_null(call(f->api, "invoke_uri", &arg, why, 2, "tutorial-hello", NULL));
    assert_int_equal(arg, 0);
    assert_non_null(strstr(why, "not a full Lambda function ARN"));
    assert_null(call(f->api, "invoke_uri", &arg, why, 2, NULL, NULL));     /* not nullable */
    assert_int_equal(arg, 0);
    s = call(f->api, "source_arn", &arg, why, 3, "arn:aws:execute-api:us-east-1:111111111111:"
             API_ID, "any", "/pets/{id}");
    assert_string_equal(s, "arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/*/pets/*");
    free(s);
    assert_null(call(f->api, "source_arn", &arg, why, 3, "arn:aws:execute-api:us-east-1:"
                     "111111111111:" API_ID, "FETCH", "/"));
    assert_int_equal(arg, 1);
    assert_null(call(f->api, "source_arn", &arg, why, 3, "arn:aws:execute-api:us-east-1:"
                     "111111111111:" API_ID, "GET", "pets"));
    assert_int_equal(arg, 2);
    assert_null(call(f->api, "source_arn", &arg, why, 3, "a1b2c3d4e5", "GET", "/"));
    assert_int_equal(arg, 0);
    assert_null(call(f->api, "source_arn", &arg, why, 2, "x", "GET"));     /* too few */
    assert_int_equal(arg, -1);
    assert_null(call(f->api, "no_such_function", &arg, why, 0));
    assert_int_equal(arg, -1);
    assert_non_null(strstr(why, "no function named"));
}

static void parse_lambda_arn_returns_an_object(void **state)
{
    FIXTURE();
    int64_t arg;
    struct value *a = value_new_string("222222222222:function:tutorial-hello:7");
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_call_function(f->api, "parse_lambda_arn", (const struct value *const *)&a, 1,
                               &arg, &r), "CallFunction");
    assert_string_equal(value_attr_string(r.value, "account_id"), "222222222222");
    assert_string_equal(value_attr_string(r.value, "function_name"), "tutorial-hello");
    assert_string_equal(value_attr_string(r.value, "qualifier"), "7");
    assert_true(value_is_null(value_attr(r.value, "region")));
    assert_true(value_is_null(value_attr(r.value, "function_arn")));
    value_free(a);
    a = value_new_string(FN_ARN ":live");
    xt_call_function(f->api, "parse_lambda_arn", (const struct value *const *)&a, 1, &arg, &r);
    assert_string_equal(value_attr_string(r.value, "function_arn"), FN_ARN);
    assert_string_equal(value_attr_string(r.value, "partition"), "aws");
    value_free(a);
    xt_result_cleanup(&r);
}

/* What the functions say equals what the integration plans, across regions. */
static void functions_agree_with_the_integration(void **state)
{
    FIXTURE();
    static const char *const methods[] = {"GET", "any", "post"};
    static const char *const paths[] = {"/", "/pets/{id}", "/a/{proxy+}"};
    for (size_t i = 0; i < 3; i++) {
        struct value *config = res_config(T_INTEGRATION,
                                          "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":"
                                          "\"%s\",\"http_method\":\"%s\",\"function_arn\":\""
                                          FN_ARN "\"}", paths[i], methods[i]);
        struct value *planned = tf_plan(f->api, T_INTEGRATION, NULL, config, NULL, NULL);
        int64_t arg;
        char why[512];
        char *s = call(f->api, "source_arn", &arg, why, 3, "arn:aws:execute-api:us-east-1:"
                       "111111111111:" API_ID, methods[i], paths[i]);
        assert_non_null(s);
        assert_string_equal(s, value_attr_string(planned, "source_arn"));
        free(s);
        s = call(f->api, "invoke_uri", &arg, why, 2, FN_ARN, NULL);
        assert_string_equal(s, value_attr_string(planned, "invoke_uri"));
        free(s);
        value_free(planned);
        value_free(config);
    }
}

/* ---- actions --------------------------------------------------------------------------- */

static void actions_validate_with_paths(void **state)
{
    FIXTURE();
    struct xt_result r;
    xt_result_init(&r);
    struct value *bad = json_value(xt_action_config_type("xacct_test_invoke"),
                                   "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"pets\","
                                   "\"http_method\":\"GET\"}");
    xt_validate_action(f->api, "xacct_test_invoke", NULL, &r);     /* no config block */
    assert_non_null(xt_find_diag(&r, "needs a config block"));
    xt_validate_action(f->api, "xacct_test_invoke", bad, &r);
    assert_true(xt_has_error(&r));
    assert_string_equal(r.diags[0].path, "resource_path");
    value_free(bad);
    bad = json_value(xt_action_config_type("xacct_redeploy_stage"), "{\"rest_api_id\":\"x\"}");
    xt_plan_action(f->api, "xacct_redeploy_stage", bad, &r);
    assert_non_null(xt_find_diag(&r, "required"));
    value_free(bad);
    xt_result_cleanup(&r);
}

static void test_invoke_streams_progress_then_one_completion(void **state)
{
    FIXTURE();
    struct value *wiring = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\","
                                      "\"resource_path\":\"/\",\"http_method\":\"GET\","
                                      "\"function_arn\":\"" FN_ARN "\"}");
    struct value *integration = tf_converge(f->api, T_INTEGRATION, NULL, wiring);
    struct value *config = json_value(xt_action_config_type("xacct_test_invoke"),
                                      "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\","
                                      "\"http_method\":\"GET\"}");
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_plan_action(f->api, "xacct_test_invoke", config, &r), "PlanAction");
    assert_int_equal(r.ndiags, 1);
    assert_int_equal(r.diags[0].severity, 2);        /* a warning: it will fail */
    struct xt_action_run run;
    assert_int_equal(xt_invoke_action(f->api, "xacct_test_invoke", config, &run), 0);
    assert_int_equal(run.completed, 1);
    assert_true(run.completed_last);
    assert_true(run.nprogress >= 3);
    assert_non_null(strstr(run.progress[0], "Finding GET /"));
    assert_non_null(strstr(run.progress[1], "GET / integrates with AWS_PROXY arn:aws:apigateway:"));
    assert_non_null(xt_find_diag(&run.r, "TestInvokeMethod"));
    xt_action_run_cleanup(&run);
    value_free(config);
    config = json_value(xt_action_config_type("xacct_test_invoke"),
                        "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/nowhere\","
                        "\"http_method\":\"GET\"}");
    assert_int_equal(xt_invoke_action(f->api, "xacct_test_invoke", config, &run), 0);
    assert_int_equal(run.completed, 1);
    assert_non_null(xt_find_diag(&run.r, "has no GET method"));
    xt_action_run_cleanup(&run);
    value_free(config);
    tf_destroy(f->api, T_INTEGRATION, integration);
    value_free(wiring);
    xt_result_cleanup(&r);
}

static void redeploy_stage_reads_the_api_then_names_the_missing_call(void **state)
{
    FIXTURE();
    struct value *config = json_value(xt_action_config_type("xacct_redeploy_stage"),
                                      "{\"rest_api_id\":\"" API_ID "\",\"stage_name\":\"prod\"}");
    struct xt_action_run run;
    assert_int_equal(xt_invoke_action(f->api, "xacct_redeploy_stage", config, &run), 0);
    assert_int_equal(run.completed, 1);
    assert_true(run.completed_last);
    assert_non_null(strstr(run.progress[0], "Reading REST API " API_ID));
    assert_non_null(strstr(run.progress[1], "(tutorial-api) on stage prod"));
    assert_non_null(xt_find_diag(&run.r, "CreateDeployment"));
    xt_action_run_cleanup(&run);
    value_free(config);
}

#define T6(f) cmocka_unit_test_setup_teardown(f, setup6, teardown)
#define T5(f) cmocka_unit_test_setup_teardown(f, setup5, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T6(functions_are_listed_alike),         T5(functions_are_listed_alike),
        T6(functions_answer_and_name_the_argument),
        T5(functions_answer_and_name_the_argument),
        T6(parse_lambda_arn_returns_an_object), T5(parse_lambda_arn_returns_an_object),
        T6(functions_agree_with_the_integration),
        T5(functions_agree_with_the_integration),
        T6(actions_validate_with_paths),        T5(actions_validate_with_paths),
        T6(test_invoke_streams_progress_then_one_completion),
        T5(test_invoke_streams_progress_then_one_completion),
        T6(redeploy_stage_reads_the_api_then_names_the_missing_call),
        T5(redeploy_stage_reads_the_api_then_names_the_missing_call),
    };
    return cmocka_run_group_tests_name("e2e_protocol_functions_actions", tests, group_setup,
                                       group_teardown);
}
