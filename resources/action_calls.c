/* resources/action_calls.c - where the actions meet the AWS client (see action_calls.h).
 *
 * Not connected in this build: aws/apigateway.c has no TestInvokeMethod or
 * CreateDeployment call yet. To connect one, make its function below call the
 * apigw_* function issue "Live wiring" adds (mapping the types) and make
 * action_call_missing answer NULL for it; the actions need no other change.
 */
#include "resources/action_calls.h"

#include "util/alloc.h"

static const char *const missing[] = {
    [ACTION_CALL_TEST_INVOKE] =
        "this build's AWS client has no API Gateway TestInvokeMethod call (aws/apigateway.c; "
        "issue \"Live wiring\" adds it), so xacct_test_invoke cannot call the method yet",
    [ACTION_CALL_CREATE_DEPLOYMENT] =
        "this build's AWS client has no API Gateway CreateDeployment call (aws/apigateway.c; "
        "issue \"Live wiring\" adds it), so xacct_redeploy_stage cannot deploy yet",
};

const char *action_call_missing(enum action_call which)
{
    return missing[which];
}

void action_test_invoke_out_cleanup(struct action_test_invoke_out *o)
{
    xa_free(o->body);
    xa_free(o->log);
    *o = (struct action_test_invoke_out){0};
}

enum xa_status action_call_test_invoke(struct aws_client *c, const char *region,
                                       const struct action_test_invoke_req *req,
                                       struct action_test_invoke_out *out,
                                       struct aws_error *err)
{
    *out = (struct action_test_invoke_out){0};
    return XA_EUNSUPPORTED;
}

void action_deployment_out_cleanup(struct action_deployment_out *o)
{
    xa_free(o->id);
    *o = (struct action_deployment_out){0};
}

enum xa_status action_call_create_deployment(struct aws_client *c, const char *region,
                                             const char *rest_api_id, const char *stage_name,
                                             const char *description,
                                             struct action_deployment_out *out,
                                             struct aws_error *err)
{
    *out = (struct action_deployment_out){0};
    return XA_EUNSUPPORTED;
}
