/* bench/bench_rpc.c - (b) RPC rates and (c) memory, xacct against the Go reference.
 *
 * Each round starts a fresh, configured process of each provider and runs, phase by
 * phase: GetProviderSchema x50 (median round trip), ValidateResourceConfig x`calls`
 * sequential and with `concurrency` in flight (threads sharing the one connection, as
 * Terraform's -parallelism does), then PlanResourceChange (a create) the same two ways.
 * Within a phase the providers take turns in slices of calls/10. After the round each process has
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
#include <sys/resource.h>

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
#define SLICES 10

enum phase { PH_SCHEMA, PH_VALIDATE_1, PH_VALIDATE_N, PH_PLAN_1, PH_PLAN_N, NPHASES };

/* What is reported per provider (medians over the rounds): the phases' figures, the
 * memory read after the round, and the provider's CPU time per call of each phase. */
enum figure {
    F_PHASE0 = 0,
    F_HWM = NPHASES, F_ANON, F_THREADS,
    F_CPU0,
    F_CLIENT0 = F_CPU0 + NPHASES,
    NFIGURES = F_CLIENT0 + NPHASES
};

static const struct figure_info {
    const char *part, *name;    /* name may hold %d: the concurrency, then the calls */
    enum bench_goal goal;
    double target;
} figures[NFIGURES] = {
    [PH_SCHEMA] = {"rpc", "GetProviderSchema round trip, median of 50 (ms)", GOAL_AT_MOST, 1.0},
    [PH_VALIDATE_1] = {"rpc", "ValidateResourceConfig, sequential (calls/s)", GOAL_AT_LEAST, 1.5},
    [PH_VALIDATE_N] = {"rpc", "ValidateResourceConfig, %d in flight (calls/s)", GOAL_AT_LEAST, 1.5},
    [PH_PLAN_1] = {"rpc", "PlanResourceChange, sequential (calls/s)", GOAL_AT_LEAST, 1.5},
    [PH_PLAN_N] = {"rpc", "PlanResourceChange, %d in flight (calls/s)", GOAL_AT_LEAST, 1.5},
    [F_HWM] = {"memory", "peak RSS (VmHWM) after 2x%d Validate + 2x%d Plan (MiB)", GOAL_AT_MOST, 1.0},
    [F_ANON] = {"memory", "anonymous memory (RssAnon) after the same calls (MiB)", GOAL_AT_MOST, 1.0},
    [F_THREADS] = {"memory", "threads after the same calls", GOAL_NONE, 0},
    [F_CPU0 + PH_SCHEMA] = {"cpu", "provider CPU per GetProviderSchema (us)", GOAL_NONE, 0},
    [F_CPU0 + PH_VALIDATE_1] = {"cpu", "provider CPU per Validate, sequential (us)", GOAL_NONE, 0},
    [F_CPU0 + PH_VALIDATE_N] = {"cpu", "provider CPU per Validate, %d in flight (us)", GOAL_NONE, 0},
    [F_CPU0 + PH_PLAN_1] = {"cpu", "provider CPU per Plan, sequential (us)", GOAL_NONE, 0},
    [F_CPU0 + PH_PLAN_N] = {"cpu", "provider CPU per Plan, %d in flight (us)", GOAL_NONE, 0},
    [F_CLIENT0 + PH_SCHEMA] = {"cpu", "client CPU per GetProviderSchema (us)", GOAL_NONE, 0},
    [F_CLIENT0 + PH_VALIDATE_1] = {"cpu", "client CPU per Validate, sequential (us)", GOAL_NONE, 0},
    [F_CLIENT0 + PH_VALIDATE_N] = {"cpu", "client CPU per Validate, %d in flight (us)", GOAL_NONE, 0},
    [F_CLIENT0 + PH_PLAN_1] = {"cpu", "client CPU per Plan, sequential (us)", GOAL_NONE, 0},
    [F_CLIENT0 + PH_PLAN_N] = {"cpu", "client CPU per Plan, %d in flight (us)", GOAL_NONE, 0},
};

/* CPU time of this process, the client, in ms (threads that ended included). */
static double client_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

struct call_run {
    struct xt_provider *p;
    const struct value *config;
    bool plan;
    int n;
    atomic_int next, bad;
};

struct rounds {
    double fig[NPHASES][MAX_ROUNDS];
    double cpu_us[NPHASES][MAX_ROUNDS];     /* provider CPU time per call */
    double client_us[NPHASES][MAX_ROUNDS];  /* the benchmark's own (the client's) */
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

/* Wall time in ms of v->n calls on `threads` threads; -1 on failure. */
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
    return ok ? wall : -1;
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

/* Runs phase ph on each provider, alternating between them in SLICES slices (which goes
 * first alternates too), so that both see the same machine load: a change of load
 * between two whole batches moved their ratio by a third. Fills fig and cpu_us of the
 * round; false (and why) when a call failed. */
static bool run_phase(enum phase ph, struct xt_provider *const *p, const struct bench_subject *subj,
                      int nsubj, int round, const struct value *config,
                      const struct bench_config *c, struct rounds *out, char *why, size_t nwhy)
{
    int slices = ph == PH_SCHEMA ? 1 : SLICES, per = c->calls / slices;
    double wall[2] = {0, 0}, cpu[2] = {0, 0}, client[2] = {0, 0};
    for (int i = 0; i < slices; i++) {
        for (int j = 0; j < nsubj; j++) {
            int k = (round + i + j) % nsubj;
            double cpu0 = bench_cpu_ms(xt_pid(p[k])), client0 = client_cpu_ms(), took;
            if (ph == PH_SCHEMA) {
                took = schema_median(p[k]);
            } else {
                struct call_run v = {.p = p[k], .config = config, .n = per < 1 ? 1 : per,
                                     .plan = ph == PH_PLAN_1 || ph == PH_PLAN_N};
                took = call_batch(&v, ph == PH_VALIDATE_1 || ph == PH_PLAN_1 ? 1 : c->concurrency);
            }
            if (took < 0) {
                snprintf(why, nwhy, "%s: a call of \"%s\" failed", subj[k].name, figures[ph].name);
                return false;
            }
            wall[k] += took;
            cpu[k] += bench_cpu_ms(xt_pid(p[k])) - cpu0;
            client[k] += client_cpu_ms() - client0;
        }
    }
    int calls = ph == PH_SCHEMA ? 50 : slices * (per < 1 ? 1 : per);
    for (int k = 0; k < nsubj; k++) {
        out[k].fig[ph][round] = ph == PH_SCHEMA ? wall[k] : calls / (wall[k] / 1000.0);
        out[k].cpu_us[ph][round] = cpu[k] * 1000.0 / calls;
        out[k].client_us[ph][round] = client[k] * 1000.0 / calls;
    }
    return true;
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
    for (int ph = 0; ph < NPHASES && ok; ph++)
        ok = run_phase((enum phase)ph, p, subj, nsubj, round, config, c, out, why, sizeof why);
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

/* Median over the rounds of figure f. */
static double median_of(const struct rounds *r, int nrounds, int f)
{
    double v[MAX_ROUNDS];
    for (int i = 0; i < nrounds; i++)
        v[i] = f < NPHASES      ? r->fig[f][i]
               : f == F_HWM     ? r->mem[i].hwm_kb / 1024.0
               : f == F_ANON    ? r->mem[i].anon_kb / 1024.0
               : f == F_THREADS ? r->mem[i].threads
               : f < F_CLIENT0  ? r->cpu_us[f - F_CPU0][i]
                                : r->client_us[f - F_CLIENT0][i];
    return bench_median(v, (size_t)nrounds);
}

static void report(const struct bench_config *c, const struct bench_subject *subj, int nsubj,
                   const struct rounds *out)
{
    for (int f = 0; f < NFIGURES; f++) {
        char figure[112], name[128];
        double med[2];
        snprintf(figure, sizeof figure, figures[f].name, f == F_HWM ? c->calls : c->concurrency,
                 c->calls);
        for (int k = 0; k < nsubj; k++) {
            med[k] = median_of(&out[k], c->rounds, f);
            snprintf(name, sizeof name, "%s: %s", subj[k].name, figure);
            bench_report_value(figures[f].part, name, med[k], "");
        }
        if (nsubj == 2)
            bench_compare(figure, "Go", med[0], med[1], figures[f].goal, figures[f].target);
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
