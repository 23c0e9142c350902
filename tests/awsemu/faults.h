/* awsemu/faults.h - what goes wrong on purpose: per-account throttling with each service's
 * real throttling error, random server errors, latency, connection resets, and responses
 * lost after the change was committed.
 *
 * Configuration is a JSON object (from --faults or POST /_emu/faults; README.md lists
 * the keys). Throttling is a token bucket per (service, account, region) at AWS's
 * published control-plane rates unless configured otherwise, plus one per (operation,
 * account) for the operations with a quota of their own (CreateDeployment, GetResources). Probabilistic faults use
 * a seeded generator so a run can be repeated; *_next counters make a test's faults exact.
 * Thread-safe: one mutex inside.
 */
#ifndef XA_AWSEMU_FAULTS_H
#define XA_AWSEMU_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "emu.h"

struct faults;

enum fault_kind {
    FAULT_NONE = 0,
    FAULT_THROTTLE,   /* answer with the service's throttling error */
    FAULT_ERROR,      /* answer with a 5xx before doing anything */
    FAULT_RESET,      /* reset the connection before doing anything */
    FAULT_LOSE,       /* do the work, then drop the connection without an answer */
    FAULT_CONFLICT,   /* a concurrent-modification conflict (mutating calls only) */
};

struct fault_decision {
    enum fault_kind kind;
    int latency_ms;
    int retry_after_s;    /* FAULT_THROTTLE: when a token is there again (Retry-After) */
};

struct faults *faults_new(void);
void faults_free(struct faults *f);
/* Applies cfg on top of the current configuration; {"reset": true} first restores the
 * defaults. -1 with err filled on an invalid key or value (nothing applied). */
int faults_configure(struct faults *f, const json_t *cfg, char *err, size_t errlen);
json_t *faults_describe(struct faults *f);

/* What happens to one authenticated request of service/operation by account in region. */
void faults_decide(struct faults *f, const char *service, const char *operation,
                   bool mutating, const char *account, const char *region,
                   struct fault_decision *out);

/* The throttling and server error answers each service gives. */
void faults_throttle_response(const struct emu_req *r, int retry_after_s, struct emu_resp *resp);
void faults_error_response(const struct emu_req *r, struct emu_resp *resp);
void faults_conflict_response(const struct emu_req *r, struct emu_resp *resp);

#endif
