/* awsemu/reqlog.h - the request log: one JSON object per answered request (time, method,
 * path, service, operation, account, status, latency, fault), kept in memory for
 * GET /_emu/log and appended to the --log file as JSON lines for tests and the benchmark.
 * Never records headers, bodies or keys. Thread-safe.
 */
#ifndef XA_AWSEMU_REQLOG_H
#define XA_AWSEMU_REQLOG_H

#include <jansson.h>

#include "util/buf.h"

struct reqlog;

struct reqlog_entry {
    const char *method;
    const char *path;
    const char *service;
    const char *operation;
    const char *account;
    int status;
    double latency_ms;
    const char *fault;
};

/* path may be NULL (memory only). NULL when the file cannot be opened. */
struct reqlog *reqlog_new(const char *path);
void reqlog_free(struct reqlog *l);
void reqlog_add(struct reqlog *l, const struct reqlog_entry *e);
/* Appends the kept entries as JSON lines to out. */
void reqlog_dump(struct reqlog *l, struct xbuf *out);
void reqlog_clear(struct reqlog *l);

#endif
