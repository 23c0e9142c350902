/* awsemu/gateway.h - API Gateway calling a method, as its data plane would: the method's
 * Lambda authorizer first (identity source, the authorizer function and Lambda's
 * permission for the authorizer's source ARN), then the integration (type, URI, the
 * function and Lambda's permission for the method's source ARN).
 *
 * Two callers: the stage invoke (/_emu/execute-api/, invoke.c), which serves a
 * deployment's snapshot, and the test invokes (TestInvokeMethod, TestInvokeAuthorizer,
 * apigw_test.c), which use the API's current configuration and the stage
 * "test-invoke-stage". Source ARNs: a method's names the API's region,
 * arn:aws:execute-api:{API region}:{account}:{api}/{stage}/{VERB}{path}; an authorizer's
 * arn:aws:execute-api:{region}:{account}:{api}/authorizers/{id}, whose region is the
 * function's when the API and the authorizer's function are in different regions (AWS's
 * cross-account authorizer rule). A statement that does not match gives what API Gateway
 * gives: 500 "Internal server error" for an integration, 500 with
 * AuthorizerConfigurationException for an authorizer.
 * The authorizer functions have no code here: they answer like AWS's blueprint, "deny"
 * as the token (or first identity value) is an explicit Deny (403), "unauthorized" a 401,
 * anything else Allow.
 * Ownership: results own their body and log; requests borrow from the world (locked).
 */
#ifndef XA_AWSEMU_GATEWAY_H
#define XA_AWSEMU_GATEWAY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "emu.h"
#include "util/buf.h"

struct gw_request {
    const json_t *api;          /* the REST API (id, account, region) */
    const json_t *method;       /* the method to call (from a snapshot or the live API) */
    const json_t *authorizers;  /* the authorizers of the same configuration */
    const char *stage;          /* "prod", or "test-invoke-stage" */
    const char *verb;           /* the request's HTTP method */
    const char *path;           /* the request's path, "/" or "/pets/1" */
    const json_t *headers;      /* {name: value}, names in any case; may be NULL */
    const json_t *query;        /* {name: value}; may be NULL */
    bool skip_authorizer;       /* TestInvokeMethod does not run authorizers */
};

struct gw_result {
    int status;
    json_t *body;               /* the answer's JSON (owned) */
    const char *error_type;     /* x-amzn-ErrorType, or NULL */
    const char *reason;         /* the emulator's x-awsemu-reason when refused, or NULL */
    const char *principal_id;   /* the authorizer's principal when it allowed, or NULL */
    struct xbuf log;            /* the execution log, AWS's lines */
};

void gw_result_init(struct gw_result *r);
void gw_result_cleanup(struct gw_result *r);

/* The whole call: authorizer (unless skipped or the method has none), then integration. */
void gw_invoke(struct emu_server *s, const struct gw_request *q, struct gw_result *out);
/* One authorizer alone (TestInvokeAuthorizer); id is its id, a the authorizer object. */
void gw_authorize(struct emu_server *s, const json_t *api, const char *id, const json_t *a,
                  const json_t *headers, const json_t *query, struct gw_result *out);

#endif
