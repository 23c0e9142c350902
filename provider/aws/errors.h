/* aws/errors.h - what went wrong in one AWS operation, parsed and described.
 *
 * struct aws_error is filled by aws/http (transport failures, AWS error answers) and read
 * by resources/, which turn it into a diagnostic. It carries the AWS operation, the HTTP
 * status, the AWS error code and message, the request id, how many attempts were made and
 * whether the failure was retryable or throttling (aws/retry decides those two).
 * Parsers understand both protocols the project speaks:
 *   rest-json (API Gateway, Lambda): code from the x-amzn-ErrorType header (text after the
 *     first ':' dropped), else the body's "__type" (text before '#' dropped), "code",
 *     "Code" or "Type" (Lambda's "User"/"Service" classification is not a code); message
 *     from "message", "Message" or "errorMessage";
 *   query XML (STS): <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>,
 *     read with libxml2 without network access or entity expansion, bodies above
 *     AWS_ERROR_MAX_BODY bytes are not parsed.
 * A body that cannot be parsed is not an error: the status is kept, and the message says
 * the answer was unreadable (a short printable excerpt, never more than 200 bytes).
 * Not here: retry decisions (aws/retry), sending (aws/http), diagnostics (core/diag).
 * Ownership: every char * in the struct is owned (xa_malloc'd) and freed by
 * aws_error_cleanup. No field ever holds a secret.
 */
#ifndef XA_AWS_ERRORS_H
#define XA_AWS_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define AWS_ERROR_MAX_BODY (256u * 1024u)

struct aws_error {
    char *operation;        /* "Lambda AddPermission", or NULL */
    long http_status;       /* 0 when no HTTP answer arrived */
    char *code;             /* "ResourceNotFoundException", or NULL */
    char *message;          /* AWS's message or what failed locally, or NULL */
    char *request_id;       /* x-amzn-RequestId / <RequestId>, or NULL */
    int attempts;           /* attempts made, 0 when unknown */
    bool retryable;
    bool throttled;
    enum xa_status transport;   /* XA_OK when an HTTP answer arrived; else XA_EIO,
                                   XA_ETIMEDOUT, XA_ECANCELED, ... */
    char *transport_detail; /* curl's words for a transport failure, or NULL */
    char *endpoint;         /* the endpoint tried ("https://sts.us-east-1.amazonaws.com"),
                               or NULL; never holds user info */
};

/* Lifetime. _init zeroes; _cleanup frees and zeroes (safe to call twice); _reset is
 * cleanup followed by init. aws_error_move hands src's contents to dst (dst is cleaned
 * first) and leaves src initialised. */
void aws_error_init(struct aws_error *e);
void aws_error_cleanup(struct aws_error *e);
void aws_error_reset(struct aws_error *e);
void aws_error_move(struct aws_error *dst, struct aws_error *src);

/* Setters copy their strings (NULL clears the field). Return XA_OK or XA_ENOMEM; on
 * failure the field is left as it was. */
enum xa_status aws_error_set_operation(struct aws_error *e, const char *operation);
enum xa_status aws_error_set_code(struct aws_error *e, const char *code);
enum xa_status aws_error_set_message(struct aws_error *e, const char *message);
enum xa_status aws_error_set_messagef(struct aws_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum xa_status aws_error_set_request_id(struct aws_error *e, const char *request_id);
enum xa_status aws_error_set_endpoint(struct aws_error *e, const char *endpoint);
/* A failure before any HTTP answer: sets transport (never XA_OK) and transport_detail,
 * and sets http_status to 0. */
enum xa_status aws_error_set_transport(struct aws_error *e, enum xa_status transport,
                                       const char *detail);

/* Parsers. Fill http_status, code, message and request_id from one error answer;
 * header values may be NULL (request_id_header wins over a request id in the body).
 * Return XA_OK (even for an unreadable body, see above) or XA_ENOMEM; the operation,
 * attempts and retry flags are left untouched. */
enum xa_status aws_error_parse_rest_json(struct aws_error *e, long http_status,
                                         const char *error_type_header,
                                         const char *request_id_header,
                                         const void *body, size_t len);
enum xa_status aws_error_parse_query_xml(struct aws_error *e, long http_status,
                                         const char *request_id_header,
                                         const void *body, size_t len);
/* Looks at the first non-blank byte: '<' parses as query XML, anything else rest-json. */
enum xa_status aws_error_parse_any(struct aws_error *e, long http_status,
                                   const char *error_type_header,
                                   const char *request_id_header,
                                   const void *body, size_t len);

/* True when e carries exactly this AWS error code (case-sensitive). NULL-safe. */
bool aws_error_is(const struct aws_error *e, const char *code);

/* Whether the failed operation may have taken effect all the same, so that a create must
 * not be reported as never made: an attempt was sent and no answer came to it (a lost or
 * cut connection, a timeout, StopProvider), or AWS answered with a server error, or it
 * was retried (what became of the earlier attempts is not kept: one of them may have
 * been carried out with its answer lost). false for a failure found before anything was
 * sent and for a client error (4xx) answered to the only attempt. NULL-safe. */
bool aws_error_may_have_applied(const struct aws_error *e);

/* Appends one or two sentences for a diagnostic detail, e.g.
 * "Lambda AddPermission failed: HTTP 404, ResourceNotFoundException: Function not
 *  found: arn:aws:lambda:... (request id 1f2e..., 1 attempt)."
 * or "STS GetCallerIdentity could not reach https://sts.us-east-1.amazonaws.com after 26
 *  attempts: timed out (Connection timed out after 10000 ms)."
 * A failure found locally (only a message: no operation, answer or transport failure)
 * is its message alone. The text ends with exactly one period. Untrusted text from the
 * answer is cut to 512 bytes and control characters are replaced. Returns XA_OK or
 * XA_ENOMEM. */
enum xa_status aws_error_describe(const struct aws_error *e, struct xbuf *out);

#endif
