/* aws/sigv4.h - AWS Signature Version 4 for one HTTP request.
 *
 * Builds the canonical request, the string to sign and the Authorization header from a
 * plain request description and credentials, in stages so that tests can compare each
 * one with AWS's published vectors (tests/data/sigv4/). Does no I/O, reads no clock,
 * keeps no state: the caller passes the time. Used by the client (aws/http) to sign and
 * by the emulator (tests/awsemu) to verify.
 * Rules (non-S3 services): path normalised and each segment URI-encoded again (the wire
 * path is already encoded once), query names/values decoded then encoded once and sorted
 * by encoded name then value, header names lower-cased, values trimmed with inner
 * whitespace runs collapsed, repeated headers comma-joined in arrival order.
 * Not here: credential lookup (aws/credentials), sending (aws/http).
 * Ownership: inputs are borrowed; outputs are xbufs the caller cleans up. Derived keys are
 * wiped before they are freed.
 */
#ifndef XA_AWS_SIGV4_H
#define XA_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

struct sigv4_header {
    const char *name;
    const char *value;
};

struct sigv4_request {
    const char *method;                 /* "GET" */
    const char *path;                   /* wire form, already URI-encoded once; "" means "/" */
    const char *query;                  /* wire query without '?', or NULL */
    const struct sigv4_header *headers; /* as sent (Host included) */
    size_t nheaders;
    const void *payload;                /* body bytes, hashed unless payload_sha256_hex */
    size_t payload_len;
    const char *payload_sha256_hex;     /* precomputed lower-case hex hash, or NULL */
};

struct sigv4_params {
    const char *region;                 /* "us-east-1" */
    const char *service;                /* signing name: "apigateway", "lambda", "sts" */
    int64_t unix_time;                  /* the instant of X-Amz-Date */
    bool double_encode_path;            /* true for every service but S3 */
    bool normalize_path;                /* true for every service but S3 */
    /* When non-NULL only these (lower-case, ';'-separated, sorted) headers are signed:
     * the verifier's view. NULL: sign every header given except the skip list
     * (user-agent, expect, x-amzn-trace-id, transfer-encoding, connection, authorization). */
    const char *signed_headers;
};

struct sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;          /* NULL or "" when none */
};

/* Stages. Each returns XA_OK, XA_EINVAL (malformed path, query or header) or XA_ENOMEM;
 * outputs are left empty on failure. */
enum xa_status sigv4_canonical_uri(const char *wire_path, const struct sigv4_params *p,
                                   struct xbuf *out);
enum xa_status sigv4_canonical_query(const char *wire_query, struct xbuf *out);
/* Removes "." and ".." segments and repeated '/' from a path (no encoding); appends the
 * result, always starting with '/' and ending with '/' only when path does ("/a/." is
 * "/a", as in botocore and aws-c-auth). */
enum xa_status sigv4_normalize_path(const char *path, struct xbuf *out);
/* The canonical header block ("name:value\n" per signed name, sorted) and, appended to
 * names, the ';'-joined signed header names. */
enum xa_status sigv4_canonical_headers(const struct sigv4_request *r, const struct sigv4_params *p,
                                       struct xbuf *out, struct xbuf *names);
/* Canonical request; signed_headers_out (may be NULL) receives "host;x-amz-date". */
enum xa_status sigv4_canonical_request(const struct sigv4_request *r, const struct sigv4_params *p,
                                       struct xbuf *out, struct xbuf *signed_headers_out);
enum xa_status sigv4_string_to_sign(const char *canonical_request, size_t len,
                                    const struct sigv4_params *p, struct xbuf *out);
/* Lower-case hex HMAC-SHA256 signature (64 chars + NUL). */
enum xa_status sigv4_signature(const struct sigv4_credentials *c, const struct sigv4_params *p,
                               const char *string_to_sign, char out_hex[65]);

/* "YYYYMMDDTHHMMSSZ" for unix_time; out must hold 17 bytes. */
void sigv4_amz_date(int64_t unix_time, char out[17]);
/* Lower-case hex SHA-256 of data (65 bytes with NUL). */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* All stages at once. The request's headers must already contain Host, X-Amz-Date (for
 * unix_time) and, when the credentials carry a session token, X-Amz-Security-Token
 * (aws/http adds them before calling). Fills authorization with the full header value
 * "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
 * XA_EINVAL also when Host is missing (unless signed_headers is given), when an
 * X-Amz-Date header names another instant than unix_time, or when region, service or
 * access key id are empty or contain '/', ',', '=' or white space.
 * sigv4_result_cleanup wipes the buffers (the canonical request holds the token). */
struct sigv4_result {
    struct xbuf canonical_request;
    struct xbuf string_to_sign;
    struct xbuf authorization;
    char signature[65];
};
void sigv4_result_init(struct sigv4_result *r);
void sigv4_result_cleanup(struct sigv4_result *r);
enum xa_status sigv4_sign(const struct sigv4_request *r, const struct sigv4_params *p,
                          const struct sigv4_credentials *c, struct sigv4_result *out);

#endif
