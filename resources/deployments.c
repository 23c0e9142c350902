/* resources/deployments.c - CreateDeployment paced and explained (see deployments.h). */
#include "resources/deployments.h"

#include "aws/errors.h"
#include "resources/meta.h"
#include "resources/quotas.h"

enum xa_status deployment_create(struct xacct_meta *m, const char *region,
                                 const char *rest_api_id, const char *stage_name,
                                 const char *description, struct apigw_deployment *out,
                                 struct aws_error *err)
{
    *out = (struct apigw_deployment){0};
    if (!quotas_wait(m, QUOTA_CREATE_DEPLOYMENT)) {
        aws_error_set_transport(err, XA_ECANCELED, "the provider is stopping");
        return XA_ECANCELED;
    }
    enum xa_status st = apigw_create_deployment(m->client, region, rest_api_id, stage_name,
                                                description, out, err);
    quotas_done(m, QUOTA_CREATE_DEPLOYMENT);
    return st;
}

void deployment_diag(struct diags *d, const struct aws_error *err)
{
    const char *remedy = NULL;
    if (aws_error_is(err, "BadRequestException"))
        remedy = "API Gateway deploys the whole API: every method must have an integration. "
                 "Give the methods without one an integration (or delete them), then apply "
                 "again.";
    else if (aws_error_is(err, "NotFoundException"))
        remedy = "Check rest_api_id and that this provider is configured for the API's "
                 "account and region.";
    else if (aws_error_is(err, "TooManyRequestsException"))
        remedy = "CreateDeployment allows one request every 5 seconds per account, and this "
                 "quota cannot be raised. Another process or tool is deploying in this "
                 "account; apply again.";
    meta_aws_diag(d, NULL, "Cannot deploy the stage", err, remedy);
}
