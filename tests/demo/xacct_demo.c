/* tests/demo/xacct_demo.c - xacct-demo: AWS's tutorial "Build an API Gateway API with
 * cross-account Lambda proxy integration", end to end through the real protocol.
 *
 * Like Terraform with two provider configurations, it starts the provider binary twice
 * (go-plugin handshake, mutual TLS): provider A with the API account's keys, provider B
 * with the same keys plus assume_role into the function account. It then narrates what
 * Terraform would show, step by step: validate, plan and apply of xacct_lambda_integration
 * (values known at plan time printed), plan and apply of xacct_lambda_permission with the
 * integration's source_arn, API Gateway's invocation (the emulator's execute-api check:
 * 200), a second plan of both (no changes), destroy of both and the check again (500).
 * Each step prints the AWS requests the emulator saw. By default everything runs against
 * tests/awsemu with the tutorial's seed; XACCT_DEMO_REAL=1 targets real AWS (see usage()).
 * Exit status: 0 when every step did what the tutorial expects, 1 otherwise (with the
 * diagnostics), 2 for bad usage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/codec.h"
#include "core/schema.h"
#include "tests/demo/emuctl.h"
#include "tests/demo/tfmoves.h"

#define T_INTEGRATION "xacct_lambda_integration"
#define T_PERMISSION "xacct_lambda_permission"

/* The tutorial's world in tests/awsemu/seeds/tutorial.json. */
#define EMU_API_KEY "AKIAEMU1111EXAMPLE01"
#define EMU_API_SECRET "emu1111SecretKeyForTheApiOwnerAccount000"
#define EMU_ROLE_ARN "arn:aws:iam::222222222222:role/xacct-cross-account"
#define EMU_API_ID "a1b2c3d4e5"
#define EMU_FUNCTION_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"

struct demo {
    bool real;
    const char *provider_bin, *awsemu_bin, *seed;
    const char *api_region, *rest_api_id, *resource_path, *http_method, *function_arn;
    const char *role_arn, *api_profile, *function_profile, *statement_id;
    char function_region[32];
    char provider_log[128], emu_log[128];
    struct emuctl emu;
    char api_json[2048], fn_json[2048];
    struct xt_provider *api, *fn;
    struct value *integration_config, *permission_config;
    struct value *integration, *permission;     /* states */
    int step, failed_steps;
    struct xbuf err;
};

static void usage(FILE *f)
{
    fputs("usage: xacct-demo [--provider PATH] [--awsemu PATH] [--seed FILE]\n"
          "\n"
          "Walks AWS's tutorial \"Build an API Gateway API with cross-account Lambda proxy\n"
          "integration\" with terraform-provider-xacct, over the same protocol Terraform uses.\n"
          "By default it starts the AWS emulator (tests/awsemu) with the tutorial's seed:\n"
          "account 111111111111 owns REST API a1b2c3d4e5 (us-east-1, GET on /), account\n"
          "222222222222 owns function tutorial-hello (us-west-2). Nothing leaves the machine.\n"
          "\n"
          "Against real AWS (creates, then destroys, one integration and one permission):\n"
          "  XACCT_DEMO_REAL=1               required to leave the emulator\n"
          "  XACCT_DEMO_REST_API_ID          the REST API (required)\n"
          "  XACCT_DEMO_FUNCTION_ARN         the function's full ARN (required)\n"
          "  XACCT_DEMO_API_REGION           the API's region (default us-east-1)\n"
          "  XACCT_DEMO_RESOURCE_PATH        the resource path (default /); the method must exist\n"
          "  XACCT_DEMO_HTTP_METHOD          the method (default GET)\n"
          "  XACCT_DEMO_ROLE_ARN             role in the function account that the API\n"
          "                                  account's credentials may assume (provider B)\n"
          "  XACCT_DEMO_API_PROFILE          shared-config profile of the API account\n"
          "                                  (default: the usual AWS credential chain)\n"
          "  XACCT_DEMO_FUNCTION_PROFILE     profile for provider B when no role is given\n"
          "  XACCT_DEMO_STATEMENT_ID         the permission's statement id\n"
          "                                  (default xacct-demo-AllowApiGatewayInvoke)\n"
          "The execute-api check and the request counts need the emulator and are skipped\n"
          "against AWS (a REST API serves a changed integration only after a deployment).\n"
          "\n"
          "Files: provider logs in /tmp/xacct-demo-provider-PID.log, the emulator's messages\n"
          "in /tmp/xacct-demo-awsemu-PID.log; both are removed when every step passes.\n",
          f);
}

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* ---- narration --------------------------------------------------------------------- */

static void step_begin(struct demo *d, const char *title, const char *command)
{
    printf("\n== Step %d: %s ==\n", ++d->step, title);
    if (command)
        printf("   $ %s\n", command);
    xbuf_clear(&d->err);
    if (!d->real)
        emuctl_log_clear(&d->emu);
    fflush(stdout);
}

/* Prints the step's AWS requests and its outcome; returns ok. */
static bool step_end(struct demo *d, bool ok)
{
    if (!d->real) {
        struct emuctl_counts c;
        struct xbuf ops;
        xbuf_init(&ops);
        if (emuctl_log_count(&d->emu, NULL, &c) && emuctl_log_summary(&d->emu, &ops))
            printf("   AWS requests: %d%s%s%s", c.requests, ops.len ? " (" : "",
                   xbuf_cstr(&ops), ops.len ? ")" : "");
        else
            printf("   AWS requests: (the emulator's log could not be read)");
        if (c.throttled)
            printf(", %d throttled", c.throttled);
        printf("\n");
        xbuf_cleanup(&ops);
    }
    if (ok) {
        printf("   ok\n");
    } else {
        d->failed_steps++;
        printf("   FAILED\n%s", xbuf_cstr(&d->err));
    }
    fflush(stdout);
    return ok;
}

static void render_value(const struct value *v, struct xbuf *out)
{
    xbuf_clear(out);
    if (value_is_unknown(v)) {
        xbuf_append_str(out, "(known after apply)");
    } else if (value_get_string(v)) {
        xbuf_append_char(out, '"');
        xbuf_append_str(out, value_get_string(v));
        xbuf_append_char(out, '"');
    } else if (codec_json_encode(v, out) != XA_OK) {
        xbuf_append_str(out, "(?)");
    }
}

/* Terraform's rendering of one resource's plan. */
static void render_plan(const char *type, const char *name, const struct value *prior,
                        const struct tfm_plan *plan)
{
    bool was = prior && !value_is_null(prior), will = !value_is_null(plan->planned);
    if (tfm_plan_is_noop(plan, prior)) {
        printf("   %s.%s: no changes.\n", type, name);
        return;
    }
    const char *what = !was ? "created" : !will ? "destroyed"
                       : plan->nreplace ? "replaced" : "updated in-place";
    char mark = !was ? '+' : !will ? '-' : '~';
    printf("\n     # %s.%s will be %s\n     %c resource \"%s\" \"%s\" {\n", type, name, what,
           mark, type, name);
    const struct schema_block *b = &tfm_resource(type)->schema->block;
    struct xbuf text;
    xbuf_init(&text);
    for (size_t i = 0; i < b->nattrs; i++) {
        const char *attr = b->attrs[i].name;
        const struct value *before = was ? value_attr(prior, attr) : NULL;
        const struct value *after = will ? value_attr(plan->planned, attr) : NULL;
        const struct value *shown = will ? after : before;
        if (!shown || value_is_null(shown))
            continue;
        char m = mark;
        if (was && will)
            m = before && value_equal(before, after) ? ' ' : '~';
        render_value(shown, &text);
        printf("         %c %-22s = %s\n", m, attr, xbuf_cstr(&text));
    }
    printf("       }\n");
    xbuf_cleanup(&text);
}

/* ---- the steps --------------------------------------------------------------------- */

static bool setup_inputs(struct demo *d)
{
    d->real = strcmp(env_or("XACCT_DEMO_REAL", "0"), "1") == 0;
    d->statement_id = env_or("XACCT_DEMO_STATEMENT_ID", d->real ? "xacct-demo-AllowApiGatewayInvoke"
                                                                : "AllowApiGatewayInvoke");
    if (!d->real) {
        d->api_region = "us-east-1";
        d->rest_api_id = EMU_API_ID;
        d->resource_path = "/";
        d->http_method = "GET";
        d->function_arn = EMU_FUNCTION_ARN;
        d->role_arn = EMU_ROLE_ARN;
    } else {
        d->api_region = env_or("XACCT_DEMO_API_REGION", "us-east-1");
        d->rest_api_id = env_or("XACCT_DEMO_REST_API_ID", NULL);
        d->resource_path = env_or("XACCT_DEMO_RESOURCE_PATH", "/");
        d->http_method = env_or("XACCT_DEMO_HTTP_METHOD", "GET");
        d->function_arn = env_or("XACCT_DEMO_FUNCTION_ARN", NULL);
        d->role_arn = env_or("XACCT_DEMO_ROLE_ARN", NULL);
        d->api_profile = env_or("XACCT_DEMO_API_PROFILE", NULL);
        d->function_profile = env_or("XACCT_DEMO_FUNCTION_PROFILE", NULL);
        if (!d->rest_api_id || !d->function_arn) {
            fprintf(stderr, "xacct-demo: XACCT_DEMO_REAL=1 needs XACCT_DEMO_REST_API_ID and "
                            "XACCT_DEMO_FUNCTION_ARN\n\n");
            usage(stderr);
            return false;
        }
    }
    /* arn:aws:lambda:REGION:ACCOUNT:function:NAME */
    const char *r = d->function_arn;
    for (int i = 0; i < 3 && r; i++)
        r = strchr(r, ':') ? strchr(r, ':') + 1 : NULL;
    size_t n = r ? strcspn(r, ":") : 0;
    if (!r || n == 0 || n >= sizeof d->function_region || strncmp(d->function_arn, "arn:", 4)) {
        fprintf(stderr, "xacct-demo: \"%s\" is not a Lambda function ARN "
                        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)\n", d->function_arn);
        return false;
    }
    memcpy(d->function_region, r, n);
    return true;
}

/* snprintf that reports truncation: inputs come from the environment in real mode. */
static bool fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static bool fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int w = vsnprintf(buf, n, f, ap);
    va_end(ap);
    return w >= 0 && (size_t)w < n;
}

/* The two provider blocks as JSON; false when an input is too long for them. */
static bool provider_json(struct demo *d)
{
    char endpoints[512] = "", auth[512] = "", fn_auth[1024] = "";
    bool ok = true;
    if (!d->real) {
        ok = fmt(endpoints, sizeof endpoints,
                 ",\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}]",
                 d->emu.url, d->emu.url, d->emu.url) &&
             fmt(auth, sizeof auth, ",\"access_key\":\"%s\",\"secret_key\":\"%s\"",
                 EMU_API_KEY, EMU_API_SECRET);
    } else if (d->api_profile) {
        ok = fmt(auth, sizeof auth, ",\"profile\":\"%s\"", d->api_profile);
    }
    if (ok && d->role_arn)
        ok = fmt(fn_auth, sizeof fn_auth, "%s,\"assume_role\":[{\"role_arn\":\"%s\","
                 "\"session_name\":\"xacct-demo\"}]", auth, d->role_arn);
    else if (ok && d->function_profile)
        ok = fmt(fn_auth, sizeof fn_auth, ",\"profile\":\"%s\"", d->function_profile);
    return ok &&
           fmt(d->api_json, sizeof d->api_json, "{\"region\":\"%s\"%s%s}", d->api_region,
               auth, endpoints) &&
           fmt(d->fn_json, sizeof d->fn_json, "{\"region\":\"%s\"%s%s}", d->function_region,
               fn_auth, endpoints);
}

static bool start_world(struct demo *d)
{
    snprintf(d->provider_log, sizeof d->provider_log, "/tmp/xacct-demo-provider-%d.log",
             (int)getpid());
    snprintf(d->emu_log, sizeof d->emu_log, "/tmp/xacct-demo-awsemu-%d.log", (int)getpid());
    if (!d->real) {
        char why[512];
        printf("Starting the AWS emulator with %s ...\n", d->seed);
        if (!emuctl_start(&d->emu, &(struct emuctl_options){.binary = d->awsemu_bin,
                                                            .seed = d->seed,
                                                            .stderr_path = d->emu_log},
                          why, sizeof why)) {
            fprintf(stderr, "xacct-demo: %s\n", why);
            return false;
        }
        printf("  awsemu listens on %s (accounts 111111111111 and 222222222222)\n", d->emu.url);
    } else {
        printf("Using real AWS: API %s in %s, function %s.\n", d->rest_api_id, d->api_region,
               d->function_arn);
    }
    if (!provider_json(d)) {
        fprintf(stderr, "xacct-demo: a region, profile, role ARN or endpoint is too long\n");
        return false;
    }
    return true;
}

/* Starts both provider processes, as each terraform command does. */
static bool start_providers(struct demo *d, bool verbose)
{
    struct xt_options o = {.binary = d->provider_bin, .stderr_path = d->provider_log,
                           .timeout_ms = 120000};
    if (verbose)
        printf("   provider \"xacct\" {            # A: the API account, %s\n", d->api_region);
    d->api = tfm_start(&o, d->api_json, &d->err);
    if (d->api && verbose)
        printf("     pid %d, tfplugin%d over %s, mutual TLS\n", (int)xt_pid(d->api),
               xt_protocol(d->api), xt_network(d->api));
    if (verbose) {
        printf("   provider \"xacct\" { alias = \"function\"   # B: the function account, %s%s\n",
               d->function_region, d->role_arn ? ", assume_role" : "");
        if (d->role_arn)
            printf("     assume_role { role_arn = \"%s\" }\n", d->role_arn);
    }
    d->fn = d->api ? tfm_start(&o, d->fn_json, &d->err) : NULL;
    if (d->fn && verbose)
        printf("     pid %d, tfplugin%d over %s, mutual TLS\n", (int)xt_pid(d->fn),
               xt_protocol(d->fn), xt_network(d->fn));
    return d->api && d->fn;
}

static void stop_providers(struct demo *d)
{
    if (d->api && xt_stop(d->api, NULL) != 0)
        printf("warning: provider A did not exit cleanly (see %s)\n", d->provider_log);
    if (d->fn && xt_stop(d->fn, NULL) != 0)
        printf("warning: provider B did not exit cleanly (see %s)\n", d->provider_log);
    d->api = d->fn = NULL;
}

/* A new terraform command: fresh provider processes (nothing cached from the last run). */
static bool restart_providers(struct demo *d)
{
    stop_providers(d);
    printf("   (new terraform run: both providers restarted and configured)\n");
    return start_providers(d, false);
}

static bool step_start_providers(struct demo *d)
{
    step_begin(d, "terraform init: start both provider configurations", NULL);
    return step_end(d, start_providers(d, true));
}

static bool build_configs(struct demo *d)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"rest_api_id\":\"%s\",\"resource_path\":\"%s\",\"http_method\":\"%s\","
             "\"function_arn\":\"%s\"}",
             d->rest_api_id, d->resource_path, d->http_method, d->function_arn);
    d->integration_config = tfm_json(xt_resource_type(T_INTEGRATION), json, &d->err);
    snprintf(json, sizeof json,
             "{\"function_name\":\"%s\",\"statement_id\":\"%s\","
             "\"principal\":\"apigateway.amazonaws.com\"}",
             d->function_arn, d->statement_id);
    d->permission_config = tfm_json(xt_resource_type(T_PERMISSION), json, &d->err);
    return d->integration_config && d->permission_config;
}

static bool step_validate(struct demo *d)
{
    step_begin(d, "validate both configurations", "terraform validate");
    bool ok = build_configs(d) && tfm_validate_provider(d->api, d->api_json, &d->err) &&
              tfm_validate_provider(d->fn, d->fn_json, &d->err) &&
              tfm_validate(d->api, T_INTEGRATION, d->integration_config, &d->err);
    if (ok) {
        /* At validate time source_arn refers to a resource not yet created: unknown. */
        struct value *pc = value_clone(d->permission_config);
        value_object_set(pc, "source_arn", value_new_unknown(&type_string));
        ok = tfm_validate(d->fn, T_PERMISSION, pc, &d->err);
        value_free(pc);
    }
    if (ok)
        printf("   Success! The configuration is valid.\n");
    return step_end(d, ok);
}

/* plan + apply of one resource; *state is replaced by the new state. */
static bool plan_step(struct demo *d, struct xt_provider *p, const char *type, const char *name,
                      struct value *prior, const struct value *config, struct tfm_plan *plan)
{
    bool ok = tfm_plan(p, type, prior, config, plan, &d->err);
    if (ok)
        render_plan(type, name, prior, plan);
    return ok;
}

static bool apply_step(struct demo *d, struct xt_provider *p, const char *type, const char *name,
                       struct value **state, const struct value *config,
                       const struct tfm_plan *plan)
{
    struct value *next = tfm_apply(p, type, *state, plan, config, &d->err);
    if (!next)
        return false;
    value_free(*state);
    *state = next;
    if (value_is_null(next)) {
        printf("   %s.%s: Destruction complete\n", type, name);
    } else {
        printf("   %s.%s: Creation complete [id=%s]\n", type, name,
               value_attr_string(next, "id") ? value_attr_string(next, "id") : "?");
    }
    return true;
}

static bool step_integration(struct demo *d)
{
    struct tfm_plan plan;
    step_begin(d, "plan the integration (provider A)", "terraform plan");
    bool ok = plan_step(d, d->api, T_INTEGRATION, "hello", NULL, d->integration_config, &plan);
    step_end(d, ok);
    if (ok) {
        step_begin(d, "apply the integration: PutIntegration in the API account",
                   "terraform apply -target=xacct_lambda_integration.hello");
        ok = step_end(d, apply_step(d, d->api, T_INTEGRATION, "hello", &d->integration,
                                    d->integration_config, &plan));
    }
    tfm_plan_cleanup(&plan);
    return ok;
}

static bool step_permission(struct demo *d)
{
    struct tfm_plan plan;
    const char *source_arn = value_attr_string(d->integration, "source_arn");
    if (source_arn)
        value_object_set_string(d->permission_config, "source_arn", source_arn);
    step_begin(d, "plan the permission (provider B), source_arn from the integration",
               "terraform plan");
    printf("   source_arn = xacct_lambda_integration.hello.source_arn = \"%s\"\n",
           source_arn ? source_arn : "?");
    bool ok = source_arn &&
              plan_step(d, d->fn, T_PERMISSION, "apigw", NULL, d->permission_config, &plan);
    step_end(d, ok);
    if (ok) {
        step_begin(d, "apply the permission: AddPermission in the function account",
                   "terraform apply");
        ok = step_end(d, apply_step(d, d->fn, T_PERMISSION, "apigw", &d->permission,
                                    d->permission_config, &plan));
    }
    tfm_plan_cleanup(&plan);
    return ok;
}

/* API Gateway invoking the method, as the tutorial's test does. */
static bool step_check(struct demo *d, long want)
{
    char title[128];
    snprintf(title, sizeof title, "API Gateway calls %s %s (expect HTTP %ld)", d->http_method,
             d->resource_path, want);
    step_begin(d, title, NULL);
    if (d->real) {
        printf("   skipped against real AWS: deploy a stage, then call "
               "https://%s.execute-api.%s.amazonaws.com/STAGE%s\n",
               d->rest_api_id, d->api_region, d->resource_path);
        return step_end(d, true);
    }
    char path[512];
    snprintf(path, sizeof path, "/_emu/execute-api/%s/prod%s", d->rest_api_id, d->resource_path);
    struct xbuf body, headers;
    xbuf_init(&body);
    xbuf_init(&headers);
    printf("   $ curl %s%s\n", d->emu.url, path);
    long st = emuctl_http(&d->emu, "GET", path, NULL, &body, &headers);
    const char *reason = strstr(xbuf_cstr(&headers), "x-awsemu-reason: ");
    printf("   HTTP %ld %.*s\n", st, 300, xbuf_cstr(&body));
    if (reason)
        printf("   (emulator: %.*s)\n", (int)strcspn(reason + 17, "\r\n"), reason + 17);
    if (st != want) {
        char line[128];
        snprintf(line, sizeof line, "  expected HTTP %ld, got %ld\n", want, st);
        xbuf_append_str(&d->err, line);
    }
    xbuf_cleanup(&body);
    xbuf_cleanup(&headers);
    return step_end(d, st == want);
}

static bool step_replan(struct demo *d)
{
    struct tfm_plan a, b;
    step_begin(d, "plan again (refresh + plan of both)", "terraform plan");
    if (!restart_providers(d))
        return step_end(d, false);
    struct value *ri = tfm_read(d->api, T_INTEGRATION, d->integration, &d->err);
    struct value *rp = ri ? tfm_read(d->fn, T_PERMISSION, d->permission, &d->err) : NULL;
    bool ok = rp && plan_step(d, d->api, T_INTEGRATION, "hello", ri, d->integration_config, &a);
    bool ok2 = ok && plan_step(d, d->fn, T_PERMISSION, "apigw", rp, d->permission_config, &b);
    bool noop = ok2 && tfm_plan_is_noop(&a, d->integration) && tfm_plan_is_noop(&b, d->permission);
    if (ok2 && noop)
        printf("   No changes. Your infrastructure matches the configuration.\n");
    else if (ok2)
        xbuf_append_str(&d->err, "  the plan after apply is not empty\n");
    if (ok)
        tfm_plan_cleanup(&a);
    if (ok2)
        tfm_plan_cleanup(&b);
    value_free(ri);
    value_free(rp);
    return step_end(d, noop);
}

/* ReadResource into *state (left alone when it is already null). */
static bool refresh_state(struct demo *d, struct xt_provider *p, const char *type,
                          struct value **state)
{
    if (!*state || value_is_null(*state))
        return true;
    struct value *v = tfm_read(p, type, *state, &d->err);
    if (!v)
        return false;
    value_free(*state);
    *state = v;
    return true;
}

static bool step_destroy(struct demo *d)
{
    struct tfm_plan a = {0}, b = {0};
    step_begin(d, "destroy both (the permission first: it depends on the integration)",
               "terraform destroy");
    if (!restart_providers(d))
        return step_end(d, false);
    /* terraform destroy refreshes first: what is already gone is not destroyed again. */
    bool ok = refresh_state(d, d->fn, T_PERMISSION, &d->permission) &&
              refresh_state(d, d->api, T_INTEGRATION, &d->integration);
    if (ok && d->permission && !value_is_null(d->permission)) {
        ok = plan_step(d, d->fn, T_PERMISSION, "apigw", d->permission, NULL, &b) &&
             apply_step(d, d->fn, T_PERMISSION, "apigw", &d->permission, NULL, &b);
        tfm_plan_cleanup(&b);
    }
    if (ok && d->integration && !value_is_null(d->integration)) {
        bool ok2 = plan_step(d, d->api, T_INTEGRATION, "hello", d->integration, NULL, &a) &&
                   apply_step(d, d->api, T_INTEGRATION, "hello", &d->integration, NULL, &a);
        tfm_plan_cleanup(&a);
        ok = ok && ok2;
    }
    return step_end(d, ok);
}

static void stop_all(struct demo *d)
{
    stop_providers(d);
    if (!d->real)
        emuctl_stop(&d->emu);
    value_free(d->integration_config);
    value_free(d->permission_config);
    value_free(d->integration);
    value_free(d->permission);
    xbuf_cleanup(&d->err);
}

static int run(struct demo *d)
{
    if (!start_world(d))
        return 1;
    bool ok = step_start_providers(d) && step_validate(d);
    bool created = ok && step_integration(d);
    created = created && step_permission(d);
    if (created) {
        step_check(d, 200);
        step_replan(d);
    }
    /* Destroy whatever was created, even after a failure, so a real account is left clean. */
    if (d->api && d->fn) {
        if (step_destroy(d) && created)
            step_check(d, 500);
    }
    ok = ok && created && d->failed_steps == 0;
    stop_all(d);
    if (ok) {
        /* The logs only matter when something failed. */
        unlink(d->provider_log);
        unlink(d->emu_log);
        printf("\nThe tutorial ran end to end: %d steps, all as expected.\n", d->step);
    } else {
        printf("\nThe demo FAILED (%d step%s). Provider logs: %s%s%s\n", d->failed_steps,
               d->failed_steps == 1 ? "" : "s", d->provider_log,
               d->real ? "" : ", emulator messages: ", d->real ? "" : d->emu_log);
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct demo d = {.provider_bin = env_or("XA_PROVIDER_BIN", XA_PROVIDER_BIN),
                     .awsemu_bin = env_or("XA_AWSEMU_BIN", XA_AWSEMU_BIN),
                     .seed = XA_DEMO_SEED};
    for (int i = 1; i < argc; i++) {
        bool has_arg = i + 1 < argc;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--provider") == 0 && has_arg) {
            d.provider_bin = argv[++i];
        } else if (strcmp(argv[i], "--awsemu") == 0 && has_arg) {
            d.awsemu_bin = argv[++i];
        } else if (strcmp(argv[i], "--seed") == 0 && has_arg) {
            d.seed = argv[++i];
        } else {
            fprintf(stderr, "xacct-demo: unknown argument \"%s\"\n\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xbuf_init(&d.err);
    if (!setup_inputs(&d)) {
        xbuf_cleanup(&d.err);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run(&d);
    curl_global_cleanup();
    return rc;
}
