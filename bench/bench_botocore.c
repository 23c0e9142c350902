/* bench/bench_botocore.c - runs bench/botocore_apply.py, botocore's side of the
 * throughput comparison, against the emulator and reads its one JSON line:
 * {"wall_s":…, "ok":N, "failed":N, "first_error":"…"}. The script's stderr goes to the
 * providers' log file.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "util/buf.h"

#define BENCH_API "b0b0b0b0b0"
#define BENCH_FN "arn:aws:lambda:us-west-2:222222222222:function:bench-fn"

static pid_t spawn(const struct bench_config *c, const char *url, const char *mode, int out_fd)
{
    char count[16], par[16];
    snprintf(count, sizeof count, "%d", c->integrations);
    snprintf(par, sizeof par, "%d", c->parallelism);
    const char *argv[] = {c->botocore_python, c->botocore_script, "--endpoint", url,
                          "--mode", mode, "--api", BENCH_API, "--function-arn", BENCH_FN,
                          "--count", count, "--parallelism", par, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out_fd, 1);
        int log = open(c->provider_log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (log >= 0)
            dup2(log, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

bool bench_botocore_apply(const struct bench_config *c, const char *emu_url, const char *mode,
                          struct bench_botocore_result *out, char *why, size_t nwhy)
{
    int fd[2];
    *out = (struct bench_botocore_result){0};
    if (pipe(fd) != 0) {
        snprintf(why, nwhy, "botocore %s: cannot create a pipe", mode);
        return false;
    }
    pid_t pid = spawn(c, emu_url, mode, fd[1]);
    close(fd[1]);
    struct xbuf text;
    xbuf_init(&text);
    char chunk[4096];
    for (ssize_t got; pid > 0 && (got = read(fd[0], chunk, sizeof chunk)) > 0;)
        xbuf_append(&text, chunk, (size_t)got);
    close(fd[0]);
    int status = -1;
    if (pid > 0)
        waitpid(pid, &status, 0);
    json_t *j = json_loads(xbuf_cstr(&text), JSON_DISABLE_EOF_CHECK, NULL);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && json_is_object(j);
    if (ok) {
        out->wall_s = json_number_value(json_object_get(j, "wall_s"));
        out->ok = (int)json_integer_value(json_object_get(j, "ok"));
        out->failed = (int)json_integer_value(json_object_get(j, "failed"));
        const char *first = json_string_value(json_object_get(j, "first_error"));
        if (first && *first)
            fprintf(stderr, "xacct-bench: botocore %s gave up on %d calls; first: %.300s\n",
                    mode, out->failed, first);
    } else {
        snprintf(why, nwhy, "botocore %s: %s exited with status %d (see %s)", mode,
                 c->botocore_script, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                 c->provider_log);
    }
    json_decref(j);
    xbuf_cleanup(&text);
    return ok;
}
