/* resources/action_calls.h - the two API Gateway calls xacct's actions need and that this
 * build's AWS client does not make yet: TestInvokeMethod (xacct_test_invoke) and
 * CreateDeployment (xacct_redeploy_stage).
 *
 * They are being added to aws/apigateway.c by issue "Live wiring". Until the lead
 * connects them here (action_calls.c: one call each, typed as below), each answers
 * XA_EUNSUPPORTED and action_call_missing says what is missing, so that an action plans
 * with a warning and fails when invoked with an error naming the missing piece - never
 * a pretended success.
 * Ownership: outputs are zeroed on entry and released with their _cleanup.
 */
#ifndef XA_RESOURCES_ACTION_CALLS_H
#define XA_RESOURCES_ACTION_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "aws/client.h"
#include "aws/config.h"
#include "util/status.h"

struct aws_error;

enum action_call { ACTION_CALL_TEST_INVOKE, ACTION_CALL_CREATE_DEPLOYMENT };

/* NULL when the call is connected; else a sentence naming what is missing. */
const char *action_call_missing(enum action_call which);

/* TestInvokeMethod: POST /restapis/{id}/resources/{rid}/methods/{verb}. */
struct action_test_invoke_req {
    const char *rest_api_id;
    const char *resource_id;
    const char *http_method;
    const char *path_with_query_string;   /* NULL: the resource's path */
    const char *body;                     /* NULL: none */
    const struct aws_kv_ref *headers;
    size_t nheaders;
};
struct action_test_invoke_out {
    int status;
    char *body;
    char *log;                            /* API Gateway's execution log */
    int64_t latency_ms;
};
void action_test_invoke_out_cleanup(struct action_test_invoke_out *o);
enum xa_status action_call_test_invoke(struct aws_client *c, const char *region,
                                       const struct action_test_invoke_req *req,
                                       struct action_test_invoke_out *out,
                                       struct aws_error *err);

/* CreateDeployment: POST /restapis/{id}/deployments {"stageName", "description"}. */
struct action_deployment_out {
    char *id;
};
void action_deployment_out_cleanup(struct action_deployment_out *o);
enum xa_status action_call_create_deployment(struct aws_client *c, const char *region,
                                             const char *rest_api_id, const char *stage_name,
                                             const char *description,
                                             struct action_deployment_out *out,
                                             struct aws_error *err);

#endif
