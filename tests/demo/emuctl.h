/* tests/demo/emuctl.h - start, query and stop the AWS emulator (tests/awsemu) from a
 * program that is not a cmocka test: the benchmarks.
 *
 * emuctl_start() runs `awsemu --seed SEED --port 0 [--faults JSON]`, reads the port from the
 * first stdout line and keeps the emulator's stderr in a file. The /_emu/ control endpoints
 * are reached with emuctl_http() (unsigned, through libcurl). The request log is summed up
 * by emuctl_log_count(), which reads GET /_emu/log, and emptied by emuctl_log_clear().
 * Not here: anything signed (the provider does that), Terraform's moves (tfmoves.h).
 * Ownership: struct emuctl is caller storage; emuctl_stop() ends the process it started.
 */
#ifndef XA_TESTS_DEMO_EMUCTL_H
#define XA_TESTS_DEMO_EMUCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct emuctl {
    pid_t pid;
    char url[64];           /* "http://127.0.0.1:PORT" */
};

struct emuctl_options {
    const char *binary;         /* awsemu */
    const char *seed;           /* seed file */
    const char *faults_json;    /* --faults, or NULL */
    const char *stderr_path;    /* the emulator's stderr (appended); NULL = /dev/null */
};

/* Counts over the request log, optionally only for one operation. */
struct emuctl_counts {
    int requests;       /* every logged request */
    int throttled;      /* status 429, or STS's 400 Throttling (fault "throttle") */
    int failed;         /* any other status >= 400, or a dropped connection (0) */
};

/* false with a sentence in err when the emulator cannot be started. */
bool emuctl_start(struct emuctl *e, const struct emuctl_options *o, char *err, size_t n);
void emuctl_stop(struct emuctl *e);

/* One unsigned request to the emulator. Returns the HTTP status, 0 when no answer came.
 * out and headers (both optional) receive the body and the header lines. */
long emuctl_http(const struct emuctl *e, const char *method, const char *path, const char *body,
                 struct xbuf *out, struct xbuf *headers);

/* false when the log cannot be read. operation NULL counts every request. */
bool emuctl_log_count(const struct emuctl *e, const char *operation, struct emuctl_counts *c);
/* Per-operation counts of the log as "Op×N, Op→429×N" (failed answers apart, with their
 * status) into out, cleared first. */
bool emuctl_log_summary(const struct emuctl *e, struct xbuf *out);
bool emuctl_log_clear(const struct emuctl *e);

#endif
