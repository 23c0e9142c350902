/* bench/bench_throughput.c - (d) throughput under API Gateway's rate limit, xacct against
 * botocore: `integrations` xacct_lambda_integration resources (one per resource /r01.. of
 * the bench seed's API b0b0b0b0b0) planned and applied by one provider process with
 * Terraform's default parallelism, against awsemu with API Gateway throttled at 10
 * requests/s, burst 40 (AWS's account-level figure for these calls, set explicitly here),
 * once with retry_mode "adaptive" and once "standard"; and the same AWS calls
 * (GetResources, then one PutIntegration per resource on as many threads) made by
 * botocore in its adaptive and standard modes (bench_botocore.c). Each case gets a fresh
 * emulator; the cases alternate xacct / botocore.
 * Reported per case: the wall time, the share of the limit reached (the best possible
 * time, (successful requests - burst) / rate, over the wall time), the requests the
 * emulator saw, its 429s, the calls given up; and from the emulator's state that every
 * method got exactly its integration (nothing lost) and, for xacct, that no
 * PutIntegration succeeded twice (nothing duplicated).
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "tests/demo/emuctl.h"
#include "tests/demo/tfmoves.h"

#define T_INTEGRATION "xacct_lambda_integration"
#define BENCH_API "b0b0b0b0b0"
#define BENCH_FN "arn:aws:lambda:us-west-2:222222222222:function:bench-fn"
#define BENCH_URI                                                                           \
    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" BENCH_FN "/invocations"
#define RATE 10.0
#define BURST 40.0
#define FAULTS "{\"rate_limits\":{\"apigateway\":{\"rate\":10,\"burst\":40}}}"

/* What one case measured. */
struct outcome {
    double wall_s, share;   /* share of the limit, 0..1 */
    int dropped;            /* calls given up (failed applies, botocore's failures) */
    bool ok;
};

struct apply_run {
    struct xt_provider *p;
    atomic_int failed;
    pthread_mutex_t lock;
    struct xbuf first_error;
};

static void apply_one(int i, void *ud)
{
    struct apply_run *a = ud;
    char json[512];
    snprintf(json, sizeof json,
             "{\"rest_api_id\":\"" BENCH_API "\",\"resource_path\":\"/r%02d\","
             "\"http_method\":\"GET\",\"function_arn\":\"" BENCH_FN "\"}", i + 1);
    struct xbuf err;
    xbuf_init(&err);
    struct tfm_plan plan = {0};
    struct value *config = tfm_json(xt_resource_type(T_INTEGRATION), json, &err);
    struct value *state = config && tfm_plan(a->p, T_INTEGRATION, NULL, config, &plan, &err)
                              ? tfm_apply(a->p, T_INTEGRATION, NULL, &plan, config, &err)
                              : NULL;
    if (!state || value_is_null(state)) {
        atomic_fetch_add(&a->failed, 1);
        pthread_mutex_lock(&a->lock);
        if (a->first_error.len == 0)
            xbuf_append_str(&a->first_error, xbuf_cstr(&err));
        pthread_mutex_unlock(&a->lock);
    }
    tfm_plan_cleanup(&plan);
    value_free(state);
    value_free(config);
    xbuf_cleanup(&err);
}

/* Methods /r01../rN of the bench API whose integration points at the bench function. */
static int wired_methods(const struct emuctl *e, int n)
{
    struct xbuf out;
    xbuf_init(&out);
    int wired = 0;
    json_t *state = emuctl_http(e, "GET", "/_emu/state", NULL, &out, NULL) == 200
                        ? json_loads(xbuf_cstr(&out), 0, NULL) : NULL;
    json_t *resources = json_object_get(
        json_object_get(json_object_get(state, "rest_apis"), BENCH_API), "resources");
    const char *id;
    json_t *res;
    json_object_foreach(resources, id, res) {
        const char *path = json_string_value(json_object_get(res, "path"));
        json_t *integ = json_object_get(
            json_object_get(json_object_get(res, "resourceMethods"), "GET"), "methodIntegration");
        const char *uri = json_string_value(json_object_get(integ, "uri"));
        int k = path && path[0] == '/' && path[1] == 'r' ? atoi(path + 2) : 0;
        if (k >= 1 && k <= n && uri && strcmp(uri, BENCH_URI) == 0)
            wired++;
    }
    json_decref(state);
    xbuf_cleanup(&out);
    return wired;
}

/* The emulator's view of a finished case: reports it, fills the share of the limit and
 * whether every method is wired. */
static bool emulator_figures(const struct emuctl *e, const char *label, int n,
                             struct outcome *o)
{
    struct emuctl_counts all, put;
    char name[128];
    bool ok = emuctl_log_count(e, NULL, &all) && emuctl_log_count(e, "PutIntegration", &put);
    int wired = wired_methods(e, n), put_ok = put.requests - put.throttled - put.failed;
    int answered = all.requests - all.throttled - all.failed;
    o->share = o->wall_s > 0 ? ((answered - BURST) / RATE) / o->wall_s : 0;
    snprintf(name, sizeof name, "%s: wall", label);
    bench_report_value("throughput", name, o->wall_s, "s");
    snprintf(name, sizeof name, "%s: share of the limit reached", label);
    bench_report_value("throughput", name, o->share * 100.0, "%");
    snprintf(name, sizeof name, "%s: requests, 429s, calls given up", label);
    char text[96];
    snprintf(text, sizeof text, "%d, %d, %d", all.requests, all.throttled, o->dropped);
    bench_report_text("throughput", name, text);
    struct xbuf ops;
    xbuf_init(&ops);
    if (emuctl_log_summary(e, &ops)) {
        snprintf(name, sizeof name, "%s: requests by operation", label);
        bench_report_text("throughput", name, xbuf_cstr(&ops));
    }
    xbuf_cleanup(&ops);
    snprintf(name, sizeof name, "%s: methods wired, successful PutIntegration", label);
    snprintf(text, sizeof text, "%d, %d (expected %d, %d)", wired, put_ok, n, n);
    bench_report_text("throughput", name, text);
    return ok && wired == n && put_ok == n;
}

static bool xacct_case(const struct bench_config *c, struct emuctl *e, const char *mode,
                       struct outcome *o)
{
    char json[1024], label[96];
    struct xbuf err;
    xbuf_init(&err);
    snprintf(label, sizeof label, "xacct %s, %d integrations", mode, c->integrations);
    bench_provider_json(json, sizeof json, false, e->url, mode);
    struct xt_provider *p = tfm_start(&(struct xt_options){.binary = c->provider_bin,
                                                           .stderr_path = c->provider_log,
                                                           .timeout_ms = 300000},
                                      json, &err);
    if (!p) {
        bench_report_fail("throughput", xbuf_cstr(&err));
        xbuf_cleanup(&err);
        return false;
    }
    emuctl_log_clear(e);
    struct apply_run a = {.p = p, .lock = PTHREAD_MUTEX_INITIALIZER};
    xbuf_init(&a.first_error);
    double t0 = bench_now_ms();
    bench_parallel(c->integrations, c->parallelism, apply_one, &a);
    o->wall_s = (bench_now_ms() - t0) / 1000.0;
    o->dropped = atomic_load(&a.failed);
    bool ok = emulator_figures(e, label, c->integrations, o);
    struct bench_memory mem;
    if (bench_memory(xt_pid(p), &mem)) {
        snprintf(json, sizeof json, "%s: provider peak RSS (VmHWM)", label);
        bench_report_value("memory", json, mem.hwm_kb / 1024.0, "MiB");
    }
    if (o->dropped > 0) {
        snprintf(json, sizeof json, "%s: %d applies failed; first: %.600s", label, o->dropped,
                 xbuf_cstr(&a.first_error));
        bench_report_fail("throughput", json);
    } else if (!ok) {
        snprintf(json, sizeof json, "%s: lost or duplicated work (see the rows above)", label);
        bench_report_fail("throughput", json);
    }
    xt_stop(p, NULL);
    xbuf_cleanup(&a.first_error);
    xbuf_cleanup(&err);
    o->ok = ok && o->dropped == 0;
    return o->ok;
}

/* botocore's dropped calls are its behaviour, not a benchmark failure: reported only. */
static bool botocore_case(const struct bench_config *c, struct emuctl *e, const char *mode,
                          struct outcome *o)
{
    char label[96], why[512];
    snprintf(label, sizeof label, "botocore %s, %d integrations", mode, c->integrations);
    struct bench_botocore_result r;
    emuctl_log_clear(e);
    if (!bench_botocore_apply(c, e->url, mode, &r, why, sizeof why)) {
        bench_report_fail("throughput", why);
        return false;
    }
    o->wall_s = r.wall_s;
    o->dropped = r.failed;
    emulator_figures(e, label, c->integrations, o);
    o->ok = true;
    return true;
}

/* One case on a fresh emulator. */
static bool run_case(const struct bench_config *c, bool botocore, const char *mode,
                     struct outcome *o)
{
    struct emuctl e;
    char why[512];
    *o = (struct outcome){0};
    if (!emuctl_start(&e, &(struct emuctl_options){.binary = c->awsemu_bin, .seed = c->bench_seed,
                                                  .faults_json = FAULTS},
                      why, sizeof why)) {
        bench_report_fail("throughput", why);
        return false;
    }
    bool ok = botocore ? botocore_case(c, &e, mode, o) : xacct_case(c, &e, mode, o);
    emuctl_stop(&e);
    return ok;
}

bool bench_throughput(const struct bench_config *c)
{
    struct outcome xa, xs, ba = {0}, bs = {0};
    bool boto = c->botocore_python != NULL;
    bool ok = run_case(c, false, "adaptive", &xa);
    if (boto)
        ok = run_case(c, true, "adaptive", &ba) && ok;
    ok = run_case(c, false, "standard", &xs) && ok;
    if (boto)
        ok = run_case(c, true, "standard", &bs) && ok;
    char figure[96];
    snprintf(figure, sizeof figure, "adaptive, %d integrations: share of the limit (%%)",
             c->integrations);
    bench_compare(figure, "", xa.share * 100, -1, GOAL_AT_LEAST, 95);
    if (boto && ba.ok) {
        snprintf(figure, sizeof figure, "adaptive, %d integrations: wall (s)", c->integrations);
        bench_compare(figure, "botocore", xa.wall_s, ba.wall_s, GOAL_AT_MOST, 1.05);
    }
    snprintf(figure, sizeof figure, "standard, %d integrations: share of the limit (%%)",
             c->integrations);
    bench_compare(figure, "", xs.share * 100, -1, GOAL_AT_LEAST, 90);
    snprintf(figure, sizeof figure, "standard, %d integrations: calls given up",
             c->integrations);
    bench_compare(figure, "", xs.dropped, -1, GOAL_AT_MOST, 0);
    if (boto && bs.ok) {
        snprintf(figure, sizeof figure, "standard, %d integrations: wall (s)", c->integrations);
        bench_compare(figure, "botocore", xs.wall_s, bs.wall_s, GOAL_NONE, 0);
    }
    return ok;
}
