/* e2e_lambda_integration_many - 20 integrations of one REST API applied with Terraform's
 * default parallelism (10 calls at once) while awsemu throttles, loses answers after
 * doing the work, and answers API Gateway's concurrent-modification conflicts: every
 * integration ends up in AWS and in state exactly as planned, a second plan is empty,
 * and destroy leaves no integration behind.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tests/e2e/e2e_lambda_common.h"

#define N 20
#define PARALLELISM 10

struct run {
    struct xt_provider *p;
    struct value *config[N], *state[N];
    atomic_int next;
    bool destroy;
};

static void *worker(void *arg)
{
    struct run *r = arg;
    for (int i; (i = atomic_fetch_add(&r->next, 1)) < N;) {
        if (r->destroy) {
            tf_destroy(r->p, T_INTEGRATION, r->state[i]);
            r->state[i] = NULL;
        } else {
            r->state[i] = tf_converge(r->p, T_INTEGRATION, NULL, r->config[i]);
        }
    }
    return NULL;
}

static void run_parallel(struct run *r, bool destroy)
{
    pthread_t t[PARALLELISM];
    r->destroy = destroy;
    atomic_store(&r->next, 0);
    for (int i = 0; i < PARALLELISM; i++)
        pthread_create(&t[i], NULL, worker, r);
    for (int i = 0; i < PARALLELISM; i++)
        pthread_join(t[i], NULL);
}

static void lambda_integration_many_under_faults(void **state)
{
    struct emu e;
    char *seed = emu_seed_with_resources(N);
    bool started = emu_start(&e, seed, NULL);
    free(seed);
    if (!started)
        skip();
    struct run r = {.p = start_provider(&e, false, NULL)};
    for (int i = 0; i < N; i++)
        r.config[i] = res_config(T_INTEGRATION,
                                 "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/item%02d\","
                                 "\"http_method\":\"GET\",\"function_arn\":\"" FN_ARN "\"}", i);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults",
                              "{\"lost_response_rate\":0.25,\"conflict_next\":6,\"seed\":7,"
                              "\"services\":[\"apigateway\"]}", NULL, NULL), 200);
    run_parallel(&r, false);
    struct xbuf log;
    xbuf_init(&log);
    emu_http(&e, "GET", "/_emu/log", NULL, &log, NULL);
    int lost = 0;
    for (const char *p = xbuf_cstr(&log); (p = strstr(p, "\"fault\":\"lost_response\"")); p++)
        lost++;
    printf("# apply of %d integrations with %d lost responses\n", N, lost);
    assert_true(lost > 0);
    xbuf_cleanup(&log);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"reset\":true}", NULL, NULL), 200);

    for (int i = 0; i < N; i++) {
        char want[64];
        snprintf(want, sizeof want, API_ID "/res%07d/GET", i);
        assert_non_null(r.state[i]);
        assert_string_equal(value_attr_string(r.state[i], "id"), want);
        struct value *now = tf_read(r.p, T_INTEGRATION, r.state[i]);
        assert_true(value_equal(now, r.state[i]));
        value_free(now);
        assert_true(tf_plan_is_noop(r.p, T_INTEGRATION, r.state[i], r.config[i]));
    }

    run_parallel(&r, true);
    struct xbuf dump;
    xbuf_init(&dump);
    emu_http(&e, "GET", "/_emu/state", NULL, &dump, NULL);
    assert_null(strstr(xbuf_cstr(&dump), "methodIntegration"));
    xbuf_cleanup(&dump);

    for (int i = 0; i < N; i++)
        value_free(r.config[i]);
    assert_int_equal(xt_stop(r.p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lambda_integration_many_under_faults),
    };
    return cmocka_run_group_tests_name("e2e_lambda_integration_many", tests, NULL, NULL);
}
