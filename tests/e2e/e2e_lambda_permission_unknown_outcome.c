/* e2e_lambda_permission_unknown_outcome - permission creates whose outcome is unknown
 * lose nothing (e2e_unknown_outcome.h has the scenarios).
 *
 * 60 permissions on one function (Lambda's 20 KB policy limit, which the emulator enforces,
 * holds about 70 such statements) with generated statement ids, each granting its own
 * source ARN, under 25 % and 50 % faults of Lambda's answers with max_retries = 1; and
 * StopProvider during an AddPermission Lambda carries out late. A statement counts once
 * in AWS per Sid; a source granted twice is a duplicate. Also: a statement_id already
 * used by a different statement is a clear error at statement_id.
 */
#include "tests/e2e/e2e_unknown_outcome.h"

#define N 60
#define FN_KEY "222222222222/us-west-2/tutorial-hello"
#define SOURCE_FMT "arn:aws:execute-api:us-west-2:111111111111:" API_ID "/*/GET/p%03d"

/* The statements of tutorial-hello's unqualified policy (a new reference). */
static json_t *statements(const struct emu *e)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *world = json_loads(xbuf_cstr(&dump), 0, NULL);
    xbuf_cleanup(&dump);
    assert_non_null(world);
    json_t *quals = json_object_get(json_object_get(json_object_get(world, "functions"),
                                                    FN_KEY), "quals");
    json_t *list = json_object_get(json_object_get(quals, ""), "statements");
    assert_non_null(list);
    json_incref(list);
    json_decref(world);
    return list;
}

/* Whether some state holds statement id sid. */
static bool tracked(struct value *const *states, int n, const char *sid)
{
    for (int i = 0; i < n; i++) {
        const char *held = states[i] ? value_attr_string(states[i], "statement_id") : NULL;
        if (held && sid && strcmp(held, sid) == 0)
            return true;
    }
    return false;
}

static struct e2e_tally count(const struct emu *e, struct value *const *states, int n)
{
    struct e2e_tally t = {0};
    json_t *list = statements(e);
    int per_source[N] = {0};
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) {
        const char *src = json_string_value(json_object_get(
            json_object_get(json_object_get(st, "Condition"), "ArnLike"), "AWS:SourceArn"));
        int k = -1;
        t.found++;
        t.untracked += !tracked(states, n, json_string_value(json_object_get(st, "Sid")));
        if (src && sscanf(strrchr(src, '/'), "/p%d", &k) == 1 && k >= 0 && k < N &&
            ++per_source[k] > 1)
            t.duplicates++;
    }
    json_decref(list);
    return t;
}

static void run(void (*scenario)(const struct e2e_outcome_case *c, double rate, int seed),
                double rate, int seed, int n)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct value *config[N];
    for (int i = 0; i < n; i++)
        config[i] = res_config(T_PERMISSION, "{\"function_name\":\"tutorial-hello\","
                                             "\"source_arn\":\"" SOURCE_FMT "\"}", i);
    const struct e2e_outcome_case c = {
        .e = &e, .function_account = true, .type = T_PERMISSION, .n = n, .config = config,
        .service = "lambda", .objects = "statements", .count = count};
    scenario(&c, rate, seed);
    for (int i = 0; i < n; i++)
        value_free(config[i]);
    emu_stop(&e);
}

static void stopped(const struct e2e_outcome_case *c, double rate, int seed)
{
    e2e_stopped_create(c, "AddPermission");
}

static void lambda_permission_lost_answers_25_percent(void **state)
{
    run(e2e_lost_answers, 0.25, 25, N);
}

static void lambda_permission_lost_answers_50_percent(void **state)
{
    run(e2e_lost_answers, 0.50, 50, N);
}

static void lambda_permission_stop_during_create_keeps_it(void **state)
{
    run(stopped, 0, 0, 1);
}

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
    bool failed;
    struct xt_result r;
    struct value *kept = tf_create_recorded(p, T_PERMISSION, config, &failed, &r);
    const struct xt_diag *dg = xt_find_diag(&r, "Taken");
    if (!dg || !dg->path)
        xt_print_diags(&r);
    assert_true(failed);
    assert_null(kept);
    assert_non_null(dg);
    assert_non_null(dg->path);
    assert_string_equal(dg->path, "statement_id");
    assert_non_null(strstr(dg->detail, "ResourceConflictException"));
    assert_non_null(strstr(dg->detail, "Choose another statement_id"));
    assert_null(strstr(dg->detail, ".."));
    xt_result_cleanup(&r);
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
