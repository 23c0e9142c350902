/* util/log.c - hclog-shaped JSON lines on stderr. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "util/buf.h"

static atomic_int log_level = LOG_OFF;
static atomic_int log_fd = STDERR_FILENO;

static const char *const level_names[] = {
    [LOG_TRACE] = "trace", [LOG_DEBUG] = "debug", [LOG_INFO] = "info",
    [LOG_WARN] = "warn",   [LOG_ERROR] = "error", [LOG_OFF] = "off",
};

static enum log_level parse_level(const char *s)
{
    if (!s || !*s)
        return LOG_OFF;
    for (int l = LOG_TRACE; l <= LOG_OFF; l++)
        if (strcasecmp(s, level_names[l]) == 0)
            return (enum log_level)l;
    if (strcasecmp(s, "json") == 0)
        return LOG_TRACE;
    /* Terraform treats any other non-empty value as TRACE. */
    return LOG_TRACE;
}

void log_init_from_env(void)
{
    const char *p = getenv("TF_LOG_PROVIDER");
    if (!p || !*p)
        p = getenv("TF_LOG");
    atomic_store(&log_level, (int)parse_level(p));
}

void log_set_level(enum log_level l) { atomic_store(&log_level, (int)l); }
void log_set_fd(int fd) { atomic_store(&log_fd, fd < 0 ? STDERR_FILENO : fd); }
bool log_enabled(enum log_level l) { return l != LOG_OFF && (int)l >= atomic_load(&log_level); }

/* go-plugin parses "2006-01-02T15:04:05.000000Z07:00": six fractional digits. */
static void timestamp(char out[40])
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 40 - n, ".%06ldZ", (long)tv.tv_usec);
}

static void emit(enum log_level level, const char *module, const char *message, va_list kv)
{
    char ts[40];
    timestamp(ts);
    json_t *o = json_object();
    if (!o)
        return;
    json_object_set_new(o, "@level", json_string(level_names[level]));
    /* json_string rejects invalid UTF-8; a message must always be a string for go-plugin. */
    json_t *m = json_string(message);
    json_object_set_new(o, "@message", m ? m : json_string("(message was not valid UTF-8)"));
    json_object_set_new(o, "@module", json_string(module ? module : "xacct"));
    json_object_set_new(o, "@timestamp", json_string(ts));
    for (;;) {
        const char *k = va_arg(kv, const char *);
        if (!k)
            break;
        const char *v = va_arg(kv, const char *);
        json_t *jv = v ? json_string(v) : json_null();
        json_object_set_new(o, k, jv ? jv : json_string("(not valid UTF-8)"));
    }
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line)
        return;
    size_t n = strlen(line);
    line[n] = '\n';  /* json_dumps leaves room for the NUL we overwrite */
    ssize_t w = write(atomic_load(&log_fd), line, n + 1);
    (void)w;
    free(line);
}

void log_kv(enum log_level level, const char *module, const char *message, ...)
{
    if (!log_enabled(level))
        return;
    va_list ap;
    va_start(ap, message);
    emit(level, module, message, ap);
    va_end(ap);
}

static void emit_plain(enum log_level level, const char *module, const char *message, ...)
{
    va_list ap;
    va_start(ap, message);
    emit(level, module, message, ap);
    va_end(ap);
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    struct xbuf b;
    xbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    enum xa_status s = xbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    if (s == XA_OK)
        emit_plain(level, module, xbuf_cstr(&b), (const char *)NULL);
    xbuf_cleanup(&b);
}
