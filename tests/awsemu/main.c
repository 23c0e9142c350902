/* awsemu/main.c - the AWS emulator's process: flags, seed, faults, TLS, the listener,
 * and an orderly stop on SIGTERM or SIGINT.
 *
 *   awsemu --seed FILE [--port N] [--tls --ca-out FILE] [--log FILE] [--faults JSON|@FILE]
 *
 * The first line on stdout is the bound port (so --port 0 works for parallel tests);
 * errors go to stderr with exit status 2 (usage) or 1 (start-up failure).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "http.h"
#include "reqlog.h"
#include "tls.h"
#include "world.h"

struct options {
    const char *seed;
    const char *ca_out;
    const char *log;
    const char *faults;
    long port;
    bool tls;
};

static void usage(void)
{
    fprintf(stderr, "usage: awsemu --seed FILE [--port N] [--tls --ca-out FILE] [--log FILE] "
                    "[--faults JSON|@FILE]\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){.port = 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--tls") == 0) {
            o->tls = true;
            continue;
        }
        if (v == NULL)
            return -1;
        if (strcmp(a, "--seed") == 0)
            o->seed = v;
        else if (strcmp(a, "--ca-out") == 0)
            o->ca_out = v;
        else if (strcmp(a, "--log") == 0)
            o->log = v;
        else if (strcmp(a, "--faults") == 0)
            o->faults = v;
        else if (strcmp(a, "--port") == 0) {
            char *end = NULL;
            o->port = strtol(v, &end, 10);
            if (*end != '\0' || o->port < 0 || o->port > 65535)
                return -1;
        } else
            return -1;
        i++;
    }
    return o->seed != NULL && (!o->tls || o->ca_out != NULL) ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int rc = fputs(text, f) < 0 ? -1 : 0;
    return fclose(f) != 0 ? -1 : rc;
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_args(argc, argv, &o) != 0) {
        usage();
        return 2;
    }
    int rc = 1;
    char err[512];
    json_error_t je;
    struct emu_server s = {0};
    struct tls_material tls = {0};
    struct http_server *h = NULL;
    json_t *seed = json_load_file(o.seed, 0, &je);
    if (seed == NULL) {
        fprintf(stderr, "awsemu: %s:%d: %s\n", o.seed, je.line, je.text);
        goto done;
    }
    s.world = world_new(seed, err, sizeof err);
    s.faults = faults_new();
    s.log = reqlog_new(o.log);
    if (s.world == NULL || s.faults == NULL || s.log == NULL) {
        fprintf(stderr, "awsemu: %s\n", s.world == NULL ? err
                        : s.log == NULL ? "cannot open the log file" : "out of memory");
        goto done;
    }
    if (o.faults != NULL) {
        s.initial_faults = o.faults[0] == '@' ? json_load_file(o.faults + 1, 0, &je)
                                              : json_loads(o.faults, 0, &je);
        if (s.initial_faults == NULL ||
            faults_configure(s.faults, s.initial_faults, err, sizeof err) != 0) {
            fprintf(stderr, "awsemu: --faults: %s\n", s.initial_faults ? err : je.text);
            goto done;
        }
    }
    if (o.tls && (tls_generate(&tls, err, sizeof err) != 0 ||
                  write_file(o.ca_out, tls.ca_pem) != 0)) {
        fprintf(stderr, "awsemu: %s\n", tls.ca_pem ? "cannot write --ca-out" : err);
        goto done;
    }

    /* Block the stop signals before any thread starts, so only sigwait sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    const struct http_options ho = {.port = (uint16_t)o.port,
                                    .cert_pem = o.tls ? tls.cert_pem : NULL,
                                    .key_pem = o.tls ? tls.key_pem : NULL};
    uint16_t port = 0;
    h = http_start(&s, &ho, &port, err, sizeof err);
    if (h == NULL) {
        fprintf(stderr, "awsemu: %s\n", err);
        goto done;
    }
    printf("%u\n", port);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&set, &sig) != 0 && errno == EINTR)
        ;
    rc = 0;
done:
    http_stop(h);
    tls_material_cleanup(&tls);
    reqlog_free(s.log);
    faults_free(s.faults);
    world_free(s.world);
    json_decref(s.initial_faults);
    json_decref(seed);
    return rc;
}
