/* tests/unit/test_credentials_process.c - aws/credentials_process: credential_process
 * helpers run with a time limit, are killed with their process group on timeout and on
 * stop, and inherit nothing of the provider but stdin (/dev/null), stdout and stderr of
 * their own. (Resolution through a profile is in test_credentials.c.)
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/credentials_provider.h"
#include "aws/credentials_sources.h"
#include "aws/http.h"

struct fixture {
    char dir[64];
    struct aws_http *http;
    struct aws_credentials_env env;
    struct creds_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/xacct-process-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    struct aws_http_config hc = {.max_retries = 0};
    assert_int_equal(aws_http_new(&hc, &f->http), XA_OK);
    f->env = (struct aws_credentials_env){.http = f->http};
    f->ctx = (struct creds_ctx){.env = &f->env};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs command as credential_process; returns the status, *took the seconds it took and
 * why the reason (caller cleans up). An alarm turns a hang into a failed test. */
static enum xa_status run(struct fixture *f, const char *command, double *took, struct xbuf *why)
{
    struct aws_credentials c;
    aws_credentials_init(&c);
    alarm(20);
    double t0 = now_s();
    enum xa_status st = creds_from_process(&f->ctx, command, &c, why);
    *took = now_s() - t0;
    alarm(0);
    aws_credentials_cleanup(&c);
    return st;
}

/* The pid a helper wrote into dir/name, once it is there (0 after 5 s). */
static pid_t read_pid(struct fixture *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    for (int i = 0; i < 500; i++) {
        FILE *fp = fopen(path, "r");
        long pid = 0;
        if (fp && fscanf(fp, "%ld", &pid) == 1 && pid > 0) {
            fclose(fp);
            return (pid_t)pid;
        }
        if (fp)
            fclose(fp);
        usleep(10000);
    }
    return 0;
}

/* Whether pid still runs (a zombie does not: this container's init may never reap the
 * re-parented ones); waits up to 2 s for a kill to land. */
static bool still_running(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        char path[64], stat[256] = "";
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *fp = fopen(path, "r");
        if (!fp)
            return false;
        bool got = fgets(stat, sizeof stat, fp) != NULL;
        fclose(fp);
        const char *close_paren = got ? strrchr(stat, ')') : NULL;
        if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z')
            return false;
        usleep(10000);
    }
    return true;
}

static void process_answer_is_read(void **state)
{
    struct fixture *f = *state;
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct xbuf why;
    xbuf_init(&why);
    assert_int_equal(creds_from_process(&f->ctx, "echo '{\"Version\": 1, \"AccessKeyId\": "
                                                 "\"AKIAPROC\", \"SecretAccessKey\": \"s\"}'",
                                        &c, &why),
                     XA_OK);
    assert_string_equal(c.access_key_id, "AKIAPROC");
    aws_credentials_cleanup(&c);
    xbuf_cleanup(&why);
}

/* D3: a helper that never answers is stopped after the time limit (60 s by default, as
 * the AWS SDKs allow; 300 ms here), with its whole process group. */
static void process_has_a_time_limit(void **state)
{
    struct fixture *f = *state;
    f->env.process_timeout_ms = 300;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sleep 30 & echo $! > %s/child.pid; wait", f->dir);
    struct xbuf why;
    xbuf_init(&why);
    double took;
    assert_int_equal(run(f, cmd, &took, &why), XA_ETIMEDOUT);
    assert_non_null(strstr(xbuf_cstr(&why), "did not finish within"));
    assert_true(took < 10);
    pid_t child = read_pid(f, "child.pid");
    assert_true(child > 0);
    assert_false(still_running(child));   /* the grandchild went with its group */
    xbuf_cleanup(&why);
}

static void *stop_later(void *arg)
{
    usleep(300 * 1000);
    aws_http_stop(arg);
    return NULL;
}

/* D3: StopProvider (the transport stopped) ends the wait for a helper at once and kills
 * it: nothing is left re-parented to init. */
static void process_is_killed_on_stop(void **state)
{
    struct fixture *f = *state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "echo $$ > %s/helper.pid; exec sleep 30", f->dir);
    pthread_t t;
    pthread_create(&t, NULL, stop_later, f->http);
    struct xbuf why;
    xbuf_init(&why);
    double took;
    assert_int_equal(run(f, cmd, &took, &why), XA_ECANCELED);
    pthread_join(t, NULL);
    assert_non_null(strstr(xbuf_cstr(&why), "provider is stopping"));
    assert_true(took < 5);
    pid_t helper = read_pid(f, "helper.pid");
    assert_true(helper > 0);
    assert_false(still_running(helper));
    xbuf_cleanup(&why);
}

/* D3: the helper runs in its own process group, with no descriptor of the provider
 * beyond 0-2 (stderr is a pipe of ours, not the provider's), and the first line of its
 * error output explains a failure. */
static void process_is_isolated(void **state)
{
    struct fixture *f = *state;
    int leak = open("/dev/null", O_RDONLY);   /* inheritable on purpose */
    assert_true(leak > 2);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "read -r a b c d pgrp rest < /proc/$$/stat; "
             "[ \"$pgrp\" = \"$$\" ] || { echo not-own-group >&2; exit 4; }; "
             "[ -e /proc/$$/fd/%d ] && { echo leaked-descriptor >&2; exit 5; }; "
             "[ \"$(readlink /proc/$$/fd/2)\" = \"$(readlink /proc/%d/fd/2)\" ] && "
             "{ echo shares-provider-stderr >&2; exit 6; }; "
             "echo 'the helper says: session expired' >&2; echo second line >&2; exit 3",
             leak, (int)getpid());
    struct xbuf why;
    xbuf_init(&why);
    double took;
    assert_int_equal(run(f, cmd, &took, &why), XA_EIO);
    close(leak);
    assert_string_equal(xbuf_cstr(&why),
                        "credential_process exited with status 3: the helper says: session "
                        "expired");
    xbuf_cleanup(&why);
}

static void process_output_is_bounded(void **state)
{
    struct fixture *f = *state;
    struct xbuf why;
    xbuf_init(&why);
    double took;
    assert_int_equal(run(f, "head -c 200000 /dev/zero", &took, &why), XA_ERANGE);
    assert_non_null(strstr(xbuf_cstr(&why), "more than 65536 bytes"));
    xbuf_cleanup(&why);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(process_answer_is_read),
        T(process_has_a_time_limit),
        T(process_is_killed_on_stop),
        T(process_is_isolated),
        T(process_output_is_bounded),
    };
    return cmocka_run_group_tests_name("credentials_process", tests, NULL, NULL);
}
