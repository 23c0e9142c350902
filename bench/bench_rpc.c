/* bench/bench_rpc.c - (b) RPC rates and (c) memory, xacct against the Go reference.
 *
 * Each round starts a fresh, configured process of each provider and runs, phase by
 * phase and alternating which provider goes first: GetProviderSchema x50 (median round
 * trip), ValidateResourceConfig x`calls` sequential and with `concurrency` in flight
 * (threads sharing the one connection, as Terraform's -parallelism does), then
 * PlanResourceChange (a create) the same two ways. After the round each process has
 * answered 2 x calls Validate and 2 x calls Plan; its VmHWM, RssAnon and thread count are
 * read then. Figures are medians over the rounds; every answer must be free of error
 * diagnostics, else the figure is reported as failed.
 * The configuration is the tutorial's xacct_lambda_integration; the provider block skips
 * the credential and account checks and points every endpoint at a closed port, since
 * neither call reaches AWS.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "tests/demo/tfmoves.h"

#define T_INTEGRATION "xacct_lambda_integration"
#define CONFIG                                                                              \
    "{\"rest_api_id\":\"a1b2c3d4e5\",\"resource_path\":\"/\",\"http_method\":\"GET\","      \
    "\"function_arn\":\"arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello\"}"
#define PROVIDER_BLOCK                                                                      \
    "{\"region\":\"us-east-1\",\"access_key\":\"AKIAEMU1111EXAMPLE01\","                     \
    "\"secret_key\":\"emu1111SecretKeyForTheApiOwnerAccount000\","                            \
    "\"skip_credentials_validation\":true,\"skip_requesting_account_id\":true,"               \
    "\"endpoints\":[{\"apigateway\":\"http://127.0.0.1:9\",\"lambda\":\"http://127.0.0.1:9\","  \
    "\"sts\":\"http://127.0.0.1:9\"}]}"
#define MAX_ROUNDS 32

enum phase { PH_SCHEMA, PH_VALIDATE_1, PH_VALIDATE_N, PH_PLAN_1, PH_PLAN_N, NPHASES };

static const char *const phase_names[NPHASES] = {
    [PH_SCHEMA] = "GetProviderSchema round trip, median of 50 (ms)",
    [PH_VALIDATE_1] = "ValidateResourceConfig, sequential (calls/s)",
    [PH_VALIDATE_N] = "ValidateResourceConfig, %d in flight (calls/s)",
    [PH_PLAN_1] = "PlanResourceChange, sequential (calls/s)",
    [PH_PLAN_N] = "PlanResourceChange, %d in flight (calls/s)",
};

struct call_run {
    struct xt_provider *p;
    const struct value *config;
    bool plan;
    int n;
    atomic_int next, bad;
};

struct rounds {
    double fig[NPHASES][MAX_ROUNDS];
    struct bench_memory mem[MAX_ROUNDS];
};

static void *call_worker(void *arg)
{
    struct call_run *v = arg;
    struct xt_result r;
    struct xbuf err;
    xt_result_init(&r);
    xbuf_init(&err);
    for (int i; (i = atomic_fetch_add(&v->next, 1)) < v->n;) {
        bool ok;
        if (v->plan) {
            struct tfm_plan plan = {0};
            ok = tfm_plan(v->p, T_INTEGRATION, NULL, v->config, &plan, &err);
            tfm_plan_cleanup(&plan);
        } else {
            ok = xt_validate_resource(v->p, T_INTEGRATION, v->config, &r) == 0 &&
                 !xt_has_error(&r);
        }
        if (!ok)
            atomic_fetch_add(&v->bad, 1);
    }
    xbuf_cleanup(&err);
    xt_result_cleanup(&r);
    return NULL;
}

/* Calls per second over v->n calls on `threads` threads; -1 on failure. */
static double call_batch(struct call_run *v, int threads)
{
    pthread_t tid[64];
    int started = 0;
    atomic_store(&v->next, 0);
    atomic_store(&v->bad, 0);
    double t0 = bench_now_ms();
    if (threads <= 1) {
        call_worker(v);
    } else {
        for (; started < threads && started < 64; started++)
            if (pthread_create(&tid[started], NULL, call_worker, v) != 0)
                break;
        for (int i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    double wall = bench_now_ms() - t0;
    bool ok = atomic_load(&v->bad) == 0 && (threads <= 1 || started > 0);
    return ok ? v->n / (wall / 1000.0) : -1;
}

/* Median GetProviderSchema round trip in ms over 50 calls; -1 on failure. */
static double schema_median(struct xt_provider *p)
{
    double lat[50];
    struct xt_result r;
    xt_result_init(&r);
    bool ok = true;
    for (int i = 0; i < 50 && ok; i++) {
        double t0 = bench_now_ms();
        ok = xt_get_schema(p, &r) == 0;
        lat[i] = bench_now_ms() - t0;
    }
    xt_result_cleanup(&r);
    return ok ? bench_median(lat, 50) : -1;
}

static double run_phase(enum phase ph, struct xt_provider *p, const struct value *config,
                        const struct bench_config *c)
{
    if (ph == PH_SCHEMA)
        return schema_median(p);
    struct call_run v = {.p = p, .config = config, .n = c->calls,
                         .plan = ph == PH_PLAN_1 || ph == PH_PLAN_N};
    return call_batch(&v, ph == PH_VALIDATE_1 || ph == PH_PLAN_1 ? 1 : c->concurrency);
}

static bool one_round(const struct bench_config *c, const struct bench_subject *subj, int nsubj,
                      int round, const struct value *config, struct rounds *out)
{
    struct xt_provider *p[2] = {NULL, NULL};
    char why[256] = "";
    struct xbuf err;
    xbuf_init(&err);
    bool ok = true;
    for (int k = 0; k < nsubj && ok; k++) {
        p[k] = tfm_start(&(struct xt_options){.binary = subj[k].bin,
                                              .stderr_path = c->provider_log},
                         PROVIDER_BLOCK, &err);
        if (!p[k])
            snprintf(why, sizeof why, "%s did not start: %.200s", subj[k].name, xbuf_cstr(&err));
        ok = p[k] != NULL;
    }
    for (int ph = 0; ph < NPHASES && ok; ph++) {
        for (int j = 0; j < nsubj && ok; j++) {
            int k = (round + j) % nsubj;
            out[k].fig[ph][round] = run_phase((enum phase)ph, p[k], config, c);
            if (out[k].fig[ph][round] < 0)
                snprintf(why, sizeof why, "%s: a call of \"%s\" failed", subj[k].name,
                         phase_names[ph]);
            ok = out[k].fig[ph][round] >= 0;
        }
    }
    for (int k = 0; k < nsubj && ok; k++) {
        if (!bench_memory(xt_pid(p[k]), &out[k].mem[round]))
            snprintf(why, sizeof why, "cannot read /proc/PID/status of %s", subj[k].name);
        ok = out[k].mem[round].threads > 0;
    }
    for (int k = 0; k < nsubj; k++)
        if (p[k] && xt_stop(p[k], NULL) != 0 && ok) {
            snprintf(why, sizeof why, "%s did not exit cleanly after Shutdown", subj[k].name);
            ok = false;
        }
    if (!ok)
        bench_report_fail("rpc", why);
    xbuf_cleanup(&err);
    return ok;
}

/* Median over rounds of one figure (memory figures: field selects; phase < 0). */
static double median_of(const struct rounds *r, int nrounds, int ph, int mem_field)
{
    double v[MAX_ROUNDS];
    for (int i = 0; i < nrounds; i++)
        v[i] = ph >= 0            ? r->fig[ph][i]
               : mem_field == 0   ? r->mem[i].hwm_kb / 1024.0
               : mem_field == 1   ? r->mem[i].anon_kb / 1024.0
                                  : r->mem[i].threads;
    return bench_median(v, (size_t)nrounds);
}

static void report(const struct bench_config *c, const struct bench_subject *subj, int nsubj,
                   const struct rounds *out)
{
    static const char *const mem_names[3] = {
        "peak RSS (VmHWM) after 2x%d Validate + 2x%d Plan (MiB)",
        "anonymous memory (RssAnon) after the same calls (MiB)",
        "threads after the same calls"};
    double med[2][NPHASES + 3];
    char name[128];
    for (int k = 0; k < nsubj; k++) {
        for (int f = 0; f < NPHASES + 3; f++) {
            med[k][f] = f < NPHASES ? median_of(&out[k], c->rounds, f, 0)
                                    : median_of(&out[k], c->rounds, -1, f - NPHASES);
            char figure[112];
            snprintf(figure, sizeof figure, f < NPHASES ? phase_names[f] : mem_names[f - NPHASES],
                     f < NPHASES ? c->concurrency : c->calls, c->calls);
            snprintf(name, sizeof name, "%s: %s", subj[k].name, figure);
            bench_report_value(f < NPHASES ? "rpc" : "memory", name, med[k][f], "");
        }
    }
    if (nsubj < 2)
        return;
    for (int f = 0; f < NPHASES + 3; f++) {
        char figure[112];
        snprintf(figure, sizeof figure, f < NPHASES ? phase_names[f] : mem_names[f - NPHASES],
                 f < NPHASES ? c->concurrency : c->calls, c->calls);
        enum bench_goal goal = f == PH_SCHEMA || f == NPHASES || f == NPHASES + 1 ? GOAL_AT_MOST
                               : f < NPHASES                                     ? GOAL_AT_LEAST
                                                                                 : GOAL_NONE;
        double target = f == PH_SCHEMA || f >= NPHASES ? 1.0 : 1.5;
        bench_compare(figure, "Go", med[0][f], med[1][f], goal, target);
    }
}

bool bench_rpc(const struct bench_config *c)
{
    struct bench_subject subj[2];
    int nsubj = bench_subjects(c, subj);
    struct xbuf err;
    xbuf_init(&err);
    struct value *config = tfm_json(xt_resource_type(T_INTEGRATION), CONFIG, &err);
    struct rounds *out = calloc(2, sizeof *out);
    bool ok = config && out && c->rounds <= MAX_ROUNDS;
    if (!ok)
        bench_report_fail("rpc", "cannot set up (configuration, memory or too many rounds)");
    for (int round = 0; ok && round < c->rounds; round++)
        ok = one_round(c, subj, nsubj, round, config, out);
    if (ok)
        report(c, subj, nsubj, out);
    free(out);
    value_free(config);
    xbuf_cleanup(&err);
    return ok;
}

bool bench_dump_schema(const struct bench_config *c, const char *path)
{
    struct xt_provider *p = xt_start(&(struct xt_options){.binary = c->provider_bin,
                                                          .stderr_path = c->provider_log});
    struct xt_result r;
    xt_result_init(&r);
    bool ok = p && xt_get_schema(p, &r) == 0 && r.raw.len > 0;
    FILE *f = ok ? fopen(path, "wb") : NULL;
    ok = f && fwrite(r.raw.data, 1, r.raw.len, f) == r.raw.len;
    if (f)
        ok = fclose(f) == 0 && ok;
    xt_result_cleanup(&r);
    if (p)
        xt_stop(p, NULL);
    return ok;
}
