/* tests/integration/emu_client.h - a small client for driving a spawned awsemu from
 * tests: start and stop the process, send plain or SigV4-signed requests (signed with the
 * project's signer, aws/sigv4.h) over libcurl, and capture status, body and the AWS
 * headers that matter. Used by the emulator's tests (test_awsemu_*.c) and the AWS
 * client's (test_aws_client*.c); nothing here is part of the emulator itself.
 */
#ifndef XA_TESTS_EMU_CLIENT_H
#define XA_TESTS_EMU_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <jansson.h>

#include "util/buf.h"

struct tc_emu {
    pid_t pid;
    int port;
    bool tls;
    char ca_path[256];
};

/* Starts awsemu on a free port with seeds/<seed>, or seed itself when it is an absolute
 * path (HTTPS with a generated CA when tls; faults = the --faults JSON or NULL).
 * 0, or -1 when it did not print its port. */
int tc_spawn(struct tc_emu *e, const char *seed, bool tls, const char *faults);
void tc_kill(struct tc_emu *e);

struct tc_reply {
    long status;
    CURLcode curl;
    struct xbuf body;
    char error_type[256];     /* x-amzn-ErrorType */
    char request_id[64];      /* x-amzn-RequestId */
    char retry_after[16];
    char reason[256];         /* x-awsemu-reason */
    double seconds;
};
void tc_reply_init(struct tc_reply *r);
void tc_reply_cleanup(struct tc_reply *r);

struct tc_creds {
    const char *akid;
    const char *secret;
    const char *token;
};

/* One signed call. */
struct tc_call {
    const char *service;
    const char *region;
    const struct tc_creds *creds;
    const char *method;
    const char *path;         /* wire form */
    const char *query;        /* wire form, or NULL */
    const char *body;         /* or NULL */
    int64_t skew;             /* seconds added to the signing time */
    bool bad_signature;       /* flip the last hex digit of the signature */
};

/* Sends method path_query with body and headers (a curl list this takes, or NULL). */
void tc_send(const struct tc_emu *e, const char *method, const char *path_query,
             const char *body, struct curl_slist *headers, struct tc_reply *out);
void tc_aws(const struct tc_emu *e, const struct tc_call *k, struct tc_reply *out);
/* Unsigned JSON request to the emulator's own endpoints. */
void tc_ctl(const struct tc_emu *e, const char *method, const char *path, const char *body,
            struct tc_reply *out);

/* Parsed body (fails the test when it is not JSON); string member or "". */
json_t *tc_json(const struct tc_reply *r);
const char *tc_str(const json_t *o, const char *key);
/* Text between <tag> and </tag> of an XML body into out; "" when absent. */
const char *tc_xml(const struct tc_reply *r, const char *tag, char *out, size_t n);

/* Requests in the emulator's request log for operation with this status (< 0: any) and
 * fault (NULL: any, e.g. "reset", "lost_response"); -1 when the log cannot be read. */
int tc_log_count(const struct tc_emu *e, const char *operation, long status, const char *fault);

/* A TCP relay on 127.0.0.1 in front of the emulator, for tests that must act between the
 * emulator's answer and the client reading it. Bytes pass unchanged both ways; on_answer
 * (may be NULL) sees each chunk coming back from the emulator before it is forwarded, on
 * the relay's own thread. Up to 16 connections at once. NULL when it cannot start. */
typedef void (*tc_relay_fn)(void *ctx, const char *data, size_t len);
struct tc_relay;
struct tc_relay *tc_relay_start(const struct tc_emu *e, tc_relay_fn on_answer, void *ctx);
int tc_relay_port(const struct tc_relay *r);
void tc_relay_stop(struct tc_relay *r);

#endif
