/* e2e_lambda_integration_unknown_outcome - creates whose outcome is unknown lose nothing.
 *
 * N integrations, one per method of one REST API, are created under faults with
 * max_retries = 1 (two attempts): answers lost after API Gateway did the work, connection
 * resets and server errors, at 25 % and at 50 % of API Gateway's answers (throttling off,
 * so that the rate is the fault rate). Terraform keeps what each create returns: a state,
 * a state with an error (tainted) or nothing. Then:
 *  - every integration API Gateway holds is in some state (none untracked);
 *  - after a second, clean apply as Terraform makes it (refresh, tainted objects deleted
 *    and created again, failed ones created), every method has its integration, each in
 *    exactly one state: 0 orphans, 0 duplicates. The figures are printed.
 * StopProvider during a PutIntegration that API Gateway carries out late (the emulator
 * delays its work and answer) leaves the integration in state, and the next apply
 * replaces it.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define N 100
#define PARALLELISM 10   /* terraform apply's default */

/* ---- the API's integrations in the emulator -------------------------------------- */

/* Whether method GET of resource resNNNNNNN has an integration, per resource. */
static void integrations(const struct emu *e, bool *has, int n)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *world = json_loads(xbuf_cstr(&dump), 0, NULL);
    xbuf_cleanup(&dump);
    assert_non_null(world);
    json_t *resources = json_object_get(json_object_get(json_object_get(world, "rest_apis"),
                                                        API_ID), "resources");
    assert_non_null(resources);
    for (int i = 0; i < n; i++) {
        char rid[16];
        snprintf(rid, sizeof rid, "res%07d", i);
        json_t *get = json_object_get(json_object_get(json_object_get(resources, rid),
                                                      "resourceMethods"), "GET");
        has[i] = json_object_get(get, "methodIntegration") != NULL;
    }
    json_decref(world);
}

struct tally {
    int found, untracked, duplicates;
};

/* Integrations in AWS, those no state holds, and states beyond the first of one id. */
static struct tally count(const struct emu *e, struct value *const *states, int n)
{
    struct tally t = {0};
    bool has[N];
    integrations(e, has, n);
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, API_ID "/res%07d/GET", i);
        int holders = 0;
        for (int k = 0; k < n; k++)
            holders += states[k] && strcmp(value_attr_string(states[k], "id"), id) == 0;
        t.found += has[i];
        t.untracked += has[i] && holders == 0;
        t.duplicates += holders > 1 ? holders - 1 : 0;
    }
    return t;
}

static struct value *config_of(int i)
{
    return res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":"
                                     "\"/item%02d\",\"http_method\":\"GET\",\"function_arn\":"
                                     "\"" FN_ARN "\"}", i);
}

/* ---- two applies ------------------------------------------------------------------ */

static void lost_answers_at(double rate, int seed)
{
    struct emu e;
    char *world = emu_seed_with_resources(N);
    bool started = emu_start(&e, world, NULL);
    free(world);
    if (!started)
        skip();
    struct value *config[N], *state[N];
    bool failed[N];
    struct tf_batch b = {.p = start_provider_retries(&e, false, NULL, NULL, 1),
                         .type = T_INTEGRATION, .n = N, .config = config, .state = state,
                         .failed = failed};
    for (int i = 0; i < N; i++)
        config[i] = config_of(i);
    char faults[256];
    snprintf(faults, sizeof faults,
             "{\"throttle\":false,\"lost_response_rate\":%.3f,\"error_rate\":%.3f,"
             "\"reset_rate\":%.3f,\"seed\":%d,\"services\":[\"apigateway\"]}",
             rate / 2, rate / 4, rate / 4, seed);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", faults, NULL, NULL), 200);
    tf_batch_apply(&b, false, PARALLELISM);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"reset\":true,\"throttle\":false}",
                              NULL, NULL), 200);
    int nfailed = 0, tainted = 0;
    for (int i = 0; i < N; i++) {
        nfailed += failed[i];
        tainted += failed[i] && state[i];
    }
    struct tally first = count(&e, state, N);
    printf("# %.0f %% faults, max_retries = 1: %d of %d creates failed (%d kept as tainted); "
           "API Gateway holds %d integrations, %d of them in no state\n",
           rate * 100, nfailed, N, tainted, first.found, first.untracked);

    /* The next apply: a new provider process, no faults (nor throttling, which two
     * attempts might not outlast). */
    assert_int_equal(xt_stop(b.p, NULL), 0);
    b.p = start_provider_retries(&e, false, NULL, NULL, 1);
    tf_batch_apply(&b, true, PARALLELISM);
    struct tally second = count(&e, state, N);
    printf("# after a second apply: %d integrations expected, %d found, %d orphans, "
           "%d duplicates\n", N, second.found, second.untracked, second.duplicates);
    assert_int_equal(first.untracked, 0);
    assert_int_equal(second.found, N);
    assert_int_equal(second.untracked, 0);
    assert_int_equal(second.duplicates, 0);
    for (int i = 0; i < N; i++) {
        assert_non_null(state[i]);
        assert_true(tf_plan_is_noop(b.p, T_INTEGRATION, state[i], config[i]));
        value_free(state[i]);
        value_free(config[i]);
    }
    assert_int_equal(xt_stop(b.p, NULL), 0);
    emu_stop(&e);
}

static void lambda_integration_lost_answers_25_percent(void **state)
{
    lost_answers_at(0.25, 25);
}

static void lambda_integration_lost_answers_50_percent(void **state)
{
    lost_answers_at(0.50, 50);
}

/* ---- StopProvider during a create ------------------------------------------------- */

static void lambda_integration_stop_during_create_keeps_it(void **state)
{
    struct emu e;
    char *world = emu_seed_with_resources(1);
    bool started = emu_start(&e, world, NULL);
    free(world);
    if (!started)
        skip();
    struct xt_provider *p = start_provider_retries(&e, false, NULL, NULL, 1);
    struct value *config = config_of(0);
    /* API Gateway puts the integration 3 s after the request, whatever became of the
     * caller. */
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults",
                              "{\"latency_ms\":3000,\"operations\":[\"PutIntegration\"]}", NULL,
                              NULL), 200);
    bool failed;
    struct xt_result r;
    struct value *kept = tf_create_stopped(&e, p, T_INTEGRATION, config, "PutIntegration",
                                           &failed, &r);
    assert_true(failed);
    const struct xt_diag *dg = xt_find_diag(&r, "kept in the state as tainted");
    if (!dg)
        xt_print_diags(&r);
    assert_non_null(dg);
    xt_result_cleanup(&r);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"reset\":true}", NULL, NULL), 200);
    /* The integration API Gateway put is the one in state. */
    assert_non_null(kept);
    assert_string_equal(value_attr_string(kept, "id"), API_ID "/res0000000/GET");
    struct tally first = count(&e, &kept, 1);
    assert_int_equal(first.found, 1);
    assert_int_equal(first.untracked, 0);
    xt_stop(p, NULL);

    p = start_provider_retries(&e, false, NULL, NULL, 1);
    kept = tf_apply_again(p, T_INTEGRATION, kept, failed, config);
    struct tally second = count(&e, &kept, 1);
    printf("# StopProvider during PutIntegration, then a second apply: 1 integration "
           "expected, %d found, %d orphans, %d duplicates\n", second.found, second.untracked,
           second.duplicates);
    assert_int_equal(second.found, 1);
    assert_int_equal(second.untracked, 0);
    assert_true(tf_plan_is_noop(p, T_INTEGRATION, kept, config));
    value_free(kept);
    value_free(config);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lambda_integration_lost_answers_25_percent),
        cmocka_unit_test(lambda_integration_lost_answers_50_percent),
        cmocka_unit_test(lambda_integration_stop_during_create_keeps_it),
    };
    return cmocka_run_group_tests_name("e2e_lambda_integration_unknown_outcome", tests, NULL,
                                       NULL);
}
