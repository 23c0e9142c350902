/* awsemu/faults.c - fault configuration, token buckets and the fault answers (faults.h).
 * Defaults: throttling on, API Gateway 10 requests/s with a burst of 40 and Lambda 15/s
 * (burst 15) as AWS publishes for their control planes, STS 600/s; and API Gateway's
 * fixed per-account quotas of the operations xacct calls: CreateDeployment 1 request per
 * 5 s, GetResources 5 per 2 s ("Amazon API Gateway quotas"); no other fault.
 */
#include "faults.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

#define MAX_BUCKETS 512
#define NSERVICES 3
#define MAX_OP_LIMITS 8

struct rate {
    double rate;
    double burst;
};

struct bucket {
    char key[96];
    double tokens;
    double last;          /* monotonic seconds */
};

struct op_limit {         /* one operation's own quota, per account (all regions) */
    char operation[48];
    struct rate rate;
};

/* Everything but the lock, so a bad configuration can be rolled back by copy. */
struct fault_state {
    bool throttle;
    struct rate rates[NSERVICES];
    struct op_limit op_limits[MAX_OP_LIMITS];
    size_t nop_limits;
    double error_rate, reset_rate, lose_rate;
    int latency_ms, latency_jitter_ms;
    long fail_next, reset_next, lose_next, throttle_next, conflict_next;
    char services[128];   /* ",apigateway,lambda," - which services the other faults hit */
    char operations[512]; /* ",AddPermission," or "" for every operation */
    unsigned long long rng;
    struct bucket buckets[MAX_BUCKETS];
    size_t nbuckets;
};

struct faults {
    pthread_mutex_t mu;
    struct fault_state st;
};

static const char *const service_names[NSERVICES] = {"apigateway", "lambda", "sts"};

static void set_defaults(struct fault_state *f)
{
    f->throttle = true;
    f->rates[0] = (struct rate){.rate = 10, .burst = 40};
    f->rates[1] = (struct rate){.rate = 15, .burst = 15};
    f->rates[2] = (struct rate){.rate = 600, .burst = 600};
    f->op_limits[0] = (struct op_limit){.operation = "CreateDeployment",
                                        .rate = {.rate = 0.2, .burst = 1}};
    f->op_limits[1] = (struct op_limit){.operation = "GetResources",
                                        .rate = {.rate = 2.5, .burst = 5}};
    f->nop_limits = 2;
    f->error_rate = f->reset_rate = f->lose_rate = 0;
    f->latency_ms = f->latency_jitter_ms = 0;
    f->fail_next = f->reset_next = f->lose_next = f->throttle_next = f->conflict_next = 0;
    snprintf(f->services, sizeof f->services, ",apigateway,lambda,sts,");
    f->operations[0] = '\0';
    f->rng = 0x9e3779b97f4a7c15ULL;
    f->nbuckets = 0;
}

struct faults *faults_new(void)
{
    struct faults *f = xa_calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    pthread_mutex_init(&f->mu, NULL);
    set_defaults(&f->st);
    return f;
}

void faults_free(struct faults *f)
{
    if (f == NULL)
        return;
    pthread_mutex_destroy(&f->mu);
    xa_free(f);
}

/* ------------------------------------------------------------ configuration */

static int get_prob(const json_t *cfg, const char *key, double *out, char *err, size_t n)
{
    json_t *v = json_object_get(cfg, key);
    if (v == NULL)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
        snprintf(err, n, "%s must be a number between 0 and 1", key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int get_count(const json_t *cfg, const char *key, long *out, char *err, size_t n)
{
    json_t *v = json_object_get(cfg, key);
    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        snprintf(err, n, "%s must be a non-negative integer", key);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static int get_list(const json_t *cfg, const char *key, char *out, size_t outn, char *err,
                    size_t n)
{
    json_t *v = json_object_get(cfg, key), *x;
    size_t i;
    if (v == NULL)
        return 0;
    if (!json_is_array(v)) {
        snprintf(err, n, "%s must be an array of strings", key);
        return -1;
    }
    size_t len = (size_t)snprintf(out, outn, json_array_size(v) ? "," : "");
    json_array_foreach(v, i, x) {
        if (!json_is_string(x) || len + json_string_length(x) + 2 >= outn) {
            snprintf(err, n, "%s must be a short array of strings", key);
            return -1;
        }
        len += (size_t)snprintf(out + len, outn - len, "%s,", json_string_value(x));
    }
    return 0;
}

/* {"CreateDeployment": {"rate": r, "burst": b}}: adds or replaces operations' quotas. */
static int apply_op_limits(struct fault_state *f, const json_t *cfg, char *err, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)cfg, key, v) {
        double rate = json_number_value(json_object_get(v, "rate"));
        double burst = json_number_value(json_object_get(v, "burst"));
        size_t i = 0;
        while (i < f->nop_limits && strcmp(f->op_limits[i].operation, key) != 0)
            i++;
        if (rate <= 0 || burst < 1 || strlen(key) >= sizeof f->op_limits[0].operation ||
            i == MAX_OP_LIMITS) {
            snprintf(err, n, "operation_limits.%s needs rate > 0 and burst >= 1", key);
            return -1;
        }
        snprintf(f->op_limits[i].operation, sizeof f->op_limits[i].operation, "%s", key);
        f->op_limits[i].rate = (struct rate){.rate = rate, .burst = burst};
        f->nop_limits += i == f->nop_limits;
        f->nbuckets = 0;
    }
    return 0;
}

static int apply(struct fault_state *f, const json_t *cfg, char *err, size_t n)
{
    static const char *const known[] = {
        "reset", "throttle", "rate_limits", "operation_limits", "error_rate", "reset_rate", "lost_response_rate",
        "latency_ms", "latency_jitter_ms", "fail_next", "reset_next", "lose_next",
        "throttle_next", "conflict_next", "services", "operations", "seed"};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)cfg, key, v) {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(key, known[i]) == 0;
        if (!ok) {
            snprintf(err, n, "unknown fault setting \"%s\"", key);
            return -1;
        }
    }
    if (json_is_true(json_object_get(cfg, "reset")))
        set_defaults(f);
    v = json_object_get(cfg, "throttle");
    if (v != NULL)
        f->throttle = json_is_true(v);
    json_t *rl = json_object_get(cfg, "rate_limits");
    json_object_foreach(rl, key, v) {
        int idx = -1;
        for (int i = 0; i < NSERVICES; i++) {
            if (strcmp(key, service_names[i]) == 0)
                idx = i;
        }
        double rate = json_number_value(json_object_get(v, "rate"));
        double burst = json_number_value(json_object_get(v, "burst"));
        if (idx < 0 || rate <= 0 || burst < 1) {
            snprintf(err, n, "rate_limits.%s needs a known service, rate > 0 and burst >= 1",
                     key);
            return -1;
        }
        f->rates[idx] = (struct rate){.rate = rate, .burst = burst};
        f->nbuckets = 0;
    }
    if (apply_op_limits(f, json_object_get(cfg, "operation_limits"), err, n) != 0)
        return -1;
    long lat = f->latency_ms, jit = f->latency_jitter_ms;
    json_t *seed = json_object_get(cfg, "seed");
    if (get_prob(cfg, "error_rate", &f->error_rate, err, n) ||
        get_prob(cfg, "reset_rate", &f->reset_rate, err, n) ||
        get_prob(cfg, "lost_response_rate", &f->lose_rate, err, n) ||
        get_count(cfg, "latency_ms", &lat, err, n) ||
        get_count(cfg, "latency_jitter_ms", &jit, err, n) ||
        get_count(cfg, "fail_next", &f->fail_next, err, n) ||
        get_count(cfg, "reset_next", &f->reset_next, err, n) ||
        get_count(cfg, "lose_next", &f->lose_next, err, n) ||
        get_count(cfg, "throttle_next", &f->throttle_next, err, n) ||
        get_count(cfg, "conflict_next", &f->conflict_next, err, n) ||
        get_list(cfg, "services", f->services, sizeof f->services, err, n) ||
        get_list(cfg, "operations", f->operations, sizeof f->operations, err, n))
        return -1;
    if (lat > 60000 || jit > 60000) {
        snprintf(err, n, "latency is limited to 60000 ms");
        return -1;
    }
    f->latency_ms = (int)lat;
    f->latency_jitter_ms = (int)jit;
    if (json_is_integer(seed))
        f->rng = (unsigned long long)json_integer_value(seed) * 2654435761ULL + 1;
    return 0;
}

int faults_configure(struct faults *f, const json_t *cfg, char *err, size_t errlen)
{
    if (!json_is_object(cfg)) {
        snprintf(err, errlen, "the fault configuration must be a JSON object");
        return -1;
    }
    pthread_mutex_lock(&f->mu);
    struct fault_state saved = f->st;   /* all-or-nothing: restore on a bad value */
    int rc = apply(&f->st, cfg, err, errlen);
    if (rc != 0)
        f->st = saved;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static json_t *list_json(const char *csv)
{
    json_t *a = json_array();
    char buf[512];
    snprintf(buf, sizeof buf, "%s", csv);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
        json_array_append_new(a, json_string(t));
    return a;
}

json_t *faults_describe(struct faults *f)
{
    pthread_mutex_lock(&f->mu);
    struct fault_state *st = &f->st;
    json_t *rl = json_object();
    for (int i = 0; i < NSERVICES; i++)
        json_object_set_new(rl, service_names[i],
                            json_pack("{s:f,s:f}", "rate", st->rates[i].rate, "burst",
                                      st->rates[i].burst));
    json_t *ol = json_object();
    for (size_t i = 0; i < st->nop_limits; i++)
        json_object_set_new(ol, st->op_limits[i].operation,
                            json_pack("{s:f,s:f}", "rate", st->op_limits[i].rate.rate, "burst",
                                      st->op_limits[i].rate.burst));
    json_t *d = json_pack("{s:b,s:o,s:o,s:f,s:f,s:f,s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:o,s:o}",
                          "throttle", st->throttle, "rate_limits", rl, "operation_limits", ol, "error_rate", st->error_rate,
                          "reset_rate", st->reset_rate, "lost_response_rate", st->lose_rate,
                          "latency_ms", st->latency_ms, "latency_jitter_ms",
                          st->latency_jitter_ms, "fail_next", (json_int_t)st->fail_next,
                          "reset_next", (json_int_t)st->reset_next, "lose_next",
                          (json_int_t)st->lose_next, "throttle_next",
                          (json_int_t)st->throttle_next, "conflict_next",
                          (json_int_t)st->conflict_next, "services", list_json(st->services),
                          "operations", list_json(st->operations));
    pthread_mutex_unlock(&f->mu);
    return d;
}

/* ---------------------------------------------------------------- decisions */

static double rand01(struct fault_state *f)
{
    /* xorshift64*: repeatable for a given seed, good enough for fault dice. */
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return (double)((f->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes a token from the bucket named key (refilled at r); false, with the seconds until
 * one is there in *wait_s, when it is empty. */
static bool take_token(struct fault_state *f, const char *key, const struct rate *r,
                       double *wait_s)
{
    double now = mono_now();
    struct bucket *b = NULL;
    for (size_t i = 0; i < f->nbuckets && b == NULL; i++) {
        if (strcmp(f->buckets[i].key, key) == 0)
            b = &f->buckets[i];
    }
    if (b == NULL) {
        if (f->nbuckets == MAX_BUCKETS)
            f->nbuckets = 0;   /* forget everyone rather than refuse everyone */
        b = &f->buckets[f->nbuckets++];
        snprintf(b->key, sizeof b->key, "%s", key);
        b->tokens = r->burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * r->rate;
    if (b->tokens > r->burst)
        b->tokens = r->burst;
    b->last = now;
    if (b->tokens < 1) {
        *wait_s = (1 - b->tokens) / r->rate;
        return false;
    }
    b->tokens -= 1;
    return true;
}

/* The service's rate, then the operation's own quota (per account, every region). */
static bool admit(struct fault_state *f, int svc, const char *operation, const char *account,
                  const char *region, double *wait_s)
{
    char key[96];
    snprintf(key, sizeof key, "%d|%s|%s", svc, account, region);
    *wait_s = 1;
    if (!take_token(f, key, &f->rates[svc], wait_s))
        return false;
    for (size_t i = 0; operation && i < f->nop_limits; i++) {
        if (strcmp(f->op_limits[i].operation, operation) != 0)
            continue;
        snprintf(key, sizeof key, "op|%s|%s", operation, account);
        return take_token(f, key, &f->op_limits[i].rate, wait_s);
    }
    return true;
}

static bool listed(const char *csv, const char *name)
{
    char needle[128];
    snprintf(needle, sizeof needle, ",%s,", name);
    return strstr(csv, needle) != NULL;
}

void faults_decide(struct faults *f, const char *service, const char *operation,
                   bool mutating, const char *account, const char *region,
                   struct fault_decision *out)
{
    *out = (struct fault_decision){.kind = FAULT_NONE, .retry_after_s = 1};
    double wait_s = 1;
    int svc = -1;
    for (int i = 0; i < NSERVICES; i++) {
        if (strcmp(service, service_names[i]) == 0)
            svc = i;
    }
    if (svc < 0)
        return;
    pthread_mutex_lock(&f->mu);
    struct fault_state *st = &f->st;
    bool targeted = listed(st->services, service) &&
                    (st->operations[0] == '\0' || listed(st->operations, operation));
    if (targeted) {
        out->latency_ms = st->latency_ms;
        if (st->latency_jitter_ms > 0)
            out->latency_ms += (int)(rand01(st) * st->latency_jitter_ms);
    }
    if (targeted && st->throttle_next > 0) {
        st->throttle_next--;
        out->kind = FAULT_THROTTLE;
    } else if (st->throttle && !admit(st, svc, operation, account, region, &wait_s)) {
        out->kind = FAULT_THROTTLE;
        out->retry_after_s = wait_s < 1 ? 1 : (int)(wait_s + 0.999);
    } else if (!targeted) {
        /* no other fault */
    } else if (st->reset_next > 0) {
        st->reset_next--;
        out->kind = FAULT_RESET;
    } else if (st->fail_next > 0) {
        st->fail_next--;
        out->kind = FAULT_ERROR;
    } else if (mutating && st->conflict_next > 0) {
        st->conflict_next--;
        out->kind = FAULT_CONFLICT;
    } else if (st->lose_next > 0) {
        st->lose_next--;
        out->kind = FAULT_LOSE;
    } else {
        double x = rand01(st);
        if (x < st->reset_rate)
            out->kind = FAULT_RESET;
        else if (x < st->reset_rate + st->error_rate)
            out->kind = FAULT_ERROR;
        else if (x < st->reset_rate + st->error_rate + st->lose_rate)
            out->kind = FAULT_LOSE;
    }
    pthread_mutex_unlock(&f->mu);
}

/* ------------------------------------------------------------------ answers */

void faults_throttle_response(const struct emu_req *r, int retry_after_s, struct emu_resp *resp)
{
    char after[16];
    snprintf(after, sizeof after, "%d", retry_after_s > 0 ? retry_after_s : 1);
    if (strcmp(r->service, "sts") == 0) {
        emu_error(resp, r, 400, "Throttling", "Rate exceeded");
    } else if (strcmp(r->service, "lambda") == 0) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "Reason", "CallerRateLimitExceeded", "Type",
                              "User", "message", "Rate exceeded", "retryAfterSeconds", after);
        emu_resp_json(resp, 429, b);
        json_decref(b);
        emu_resp_header(resp, "x-amzn-ErrorType", "TooManyRequestsException");
        emu_resp_header(resp, "Retry-After", after);
    } else {
        emu_error(resp, r, 429, "TooManyRequestsException", "Too Many Requests");
        emu_resp_header(resp, "Retry-After", after);
    }
}

void faults_error_response(const struct emu_req *r, struct emu_resp *resp)
{
    if (strcmp(r->service, "sts") == 0)
        emu_error(resp, r, 500, "InternalFailure",
                  "The request processing has failed because of an unknown error, exception "
                  "or failure.");
    else if (strcmp(r->service, "lambda") == 0)
        emu_error(resp, r, 500, "ServiceException",
                  "The Lambda service encountered an internal error.");
    else
        emu_error(resp, r, 503, "ServiceUnavailableException", "Service Unavailable");
}

void faults_conflict_response(const struct emu_req *r, struct emu_resp *resp)
{
    if (strcmp(r->service, "lambda") == 0)
        emu_error(resp, r, 409, "ResourceConflictException",
                  "The operation cannot be performed at this time. An update is in progress "
                  "for resource: the function.");
    else
        emu_error(resp, r, 409, "ConflictException",
                  "Unable to complete operation due to concurrent modification. Please try "
                  "again later.");
}
