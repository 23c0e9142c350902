/* bench/bench_refresh.c - (e) refresh of `permissions` xacct_lambda_permission resources
 * spread over the fewest functions bench-perm-1..8 (bench/seeds/bench.json) that hold
 * them at BENCH_PERMS_PER_FUNCTION each: a function's resource policy may hold 20 KB,
 * about 60 of these statements, so a real configuration with as many permissions spans
 * several functions.
 * They are created first (Lambda's rate limit lifted for the setup), then a fresh provider
 * process (Terraform starts one per run) refreshes them all with Terraform's default
 * parallelism under Lambda's default limit (15/s, burst 15). The figure is the number of
 * GetPolicy calls the emulator saw for the refresh: naively one per permission; the
 * provider shares one function's policy answer between reads, so one per function at best.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "tests/demo/emuctl.h"
#include "tests/demo/tfmoves.h"

#define T_PERMISSION "xacct_lambda_permission"
#define PERM_FN_PREFIX "arn:aws:lambda:us-west-2:222222222222:function:bench-perm-"

static int perm_functions(int permissions)
{
    return (permissions + BENCH_PERMS_PER_FUNCTION - 1) / BENCH_PERMS_PER_FUNCTION;
}

struct perm_run {
    struct xt_provider *p;
    int functions;
    struct value **states;
    bool refresh;
    atomic_int failed;
    pthread_mutex_t lock;
    struct xbuf first_error;
};

static void perm_one(int i, void *ud)
{
    struct perm_run *r = ud;
    struct xbuf err;
    xbuf_init(&err);
    bool ok = false;
    if (r->refresh) {
        struct value *v = tfm_read(r->p, T_PERMISSION, r->states[i], &err);
        ok = v && value_equal(v, r->states[i]);
        if (v && !ok)
            xbuf_append_str(&err, "  the refreshed state differs from the applied one\n");
        value_free(v);
    } else {
        char json[512];
        /* Round-robin: the reads in flight at once ask about several functions, each twice
         * or more, as a Terraform walk over such a configuration does. */
        snprintf(json, sizeof json,
                 "{\"function_name\":\"" PERM_FN_PREFIX "%d\",\"statement_id\":\"bench-%03d\","
                 "\"principal\":\"apigateway.amazonaws.com\",\"source_arn\":"
                 "\"arn:aws:execute-api:us-west-2:111111111111:b0b0b0b0b0/*/GET/p%03d\"}",
                 1 + i % r->functions, i, i);
        struct tfm_plan plan = {0};
        struct value *config = tfm_json(xt_resource_type(T_PERMISSION), json, &err);
        r->states[i] = config && tfm_plan(r->p, T_PERMISSION, NULL, config, &plan, &err)
                           ? tfm_apply(r->p, T_PERMISSION, NULL, &plan, config, &err)
                           : NULL;
        ok = r->states[i] && !value_is_null(r->states[i]);
        tfm_plan_cleanup(&plan);
        value_free(config);
    }
    if (!ok) {
        atomic_fetch_add(&r->failed, 1);
        pthread_mutex_lock(&r->lock);
        if (r->first_error.len == 0)
            xbuf_append_str(&r->first_error, xbuf_cstr(&err));
        pthread_mutex_unlock(&r->lock);
    }
    xbuf_cleanup(&err);
}

/* Creates (refresh false) or refreshes the permissions with a new provider process. */
static bool perm_pass(const struct bench_config *c, const struct emuctl *e, bool refresh,
                      struct value **states, double *wall_ms)
{
    char json[1024];
    struct xbuf err;
    xbuf_init(&err);
    bench_provider_json(json, sizeof json, true, e->url, NULL);
    struct perm_run r = {.functions = perm_functions(c->permissions), .states = states,
                         .refresh = refresh, .lock = PTHREAD_MUTEX_INITIALIZER};
    xbuf_init(&r.first_error);
    r.p = tfm_start(&(struct xt_options){.binary = c->provider_bin, .stderr_path = c->provider_log,
                                         .timeout_ms = 300000},
                    json, &err);
    bool ok = r.p != NULL;
    if (ok) {
        emuctl_log_clear(e);
        double t0 = bench_now_ms();
        bench_parallel(c->permissions, c->parallelism, perm_one, &r);
        *wall_ms = bench_now_ms() - t0;
        ok = atomic_load(&r.failed) == 0;
        if (!ok) {
            snprintf(json, sizeof json, "%s: %d of %d failed; first: %.600s",
                     refresh ? "refresh" : "create", atomic_load(&r.failed), c->permissions,
                     xbuf_cstr(&r.first_error));
            bench_report_fail("refresh", json);
        }
        xt_stop(r.p, NULL);
    } else {
        bench_report_fail("refresh", xbuf_cstr(&err));
    }
    xbuf_cleanup(&r.first_error);
    xbuf_cleanup(&err);
    return ok;
}

bool bench_refresh(const struct bench_config *c)
{
    struct emuctl e;
    char why[512];
    if (!emuctl_start(&e, &(struct emuctl_options){.binary = c->awsemu_bin, .seed = c->bench_seed,
                                                  .faults_json = "{\"rate_limits\":{\"lambda\":"
                                                                 "{\"rate\":1000,\"burst\":1000}}}"},
                      why, sizeof why)) {
        bench_report_fail("refresh", why);
        return false;
    }
    struct value **states = calloc((size_t)c->permissions, sizeof *states);
    double wall = 0;
    bool ok = states && perm_pass(c, &e, false, states, &wall);
    /* Lambda's default limits for the refresh itself. */
    ok = ok && emuctl_http(&e, "POST", "/_emu/faults",
                           "{\"rate_limits\":{\"lambda\":{\"rate\":15,\"burst\":15}}}",
                           NULL, NULL) == 200;
    ok = ok && perm_pass(c, &e, true, states, &wall);
    struct emuctl_counts gp, all;
    if (ok && emuctl_log_count(&e, "GetPolicy", &gp) && emuctl_log_count(&e, NULL, &all)) {
        char name[128];
        int functions = perm_functions(c->permissions);
        snprintf(name, sizeof name, "refresh %d permissions on %d function%s: GetPolicy calls",
                 c->permissions, functions, functions == 1 ? "" : "s");
        bench_report_value("refresh", name, gp.requests, "calls");
        bench_report_value("refresh", "refresh: AWS requests in all", all.requests,
                           "requests");
        bench_report_value("refresh", "refresh: wall", wall / 1000.0, "s");
    }
    for (int i = 0; states && i < c->permissions; i++)
        value_free(states[i]);
    free(states);
    emuctl_stop(&e);
    return ok;
}
