/* bench/bench_rpc.c - (b) RPC rates and (c) memory, xacct against the Go reference.
 *
 * Each round starts a fresh, configured process of each provider and runs, phase by
 * phase: GetProviderSchema x50 (median round trip), ValidateResourceConfig x`calls`
 * sequential and with `concurrency` in flight on the one connection (as Terraform's
 * -parallelism keeps them), then PlanResourceChange (a create) the same two ways.
 * Within a phase the providers take turns in slices of calls/10. The client is
 * xt_call_pipelined: requests packed once, one thread driving one completion queue, so
 * that on two shared cores the client's own CPU time (a thread per call cost ~50 us a
 * call) does not swamp the difference between the providers. After the round each process has
 * answered 2 x calls Validate and 2 x calls Plan; its VmHWM, RssAnon and thread count are
 * read then. Figures are medians over the rounds; every answer must be free of error
 * diagnostics, else the figure is reported as failed.
 * The configuration is the tutorial's xacct_lambda_integration; the provider block skips
 * the credential and account checks and points every endpoint at a closed port, since
 * neither call reaches AWS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench/bench.h"
#include "core/codec.h"
#include "tfplugin6.pb-c.h"
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

struct rounds {
    double fig[NPHASES][MAX_ROUNDS];
    double cpu_us[NPHASES][MAX_ROUNDS];     /* provider CPU time per call */
    double client_us[NPHASES][MAX_ROUNDS];  /* the benchmark's own (the client's) */
    struct bench_memory mem[MAX_ROUNDS];
};

/* The request each call of a phase sends, packed once: the tutorial's configuration, and
 * the plan of its creation (no prior state, objchange.ProposedNew of the config). */
struct requests {
    struct xbuf validate, plan;
};

static bool pack(const ProtobufCMessage *m, struct xbuf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    if (xbuf_reserve(out, n) != XA_OK)
        return false;
    out->len = protobuf_c_message_pack(m, (uint8_t *)out->data);
    return true;
}

static bool pack_requests(const struct value *config, struct requests *rq)
{
    const struct type *t = xt_resource_type(T_INTEGRATION);
    struct value *proposed = tfm_proposed_new(T_INTEGRATION, NULL, config);
    struct xbuf mp_config, mp_proposed;
    xbuf_init(&mp_config);
    xbuf_init(&mp_proposed);
    bool ok = proposed && codec_msgpack_encode(config, t, &mp_config) == XA_OK &&
              codec_msgpack_encode(proposed, t, &mp_proposed) == XA_OK;
    Tfplugin6__DynamicValue dconfig = TFPLUGIN6__DYNAMIC_VALUE__INIT,
                            dproposed = TFPLUGIN6__DYNAMIC_VALUE__INIT,
                            dprior = TFPLUGIN6__DYNAMIC_VALUE__INIT;
    uint8_t nil = 0xc0;     /* msgpack nil: no prior state */
    dconfig.msgpack = (ProtobufCBinaryData){mp_config.len, (uint8_t *)mp_config.data};
    dproposed.msgpack = (ProtobufCBinaryData){mp_proposed.len, (uint8_t *)mp_proposed.data};
    dprior.msgpack = (ProtobufCBinaryData){1, &nil};
    Tfplugin6__ValidateResourceConfig__Request v = TFPLUGIN6__VALIDATE_RESOURCE_CONFIG__REQUEST__INIT;
    v.type_name = (char *)T_INTEGRATION;
    v.config = &dconfig;
    Tfplugin6__PlanResourceChange__Request pl = TFPLUGIN6__PLAN_RESOURCE_CHANGE__REQUEST__INIT;
    pl.type_name = (char *)T_INTEGRATION;
    pl.prior_state = &dprior;
    pl.proposed_new_state = &dproposed;
    pl.config = &dconfig;
    ok = ok && pack(&v.base, &rq->validate) && pack(&pl.base, &rq->plan);
    xbuf_cleanup(&mp_config);
    xbuf_cleanup(&mp_proposed);
    value_free(proposed);
    return ok;
}

static bool no_error(Tfplugin6__Diagnostic **d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d[i]->severity == TFPLUGIN6__DIAGNOSTIC__SEVERITY__ERROR)
            return false;
    return true;
}

static bool validate_ok(const uint8_t *resp, size_t len, void *ud)
{
    Tfplugin6__ValidateResourceConfig__Response *r = (void *)protobuf_c_message_unpack(
        &tfplugin6__validate_resource_config__response__descriptor, NULL, len, resp);
    bool ok = r && no_error(r->diagnostics, r->n_diagnostics);
    if (r)
        protobuf_c_message_free_unpacked(&r->base, NULL);
    return ok;
}

static bool plan_ok(const uint8_t *resp, size_t len, void *ud)
{
    Tfplugin6__PlanResourceChange__Response *r = (void *)protobuf_c_message_unpack(
        &tfplugin6__plan_resource_change__response__descriptor, NULL, len, resp);
    bool ok = r && no_error(r->diagnostics, r->n_diagnostics) && r->planned_state;
    if (r)
        protobuf_c_message_free_unpacked(&r->base, NULL);
    return ok;
}

/* Wall time in ms of n calls of a phase with `inflight` outstanding; -1 when one failed. */
static double call_batch(struct xt_provider *p, enum phase ph, const struct requests *rq, int n,
                         int inflight)
{
    bool plan = ph == PH_PLAN_1 || ph == PH_PLAN_N;
    const struct xbuf *req = plan ? &rq->plan : &rq->validate;
    char method[128];
    xt_method(p, plan ? "PlanResourceChange" : "ValidateResourceConfig", method, sizeof method);
    double t0 = bench_now_ms();
    int bad = xt_call_pipelined(p, method, req->data, req->len, n, inflight,
                                plan ? plan_ok : validate_ok, NULL);
    double wall = bench_now_ms() - t0;
    return bad == 0 ? wall : -1;
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
                      int nsubj, int round, const struct requests *rq,
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
                took = call_batch(p[k], ph, rq, per < 1 ? 1 : per,
                                  ph == PH_VALIDATE_1 || ph == PH_PLAN_1 ? 1 : c->concurrency);
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
                      int round, const struct requests *rq, struct rounds *out)
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
        ok = run_phase((enum phase)ph, p, subj, nsubj, round, rq, c, out, why, sizeof why);
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
    struct requests rq;
    xbuf_init(&rq.validate);
    xbuf_init(&rq.plan);
    bool ok = config && out && c->rounds <= MAX_ROUNDS && pack_requests(config, &rq);
    if (!ok)
        bench_report_fail("rpc", "cannot set up (configuration, memory or too many rounds)");
    for (int round = 0; ok && round < c->rounds; round++)
        ok = one_round(c, subj, nsubj, round, &rq, out);
    if (ok)
        report(c, subj, nsubj, out);
    free(out);
    xbuf_cleanup(&rq.validate);
    xbuf_cleanup(&rq.plan);
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
