/* aws/http.h - the transport: one libcurl connection pool per process, signing, retries.
 *
 * struct aws_http owns a CURLSH sharing connections, DNS and TLS sessions between all
 * threads (guarded by per-lock-type mutexes) and the settings every request uses: TLS
 * verification (on unless `insecure`), a custom CA bundle (held in memory and given to
 * libcurl as a blob, so no path is opened per connection), proxies (curl also honours
 * the standard *_proxy variables by itself), timeouts and the User-Agent
 * "terraform-provider-xacct/<version>" plus TF_APPEND_USER_AGENT.
 * Two levels:
 *   aws_http_perform - one exchange, no signing, no retry (metadata endpoints);
 *   aws_http_call    - an AWS operation: signs with SigV4 (adding X-Amz-Date and
 *                      X-Amz-Security-Token), retries throttling, 5xx, connection errors
 *                      and timeouts per aws/retry (Retry-After, quota, adaptive limiter),
 *                      and turns the final failure into an aws_error.
 * Stop: aws_http_stop sets a flag the curl progress callback and the backoff wait watch
 * (a condition variable, so a waiting thread wakes at once); everything then returns
 * XA_ECANCELED within a second.
 * Logging: at TRACE one line per attempt with method, URL, status, request id, attempt and
 * latency; never a header value, body, key or token.
 * Not here: where credentials come from (aws/credentials), endpoint choice (aws/endpoints).
 */
#ifndef XA_AWS_HTTP_H
#define XA_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/config.h"
#include "util/buf.h"
#include "util/status.h"

struct aws_error;
struct aws_credentials;
struct aws_http;

struct aws_http_config {
    const void *ca_pem;             /* CA certificates (PEM) to trust, copied; NULL: the
                                       system store. aws/client reads custom_ca_bundle. */
    size_t ca_pem_len;
    bool insecure;
    const char *http_proxy;
    const char *https_proxy;
    const char *no_proxy;
    long connect_timeout_ms;        /* 0: 10 000 */
    long request_timeout_ms;        /* 0: 60 000 per attempt */
    int max_retries;                /* < 0: 25 */
    enum aws_retry_mode retry_mode;
    const char *user_agent_extra;
    /* Test hooks: a clock in milliseconds and the wall clock used for X-Amz-Date
     * (NULL = the real ones). The backoff wait still sleeps on the condition variable,
     * for (computed delay * time_scale) where time_scale 0 means 1.0. */
    int64_t (*now_unix)(void *ctx);
    void *clock_ctx;
    double time_scale;
};

enum xa_status aws_http_new(const struct aws_http_config *cfg, struct aws_http **out);
void aws_http_free(struct aws_http *h);
void aws_http_stop(struct aws_http *h);
bool aws_http_stopped(const struct aws_http *h);
/* Sleeps ms (times time_scale) unless stopped first, as the backoff between attempts
 * does; false when stopped (at once, not after ms). */
bool aws_http_wait_ms(struct aws_http *h, int64_t ms);

struct aws_http_header {
    const char *name;
    const char *value;
};

struct aws_http_request {
    const char *method;
    const char *url;                /* complete URL */
    const struct aws_http_header *headers;
    size_t nheaders;
    const void *body;
    size_t body_len;
    long timeout_ms;                /* 0: the transport's */
    long connect_timeout_ms;        /* 0: the transport's */
    bool bypass_proxy;              /* metadata endpoints are never proxied */
};

struct aws_http_response {
    long status;                    /* 0 when no response arrived */
    struct xbuf body;
    char *request_id;               /* x-amzn-RequestId / x-amz-request-id, or NULL */
    char *error_type;               /* x-amzn-ErrorType, or NULL */
    char *retry_after;              /* Retry-After, or NULL */
};
void aws_http_response_init(struct aws_http_response *r);
void aws_http_response_cleanup(struct aws_http_response *r);
/* Keeps what the client reads from one raw header line ("Name: value\r\n", len bytes,
 * not NUL-terminated): request id, x-amzn-ErrorType and Retry-After, trimmed. Other
 * lines are ignored. */
void aws_http_response_keep_header(struct aws_http_response *r, const char *line, size_t len);

/* One exchange. XA_OK when any HTTP response arrived (any status); XA_EIO, XA_ETIMEDOUT,
 * XA_ECANCELED or XA_ENOMEM otherwise, with err->message saying what curl reported. */
enum xa_status aws_http_perform(struct aws_http *h, const struct aws_http_request *req,
                                struct aws_http_response *resp, struct aws_error *err);

enum aws_protocol { AWS_PROTOCOL_REST_JSON = 0, AWS_PROTOCOL_QUERY };

struct aws_http_call {
    const char *operation;          /* "GetRestApi": logs and errors */
    const char *service;            /* "API Gateway": errors */
    enum aws_protocol protocol;
    const char *endpoint;           /* "https://apigateway.us-east-1.amazonaws.com" */
    const char *region;             /* signing region */
    const char *signing_name;       /* "apigateway" */
    const char *method;
    const char *path;               /* wire form, URI-encoded once */
    const char *query;              /* wire form without '?', or NULL */
    const char *content_type;       /* or NULL */
    const void *body;
    size_t body_len;
    const struct aws_credentials *credentials;   /* NULL: sent unsigned */
};

/* Sends with signing and retries. XA_OK for a 2xx response (resp filled); XA_EAWS for
 * an AWS error answer (err parsed from the body, resp still filled); transport and
 * cancellation errors as aws_http_perform. */
enum xa_status aws_http_call(struct aws_http *h, const struct aws_http_call *call,
                             struct aws_http_response *resp, struct aws_error *err);

/* Appends s URI-encoded (RFC 3986 unreserved kept; everything else %XX) to out. */
enum xa_status aws_http_uri_encode(struct xbuf *out, const char *s);

#endif
