/* aws/credentials.h - AWS credentials and the provider chain that finds them.
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

#include "aws/client.h"
#include "util/buf.h"
#include "util/status.h"

struct aws_error;
struct aws_http;

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

/* The chain with its cache. */
struct aws_credentials_provider;

/* Everything the chain needs besides the client config: the transport for STS, metadata
 * and container calls (stopping it also stops credential_process), the STS endpoint and
 * region, a clock (NULL = time()) and credential_process's time limit. */
struct aws_credentials_env {
    struct aws_http *http;
    const char *sts_endpoint;
    const char *sts_region;
    int64_t (*now)(void *ctx);
    void *now_ctx;
    long process_timeout_ms;    /* 0: 60 000, the AWS SDKs' limit */
};

/* Borrowed config and env must outlive the provider only for the call of _new (copied).
 * Does not resolve anything yet. */
enum xa_status aws_credentials_provider_new(const struct aws_client_config *config,
                                            const struct aws_credentials_env *env,
                                            struct aws_credentials_provider **out);
void aws_credentials_provider_free(struct aws_credentials_provider *p);

/* Current credentials (copied into *out), resolving or refreshing when needed.
 * XA_OK, or an error with err filled (err->message lists what was tried). */
enum xa_status aws_credentials_provider_get(struct aws_credentials_provider *p,
                                            struct aws_credentials *out, struct aws_error *err);
/* Forgets cached temporary credentials (AWS said they expired); static ones are kept.
 * The next _get resolves again. */
void aws_credentials_provider_invalidate(struct aws_credentials_provider *p);
/* The region a profile names (config file `region`), when the config gave none; NULL
 * when none. The string lives as long as the provider. */
const char *aws_credentials_provider_profile_region(struct aws_credentials_provider *p);

#endif
