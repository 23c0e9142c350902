/* e2e_lambda_integration_unknown_outcome - integration creates whose outcome is unknown
 * lose nothing (e2e_unknown_outcome.h has the scenarios).
 *
 * 100 integrations, one per GET method of one REST API, under 25 % and 50 % faults of
 * API Gateway's answers with max_retries = 1; and StopProvider during a PutIntegration
 * API Gateway carries out late. A method has one integration at most (PutIntegration
 * overwrites), so a duplicate is an integration held by two states.
 */
#include "tests/e2e/e2e_unknown_outcome.h"

#define N 100

static struct e2e_tally count(const struct emu *e, struct value *const *states, int n)
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
    struct e2e_tally t = {0};
    for (int i = 0; i < n; i++) {
        char rid[16], id[64];
        snprintf(rid, sizeof rid, "res%07d", i);
        snprintf(id, sizeof id, API_ID "/%s/GET", rid);
        json_t *get = json_object_get(json_object_get(json_object_get(resources, rid),
                                                      "resourceMethods"), "GET");
        bool has = json_object_get(get, "methodIntegration") != NULL;
        int holders = 0;
        for (int k = 0; k < n; k++) {
            const char *held = states[k] ? value_attr_string(states[k], "id") : NULL;
            holders += held && strcmp(held, id) == 0;
        }
        t.found += has;
        t.untracked += has && holders == 0;
        t.duplicates += holders > 1 ? holders - 1 : 0;
    }
    json_decref(world);
    return t;
}

static void run(void (*scenario)(const struct e2e_outcome_case *c, double rate, int seed),
                double rate, int seed, int n)
{
    struct emu e;
    char *world = emu_seed_with_resources(n);
    bool started = emu_start(&e, world, NULL);
    free(world);
    if (!started)
        skip();
    struct value *config[N];
    for (int i = 0; i < n; i++)
        config[i] = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":"
                                              "\"/item%02d\",\"http_method\":\"GET\","
                                              "\"function_arn\":\"" FN_ARN "\"}", i);
    const struct e2e_outcome_case c = {
        .e = &e, .function_account = false, .type = T_INTEGRATION, .n = n, .config = config,
        .service = "apigateway", .objects = "integrations", .count = count};
    scenario(&c, rate, seed);
    for (int i = 0; i < n; i++)
        value_free(config[i]);
    emu_stop(&e);
}

static void stopped(const struct e2e_outcome_case *c, double rate, int seed)
{
    e2e_stopped_create(c, "PutIntegration");
}

static void lambda_integration_lost_answers_25_percent(void **state)
{
    run(e2e_lost_answers, 0.25, 25, N);
}

static void lambda_integration_lost_answers_50_percent(void **state)
{
    run(e2e_lost_answers, 0.50, 50, N);
}

static void lambda_integration_stop_during_create_keeps_it(void **state)
{
    run(stopped, 0, 0, 1);
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
