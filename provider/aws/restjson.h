/* aws/restjson.h - what the rest-json services (API Gateway, Lambda) share.
 *
 * One call = one rj_request: a path template whose "{}" holes take URI-encoded labels,
 * optional query parameters, an optional JSON body. rj_call builds the wire path and
 * query, sends through aws_client_send and, when asked, parses the answer as a JSON
 * object. Failures found here fill err with "<Service> <Operation>" as the operation.
 * Also the member readers the two services use to copy answers out with an
 * out-of-memory flag. For aws/ service modules only; the typed calls live in
 * aws/apigateway.c and aws/lambda.c.
 */
#ifndef XA_AWS_RESTJSON_H
#define XA_AWS_RESTJSON_H

#include <stdbool.h>

#include <jansson.h>

#include "aws/client.h"
#include "util/status.h"

struct aws_error;

struct rj_service {
    const char *id;     /* endpoint id and signing name: "apigateway", "lambda" */
    const char *name;   /* how messages name it: "API Gateway", "Lambda" */
};

#define RJ_MAX_LABELS 4
#define RJ_MAX_PARAMS 3

struct rj_request {
    const char *op;                        /* "GetRestApi" */
    const char *method;                    /* "GET" */
    const char *path;                      /* "/restapis/{}/resources/{}" */
    const char *labels[RJ_MAX_LABELS];     /* one per "{}"; NULL or "" is refused */
    const char *bad_label;                 /* the sentence err gets when a label is refused */
    struct {
        const char *name, *value;          /* value NULL or "": the parameter is not sent */
    } query[RJ_MAX_PARAMS];
    const char *body;                      /* JSON text, or NULL for none */
};

/* Sends req. With out: XA_OK and *out a JSON object the caller json_decref's, or XA_EAWS
 * with err filled when the answer is not one; without out the answer body is ignored.
 * XA_EINVAL (err filled) when a label is refused, nothing sent. Otherwise the return
 * convention of aws_client_send. *out is NULL after any failure. */
enum xa_status rj_call(struct aws_client *c, const char *region, const struct rj_service *svc,
                       const struct rj_request *req, json_t **out, struct aws_error *err);

/* Fills err for a request refused before sending; returns XA_EINVAL. */
enum xa_status rj_fail(struct aws_error *err, const struct rj_service *svc, const char *op,
                       const char *msg);

/* A copy of string member key of o, or NULL when absent or not a string; *oom set when
 * the copy cannot be made. */
char *rj_str(bool *oom, json_t *o, const char *key);

#endif
