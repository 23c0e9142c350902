/* bench/bench_startup.c - (a) startup: exec to handshake line, and exec to the first
 * GetProviderSchema answer, over `launches` launches (median and p90) of xacct and of the
 * Go reference, interleaved launch by launch (the order alternates), so that both see
 * the same machine load.
 *
 * Exec to handshake: the binary is started here with go-plugin's environment (magic
 * cookie, PLUGIN_PROTOCOL_VERSIONS=5,6, PLUGIN_CLIENT_CERT from a certificate generated
 * once beforehand, as go-plugin generates it before exec) and the clock runs from just
 * before fork until the handshake line has been read and has its six fields.
 * Exec to first schema answer: xt_start (certificate, exec, handshake, mutual-TLS dial)
 * then GetProviderSchema; the certificate generation, which go-plugin does before exec and
 * tfcheck does not count, is timed separately in the same iteration and subtracted.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "plugin/plugin.h"
#include "tests/support/xt.h"
#include "util/alloc.h"

extern char **environ;

/* Milliseconds from fork to a complete handshake line, or -1. */
static double exec_to_handshake(const char *bin, const char *cert_env)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 6, sizeof *env);
    int fd[2];
    if (!env || pipe(fd) != 0) {
        free(env);
        return -1;
    }
    memcpy(env, environ, n * sizeof *env);
    env[n++] = (char *)PLUGIN_COOKIE_KEY "=" PLUGIN_COOKIE_VALUE;
    env[n++] = (char *)"PLUGIN_PROTOCOL_VERSIONS=5,6";
    env[n++] = (char *)"PLUGIN_MIN_PORT=10000";
    env[n++] = (char *)"PLUGIN_MAX_PORT=25000";
    env[n++] = (char *)cert_env;
    char *argv[] = {(char *)bin, NULL};
    double t0 = bench_now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        execve(bin, argv, env);
        _exit(127);
    }
    close(fd[1]);
    char line[4096];
    size_t len = 0;
    double took = -1;
    while (pid > 0 && len < sizeof line - 1) {
        struct pollfd pfd = {.fd = fd[0], .events = POLLIN};
        if (poll(&pfd, 1, 15000) <= 0)
            break;
        ssize_t got = read(fd[0], line + len, sizeof line - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
        line[len] = '\0';
        if (strchr(line, '\n')) {
            int bars = 0;
            for (const char *p = line; *p; p++)
                bars += *p == '|';
            if (bars >= 5)
                took = bench_now_ms() - t0;
            break;
        }
    }
    close(fd[0]);
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    free(env);
    return took;
}

/* Milliseconds from exec to the first schema answer (certificate time removed), or -1. */
static double exec_to_schema(const struct bench_config *c, const char *bin)
{
    struct plugin_cert extra = {0};
    double t0 = bench_now_ms();
    bool cert_ok = plugin_cert_generate(&extra) == XA_OK;
    double cert_ms = bench_now_ms() - t0;
    plugin_cert_cleanup(&extra);

    t0 = bench_now_ms();
    struct xt_provider *p = xt_start(&(struct xt_options){.binary = bin,
                                                          .stderr_path = c->provider_log});
    struct xt_result r;
    xt_result_init(&r);
    int st = p ? xt_get_schema(p, &r) : -1;
    double took = bench_now_ms() - t0 - cert_ms;
    xt_result_cleanup(&r);
    if (p)
        xt_stop(p, NULL);
    return cert_ok && st == 0 ? took : -1;
}

struct launch_samples {
    double *handshake, *schema;
};

static void report(const struct bench_subject *subj, int nsubj, struct launch_samples *ls,
                   size_t n)
{
    double hs_median[2], schema_median[2];
    for (int k = 0; k < nsubj; k++) {
        char name[96];
        struct bench_stats s;
        bench_stats(ls[k].handshake, n, &s);
        snprintf(name, sizeof name, "%s: exec to handshake", subj[k].name);
        bench_report_stats("startup", name, &s, "ms");
        hs_median[k] = s.median;
        bench_stats(ls[k].schema, n, &s);
        snprintf(name, sizeof name, "%s: exec to first GetProviderSchema answer", subj[k].name);
        bench_report_stats("startup", name, &s, "ms");
        schema_median[k] = s.median;
    }
    if (nsubj == 2) {
        bench_compare("exec to handshake line, median (ms)", "Go", hs_median[0], hs_median[1],
                      GOAL_AT_MOST, 0.6);
        bench_compare("exec to first GetProviderSchema answer, median (ms)", "Go",
                      schema_median[0], schema_median[1], GOAL_NONE, 0);
    }
}

bool bench_startup(const struct bench_config *c)
{
    struct plugin_cert cert = {0};
    if (plugin_cert_generate(&cert) != XA_OK) {
        bench_report_fail("startup", "cannot generate a client certificate");
        return false;
    }
    struct bench_subject subj[2];
    int nsubj = bench_subjects(c, subj);
    size_t n = (size_t)c->launches;
    struct launch_samples ls[2] = {{0}};
    char *cert_env = malloc(strlen(cert.cert_pem) + 32);
    bool ok = cert_env != NULL;
    for (int k = 0; k < nsubj; k++) {
        ls[k] = (struct launch_samples){calloc(n, sizeof(double)), calloc(n, sizeof(double))};
        ok = ok && ls[k].handshake && ls[k].schema;
    }
    if (ok)
        sprintf(cert_env, "PLUGIN_CLIENT_CERT=%s", cert.cert_pem);
    for (size_t i = 0; ok && i < n; i++) {
        for (int j = 0; ok && j < nsubj; j++) {
            int k = (int)(i + (size_t)j) % nsubj;   /* alternate who goes first */
            ls[k].handshake[i] = exec_to_handshake(subj[k].bin, cert_env);
            ls[k].schema[i] = exec_to_schema(c, subj[k].bin);
            if (ls[k].handshake[i] < 0 || ls[k].schema[i] < 0) {
                char why[160];
                snprintf(why, sizeof why, "%s: %s", subj[k].name,
                         ls[k].handshake[i] < 0 ? "no handshake line from the provider"
                                                : "GetProviderSchema after launch failed");
                bench_report_fail("startup", why);
                ok = false;
            }
        }
    }
    if (ok)
        report(subj, nsubj, ls, n);
    for (int k = 0; k < 2; k++) {
        free(ls[k].handshake);
        free(ls[k].schema);
    }
    free(cert_env);
    plugin_cert_cleanup(&cert);
    return ok;
}
