/* tests/e2e/e2e_lambda_common.h - what the resource end-to-end tests share: an AWS
 * emulator per test file (tests/awsemu, started with --port 0 on a seed), the two
 * provider configurations of the tutorial (API account with its own keys; function
 * account through assume_role from the first), and Terraform's plan/apply/refresh moves
 * over the real protocol (tests/support/xt.h): ProposedNew, a replace as delete + create,
 * a destroy as a null plan.
 *
 * Header-only (static functions) because tests/e2e builds each e2e_*.c on its own.
 * Every helper asserts (cmocka) on protocol failures and returns values the caller owns.
 */
#ifndef XA_TESTS_E2E_LAMBDA_COMMON_H
#define XA_TESTS_E2E_LAMBDA_COMMON_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "core/codec.h"
#include "core/provider.h"
#include "resources/registry.h"
#include "tests/support/xt.h"
#include "tfplugin6.pb-c.h"
#include "util/buf.h"

/* Each test file uses some of these helpers. */
#define E2E_HELPER __attribute__((unused))

#define API_ID "a1b2c3d4e5"
#define ROOT_ID "r00t000001"
#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"
#define API_KEY "AKIAEMU1111EXAMPLE01"
#define API_SECRET "emu1111SecretKeyForTheApiOwnerAccount000"
#define ROLE_ARN "arn:aws:iam::222222222222:role/xacct-cross-account"
#define T_INTEGRATION "xacct_lambda_integration"
#define T_PERMISSION "xacct_lambda_permission"

/* ---- the emulator ------------------------------------------------------------------ */

struct emu {
    pid_t pid;
    char url[64];
    char seed_file[128];    /* a generated seed, removed at stop */
};

/* Starts awsemu on seed_json (NULL: the tutorial's seed). false when the emulator is not
 * built (the caller skips). */
static E2E_HELPER bool emu_start(struct emu *e, const char *seed_json, const char *faults_json)
{
    const char *bin = getenv("XA_AWSEMU_BIN");
    static char def[512];
    snprintf(def, sizeof def, "%s/tests/awsemu/awsemu", XA_BINARY_DIR);
    bin = bin ? bin : def;
    memset(e, 0, sizeof *e);
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "e2e: %s is not built; skipping\n", bin);
        return false;
    }
    char seed[512];
    snprintf(seed, sizeof seed, "%s/tests/awsemu/seeds/tutorial.json", XA_SOURCE_DIR);
    if (seed_json) {
        snprintf(e->seed_file, sizeof e->seed_file, "/tmp/xacct-e2e-seed-%d.json", (int)getpid());
        FILE *f = fopen(e->seed_file, "w");
        assert_non_null(f);
        fputs(seed_json, f);
        fclose(f);
        snprintf(seed, sizeof seed, "%s", e->seed_file);
    }
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    e->pid = fork();
    assert_true(e->pid >= 0);
    if (e->pid == 0) {
        /* The emulator must not outlive a failed test (ctest would wait for its stdout). */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        if (faults_json)
            execl(bin, bin, "--seed", seed, "--port", "0", "--faults", faults_json, (char *)NULL);
        else
            execl(bin, bin, "--seed", seed, "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char line[32] = "";
    FILE *out = fdopen(fd[0], "r");
    assert_non_null(fgets(line, sizeof line, out));
    fclose(out);
    snprintf(e->url, sizeof e->url, "http://127.0.0.1:%d", atoi(line));
    return true;
}

/* The emulator on one of tests/awsemu/seeds/ (e.g. "console.json"). */
static E2E_HELPER bool emu_start_seed(struct emu *e, const char *seed_name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/awsemu/seeds/%s", XA_SOURCE_DIR, seed_name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct xbuf seed;
    xbuf_init(&seed);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        xbuf_append(&seed, chunk, n);
    fclose(f);
    bool ok = emu_start(e, xbuf_cstr(&seed), NULL);
    xbuf_cleanup(&seed);
    return ok;
}

/* The tutorial's seed with n more resources of API_ID, each with a GET method: ids
 * res0000000, res0000001, ..., paths /item00, /item01, ... (caller frees). */
static E2E_HELPER char *emu_seed_with_resources(int n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/awsemu/seeds/tutorial.json", XA_SOURCE_DIR);
    json_error_t err;
    json_t *seed = json_load_file(path, 0, &err);
    assert_non_null(seed);
    json_t *resources = json_object_get(json_array_get(json_object_get(seed, "rest_apis"), 0),
                                        "resources");
    for (int i = 0; i < n; i++) {
        char id[16], p[16];
        snprintf(id, sizeof id, "res%07d", i);
        snprintf(p, sizeof p, "/item%02d", i);
        json_array_append_new(resources, json_pack("{s:s,s:s,s:{s:{s:s}}}", "id", id, "path", p,
                                                   "methods", "GET", "authorizationType", "NONE"));
    }
    char *text = json_dumps(seed, 0);
    json_decref(seed);
    return text;
}

static E2E_HELPER void emu_stop(struct emu *e)
{
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        waitpid(e->pid, NULL, 0);
    }
    if (e->seed_file[0])
        unlink(e->seed_file);
    e->pid = 0;
}

static E2E_HELPER size_t emu_sink(char *p, size_t size, size_t n, void *ud)
{
    xbuf_append(ud, p, size * n);
    return size * n;
}

/* One unsigned call to the emulator's own endpoints. Returns the HTTP status; body and
 * headers (optional) receive the answer. */
static E2E_HELPER long emu_http(const struct emu *e, const char *method, const char *path,
                     const char *body, struct xbuf *out, struct xbuf *headers)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", e->url, path);
    CURL *c = curl_easy_init();
    long status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (out) {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, emu_sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    } else {
        curl_easy_setopt(c, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, emu_sink);
        static struct xbuf discard;
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &discard);
    }
    if (headers) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, emu_sink);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static E2E_HELPER void emu_drift(const struct emu *e, const char *json)
{
    struct xbuf out;
    xbuf_init(&out);
    long st = emu_http(e, "POST", "/_emu/drift", json, &out, NULL);
    if (st != 200)
        fail_msg("drift %s: HTTP %ld %s", json, st, xbuf_cstr(&out));
    xbuf_cleanup(&out);
}

/* Deploys api to stage "prod" out of band (the emulator's drift op "deploy", as a person
 * would in the console): the stage then serves the API as it is now. */
static E2E_HELPER void emu_deploy(const struct emu *e, const char *api)
{
    char json[256];
    snprintf(json, sizeof json, "{\"op\":\"deploy\",\"api_id\":\"%s\",\"stage\":\"prod\"}",
             api);
    emu_drift(e, json);
}

/* API Gateway invoking GET on a path of an API (stage "prod"): the tutorial's check.
 * Returns the HTTP status; reason gets the emulator's x-awsemu-reason, if any. */
static E2E_HELPER long emu_invoke_path(const struct emu *e, const char *api, const char *path,
                                       char *reason, size_t n)
{
    struct xbuf h;
    xbuf_init(&h);
    char url[256];
    snprintf(url, sizeof url, "/_emu/execute-api/%s/prod%s", api, path);
    long st = emu_http(e, "GET", url, NULL, NULL, &h);
    const char *r = strstr(xbuf_cstr(&h), "x-awsemu-reason: ");
    snprintf(reason, n, "%.*s", r ? (int)strcspn(r + 17, "\r\n") : 0, r ? r + 17 : "");
    xbuf_cleanup(&h);
    return st;
}

static E2E_HELPER long emu_invoke(const struct emu *e, const char *path, char *reason, size_t n)
{
    return emu_invoke_path(e, API_ID, path, reason, n);
}

/* Occurrences of "operation":"NAME" in the emulator's request log. */
static E2E_HELPER int emu_count_ops(const struct emu *e, const char *operation)
{
    struct xbuf out;
    xbuf_init(&out);
    emu_http(e, "GET", "/_emu/log", NULL, &out, NULL);
    char needle[128];
    snprintf(needle, sizeof needle, "\"operation\":\"%s\"", operation);
    int n = 0;
    for (const char *p = xbuf_cstr(&out); (p = strstr(p, needle)); p++)
        n++;
    xbuf_cleanup(&out);
    return n;
}

/* ---- values ------------------------------------------------------------------------ */

static E2E_HELPER struct value *json_value(const struct type *t, const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), t, false, &d);
    if (!v || diags_has_error(&d))
        fail_msg("bad test JSON for type: %s", json);
    diags_cleanup(&d);
    return v;
}

static E2E_HELPER struct value *res_config(const char *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static E2E_HELPER struct value *res_config(const char *type, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return json_value(xt_resource_type(type), buf);
}

static E2E_HELPER const struct resource_type *rtype(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (strcmp(xacct_provider_type.resources[i]->name, name) == 0)
            return xacct_provider_type.resources[i];
    fail_msg("no resource type %s", name);
    return NULL;
}

/* objchange.ProposedNew for a flat schema: computed attributes with a null config take
 * the prior value. */
static E2E_HELPER struct value *proposed_new(const char *type, const struct value *prior,
                                  const struct value *config)
{
    struct value *v = value_clone(config);
    const struct schema_block *b = &rtype(type)->schema->block;
    for (size_t i = 0; prior && !value_is_null(prior) && i < b->nattrs; i++) {
        const char *name = b->attrs[i].name;
        if ((b->attrs[i].flags & ATTR_COMPUTED) && value_is_null(value_attr(config, name)))
            value_object_set(v, name, value_clone(value_attr(prior, name)));
    }
    return v;
}

/* ---- providers --------------------------------------------------------------------- */

static E2E_HELPER void check(const struct xt_result *r, int status, const char *what)
{
    if (status != 0 || xt_has_error(r)) {
        xt_print_diags(r);
        fail_msg("%s failed (gRPC status %d)", what, status);
    }
}

/* The API account's provider (its own keys) or the function account's (assume_role from
 * the API account's keys, as the tutorial's second configuration), speaking `protocols`
 * (NULL: "5,6") with max_retries. */
static E2E_HELPER struct xt_provider *start_provider_with(const struct emu *e, bool function_account,
                                                        const char *region,
                                                        const char *const *env,
                                                        const char *protocols, int max_retries)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"region\":\"%s\",\"access_key\":\"" API_KEY "\",\"secret_key\":\"" API_SECRET "\","
             "%s\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}],"
             "\"max_retries\":%d}",
             region ? region : (function_account ? "us-west-2" : "us-east-1"),
             function_account ? "\"assume_role\":[{\"role_arn\":\"" ROLE_ARN "\"}]," : "",
             e->url, e->url, e->url, max_retries);
    struct xt_provider *p = xt_start(&(struct xt_options){.extra_env = env,
                                                          .protocols = protocols,
                                                          .stderr_path = "/tmp/xacct-e2e-provider.log",
                                                          .timeout_ms = 60000});
    assert_non_null(p);
    struct value *cfg = json_value(xt_provider_config_type(), json);
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_configure(p, cfg, &r), "ConfigureProvider");
    xt_result_cleanup(&r);
    value_free(cfg);
    return p;
}

static E2E_HELPER struct xt_provider *start_provider_proto(const struct emu *e, bool function_account,
                                                         const char *region, const char *const *env,
                                                         const char *protocols)
{
    return start_provider_with(e, function_account, region, env, protocols, 8);
}

static E2E_HELPER struct xt_provider *start_provider_retries(const struct emu *e,
                                                         bool function_account,
                                                         const char *region,
                                                         const char *const *env, int max_retries)
{
    return start_provider_with(e, function_account, region, env, NULL, max_retries);
}

static E2E_HELPER struct xt_provider *start_provider_env(const struct emu *e, bool function_account,
                                                     const char *region, const char *const *env)
{
    return start_provider_with(e, function_account, region, env, NULL, 8);
}

static E2E_HELPER struct xt_provider *start_provider(const struct emu *e, bool function_account,
                                                    const char *region)
{
    return start_provider_env(e, function_account, region, NULL);
}

/* ---- data sources ------------------------------------------------------------------ */

static E2E_HELPER struct value *ds_config(const char *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static E2E_HELPER struct value *ds_config(const char *type, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return json_value(xt_data_source_type(type), buf);
}

/* ValidateDataResourceConfig then ReadDataSource, as Terraform reads a data source; the
 * state (errors fail the test). */
static E2E_HELPER struct value *tf_read_data(struct xt_provider *p, const char *type,
                                             const struct value *config)
{
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_validate_data_source(p, type, config, &r), "ValidateDataResourceConfig");
    check(&r, xt_read_data_source(p, type, config, &r), "ReadDataSource");
    struct value *v = xt_take_value(&r);
    xt_result_cleanup(&r);
    assert_non_null(v);
    return v;
}

/* A number attribute, or -1 when null. */
static E2E_HELPER long long value_attr_int(const struct value *v, const char *name)
{
    int64_t n = -1;
    if (!value_attr_int64(v, name, &n))
        n = -1;
    return (long long)n;
}

/* ---- Terraform's moves ------------------------------------------------------------- */

/* PlanResourceChange; *rr_count gets the number of requires_replace paths. */
static E2E_HELPER struct value *tf_plan(struct xt_provider *p, const char *type, const struct value *prior,
                             const struct value *config, size_t *rr_count, struct xt_result *keep)
{
    struct value *proposed = proposed_new(type, prior, config);
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_plan(p, type, prior, proposed, config, NULL, &r), "PlanResourceChange");
    if (rr_count)
        *rr_count = r.nrequires_replace;
    struct value *planned = xt_take_value(&r);
    if (keep) {
        *keep = r;
    } else {
        xt_result_cleanup(&r);
    }
    value_free(proposed);
    return planned;
}

static E2E_HELPER bool tf_plan_is_noop(struct xt_provider *p, const char *type, const struct value *state,
                            const struct value *config)
{
    size_t rr = 0;
    struct value *planned = tf_plan(p, type, state, config, &rr, NULL);
    bool noop = rr == 0 && value_equal(planned, state);
    value_free(planned);
    return noop;
}

/* ApplyResourceChange; errors fail the test unless allow_error. */
static E2E_HELPER struct value *tf_apply(struct xt_provider *p, const char *type, const struct value *prior,
                              const struct value *planned, const struct value *config,
                              bool allow_error)
{
    struct xt_result r;
    xt_result_init(&r);
    int st = xt_apply(p, type, prior, planned, config, NULL, &r);
    if (!allow_error)
        check(&r, st, "ApplyResourceChange");
    struct value *v = xt_take_value(&r);
    xt_result_cleanup(&r);
    return v;
}

/* terraform apply for one resource: plan, then create/update, or delete + create for a
 * replacement. Returns the new state; frees *state. */
static E2E_HELPER struct value *tf_converge(struct xt_provider *p, const char *type, struct value *state,
                                 const struct value *config)
{
    size_t rr = 0;
    struct value *planned = tf_plan(p, type, state, config, &rr, NULL);
    if (rr > 0 && state && !value_is_null(state)) {
        value_free(tf_apply(p, type, state, NULL, NULL, false));
        value_free(state);
        state = NULL;
        value_free(planned);
        planned = tf_plan(p, type, NULL, config, NULL, NULL);
    }
    struct value *next = value_equal(planned, state) ? value_clone(state)
                                                     : tf_apply(p, type, state, planned, config, false);
    value_free(planned);
    value_free(state);
    return next;
}

static E2E_HELPER void tf_destroy(struct xt_provider *p, const char *type, struct value *state)
{
    struct value *v = tf_apply(p, type, state, NULL, NULL, false);
    assert_true(value_is_null(v));
    value_free(v);
    value_free(state);
}

/* ReadResource: the refreshed state (NULL pointer when the object is gone). */
static E2E_HELPER struct value *tf_read(struct xt_provider *p, const char *type, const struct value *state)
{
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_read(p, type, state, NULL, &r), "ReadResource");
    struct value *v = xt_take_value(&r);
    xt_result_cleanup(&r);
    if (v && value_is_null(v)) {
        value_free(v);
        v = NULL;
    }
    return v;
}

/* ImportResourceState followed by ReadResource, as Terraform does. */
static E2E_HELPER struct value *tf_import(struct xt_provider *p, const char *type, const char *id)
{
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_import(p, type, id, &r), "ImportResourceState");
    struct value *imported = xt_take_value(&r);
    xt_result_cleanup(&r);
    assert_non_null(imported);
    struct value *v = tf_read(p, type, imported);
    value_free(imported);
    return v;
}

/* MoveResourceState (tfplugin6): state JSON of another provider's resource type to
 * ours, as Terraform sends it for a `moved` block (1.8+). NULL with *error set on error. */
static E2E_HELPER struct value *tf_move(struct xt_provider *p, const char *source_type,
                                        const char *json, const char *target_type,
                                        char *error, size_t n)
{
    Tfplugin6__RawState raw = TFPLUGIN6__RAW_STATE__INIT;
    raw.json.data = (uint8_t *)json;
    raw.json.len = strlen(json);
    Tfplugin6__MoveResourceState__Request rq = TFPLUGIN6__MOVE_RESOURCE_STATE__REQUEST__INIT;
    rq.source_provider_address = (char *)"registry.terraform.io/hashicorp/aws";
    rq.source_type_name = (char *)source_type;
    rq.source_schema_version = 0;
    rq.source_state = &raw;
    rq.target_type_name = (char *)target_type;
    size_t len = protobuf_c_message_get_packed_size(&rq.base);
    uint8_t *buf = malloc(len + 1);
    protobuf_c_message_pack(&rq.base, buf);
    struct xbuf out;
    xbuf_init(&out);
    char method[128];
    assert_int_equal(xt_protocol(p), 6);
    int st = xt_call(p, xt_method(p, "MoveResourceState", method, sizeof method), buf, len, &out);
    free(buf);
    assert_int_equal(st, 0);
    Tfplugin6__MoveResourceState__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__move_resource_state__response__descriptor, NULL, out.len,
        (const uint8_t *)out.data);
    assert_non_null(rs);
    struct value *v = NULL;
    error[0] = '\0';
    for (size_t i = 0; i < rs->n_diagnostics; i++)
        if (rs->diagnostics[i]->severity == TFPLUGIN6__DIAGNOSTIC__SEVERITY__ERROR)
            snprintf(error, n, "%s: %s", rs->diagnostics[i]->summary, rs->diagnostics[i]->detail);
    if (!error[0] && rs->target_state) {
        struct diags d;
        diags_init(&d);
        v = codec_msgpack_decode(rs->target_state->msgpack.data, rs->target_state->msgpack.len,
                                 xt_resource_type(target_type), &d);
        diags_cleanup(&d);
    }
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&out);
    return v;
}

#endif
