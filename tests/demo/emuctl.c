/* tests/demo/emuctl.c - the AWS emulator as a child process, for the
 * benchmarks (see emuctl.h). The request log is parsed line by line with jansson, so a
 * field order change in the emulator does not break the counts.
 */
#include "tests/demo/emuctl.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

bool emuctl_start(struct emuctl *e, const struct emuctl_options *o, char *err, size_t n)
{
    memset(e, 0, sizeof *e);
    if (access(o->binary, X_OK) != 0) {
        snprintf(err, n, "the AWS emulator %s is not built (cmake --build build --target awsemu)",
                 o->binary);
        return false;
    }
    if (access(o->seed, R_OK) != 0) {
        snprintf(err, n, "the emulator seed %s cannot be read", o->seed);
        return false;
    }
    int fd[2];
    if (pipe(fd) != 0) {
        snprintf(err, n, "pipe failed");
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        snprintf(err, n, "fork failed");
        return false;
    }
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        int efd = open(o->stderr_path ? o->stderr_path : "/dev/null",
                       O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (efd >= 0) {
            dup2(efd, 2);
            close(efd);
        }
        if (o->faults_json)
            execl(o->binary, o->binary, "--seed", o->seed, "--port", "0", "--faults",
                  o->faults_json, (char *)NULL);
        else
            execl(o->binary, o->binary, "--seed", o->seed, "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char line[32] = "";
    FILE *out = fdopen(fd[0], "r");
    bool got = out && fgets(line, sizeof line, out) != NULL;
    if (out)
        fclose(out);
    else
        close(fd[0]);
    int port = got ? atoi(line) : 0;
    if (port <= 0 || port > 65535) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        snprintf(err, n, "the AWS emulator did not announce a port (seed %s%s%s)", o->seed,
                 o->stderr_path ? "; its messages are in " : "",
                 o->stderr_path ? o->stderr_path : "");
        return false;
    }
    e->pid = pid;
    snprintf(e->url, sizeof e->url, "http://127.0.0.1:%d", port);
    return true;
}

void emuctl_stop(struct emuctl *e)
{
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        waitpid(e->pid, NULL, 0);
    }
    e->pid = 0;
}

static size_t sink(char *p, size_t size, size_t nmemb, void *ud)
{
    if (ud && xbuf_append(ud, p, size * nmemb) != XA_OK)
        return 0;
    return size * nmemb;
}

long emuctl_http(const struct emuctl *e, const char *method, const char *path, const char *body,
                 struct xbuf *out, struct xbuf *headers)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", e->url, path);
    CURL *c = curl_easy_init();
    long status = 0;
    if (!c)
        return 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (headers) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* Calls fn on each JSON line of the request log. */
static bool each_log_line(const struct emuctl *e, void (*fn)(json_t *line, void *ud), void *ud)
{
    struct xbuf out;
    xbuf_init(&out);
    bool ok = emuctl_http(e, "GET", "/_emu/log", NULL, &out, NULL) == 200;
    for (const char *p = xbuf_cstr(&out); ok && *p;) {
        size_t len = strcspn(p, "\n");
        json_t *line = json_loadb(p, len, 0, NULL);
        if (line)
            fn(line, ud);
        json_decref(line);
        p += len + (p[len] == '\n');
    }
    xbuf_cleanup(&out);
    return ok;
}

struct count_ctx {
    const char *operation;
    struct emuctl_counts *c;
};

static void count_line(json_t *line, void *ud)
{
    struct count_ctx *x = ud;
    const char *op = json_string_value(json_object_get(line, "operation"));
    if (x->operation && (!op || strcmp(op, x->operation) != 0))
        return;
    json_int_t status = json_integer_value(json_object_get(line, "status"));
    const char *fault = json_string_value(json_object_get(line, "fault"));
    x->c->requests++;
    if (status == 429 || (fault && strcmp(fault, "throttle") == 0))
        x->c->throttled++;
    else if (status >= 400 || status == 0)
        x->c->failed++;
}

bool emuctl_log_count(const struct emuctl *e, const char *operation, struct emuctl_counts *c)
{
    memset(c, 0, sizeof *c);
    return each_log_line(e, count_line, &(struct count_ctx){.operation = operation, .c = c});
}

static void summary_line(json_t *line, void *ud)
{
    json_t *ops = ud;
    const char *op = json_string_value(json_object_get(line, "operation"));
    json_int_t status = json_integer_value(json_object_get(line, "status"));
    char key[128];
    /* Failed answers are counted apart, with their status: "GetPolicy→404". */
    if (status >= 400 || status == 0)
        snprintf(key, sizeof key, "%s→%d", op ? op : "(unrouted)", (int)status);
    else
        snprintf(key, sizeof key, "%s", op ? op : "(unrouted)");
    json_object_set_new(ops, key, json_integer(json_integer_value(json_object_get(ops, key)) + 1));
}

bool emuctl_log_summary(const struct emuctl *e, struct xbuf *out)
{
    json_t *ops = json_object();
    xbuf_clear(out);
    bool ok = ops && each_log_line(e, summary_line, ops);
    const char *op;
    json_t *v;
    json_object_foreach(ops, op, v) {
        char item[160];
        snprintf(item, sizeof item, "%s%s×%lld", out->len ? ", " : "", op,
                 (long long)json_integer_value(v));
        xbuf_append_str(out, item);
    }
    json_decref(ops);
    return ok;
}

bool emuctl_log_clear(const struct emuctl *e)
{
    return emuctl_http(e, "DELETE", "/_emu/log", NULL, NULL, NULL) / 100 == 2;
}
