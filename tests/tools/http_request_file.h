/* tests/tools/http_request_file.h - raw HTTP request files and SigV4 suite contexts.
 *
 * Shared by tests/unit/test_sigv4.c and the sigv4-sign tool so that both read AWS's
 * SigV4 suite (tests/data/sigv4/<case>/) the same way:
 *   request.txt  - "METHOD target HTTP/1.1", "Name:value" lines (a line starting with
 *                  white space continues the previous value), an empty line, the body;
 *   context.json - credentials {access_key_id, secret_access_key, token}, region,
 *                  service, timestamp (RFC 3339, UTC), normalize, sign_body,
 *                  omit_session_token, expiration_in_seconds.
 * sigv4_case_sign() applies the suite's conventions (adds X-Amz-Security-Token,
 * X-Amz-Date and, with sign_body, x-amz-content-sha256, in the order the expected signed
 * requests show) and writes the signed request in the same layout as the expected files.
 * Test code: errors are returned, not printed.
 */
#ifndef XA_TESTS_HTTP_REQUEST_FILE_H
#define XA_TESTS_HTTP_REQUEST_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/status.h"

struct http_request_file {
    char *method;
    char *target;           /* path and query as on the request line */
    char *path;             /* target before '?' */
    char *query;            /* target after '?', or NULL */
    char *version;          /* "HTTP/1.1" */
    char **names;           /* header names as written */
    char **values;          /* raw values after ':' (folded lines kept with their '\n') */
    size_t nheaders;
    char *body;
    size_t body_len;
};

void http_request_file_init(struct http_request_file *f);
void http_request_file_cleanup(struct http_request_file *f);
/* XA_OK, XA_EINVAL (not a request file) or XA_ENOMEM. */
enum xa_status http_request_file_parse(const char *data, size_t len, struct http_request_file *f);
/* Reads a whole file into out (XA_EIO when it cannot be read). */
enum xa_status http_file_read(const char *path, struct xbuf *out);
enum xa_status http_request_file_load(const char *path, struct http_request_file *f);

struct sigv4_case_context {
    char *access_key_id;
    char *secret_access_key;
    char *token;            /* NULL when none */
    char *region;
    char *service;
    int64_t unix_time;
    bool normalize;
    bool sign_body;
    bool omit_session_token;
    long expiration_in_seconds;
};

void sigv4_case_context_init(struct sigv4_case_context *c);
void sigv4_case_context_cleanup(struct sigv4_case_context *c);
enum xa_status sigv4_case_context_load(const char *path, struct sigv4_case_context *c);

/* Signs f with c (header-based signing) and appends the signed request to signed_request
 * (may be NULL). */
enum xa_status sigv4_case_sign(const struct http_request_file *f,
                               const struct sigv4_case_context *c, struct sigv4_result *out,
                               struct xbuf *signed_request);

/* Query (presigned URL) signing per the suite's query-*.txt files: X-Amz-Algorithm,
 * -Credential, -Date, -SignedHeaders, -Expires (and -Security-Token) added to the query. */
enum xa_status sigv4_case_presign(const struct http_request_file *f,
                                  const struct sigv4_case_context *c, struct sigv4_result *out,
                                  struct xbuf *signed_request);

#endif
