/* aws/endpoints.h - which URL a service call goes to, and what a region is.
 *
 * Order: the provider's endpoints { <service> = ... } argument, then
 * AWS_ENDPOINT_URL_<SERVICE> (API_GATEWAY, LAMBDA, STS), then AWS_ENDPOINT_URL, then
 * https://<host prefix>.<region>.<dns suffix> for the region's partition.
 * Also: region syntax validation and the partition of a region (aws, aws-cn,
 * aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f).
 * No I/O beyond getenv; results are written into caller buffers.
 */
#ifndef XA_AWS_ENDPOINTS_H
#define XA_AWS_ENDPOINTS_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/status.h"

/* service: "apigateway", "lambda" or "sts". override may be NULL or "". Appends the URL
 * without a trailing '/'. XA_EINVAL for an unknown service or an override that is not an
 * http(s) URL. */
enum xa_status aws_endpoint_resolve(const char *service, const char *region,
                                    const char *override, struct xbuf *out);

/* true when region looks like an AWS region ("us-east-1", "us-gov-west-1", "cn-north-1"). */
bool aws_region_valid(const char *region);
/* "aws", "aws-cn", ...; never NULL. */
const char *aws_region_partition(const char *region);
/* "amazonaws.com" or "amazonaws.com.cn", ... */
const char *aws_region_dns_suffix(const char *region);

#endif
