/* aws/credentials_provider.h - the credential chain and its cache.
 *
 * The order of sources is hashicorp/aws's (see aws/credentials.h); the sources
 * themselves are aws/credentials_files.c and aws/credentials_remote.c.
 * Ownership: the provider copies what it is given; credentials returned are the
 * caller's (aws_credentials_cleanup).
 */
#ifndef XA_AWS_CREDENTIALS_PROVIDER_H
#define XA_AWS_CREDENTIALS_PROVIDER_H

#include <stdint.h>

#include "aws/config.h"
#include "aws/credentials.h"
#include "util/status.h"

struct aws_error;
struct aws_http;

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
