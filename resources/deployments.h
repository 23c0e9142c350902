/* resources/deployments.h - CreateDeployment as xacct's two deployers make it: the
 * xacct_stage_deployment resource and the xacct_redeploy_stage action.
 *
 * Both go through deployment_create, so that one provider process keeps API Gateway's
 * fixed CreateDeployment quota (1 request per 5 s per account, resources/quotas.h)
 * whichever of them deploys, and through deployment_diag, so that a refusal (an API with a
 * method that has no integration, an unknown API, the quota) says the same remedy.
 * Ownership: out is the caller's (apigw_deployment_cleanup, also after a failure).
 */
#ifndef XA_RESOURCES_DEPLOYMENTS_H
#define XA_RESOURCES_DEPLOYMENTS_H

#include "aws/apigateway.h"
#include "core/diag.h"
#include "util/status.h"

struct aws_error;
struct xacct_meta;

/* CreateDeployment of rest_api_id onto stage_name (created or moved), paced to the quota.
 * XA_OK and out filled; else err filled (XA_ECANCELED when the provider is stopping
 * before the call could go). description may be NULL. */
enum xa_status deployment_create(struct xacct_meta *m, const char *region,
                                 const char *rest_api_id, const char *stage_name,
                                 const char *description, struct apigw_deployment *out,
                                 struct aws_error *err);

/* The error "Cannot deploy the stage" for a failed deployment_create, with its remedy. */
void deployment_diag(struct diags *d, const struct aws_error *err);

#endif
