/* e2e_provider_stop_configure - Ctrl-C during a hanging ConfigureProvider, as Terraform
 * sends it: StopProvider, then go-plugin's Shutdown.
 *
 * The real binary configures against a closed port (every STS attempt fails at once and
 * the client backs off, 25 retries by default: minutes without a stop). One second in,
 * StopProvider must end configure with an error diagnostic, and Shutdown must then end
 * the process (xt_stop allows go-plugin's 2 s). A credential_process helper that never
 * answers is killed by StopProvider and by SIGTERM. Timing bounds are generous guards
 * against hangs (10 s); the measured figures are printed for the closing note.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/codec.h"
#include "tests/support/xt.h"

#define GUARD_S 10.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

struct scratch {
    char dir[64];
    char log[128];
    char env[8][256];
    const char *envp[9];
};

/* A scratch HOME, no credentials but those given, metadata off, WARN logs to a file. */
static void scratch_init(struct scratch *s, const char *const *extra)
{
    strcpy(s->dir, "/tmp/xacct-e2e-stop-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->log, sizeof s->log, "%s/provider.log", s->dir);
    size_t n = 0;
    snprintf(s->env[n++], sizeof s->env[0], "HOME=%s", s->dir);
    snprintf(s->env[n++], sizeof s->env[0], "AWS_EC2_METADATA_DISABLED=true");
    snprintf(s->env[n++], sizeof s->env[0], "TF_LOG=WARN");
    for (; extra && *extra && n < 8; extra++)
        snprintf(s->env[n++], sizeof s->env[0], "%s", *extra);
    for (size_t i = 0; i < n; i++)
        s->envp[i] = s->env[i];
    s->envp[n] = NULL;
}

static void scratch_cleanup(struct scratch *s)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
    assert_int_equal(system(cmd), 0);
}

static struct xt_provider *start(struct scratch *s)
{
    struct xt_provider *p = xt_start(&(struct xt_options){
        .protocols = "6", .extra_env = s->envp, .stderr_path = s->log, .timeout_ms = 60000});
    assert_non_null(p);
    return p;
}

/* ---- ConfigureProvider on its own thread ---------------------------------------------- */

struct configure_call {
    struct xt_provider *p;
    const char *config_json;
    struct xt_result r;
    int status;
    double returned_at;
};

static void *configure_thread(void *arg)
{
    struct configure_call *c = arg;
    struct diags d;
    diags_init(&d);
    const struct type *t = xt_provider_config_type();
    struct value *cfg = codec_json_decode(c->config_json, strlen(c->config_json), t, false, &d);
    diags_cleanup(&d);
    c->status = cfg ? xt_configure(c->p, cfg, &c->r) : -1;
    c->returned_at = now_s();
    value_free(cfg);
    return NULL;
}

static void start_configure(struct configure_call *c, pthread_t *t)
{
    xt_result_init(&c->r);
    assert_int_equal(pthread_create(t, NULL, configure_thread, c), 0);
}

static size_t count_in_file(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    char line[8192];
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

/* ---- the scenarios ---------------------------------------------------------------------- */

static void stop_cancels_configure_against_closed_port(void **state)
{
    (void)state;
    char url[64], want[96];
    int port = closed_port();
    snprintf(url, sizeof url, "AWS_ENDPOINT_URL=http://127.0.0.1:%d", port);
    const char *extra[] = {url, "AWS_ACCESS_KEY_ID=AKIDSTOPTEST", "AWS_SECRET_ACCESS_KEY=x",
                           NULL};
    struct scratch s;
    scratch_init(&s, extra);
    struct xt_provider *p = start(&s);
    struct configure_call c = {.p = p, .config_json = "{\"region\":\"us-east-1\"}"};
    pthread_t t;
    start_configure(&c, &t);
    sleep(1);
    struct xt_result stop;
    xt_result_init(&stop);
    double stopped_at = now_s();
    assert_int_equal(xt_stop_provider(p, &stop), 0);
    assert_false(xt_has_error(&stop));
    pthread_join(t, NULL);
    double after_stop = c.returned_at - stopped_at;
    print_message("configure returned %.3f s after StopProvider\n", after_stop);
    assert_int_equal(c.status, 0);
    assert_true(xt_has_error(&c.r));
    assert_non_null(xt_find_diag(&c.r, "stopped"));
    assert_true(after_stop < GUARD_S);
    double took = 0;
    assert_int_equal(xt_stop(p, &took), 0);   /* exited 0 within go-plugin's 2 s */
    print_message("Shutdown to exit: %.1f ms\n", took);
    /* TF_LOG=WARN showed the unreachable endpoint while it waited. */
    snprintf(want, sizeof want, "cannot reach http://127.0.0.1:%d", port);
    assert_true(count_in_file(s.log, want) >= 1);
    assert_int_equal(count_in_file(s.log, ".."), 0);
    xt_result_cleanup(&stop);
    xt_result_cleanup(&c.r);
    scratch_cleanup(&s);
}

/* Whether pid still runs (zombies excluded: this container's init may not reap). */
static bool running(pid_t pid)
{
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool got = fgets(stat, sizeof stat, f) != NULL;
    fclose(f);
    const char *paren = got ? strrchr(stat, ')') : NULL;
    return !(paren && paren[1] == ' ' && paren[2] == 'Z');
}

static bool wait_gone(pid_t pid, double seconds)
{
    double until = now_s() + seconds;
    while (running(pid) && now_s() < until)
        usleep(20000);
    return !running(pid);
}

/* Configures with a credential_process that never answers; returns its pid once it runs. */
static pid_t start_with_hanging_helper(struct scratch *s, struct xt_provider **p,
                                       struct configure_call *c, pthread_t *t)
{
    char cfgpath[160], pidpath[160], cfgenv[200];
    snprintf(cfgpath, sizeof cfgpath, "%s/config", s->dir);
    snprintf(pidpath, sizeof pidpath, "%s/helper.pid", s->dir);
    FILE *f = fopen(cfgpath, "w");
    assert_non_null(f);
    fprintf(f, "[default]\ncredential_process = sh -c 'echo $$ > %s; exec sleep 300'\n",
            pidpath);
    fclose(f);
    snprintf(cfgenv, sizeof cfgenv, "AWS_CONFIG_FILE=%s", cfgpath);
    snprintf(s->env[7], sizeof s->env[7], "%s", cfgenv);
    size_t n = 0;
    while (s->envp[n])
        n++;
    s->envp[n] = s->env[7];
    s->envp[n + 1] = NULL;
    *p = start(s);
    *c = (struct configure_call){.p = *p, .config_json = "{\"region\":\"us-east-1\"}"};
    start_configure(c, t);
    for (int i = 0; i < 1000; i++) {
        long pid = 0;
        FILE *pf = fopen(pidpath, "r");
        if (pf && fscanf(pf, "%ld", &pid) == 1 && pid > 0) {
            fclose(pf);
            return (pid_t)pid;
        }
        if (pf)
            fclose(pf);
        usleep(10000);
    }
    fail_msg("credential_process did not start");
    return 0;
}

static void stop_kills_credential_process(void **state)
{
    (void)state;
    struct scratch s;
    scratch_init(&s, NULL);
    struct xt_provider *p;
    struct configure_call c;
    pthread_t t;
    pid_t helper = start_with_hanging_helper(&s, &p, &c, &t);
    struct xt_result stop;
    xt_result_init(&stop);
    double stopped_at = now_s();
    assert_int_equal(xt_stop_provider(p, &stop), 0);
    pthread_join(t, NULL);
    print_message("configure returned %.3f s after StopProvider\n", c.returned_at - stopped_at);
    assert_true(c.returned_at - stopped_at < GUARD_S);
    assert_non_null(xt_find_diag(&c.r, "credential_process was stopped"));
    assert_true(wait_gone(helper, GUARD_S));
    assert_int_equal(xt_stop(p, NULL), 0);
    xt_result_cleanup(&stop);
    xt_result_cleanup(&c.r);
    scratch_cleanup(&s);
}

static void sigterm_kills_credential_process(void **state)
{
    (void)state;
    struct scratch s;
    scratch_init(&s, NULL);
    struct xt_provider *p;
    struct configure_call c;
    pthread_t t;
    pid_t helper = start_with_hanging_helper(&s, &p, &c, &t);
    double t0 = now_s();
    assert_int_equal(kill(xt_pid(p), SIGTERM), 0);
    while (xt_alive(p) && now_s() - t0 < GUARD_S)
        usleep(20000);
    print_message("SIGTERM to exit: %.3f s\n", now_s() - t0);
    assert_false(xt_alive(p));
    assert_true(wait_gone(helper, GUARD_S));
    pthread_join(t, NULL);   /* the call ended with the process */
    assert_int_equal(xt_stop(p, NULL), 0);   /* exit status 0: an orderly shutdown */
    xt_result_cleanup(&c.r);
    scratch_cleanup(&s);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_cancels_configure_against_closed_port),
        cmocka_unit_test(stop_kills_credential_process),
        cmocka_unit_test(sigterm_kills_credential_process),
    };
    return cmocka_run_group_tests_name("e2e_provider_stop_configure", tests, NULL, NULL);
}
