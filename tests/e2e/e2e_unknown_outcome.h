/* tests/e2e/e2e_unknown_outcome.h - creates whose outcome is unknown, as Terraform lives
 * them: what the e2e_*_unknown_outcome tests of each resource type share.
 *
 * Terraform keeps what a create returns: a state, a state with an error (tainted), or
 * nothing. The next apply refreshes what it keeps, deletes a tainted object that still
 * exists and creates it again, and creates what it does not keep. The two scenarios:
 *  - e2e_lost_answers: n creates, ten at a time, under faults with max_retries = 1, then
 *    the next apply without faults; after the first apply every object AWS holds must be
 *    in some state, after the second each exactly once, with an empty plan;
 *  - e2e_stopped_create: StopProvider during a create that AWS carries out late; the
 *    object must be in state with the error, and the next apply must leave exactly one.
 * Figures are printed for the closing note. Header-only, as e2e_lambda_common.h.
 */
#ifndef XA_TESTS_E2E_UNKNOWN_OUTCOME_H
#define XA_TESTS_E2E_UNKNOWN_OUTCOME_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "tests/e2e/e2e_lambda_common.h"

#define E2E_PARALLELISM 10   /* terraform apply's default */

/* ---- Terraform's moves -------------------------------------------------------------- */

/* A create as Terraform records it (plan, then ApplyResourceChange): the new state, or a
 * NULL pointer when the provider returned none; *failed when it answered an error. keep
 * (optional) receives the answer's diagnostics. */
static E2E_HELPER struct value *tf_create_recorded(struct xt_provider *p, const char *type,
                                                   const struct value *config, bool *failed,
                                                   struct xt_result *keep)
{
    struct value *planned = tf_plan(p, type, NULL, config, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    int st = xt_apply(p, type, NULL, planned, config, NULL, &r);
    *failed = st != 0 || xt_has_error(&r);
    struct value *v = xt_take_value(&r);
    if (v && value_is_null(v)) {
        value_free(v);
        v = NULL;
    }
    if (keep)
        *keep = r;
    else
        xt_result_cleanup(&r);
    value_free(planned);
    return v;
}

/* The next `terraform apply` for one resource after tf_create_recorded: refresh what is
 * in state, replace a tainted object that still exists (delete, then create), create
 * what is missing, leave the rest. Returns the new state; frees state. */
static E2E_HELPER struct value *tf_apply_again(struct xt_provider *p, const char *type,
                                               struct value *state, bool tainted,
                                               const struct value *config)
{
    struct value *now = state ? tf_read(p, type, state) : NULL;
    value_free(state);
    if (now && tainted) {
        tf_destroy(p, type, now);
        now = NULL;
    }
    return tf_converge(p, type, now, config);
}

/* ---- the scenarios ------------------------------------------------------------------- */

/* What a test counts in the emulator for n states: objects AWS holds, those no state
 * holds, and those held or granted more than once. */
struct e2e_tally {
    int found, untracked, duplicates;
};

struct e2e_outcome_case {
    const struct emu *e;
    bool function_account;      /* the function account's provider, else the API's */
    const char *type;
    int n;
    struct value *const *config;    /* n configurations */
    const char *service;            /* where the emulator's faults hit: "lambda" */
    const char *objects;            /* what the figures count: "statements" */
    struct e2e_tally (*count)(const struct emu *e, struct value *const *states, int n);
};

struct e2e_batch {
    const struct e2e_outcome_case *c;
    struct xt_provider *p;
    struct value **state;
    bool *failed;
    atomic_int next;
    bool again;
};

static E2E_HELPER void *e2e_batch_worker(void *arg)
{
    struct e2e_batch *b = arg;
    const struct e2e_outcome_case *c = b->c;
    for (int i; (i = atomic_fetch_add(&b->next, 1)) < c->n;) {
        if (b->again)
            b->state[i] = tf_apply_again(b->p, c->type, b->state[i], b->failed[i], c->config[i]);
        else
            b->state[i] = tf_create_recorded(b->p, c->type, c->config[i], &b->failed[i], NULL);
    }
    return NULL;
}

/* One apply of every resource, E2E_PARALLELISM at a time: the first or the next. */
static E2E_HELPER void e2e_batch_apply(struct e2e_batch *b, bool again)
{
    pthread_t t[E2E_PARALLELISM];
    b->again = again;
    atomic_store(&b->next, 0);
    for (int i = 0; i < E2E_PARALLELISM; i++)
        assert_int_equal(pthread_create(&t[i], NULL, e2e_batch_worker, b), 0);
    for (int i = 0; i < E2E_PARALLELISM; i++)
        pthread_join(t[i], NULL);
}

/* The emulator without faults or throttling (two attempts might not outlast it). */
static E2E_HELPER void e2e_faults_off(const struct emu *e)
{
    assert_int_equal(emu_http(e, "POST", "/_emu/faults", "{\"reset\":true,\"throttle\":false}",
                              NULL, NULL), 200);
}

/* rate of the service's answers fail: half lost after the work was done, a quarter
 * server errors, a quarter connection resets; no throttling, so that rate is the rate. */
static E2E_HELPER void e2e_lost_answers(const struct e2e_outcome_case *c, double rate, int seed)
{
    struct e2e_batch b = {.c = c, .state = calloc((size_t)c->n, sizeof *b.state),
                          .failed = calloc((size_t)c->n, sizeof *b.failed)};
    assert_true(b.state && b.failed);
    b.p = start_provider_retries(c->e, c->function_account, NULL, NULL, 1);
    char faults[256];
    snprintf(faults, sizeof faults,
             "{\"throttle\":false,\"lost_response_rate\":%.3f,\"error_rate\":%.3f,"
             "\"reset_rate\":%.3f,\"seed\":%d,\"services\":[\"%s\"]}",
             rate / 2, rate / 4, rate / 4, seed, c->service);
    assert_int_equal(emu_http(c->e, "POST", "/_emu/faults", faults, NULL, NULL), 200);
    e2e_batch_apply(&b, false);
    e2e_faults_off(c->e);
    int failed = 0, tainted = 0;
    for (int i = 0; i < c->n; i++) {
        failed += b.failed[i];
        tainted += b.failed[i] && b.state[i];
    }
    struct e2e_tally first = c->count(c->e, b.state, c->n);
    printf("# %.0f %% faults, max_retries = 1: %d of %d creates failed (%d kept as tainted); "
           "AWS holds %d %s, %d of them in no state\n", rate * 100, failed, c->n, tainted,
           first.found, c->objects, first.untracked);

    /* The next apply: a new provider process, as the next `terraform apply`. */
    assert_int_equal(xt_stop(b.p, NULL), 0);
    b.p = start_provider_retries(c->e, c->function_account, NULL, NULL, 1);
    e2e_batch_apply(&b, true);
    struct e2e_tally second = c->count(c->e, b.state, c->n);
    printf("# after a second apply: %d %s expected, %d found, %d orphans, %d duplicates\n",
           c->n, c->objects, second.found, second.untracked, second.duplicates);
    assert_int_equal(first.untracked, 0);
    assert_int_equal(second.found, c->n);
    assert_int_equal(second.untracked, 0);
    assert_int_equal(second.duplicates, 0);
    for (int i = 0; i < c->n; i++) {
        assert_non_null(b.state[i]);
        assert_true(tf_plan_is_noop(b.p, c->type, b.state[i], c->config[i]));
        value_free(b.state[i]);
    }
    assert_int_equal(xt_stop(b.p, NULL), 0);
    free(b.state);
    free(b.failed);
}

struct e2e_stopped_create {
    struct xt_provider *p;
    const struct e2e_outcome_case *c;
    struct value *state;
    bool failed;
    struct xt_result r;
};

static E2E_HELPER void *e2e_stopped_create_thread(void *arg)
{
    struct e2e_stopped_create *s = arg;
    s->state = tf_create_recorded(s->p, s->c->type, s->c->config[0], &s->failed, &s->r);
    return NULL;
}

/* Ctrl-C during the create of c->config[0], whose AWS call `operation` the emulator
 * carries out 3 s late, whatever became of the caller: StopProvider a second in. */
static E2E_HELPER void e2e_stopped_create(const struct e2e_outcome_case *c, const char *operation)
{
    char faults[128];
    snprintf(faults, sizeof faults, "{\"latency_ms\":3000,\"operations\":[\"%s\"]}", operation);
    assert_int_equal(emu_http(c->e, "POST", "/_emu/faults", faults, NULL, NULL), 200);
    assert_int_equal(emu_http(c->e, "DELETE", "/_emu/log", NULL, NULL, NULL), 200);
    struct e2e_stopped_create s = {.c = c,
                                   .p = start_provider_retries(c->e, c->function_account, NULL,
                                                               NULL, 1)};
    xt_result_init(&s.r);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, e2e_stopped_create_thread, &s), 0);
    nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
    struct xt_result stop;
    xt_result_init(&stop);
    assert_int_equal(xt_stop_provider(s.p, &stop), 0);
    xt_result_cleanup(&stop);
    pthread_join(t, NULL);
    for (int i = 0; i < 200 && emu_count_ops(c->e, operation) == 0; i++)
        nanosleep(&(struct timespec){.tv_nsec = 50 * 1000000L}, NULL);
    assert_int_equal(emu_count_ops(c->e, operation), 1);
    e2e_faults_off(c->e);

    /* Kept with the error, and it is the object AWS made. */
    assert_true(s.failed);
    const struct xt_diag *dg = xt_find_diag(&s.r, "kept in the state as tainted");
    if (!dg)
        xt_print_diags(&s.r);
    assert_non_null(dg);
    assert_non_null(strstr(dg->detail, "stop"));
    xt_result_cleanup(&s.r);
    assert_non_null(s.state);
    struct e2e_tally first = c->count(c->e, &s.state, 1);
    assert_int_equal(first.found, 1);
    assert_int_equal(first.untracked, 0);
    xt_stop(s.p, NULL);

    struct xt_provider *p = start_provider_retries(c->e, c->function_account, NULL, NULL, 1);
    s.state = tf_apply_again(p, c->type, s.state, s.failed, c->config[0]);
    struct e2e_tally second = c->count(c->e, &s.state, 1);
    printf("# StopProvider during %s, then a second apply: %s expected 1, found %d, "
           "%d orphans, %d duplicates\n", operation, c->objects, second.found, second.untracked,
           second.duplicates);
    assert_int_equal(second.found, 1);
    assert_int_equal(second.untracked, 0);
    assert_int_equal(second.duplicates, 0);
    assert_true(tf_plan_is_noop(p, c->type, s.state, c->config[0]));
    value_free(s.state);
    assert_int_equal(xt_stop(p, NULL), 0);
}

#endif
