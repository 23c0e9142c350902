/* aws/credentials_process.c - credential_process: run the helper a profile names and read
 * its JSON, with a time limit, cancellable, leaving nothing behind.
 *
 * The command runs through /bin/sh -c, as the AWS CLI runs it, with stdin on /dev/null,
 * stdout and stderr on pipes of our own (never the provider's stderr: go-plugin reads it,
 * and a helper that outlived the provider would keep Terraform waiting for its end), no
 * other descriptor, default signal dispositions, in a process group of its own, and with
 * PR_SET_PDEATHSIG so that it dies with the thread that started it if the provider is
 * killed. The parent polls both pipes in slices of POLL_SLICE_MS, so that the time limit
 * (one minute, as the AWS SDKs allow) and StopProvider end the wait promptly; either kills
 * the whole process group with SIGKILL and reaps the helper.
 * Output: at most PROCESS_MAX_OUTPUT bytes of stdout (wiped after use: it holds secrets);
 * the first line of stderr (at most STDERR_KEEP bytes) explains a failure, as botocore
 * does with the helper's error output.
 */
#define _GNU_SOURCE 1   /* pipe2, close_range */
#include "aws/credentials_sources.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/credentials_provider.h"
#include "aws/http.h"

#define PROCESS_MAX_OUTPUT (64 * 1024)
#define PROCESS_DEFAULT_TIMEOUT_MS 60000
#define POLL_SLICE_MS 100
#define STDERR_KEEP 512

/* The child between fork and exec: async-signal-safe calls only. */
static void exec_helper(const char *command, pid_t parent, int out_fd, int err_fd)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);   /* the provider died before prctl took effect */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* The provider ignores SIGPIPE and SIGINT; ignored signals survive exec. */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    const int sigs[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &dfl, NULL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0)
        _exit(127);
    if (close_range(3, ~0u, 0) != 0) {
        struct rlimit rl;
        long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (long)rl.rlim_cur
                                                                              : 65536;
        for (long fd = 3; fd < max; fd++)
            close((int)fd);
    }
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    _exit(127);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One running helper and what it printed so far. */
struct helper {
    pid_t pid;
    int out_fd, err_fd;             /* -1 once at end of file */
    struct xbuf out;                /* stdout: secrets */
    struct xbuf err;                /* the first STDERR_KEEP bytes of stderr */
    bool too_much;
};

static enum xa_status spawn(const char *command, struct helper *h, struct xbuf *why)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        xbuf_appendf(why, "cannot create a pipe for credential_process: %s", strerror(errno));
        goto fail;
    }
    pid_t parent = getpid();
    h->pid = fork();
    if (h->pid < 0) {
        xbuf_appendf(why, "cannot start credential_process: %s", strerror(errno));
        goto fail;
    }
    if (h->pid == 0)
        exec_helper(command, parent, out[1], err[1]);
    /* Also here, so that a kill of the group never races the child's own setpgid. */
    setpgid(h->pid, h->pid);
    close(out[1]);
    close(err[1]);
    h->out_fd = out[0];
    h->err_fd = err[0];
    fcntl(h->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(h->err_fd, F_SETFL, O_NONBLOCK);
    return XA_OK;
fail:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (err[i] >= 0)
            close(err[i]);
    }
    return XA_EIO;
}

/* Drains what fd has now into buf (up to limit bytes kept); closes it at end of file. */
static void drain(int *fd, struct xbuf *buf, size_t limit, bool *overflow)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(*fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            close(*fd);
            *fd = -1;
            break;
        }
        size_t room = buf->len < limit ? limit - buf->len : 0;
        size_t keep = (size_t)n < room ? (size_t)n : room;
        bool lost = keep < (size_t)n || (keep && xbuf_append(buf, chunk, keep) != XA_OK);
        if (lost && overflow)
            *overflow = true;
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
}

/* Waits until the helper closed both pipes and exited, the limit passed, or the provider
 * stops. XA_OK with *wst; else XA_ETIMEDOUT, XA_ECANCELED or XA_ERANGE (too much output),
 * the helper's group then killed and reaped. */
static enum xa_status wait_helper(struct helper *h, const struct creds_ctx *ctx, int *wst)
{
    long limit = ctx->env->process_timeout_ms > 0 ? ctx->env->process_timeout_ms
                                                  : PROCESS_DEFAULT_TIMEOUT_MS;
    int64_t deadline = mono_ms() + limit;
    enum xa_status st = XA_OK;
    bool exited = false;
    while (!exited) {
        if (ctx->env->http && aws_http_stopped(ctx->env->http))
            st = XA_ECANCELED;
        else if (mono_ms() >= deadline)
            st = XA_ETIMEDOUT;
        else if (h->too_much)
            st = XA_ERANGE;
        if (st != XA_OK)
            break;
        struct pollfd p[2] = {{.fd = h->out_fd, .events = POLLIN},
                              {.fd = h->err_fd, .events = POLLIN}};
        if (h->out_fd >= 0 || h->err_fd >= 0) {
            poll(p, 2, POLL_SLICE_MS);
        } else {
            pid_t r = waitpid(h->pid, wst, WNOHANG);
            exited = r == h->pid || (r < 0 && errno != EINTR);
            if (!exited)
                poll(NULL, 0, POLL_SLICE_MS / 4);
        }
        if (h->out_fd >= 0)
            drain(&h->out_fd, &h->out, PROCESS_MAX_OUTPUT, &h->too_much);
        if (h->err_fd >= 0)
            drain(&h->err_fd, &h->err, STDERR_KEEP, NULL);
    }
    if (st != XA_OK) {
        kill(-h->pid, SIGKILL);
        while (waitpid(h->pid, wst, 0) < 0 && errno == EINTR) {
        }
    }
    return st;
}

/* ": <first line of stderr>" for a failure message, control characters as spaces. */
static void append_stderr_line(struct xbuf *why, const struct xbuf *err)
{
    const char *s = xbuf_cstr(err);
    s += strspn(s, " \t\r\n");
    size_t len = strcspn(s, "\r\n");
    if (!len)
        return;
    xbuf_append_str(why, ": ");
    for (size_t i = 0; i < len; i++)
        xbuf_append_char(why, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i]);
}

enum xa_status creds_from_process(const struct creds_ctx *ctx, const char *command,
                                  struct aws_credentials *out, struct xbuf *why)
{
    struct helper h = {.pid = -1, .out_fd = -1, .err_fd = -1};
    xbuf_init(&h.out);
    xbuf_init(&h.err);
    enum xa_status st = spawn(command, &h, why);
    int wst = 0;
    if (st == XA_OK)
        st = wait_helper(&h, ctx, &wst);
    if (h.out_fd >= 0)
        close(h.out_fd);
    if (h.err_fd >= 0)
        close(h.err_fd);
    long limit_s = (ctx->env->process_timeout_ms > 0 ? ctx->env->process_timeout_ms
                                                     : PROCESS_DEFAULT_TIMEOUT_MS) / 1000;
    if (st == XA_ERANGE) {
        xbuf_appendf(why, "credential_process printed more than %d bytes", PROCESS_MAX_OUTPUT);
    } else if (st == XA_ETIMEDOUT) {
        xbuf_appendf(why, "credential_process did not finish within %ld seconds and was "
                          "stopped", limit_s);
    } else if (st == XA_ECANCELED) {
        xbuf_append_str(why, "credential_process was stopped because the provider is stopping");
    } else if (st == XA_OK && !(WIFEXITED(wst) && WEXITSTATUS(wst) == 0)) {
        st = XA_EIO;
        if (WIFEXITED(wst))
            xbuf_appendf(why, "credential_process exited with status %d", WEXITSTATUS(wst));
        else
            xbuf_appendf(why, "credential_process was killed by signal %d", WTERMSIG(wst));
        append_stderr_line(why, &h.err);
    } else if (st == XA_OK) {
        st = creds_parse_json(xbuf_cstr(&h.out), h.out.len, "credential_process", out, why);
    }
    xbuf_cleanup_secret(&h.out);
    xbuf_cleanup(&h.err);
    return st;
}
