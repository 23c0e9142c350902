/* aws/endpoints.h - which URL a service call goes to, and what a region is.
 *
 * Order: the provider's endpoints { <service> = ... } argument, then
 * AWS_ENDPOINT_URL_<SERVICE> (API_GATEWAY, LAMBDA, STS), then AWS_ENDPOINT_URL, then
 * https://<host prefix>.<region>.<dns suffix> for the region's partition.
 * Also: region syntax validation and the partition of a region (aws, aws-cn,
 * aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f).
 * Endpoint URLs are parsed with libcurl's URL API and refused with user info, a query or
 * a fragment (a password in the URL would otherwise travel as the Host header).
 * No I/O beyond getenv; results are written into caller buffers.
 */
#ifndef XA_AWS_ENDPOINTS_H
#define XA_AWS_ENDPOINTS_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/status.h"

/* service: "apigateway", "lambda" or "sts". override may be NULL or "". Appends the URL
 * (origin and path, without a trailing '/'). XA_EINVAL for an unknown service or a URL
 * that cannot be an endpoint (see aws_endpoint_split); why (may be NULL) then receives a
 * sentence naming where the URL came from (endpoints.sts, AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL) and what is wrong with it, never the URL itself. */
enum xa_status aws_endpoint_resolve(const char *service, const char *region,
                                    const char *override, struct xbuf *out, struct xbuf *why);

/* An endpoint URL taken apart for a request. */
struct aws_endpoint_parts {
    char *origin;   /* "scheme://host[:port]" */
    char *host;     /* the Host header: host, ":port" unless it is the scheme's default */
    char *path;     /* path prefix without trailing '/'; "" when none */
};
void aws_endpoint_parts_init(struct aws_endpoint_parts *e);
void aws_endpoint_parts_cleanup(struct aws_endpoint_parts *e);
/* Parses url with libcurl's URL parser. XA_EINVAL, with why (may be NULL) receiving the
 * problem as a phrase ("contains a user name or password ..."), when it is not http(s),
 * not a URL, has no host, or has user info, a query or a fragment; XA_ENOMEM. out is
 * empty on failure. */
enum xa_status aws_endpoint_split(const char *url, struct aws_endpoint_parts *out,
                                  struct xbuf *why);

/* true when region looks like an AWS region ("us-east-1", "us-gov-west-1", "cn-north-1"). */
bool aws_region_valid(const char *region);
/* "aws", "aws-cn", ...; never NULL. */
const char *aws_region_partition(const char *region);
/* "amazonaws.com" or "amazonaws.com.cn", ... */
const char *aws_region_dns_suffix(const char *region);

#endif
