/* aws/credentials.h - AWS credentials: the value every signed request carries.
 *
 * Not here: the chain that finds them (aws/credentials_provider.h). The rest of this
 * paragraph describes that chain, which returns this value:
 *
 * The chain follows hashicorp/aws: provider arguments, environment
 * (AWS_ACCESS_KEY_ID...), shared credentials and config files for the profile (static
 * keys, credential_process, role_arn + source_profile / credential_source chains,
 * web_identity_token_file), web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE
 * + AWS_ROLE_ARN), container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI /
 * _RELATIVE_URI), EC2 instance metadata (IMDSv2); then assume_role_with_web_identity and
 * the assume_role chain on top of what was found.
 * Temporary credentials are cached and refreshed 5 minutes before they expire;
 * concurrent callers share one refresh. When nothing works the error lists each source
 * tried, in order, and why it failed - never a secret.
 * Not here: signing (aws/sigv4), sending (aws/http).
 * Ownership: struct aws_credentials is caller storage holding heap copies; cleanup wipes
 * the secret parts with OPENSSL_cleanse.
 */
#ifndef XA_AWS_CREDENTIALS_H
#define XA_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/status.h"

struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;     /* secret */
    char *session_token;         /* secret; NULL when none */
    int64_t expiration;          /* unix seconds; 0 = does not expire */
    char *source;                /* where they came from, e.g. "environment", "profile prod" */
};

void aws_credentials_init(struct aws_credentials *c);
/* Wipes and frees; leaves *c as after init. */
void aws_credentials_cleanup(struct aws_credentials *c);
/* Deep copy into dst (initialised or cleaned); XA_OK or XA_ENOMEM (dst then empty). */
enum xa_status aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src);
/* Copies the fields given (secret and token may be NULL). */
enum xa_status aws_credentials_set(struct aws_credentials *c, const char *access_key_id,
                                   const char *secret_access_key, const char *session_token,
                                   int64_t expiration, const char *source);

/* Parses an RFC 3339 / ISO 8601 UTC time as AWS writes credential expirations
 * ("2026-11-24T16:00:00Z", fractional seconds and offsets allowed) to unix seconds.
 * XA_EINVAL when malformed. */
enum xa_status aws_credentials_parse_time(const char *s, int64_t *out);

#endif
