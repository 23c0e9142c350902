/* bench/bench_rpc.c - (b) RPC latency and (c) memory, on one provider process:
 * GetProviderSchema x50 (median), ValidateResourceConfig x`calls` sequential (calls/s,
 * per-call median), the same with `concurrency` calls in flight (threads sharing the one
 * connection, as Terraform's -parallelism does), then VmHWM of the provider process.
 * The validated configuration is the tutorial's xacct_lambda_integration; every answer
 * must be free of error diagnostics, else the figure is reported as failed.
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

struct validate_run {
    struct xt_provider *p;
    const struct value *config;
    double *lat;
    int n;
    atomic_int next, bad;
};

static void *validate_worker(void *arg)
{
    struct validate_run *v = arg;
    struct xt_result r;
    xt_result_init(&r);
    for (int i; (i = atomic_fetch_add(&v->next, 1)) < v->n;) {
        double t0 = bench_now_ms();
        int st = xt_validate_resource(v->p, T_INTEGRATION, v->config, &r);
        v->lat[i] = bench_now_ms() - t0;
        if (st != 0 || xt_has_error(&r))
            atomic_fetch_add(&v->bad, 1);
    }
    xt_result_cleanup(&r);
    return NULL;
}

/* Runs v->n validations on `threads` threads; wall time in ms, -1 on failure. */
static double validate_batch(struct validate_run *v, int threads)
{
    pthread_t tid[64];
    int started = 0;
    atomic_store(&v->next, 0);
    atomic_store(&v->bad, 0);
    double t0 = bench_now_ms();
    if (threads <= 1) {
        validate_worker(v);
    } else {
        for (; started < threads && started < 64; started++)
            if (pthread_create(&tid[started], NULL, validate_worker, v) != 0)
                break;
        for (int i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    double wall = bench_now_ms() - t0;
    return atomic_load(&v->bad) == 0 && (threads <= 1 || started > 0) ? wall : -1;
}

static bool schema_latency(struct xt_provider *p)
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
    if (!ok) {
        bench_report_fail("rpc", "GetProviderSchema failed");
        return false;
    }
    struct bench_stats s;
    bench_stats(lat, 50, &s);
    bench_report_stats("rpc", "GetProviderSchema latency", &s, "ms");
    return true;
}

static bool validate_figures(struct xt_provider *p, const struct bench_config *c)
{
    struct xbuf err;
    xbuf_init(&err);
    struct value *config = tfm_json(xt_resource_type(T_INTEGRATION), CONFIG, &err);
    struct validate_run v = {.p = p, .config = config, .n = c->calls,
                             .lat = calloc((size_t)c->calls, sizeof(double))};
    bool ok = config && v.lat;
    for (int round = 0; ok && round < 2; round++) {
        int threads = round == 0 ? 1 : c->concurrency;
        double wall = validate_batch(&v, threads);
        char name[96];
        if (wall < 0) {
            bench_report_fail("rpc", "ValidateResourceConfig failed or was rejected");
            ok = false;
            break;
        }
        struct bench_stats s;
        bench_stats(v.lat, (size_t)v.n, &s);
        snprintf(name, sizeof name, "ValidateResourceConfig x%d, %d in flight", v.n, threads);
        bench_report_value("rpc", name, v.n / (wall / 1000.0), "calls/s");
        snprintf(name, sizeof name, "ValidateResourceConfig latency, %d in flight", threads);
        bench_report_stats("rpc", name, &s, "ms");
    }
    free(v.lat);
    value_free(config);
    xbuf_cleanup(&err);
    return ok;
}

bool bench_rpc(const struct bench_config *c)
{
    struct xt_provider *p = xt_start(&(struct xt_options){.binary = c->provider_bin,
                                                          .stderr_path = c->provider_log});
    if (!p) {
        bench_report_fail("rpc", "the provider did not start");
        return false;
    }
    bool ok = schema_latency(p) && validate_figures(p, c);
    long hwm, rss;
    if (bench_peak_rss(xt_pid(p), &hwm, &rss)) {
        bench_report_value("memory", "peak RSS (VmHWM) after startup + RPC runs", hwm / 1024.0,
                           "MiB");
        bench_report_value("memory", "RSS (VmRSS) after startup + RPC runs", rss / 1024.0, "MiB");
        long pss, priv;
        if (bench_private_memory(xt_pid(p), &pss, &priv)) {
            bench_report_value("memory", "PSS after startup + RPC runs", pss / 1024.0, "MiB");
            bench_report_value("memory", "private (unshared) memory after startup + RPC runs",
                               priv / 1024.0, "MiB");
        }
    } else {
        bench_report_fail("memory", "cannot read /proc/PID/status of the provider");
        ok = false;
    }
    if (xt_stop(p, NULL) != 0) {
        bench_report_fail("rpc", "the provider did not exit cleanly after Shutdown");
        ok = false;
    }
    return ok;
}
