/* e2e_lambda_permission_many - 60 permissions on one function (about as many as Lambda's
 * 20 KB resource policy holds with one statement per method), applied and refreshed
 * with Terraform's default parallelism (10 calls at once) against awsemu:
 *  - with throttling, lost responses (AWS did the work, the answer never came) and
 *    conflicts injected, every permission is created exactly once and nothing is lost;
 *  - a refresh of all 60 by a new provider process (the next `terraform plan`) costs one
 *    GetPolicy call, not one per permission (the figure is printed);
 *  - destroy leaves the function's policy empty.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tests/e2e/e2e_lambda_common.h"

#define N 60
#define PARALLELISM 10
#define SOURCE "arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/GET/"

struct run {
    struct xt_provider *p;
    struct value *config[N], *state[N];
    atomic_int next;
    enum { CREATE, REFRESH, DESTROY } op;
    atomic_int failures;
};

static void *worker(void *arg)
{
    struct run *r = arg;
    for (int i; (i = atomic_fetch_add(&r->next, 1)) < N;) {
        if (r->op == CREATE) {
            r->state[i] = tf_converge(r->p, T_PERMISSION, NULL, r->config[i]);
        } else if (r->op == REFRESH) {
            struct value *now = tf_read(r->p, T_PERMISSION, r->state[i]);
            if (!value_equal(now, r->state[i]))
                atomic_fetch_add(&r->failures, 1);
            value_free(now);
        } else {
            tf_destroy(r->p, T_PERMISSION, r->state[i]);
            r->state[i] = NULL;
        }
    }
    return NULL;
}

static void run_parallel(struct run *r, int op)
{
    pthread_t t[PARALLELISM];
    r->op = op;
    atomic_store(&r->next, 0);
    for (int i = 0; i < PARALLELISM; i++)
        pthread_create(&t[i], NULL, worker, r);
    for (int i = 0; i < PARALLELISM; i++)
        pthread_join(t[i], NULL);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void lambda_permission_many_on_one_function(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct run r = {.failures = 0};
    r.p = start_provider(&e, true, NULL);
    for (int i = 0; i < N; i++)
        r.config[i] = res_config(T_PERMISSION,
                                 "{\"function_name\":\"tutorial-hello\",\"statement_id\":"
                                 "\"AllowApi%03d\",\"source_arn\":\"" SOURCE "\"}", i);

    /* Apply under faults: 20% of Lambda answers lost after the work was done, throttling
     * at AWS's rates, and a few conflicts. */
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults",
                              "{\"lost_response_rate\":0.2,\"conflict_next\":5,\"seed\":42,"
                              "\"services\":[\"lambda\"],\"operations\":[\"AddPermission\"]}",
                              NULL, NULL), 200);
    run_parallel(&r, CREATE);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"reset\":true}", NULL, NULL), 200);
    struct xbuf log;
    xbuf_init(&log);
    emu_http(&e, "GET", "/_emu/log", NULL, &log, NULL);
    int lost = count(xbuf_cstr(&log), "\"fault\":\"lost_response\"");
    int conflicts = count(xbuf_cstr(&log), "\"fault\":\"conflict\"");
    printf("# apply of %d permissions: %d lost responses, %d conflicts, %d throttled\n", N, lost,
           conflicts, count(xbuf_cstr(&log), "\"fault\":\"throttle\""));
    assert_true(lost > 0 && conflicts > 0);
    xbuf_cleanup(&log);
    struct xbuf dump;
    xbuf_init(&dump);
    emu_http(&e, "GET", "/_emu/state", NULL, &dump, NULL);
    for (int i = 0; i < N; i++) {
        char sid[64];
        snprintf(sid, sizeof sid, "\"AllowApi%03d\"", i);
        assert_non_null(r.state[i]);
        if (count(xbuf_cstr(&dump), sid) != 1)
            fail_msg("statement %s appears %d times", sid, count(xbuf_cstr(&dump), sid));
    }
    xbuf_cleanup(&dump);

    /* Refresh all of them as the next `terraform plan` does: a new provider process, so the
     * shared policy cache starts cold. */
    assert_int_equal(xt_stop(r.p, NULL), 0);
    r.p = start_provider(&e, true, NULL);
    assert_int_equal(emu_http(&e, "DELETE", "/_emu/log", NULL, NULL, NULL), 200);
    run_parallel(&r, REFRESH);
    int calls = emu_count_ops(&e, "GetPolicy");
    printf("# refresh of %d permissions on one function: %d GetPolicy call(s)\n", N, calls);
    assert_int_equal(atomic_load(&r.failures), 0);
    assert_int_equal(calls, 1);

    run_parallel(&r, DESTROY);
    xbuf_init(&dump);
    emu_http(&e, "GET", "/_emu/state", NULL, &dump, NULL);
    assert_null(strstr(xbuf_cstr(&dump), "AllowApi"));
    xbuf_cleanup(&dump);

    for (int i = 0; i < N; i++)
        value_free(r.config[i]);
    assert_int_equal(xt_stop(r.p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lambda_permission_many_on_one_function),
    };
    return cmocka_run_group_tests_name("e2e_lambda_permission_many", tests, NULL, NULL);
}
