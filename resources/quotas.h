/* resources/quotas.h - API Gateway's fixed per-account quotas, respected by pacing.
 *
 * Two operations xacct calls have quotas of their own that AWS will not raise ("Amazon
 * API Gateway quotas", fixed quotas for creating, deploying and managing an API):
 * CreateDeployment, 1 request every 5 seconds per account, and GetResources, 5 requests
 * every 2 seconds per account. One provider process (one provider configuration, so one
 * account) spaces its own calls to fit, so that an apply with many stages or APIs is
 * paced instead of throttled: CreateDeployments one at a time, 5 s after the previous
 * answer; GetResources at a cell rate of 5 per 2 s. A TooManyRequestsException that
 * still comes back (another process, another tool) is retried by aws/retry, honouring
 * Retry-After.
 * XACCT_CREATE_DEPLOYMENT_INTERVAL_MS sets CreateDeployment's interval (5250 by default,
 * 0 for none; only a stand-in for AWS with another quota, such as an emulator, needs it
 * changed).
 * Ownership: the pacer belongs to the meta (quotas_new / quotas_free).
 */
#ifndef XA_RESOURCES_QUOTAS_H
#define XA_RESOURCES_QUOTAS_H

#include <stdbool.h>

struct xacct_meta;

enum quota_op { QUOTA_CREATE_DEPLOYMENT, QUOTA_GET_RESOURCES, QUOTA_NOPS };

/* m->quotas; false when out of memory. */
bool quotas_new(struct xacct_meta *m);
void quotas_free(struct xacct_meta *m);
/* Takes the next slot of op and sleeps until it comes (through the client's stop-aware
 * wait); true when the call may be sent, false when the provider is stopping. A true
 * quotas_wait of QUOTA_CREATE_DEPLOYMENT must be followed by quotas_done once the call
 * returned (answered or not). */
bool quotas_wait(struct xacct_meta *m, enum quota_op op);
void quotas_done(struct xacct_meta *m, enum quota_op op);

#endif
