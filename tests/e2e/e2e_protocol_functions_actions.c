/* e2e_protocol_functions_actions - provider functions and actions over the real
 * protocol, on tfplugin5 and tfplugin6, with the rules Terraform applies to them:
 *   - GetFunctions lists what GetProviderSchema lists; every result has the declared
 *     return type; an error names the argument at fault (function_argument), or none
 *     for the call as a whole; a null where a parameter takes none is refused;
 *   - source_arn and invoke_uri give what xacct_lambda_integration plans for the same
 *     wiring, across accounts and regions (one code path);
 *   - actions validate with attribute paths and invoke as a stream: progress messages as
 *     the action goes, then exactly one Completed event, last.
 * Actions run against awsemu (tutorial seed), for real:
 *   - xacct_test_invoke calls TestInvokeMethod: without the function's permission the
 *     method answers 500 and the run fails (a warning with allow_failure); with it the
 *     method answers 200 with the function's answer, and the run succeeds;
 *   - xacct_redeploy_stage refuses an API with a method that has no integration (saying
 *     what to do); once it is integrated, it deploys, the stage "prod" serves the new
 *     deployment (the emulator's state) and the stage's callers reach the function.
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

#define INTEGRATION_CONFIG                                                                   \
    "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\",\"http_method\":\"GET\","    \
    "\"function_arn\":\"" FN_ARN "\"}"
#define INVOKE_CONFIG(extra)                                                                 \
    "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\",\"http_method\":\"GET\"" extra "}"

/* The function account's permission for the integration's source ARN (caller destroys). */
static struct value *permit(struct xt_provider *fn, const struct value *integration,
                            struct value **config)
{
    *config = res_config(T_PERMISSION, "{\"function_name\":\"" FN_ARN "\",\"statement_id\":"
                         "\"AllowApiGatewayInvoke\",\"source_arn\":\"%s\"}",
                         value_attr_string(integration, "source_arn"));
    return tf_converge(fn, T_PERMISSION, NULL, *config);
}

static void invoke(struct xt_provider *p, const char *type, const char *json,
                   struct xt_action_run *run)
{
    struct value *config = json_value(xt_action_config_type(type), json);
    assert_int_equal(xt_invoke_action(p, type, config, run), 0);
    assert_int_equal(run->completed, 1);
    assert_true(run->completed_last);
    value_free(config);
}

/* Each action test starts from the seed, with an empty request log. */
static void emu_fresh(void)
{
    assert_int_equal(emu_http(&emulator, "POST", "/_emu/reset", NULL, NULL, NULL), 200);
    assert_int_equal(emu_http(&emulator, "DELETE", "/_emu/log", NULL, NULL, NULL), 200);
}

static const char *last_progress(const struct xt_action_run *run)
{
    assert_true(run->nprogress > 0);
    return run->progress[run->nprogress - 1];
}

static void test_invoke_calls_the_method(void **state)
{
    FIXTURE();
    emu_fresh();
    struct xt_provider *fn = start_provider_proto(&emulator, true, NULL, NULL, "6");
    struct value *ic = res_config(T_INTEGRATION, INTEGRATION_CONFIG);
    struct value *integration = tf_converge(f->api, T_INTEGRATION, NULL, ic);
    struct xt_result r;
    xt_result_init(&r);
    struct value *config = json_value(xt_action_config_type("xacct_test_invoke"),
                                      INVOKE_CONFIG(""));
    check(&r, xt_plan_action(f->api, "xacct_test_invoke", config, &r), "PlanAction");
    assert_int_equal(r.ndiags, 0);
    value_free(config);

    /* No permission yet: Lambda refuses API Gateway, the method answers 500. */
    struct xt_action_run run;
    invoke(f->api, "xacct_test_invoke", INVOKE_CONFIG(""), &run);
    assert_non_null(strstr(run.progress[0], "Finding GET /"));
    assert_non_null(strstr(run.progress[1], "GET / integrates with AWS_PROXY arn:aws:apigateway:"));
    assert_non_null(strstr(last_progress(&run), "GET / answered 500"));
    const struct xt_diag *failed = xt_find_diag(&run.r, "Test invocation failed");
    assert_non_null(failed);
    assert_non_null(strstr(failed->detail, "answered 500: {\"message\":\"Internal server error\"}"));
    assert_non_null(strstr(failed->detail, "allow_failure"));
    assert_non_null(strstr(failed->detail, "API Gateway's log:"));
    assert_non_null(strstr(failed->detail, "Invalid permissions on Lambda function"));
    xt_action_run_cleanup(&run);
    invoke(f->api, "xacct_test_invoke", INVOKE_CONFIG(",\"allow_failure\":true"), &run);
    assert_false(xt_has_error(&run.r));      /* a warning instead */
    assert_int_equal(run.r.ndiags, 1);
    assert_int_equal(run.r.diags[0].severity, 2);
    assert_string_equal(run.r.diags[0].summary, "Test invocation failed");
    xt_action_run_cleanup(&run);

    /* With the permission: 200 and the function's answer, no diagnostic. */
    struct value *pc, *perm = permit(fn, integration, &pc);
    invoke(f->api, "xacct_test_invoke", INVOKE_CONFIG(""), &run);
    assert_int_equal(run.r.ndiags, 0);
    assert_non_null(strstr(last_progress(&run), "GET / answered 200 in 12 ms: "));
    assert_non_null(strstr(last_progress(&run), "\"function_arn\":\"" FN_ARN "\""));
    assert_non_null(strstr(last_progress(&run), "\"stage\":\"test-invoke-stage\""));
    xt_action_run_cleanup(&run);
    assert_int_equal(emu_count_ops(&emulator, "TestInvokeMethod"), 3);

    invoke(f->api, "xacct_test_invoke",
           "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/nowhere\","
           "\"http_method\":\"GET\"}", &run);
    assert_non_null(xt_find_diag(&run.r, "has no GET method"));
    xt_action_run_cleanup(&run);
    tf_destroy(fn, T_PERMISSION, perm);
    tf_destroy(f->api, T_INTEGRATION, integration);
    value_free(pc);
    value_free(ic);
    xt_result_cleanup(&r);
    assert_int_equal(xt_stop(fn, NULL), 0);
}

/* The deployment stage "prod" serves, from the emulator's state (caller frees). */
static char *prod_deployment(void)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(&emulator, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *world = json_loads(xbuf_cstr(&dump), 0, NULL);
    json_t *api = json_object_get(json_object_get(world, "rest_apis"), API_ID);
    const char *id = json_string_value(
        json_object_get(json_object_get(json_object_get(api, "stages"), "prod"), "deploymentId"));
    char *out = id ? strdup(id) : NULL;
    json_decref(world);
    xbuf_cleanup(&dump);
    return out;
}

static void redeploy_stage_deploys_what_the_stage_serves(void **state)
{
    FIXTURE();
    emu_fresh();
    static const char redeploy[] = "{\"rest_api_id\":\"" API_ID "\",\"stage_name\":\"prod\","
                                   "\"description\":\"after the integration\"}";
    char *seeded = prod_deployment();
    assert_non_null(seeded);
    /* The seeded GET / has no integration: API Gateway refuses to deploy the API. */
    struct xt_action_run run;
    invoke(f->api, "xacct_redeploy_stage", redeploy, &run);
    assert_non_null(strstr(run.progress[0], "Reading REST API " API_ID));
    assert_non_null(strstr(run.progress[1], "(tutorial-api) on stage prod"));
    const struct xt_diag *refused = xt_find_diag(&run.r, "Cannot deploy the stage");
    assert_non_null(refused);
    assert_non_null(strstr(refused->detail, "every method must have an integration"));
    xt_action_run_cleanup(&run);
    char *still = prod_deployment();
    assert_string_equal(still, seeded);
    free(still);

    /* Integrated and permitted: the stage serves what it served until the redeploy. */
    struct xt_provider *fn = start_provider_proto(&emulator, true, NULL, NULL, "6");
    struct value *ic = res_config(T_INTEGRATION, INTEGRATION_CONFIG);
    struct value *integration = tf_converge(f->api, T_INTEGRATION, NULL, ic);
    struct value *pc, *perm = permit(fn, integration, &pc);
    char reason[256];
    assert_int_equal(emu_invoke(&emulator, "/", reason, sizeof reason), 500);
    invoke(f->api, "xacct_redeploy_stage", redeploy, &run);
    assert_false(xt_has_error(&run.r));
    char *deployed = prod_deployment();
    assert_non_null(deployed);
    assert_string_not_equal(deployed, seeded);
    char live[128];
    snprintf(live, sizeof live, "Deployment %s is live on stage prod", deployed);
    assert_string_equal(last_progress(&run), live);
    xt_action_run_cleanup(&run);
    assert_int_equal(emu_invoke(&emulator, "/", reason, sizeof reason), 200);

    tf_destroy(fn, T_PERMISSION, perm);
    tf_destroy(f->api, T_INTEGRATION, integration);
    free(deployed);
    free(seeded);
    value_free(pc);
    value_free(ic);
    assert_int_equal(xt_stop(fn, NULL), 0);
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
        T6(test_invoke_calls_the_method),       T5(test_invoke_calls_the_method),
        T6(redeploy_stage_deploys_what_the_stage_serves),
        T5(redeploy_stage_deploys_what_the_stage_serves),
    };
    return cmocka_run_group_tests_name("e2e_protocol_functions_actions", tests, group_setup,
                                       group_teardown);
}
