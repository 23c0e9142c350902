/* aws/sts.h - the STS calls: GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity.
 *
 * Query protocol: form POST "Action=...&Version=2011-06-15" to
 * https://sts.{region}.amazonaws.com (overridable), XML responses parsed with libxml2,
 * XML errors parsed by aws/errors. AssumeRoleWithWebIdentity is sent unsigned.
 * Every call takes a transport, an endpoint and explicit source credentials: the
 * credential chain calls them while the client is being built, and the client with its
 * own credentials (aws_client_caller_identity, aws_client_assume_role in aws/client.h).
 * Conventions as in aws/apigateway.h: XA_OK and a filled output, or an error status with
 * err filled; outputs zeroed on entry, released with their _cleanup. Credentials in
 * outputs are secret and wiped on cleanup.
 */
#ifndef XA_AWS_STS_H
#define XA_AWS_STS_H

#include <stddef.h>
#include <stdint.h>

#include "aws/config.h"
#include "aws/credentials.h"
#include "util/status.h"

struct aws_error;
struct aws_http;

struct sts_caller_identity {
    char *account;
    char *arn;
    char *user_id;
};
void sts_caller_identity_cleanup(struct sts_caller_identity *id);

struct sts_assume_role_result {
    struct aws_credentials credentials;  /* with expiration */
    char *assumed_role_arn;
    char *assumed_role_id;
    char *source_identity;
};
void sts_assume_role_result_cleanup(struct sts_assume_role_result *r);

/* The request of AssumeRole is the provider's assume_role block. */
/* Where and how the lower-level calls go. */
struct sts_target {
    struct aws_http *http;
    const char *endpoint;        /* "https://sts.us-east-1.amazonaws.com" */
    const char *region;          /* signing region */
};
enum xa_status sts_get_caller_identity_with(const struct sts_target *t,
                                            const struct aws_credentials *creds,
                                            struct sts_caller_identity *out,
                                            struct aws_error *err);
enum xa_status sts_assume_role_with(const struct sts_target *t,
                                    const struct aws_credentials *creds,
                                    const struct aws_assume_role_config *req,
                                    struct sts_assume_role_result *out, struct aws_error *err);
/* Unsigned; token is the web identity token itself (secret). */
enum xa_status sts_assume_role_with_web_identity_with(
    const struct sts_target *t, const struct aws_assume_role_web_identity_config *req,
    const char *token, struct sts_assume_role_result *out, struct aws_error *err);

#endif
