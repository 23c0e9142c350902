/* e2e_lambda_permission_unknown_outcome - creates whose outcome is unknown lose nothing.
 *
 * A permission with a generated statement id is created under faults with max_retries = 1
 * (two attempts): answers lost after Lambda added the statement, connection resets and
 * server errors, at 25 % and at 50 % of Lambda's answers (throttling off, so that the rate
 * is the fault rate). Terraform keeps what each create returns: a state, a state with an
 * error (tainted) or nothing. Then:
 *  - every statement in the function's policy is in some state (none untracked);
 *  - after a second, clean apply as Terraform makes it (refresh, tainted objects deleted
 *    and created again, failed ones created), the policy holds exactly one statement per
 *    permission: 0 orphans, 0 duplicates. The figures are printed.
 * StopProvider during an AddPermission that Lambda carries out late (the emulator delays
 * its work and answer) leaves the statement in state, and the next apply replaces it.
 * A statement_id already used by a different statement is a clear error at statement_id.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define N 100
#define PARALLELISM 10   /* terraform apply's default */
#define FN_KEY "222222222222/us-west-2/tutorial-hello"
#define SOURCE_FMT "arn:aws:execute-api:us-west-2:111111111111:" API_ID "/*/GET/p%03d"

/* ---- the function's policy in the emulator -------------------------------------- */

/* The statements of tutorial-hello's unqualified policy (a new reference). */
static json_t *statements(const struct emu *e)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *world = json_loads(xbuf_cstr(&dump), 0, NULL);
    xbuf_cleanup(&dump);
    assert_non_null(world);
    json_t *list = json_object_get(json_object_get(json_object_get(json_object_get(
                                       json_object_get(world, "functions"), FN_KEY), "quals"), ""),
                                   "statements");
    assert_non_null(list);
    json_incref(list);
    json_decref(world);
    return list;
}

static const char *statement_source(json_t *st)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(st, "Condition"), "ArnLike"), "AWS:SourceArn"));
}

/* Whether some state holds statement id sid. */
static bool tracked(struct value *const *states, int n, const char *sid)
{
    for (int i = 0; i < n; i++)
        if (states[i] && strcmp(value_attr_string(states[i], "statement_id"), sid) == 0)
            return true;
    return false;
}

struct tally {
    int found, untracked, duplicates;
};

/* Statements in AWS, those no state holds, and grants of one source beyond the first. */
static struct tally count(const struct emu *e, struct value *const *states, int n)
{
    struct tally t = {0};
    json_t *list = statements(e);
    int per_source[N] = {0};
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) {
        const char *src = statement_source(st);
        int k = -1;
        t.found++;
        if (!tracked(states, n, json_string_value(json_object_get(st, "Sid"))))
            t.untracked++;
        if (src && sscanf(strrchr(src, '/'), "/p%d", &k) == 1 && k >= 0 && k < N &&
            ++per_source[k] > 1)
            t.duplicates++;
    }
    json_decref(list);
    return t;
}

/* ---- two applies ------------------------------------------------------------------ */

static void lost_answers_at(double rate, int seed)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct value *config[N], *state[N];
    bool failed[N];
    struct tf_batch b = {.p = start_provider_retries(&e, true, NULL, NULL, 1),
                         .type = T_PERMISSION, .n = N, .config = config, .state = state,
                         .failed = failed};
    for (int i = 0; i < N; i++)
        config[i] = res_config(T_PERMISSION, "{\"function_name\":\"tutorial-hello\","
                                             "\"source_arn\":\"" SOURCE_FMT "\"}", i);
    char faults[256];
    snprintf(faults, sizeof faults,
             "{\"throttle\":false,\"lost_response_rate\":%.3f,\"error_rate\":%.3f,"
             "\"reset_rate\":%.3f,\"seed\":%d,\"services\":[\"lambda\"]}",
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
           "AWS holds %d statements, %d of them in no state\n",
           rate * 100, nfailed, N, tainted, first.found, first.untracked);

    /* The next apply: a new provider process, no faults (nor throttling, which two
     * attempts might not outlast). */
    assert_int_equal(xt_stop(b.p, NULL), 0);
    b.p = start_provider_retries(&e, true, NULL, NULL, 1);
    tf_batch_apply(&b, true, PARALLELISM);
    struct tally second = count(&e, state, N);
    printf("# after a second apply: %d statements expected, %d found, %d orphans, "
           "%d duplicates\n", N, second.found, second.untracked, second.duplicates);
    assert_int_equal(first.untracked, 0);
    assert_int_equal(second.found, N);
    assert_int_equal(second.untracked, 0);
    assert_int_equal(second.duplicates, 0);
    for (int i = 0; i < N; i++) {
        assert_non_null(state[i]);
        value_free(state[i]);
        value_free(config[i]);
    }
    assert_int_equal(xt_stop(b.p, NULL), 0);
    emu_stop(&e);
}

static void lambda_permission_lost_answers_25_percent(void **state)
{
    lost_answers_at(0.25, 25);
}

static void lambda_permission_lost_answers_50_percent(void **state)
{
    lost_answers_at(0.50, 50);
}

/* ---- StopProvider during a create ------------------------------------------------- */

static void lambda_permission_stop_during_create_keeps_it(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *p = start_provider_retries(&e, true, NULL, NULL, 1);
    struct value *config = res_config(T_PERMISSION, "{\"function_name\":\"tutorial-hello\","
                                                    "\"source_arn\":\"" SOURCE_FMT "\"}", 7);
    /* Lambda adds the statement 3 s after the request, whatever became of the caller. */
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults",
                              "{\"latency_ms\":3000,\"operations\":[\"AddPermission\"]}", NULL,
                              NULL), 200);
    bool failed;
    struct xt_result r;
    struct value *kept = tf_create_stopped(&e, p, T_PERMISSION, config, "AddPermission", &failed,
                                           &r);
    assert_true(failed);
    const struct xt_diag *dg = xt_find_diag(&r, "kept in the state as tainted");
    if (!dg)
        xt_print_diags(&r);
    assert_non_null(dg);
    assert_non_null(strstr(dg->detail, "stopped"));
    xt_result_cleanup(&r);
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"reset\":true}", NULL, NULL), 200);
    /* The statement Lambda added is the one in state. */
    assert_non_null(kept);
    struct tally first = count(&e, &kept, 1);
    assert_int_equal(first.found, 1);
    assert_int_equal(first.untracked, 0);
    xt_stop(p, NULL);

    p = start_provider_retries(&e, true, NULL, NULL, 1);
    kept = tf_apply_again(p, T_PERMISSION, kept, failed, config);
    struct tally second = count(&e, &kept, 1);
    printf("# StopProvider during AddPermission, then a second apply: 1 statement expected, "
           "%d found, %d orphans, %d duplicates\n", second.found, second.untracked,
           second.duplicates);
    assert_int_equal(second.found, 1);
    assert_int_equal(second.untracked, 0);
    value_free(kept);
    value_free(config);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

/* ---- a statement id another statement holds ------------------------------------- */

static void lambda_permission_statement_id_taken_says_so(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *p = start_provider(&e, true, NULL);
    emu_drift(&e, "{\"op\":\"add_statement\",\"function_arn\":\"" FN_ARN "\",\"statement\":"
                  "{\"Sid\":\"Taken\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                  "\"apigateway.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
                  "\"Resource\":\"" FN_ARN "\",\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":"
                  "\"arn:aws:execute-api:us-west-2:111111111111:zzzzzzzzzz/*/*/*\"}}}}");
    struct value *config = res_config(T_PERMISSION, "{\"function_name\":\"tutorial-hello\","
                                                    "\"statement_id\":\"Taken\",\"source_arn\":"
                                                    "\"" SOURCE_FMT "\"}", 1);
    struct value *planned = tf_plan(p, T_PERMISSION, NULL, config, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_apply(p, T_PERMISSION, NULL, planned, config, NULL, &r), 0);
    const struct xt_diag *dg = xt_find_diag(&r, "Taken");
    if (!dg || !dg->path)
        xt_print_diags(&r);
    assert_non_null(dg);
    assert_non_null(dg->path);
    assert_string_equal(dg->path, "statement_id");
    assert_non_null(strstr(dg->detail, "ResourceConflictException"));
    assert_non_null(strstr(dg->detail, "import"));
    assert_null(strstr(dg->detail, ".."));
    assert_true(!r.value || value_is_null(r.value));
    xt_result_cleanup(&r);
    value_free(planned);
    value_free(config);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lambda_permission_lost_answers_25_percent),
        cmocka_unit_test(lambda_permission_lost_answers_50_percent),
        cmocka_unit_test(lambda_permission_stop_during_create_keeps_it),
        cmocka_unit_test(lambda_permission_statement_id_taken_says_so),
    };
    return cmocka_run_group_tests_name("e2e_lambda_permission_unknown_outcome", tests, NULL,
                                       NULL);
}
