/* e2e_stage_deployment - xacct_stage_deployment against awsemu over the real protocol:
 *  - API Gateway refuses to deploy an API with a method that has no integration, and the
 *    error says what to do; once the method is integrated the stage serves it;
 *  - CreateDeployment's quota (1 request per 5 s per account): one provider process
 *    deploying two stages at once paces them (no TooManyRequestsException in the
 *    emulator's log); another process deploying right after meets the quota and retries
 *    (a 429 in the log, both stages deployed, no error);
 *  - a CreateDeployment whose every answer is lost: the stage stays in the state with the
 *    error, the next refresh adopts what the stage serves and the next apply deploys.
 */
#include <pthread.h>

#include "tests/e2e/e2e_lambda_common.h"

#define T_STAGE "xacct_stage_deployment"
#define STAGE_CONFIG(name)                                                                  \
    "{\"rest_api_id\":\"" API_ID "\",\"stage_name\":\"" name "\",\"triggers\":{\"v\":\"1\"}}"

/* Lines of the emulator's log for operation with this HTTP status. */
static int log_count(const struct emu *e, const char *operation, int status)
{
    struct xbuf out;
    xbuf_init(&out);
    emu_http(e, "GET", "/_emu/log", NULL, &out, NULL);
    char op[96], st[32];
    snprintf(op, sizeof op, "\"operation\":\"%s\"", operation);
    snprintf(st, sizeof st, "\"status\":%d", status);
    int n = 0;
    for (const char *line = xbuf_cstr(&out); line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        n += strstr(buf, op) && strstr(buf, st);
        line = end ? end + 1 : NULL;
    }
    xbuf_cleanup(&out);
    return n;
}

struct deploy_job {
    struct xt_provider *p;
    const char *config;
    struct value *state;
};

static void *deploy_thread(void *arg)
{
    struct deploy_job *j = arg;
    struct value *c = res_config(T_STAGE, "%s", j->config);
    j->state = tf_converge(j->p, T_STAGE, NULL, c);
    value_free(c);
    return NULL;
}

/* Deploys jobs[0..n) at once; each job's provider may be the same process. */
static void deploy_together(struct deploy_job *jobs, size_t n)
{
    pthread_t t[4];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pthread_create(&t[i], NULL, deploy_thread, &jobs[i]), 0);
    for (size_t i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

static void deploy_refused_then_paced(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *api = start_provider(&e, false, NULL);
    struct value *sc = res_config(T_STAGE, STAGE_CONFIG("prod"));
    struct value *planned = tf_plan(api, T_STAGE, NULL, sc, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_apply(api, T_STAGE, NULL, planned, sc, NULL, &r), 0);
    const struct xt_diag *why = xt_find_diag(&r, "No integration defined for method");
    assert_non_null(why);
    assert_non_null(strstr(why->detail, "every method must have an integration"));
    xt_result_cleanup(&r);
    value_free(planned);

    struct value *ic = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\","
                                  "\"resource_path\":\"/\",\"http_method\":\"GET\","
                                  "\"function_arn\":\"" FN_ARN "\"}");
    struct value *integ = tf_converge(api, T_INTEGRATION, NULL, ic);
    /* One process, two stages at once: paced, never refused. */
    assert_int_equal(emu_http(&e, "DELETE", "/_emu/log", NULL, NULL, NULL), 200);
    struct deploy_job one[2] = {{api, STAGE_CONFIG("alpha"), NULL},
                                {api, STAGE_CONFIG("beta"), NULL}};
    deploy_together(one, 2);
    assert_int_equal(log_count(&e, "CreateDeployment", 201), 2);
    assert_int_equal(log_count(&e, "CreateDeployment", 429), 0);
    bool created = false;
    assert_true(value_get_bool(value_attr(one[0].state, "created_stage"), &created) && created);
    /* Another process right after: the quota refuses it, and it retries after Retry-After. */
    struct xt_provider *other = start_provider(&e, false, NULL);
    assert_int_equal(emu_http(&e, "DELETE", "/_emu/log", NULL, NULL, NULL), 200);
    struct deploy_job two[2] = {{api, STAGE_CONFIG("gamma"), NULL},
                                {other, STAGE_CONFIG("delta"), NULL}};
    deploy_thread(&two[0]);
    deploy_thread(&two[1]);
    assert_int_equal(log_count(&e, "CreateDeployment", 201), 2);
    assert_true(log_count(&e, "CreateDeployment", 429) >= 1);
    tf_destroy(api, T_STAGE, one[0].state);
    tf_destroy(api, T_STAGE, one[1].state);
    tf_destroy(api, T_STAGE, two[0].state);
    tf_destroy(other, T_STAGE, two[1].state);
    tf_destroy(api, T_INTEGRATION, integ);
    value_free(ic);
    value_free(sc);
    assert_int_equal(xt_stop(other, NULL), 0);
    assert_int_equal(xt_stop(api, NULL), 0);
    emu_stop(&e);
}

static void deploy_with_every_answer_lost(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, "{\"operation_limits\":{\"CreateDeployment\":{\"rate\":1000,"
                              "\"burst\":1000}}}"))
        skip();
    static const char *const env[] = {"XACCT_CREATE_DEPLOYMENT_INTERVAL_MS=0", NULL};
    /* max_retries 2: three attempts, seconds of backoff (the default's nine take up to 91 s). */
    struct xt_provider *api = start_provider_with(&e, false, NULL, env, NULL, 2);
    emu_drift(&e, "{\"op\":\"patch_method\",\"api_id\":\"" API_ID "\",\"path\":\"/\","
                  "\"method\":{\"methodIntegration\":{\"type\":\"MOCK\"}}}");
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"lose_next\":3,\"operations\":"
                              "[\"CreateDeployment\"]}", NULL, NULL), 200);
    struct value *sc = res_config(T_STAGE, STAGE_CONFIG("prod"));
    struct value *planned = tf_plan(api, T_STAGE, NULL, sc, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_apply(api, T_STAGE, NULL, planned, sc, NULL, &r), 0);
    assert_true(xt_has_error(&r));
    assert_non_null(xt_find_diag(&r, "Cannot deploy the stage"));
    struct value *kept = xt_take_value(&r);
    xt_result_cleanup(&r);
    assert_string_equal(value_attr_string(kept, "id"), API_ID "/prod");
    assert_true(value_is_null(value_attr(kept, "triggers")));
    /* The next refresh adopts what the stage serves; the next apply deploys again. */
    struct value *read = tf_read(api, T_STAGE, kept);
    assert_non_null(value_attr_string(read, "deployment_id"));
    size_t rr = 0;
    struct value *again = tf_plan(api, T_STAGE, read, sc, &rr, NULL);
    assert_int_equal(rr, 0);
    assert_true(value_is_unknown(value_attr(again, "deployment_id")));
    value_free(again);
    struct value *done = tf_converge(api, T_STAGE, read, sc);
    assert_true(tf_plan_is_noop(api, T_STAGE, done, sc));
    tf_destroy(api, T_STAGE, done);
    value_free(kept);
    value_free(planned);
    value_free(sc);
    assert_int_equal(xt_stop(api, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deploy_refused_then_paced),
        cmocka_unit_test(deploy_with_every_answer_lost),
    };
    return cmocka_run_group_tests_name("e2e_stage_deployment", tests, NULL, NULL);
}
