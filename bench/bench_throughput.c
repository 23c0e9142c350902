/* bench/bench_throughput.c - (d) throughput under API Gateway's rate limit: `integrations`
 * xacct_lambda_integration resources (one per resource /r01.. of the bench seed's API
 * b0b0b0b0b0) planned and applied by one provider process with Terraform's default
 * parallelism, against awsemu with API Gateway throttled at 10 requests/s, burst 40 (the
 * emulator's default, AWS's account-level figure for these calls, set explicitly here).
 * Reports the wall time, the requests the emulator saw, the 429s it sent, and checks in
 * the emulator's state that every method got exactly its integration (nothing lost) and
 * that no PutIntegration succeeded twice for the same method (nothing duplicated).
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
#define FAULTS "{\"rate_limits\":{\"apigateway\":{\"rate\":10,\"burst\":40}}}"

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

static bool measure(const struct bench_config *c, struct emuctl *e)
{
    char json[1024];
    struct xbuf err;
    xbuf_init(&err);
    bench_provider_json(json, sizeof json, false, e->url);
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
    double wall = bench_now_ms() - t0;

    struct emuctl_counts all, put;
    bool ok = emuctl_log_count(e, NULL, &all) && emuctl_log_count(e, "PutIntegration", &put);
    int wired = wired_methods(e, c->integrations);
    int put_ok = put.requests - put.throttled - put.failed;
    char name[96];
    snprintf(name, sizeof name, "apply %d integrations (parallelism %d): wall", c->integrations,
             c->parallelism);
    bench_report_value("throughput", name, wall / 1000.0, "s");
    bench_report_value("throughput", "AWS requests sent", all.requests, "requests");
    bench_report_value("throughput", "429 TooManyRequests received", all.throttled, "responses");
    bench_report_value("throughput", "other error answers", all.failed, "responses");
    struct xbuf ops;
    xbuf_init(&ops);
    if (emuctl_log_summary(e, &ops))
        bench_report_text("throughput", "requests by operation", xbuf_cstr(&ops));
    xbuf_cleanup(&ops);
    bench_report_value("throughput", "methods wired (expected = N)", wired, "methods");
    bench_report_value("throughput", "successful PutIntegration (expected = N)", put_ok, "calls");
    long hwm, rss;
    if (bench_peak_rss(xt_pid(p), &hwm, &rss))
        bench_report_value("memory", "peak RSS (VmHWM) after the throughput run", hwm / 1024.0,
                           "MiB");
    if (atomic_load(&a.failed) > 0) {
        snprintf(json, sizeof json, "%d applies failed; first: %.600s", atomic_load(&a.failed),
                 xbuf_cstr(&a.first_error));
        bench_report_fail("throughput", json);
        ok = false;
    }
    if (wired != c->integrations || put_ok != c->integrations) {
        snprintf(json, sizeof json, "%d of %d methods wired, %d successful PutIntegration: "
                 "lost or duplicated work", wired, c->integrations, put_ok);
        bench_report_fail("throughput", json);
        ok = false;
    }
    xt_stop(p, NULL);
    xbuf_cleanup(&a.first_error);
    xbuf_cleanup(&err);
    return ok;
}

bool bench_throughput(const struct bench_config *c)
{
    struct emuctl e;
    char why[512];
    if (!emuctl_start(&e, &(struct emuctl_options){.binary = c->awsemu_bin, .seed = c->bench_seed,
                                                  .faults_json = FAULTS},
                      why, sizeof why)) {
        bench_report_fail("throughput", why);
        return false;
    }
    bool ok = measure(c, &e);
    emuctl_stop(&e);
    return ok;
}
