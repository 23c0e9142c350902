/* aws/config.h - what configures the AWS client: the provider block's arguments in C.
 *
 * The types every part of aws/ that is configured reads: the client configuration with
 * hashicorp/aws's argument names, the assume_role chain, key/value pairs. Types only, so
 * that the transport (aws/http), the credential chain (aws/credentials_provider) and STS
 * can take them without depending on the client that owns them (aws/client).
 * Ownership: everything here is borrowed by whoever receives it.
 */
#ifndef XA_AWS_CONFIG_H
#define XA_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A borrowed key/value pair for requests (tags, maps). */
struct aws_kv_ref {
    const char *key;
    const char *value;
};

/* An owned key/value pair in responses; freed by the response's _cleanup. */
struct aws_kv {
    char *key;
    char *value;
};

/* One assume_role block; the chain is applied in array order. */
struct aws_assume_role_config {
    const char *role_arn;               /* required */
    const char *session_name;           /* NULL: "terraform-provider-xacct-<unix time>" */
    const char *external_id;
    int duration_seconds;               /* 0: AWS default (3600) */
    const char *policy;                 /* inline session policy JSON */
    const char *const *policy_arns;
    size_t npolicy_arns;
    const struct aws_kv_ref *tags;
    size_t ntags;
    const char *const *transitive_tag_keys;
    size_t ntransitive_tag_keys;
    const char *source_identity;
};

struct aws_assume_role_web_identity_config {
    const char *role_arn;               /* required */
    const char *session_name;
    const char *web_identity_token;     /* secret; or: */
    const char *web_identity_token_file;
    int duration_seconds;
    const char *policy;
    const char *const *policy_arns;
    size_t npolicy_arns;
};

enum aws_retry_mode { AWS_RETRY_STANDARD = 0, AWS_RETRY_ADAPTIVE };

struct aws_client_config {
    const char *region;                 /* NULL: AWS_REGION, AWS_DEFAULT_REGION, profile */
    const char *sts_region;             /* NULL: region */
    const char *access_key;             /* secret-bearing arguments: copied and wiped */
    const char *secret_key;
    const char *token;
    const char *profile;                /* NULL: AWS_PROFILE, else "default" */
    const char *const *shared_config_files;       /* NULL/0: AWS_CONFIG_FILE or ~/.aws/config */
    size_t nshared_config_files;
    const char *const *shared_credentials_files;  /* NULL/0: AWS_SHARED_CREDENTIALS_FILE or
                                                     ~/.aws/credentials */
    size_t nshared_credentials_files;
    const struct aws_assume_role_config *assume_role;   /* chain, may be empty */
    size_t nassume_role;
    const struct aws_assume_role_web_identity_config *assume_role_with_web_identity; /* or NULL */
    /* Endpoint overrides (endpoints { ... }); else AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL. */
    const char *endpoint_apigateway;
    const char *endpoint_lambda;
    const char *endpoint_sts;
    const char *endpoint_ec2_metadata;  /* else AWS_EC2_METADATA_SERVICE_ENDPOINT */
    int max_retries;                    /* < 0: default 25; 0 means one attempt */
    enum aws_retry_mode retry_mode;
    const char *custom_ca_bundle;       /* else AWS_CA_BUNDLE */
    bool insecure;                      /* skip TLS verification */
    const char *http_proxy;
    const char *https_proxy;
    const char *no_proxy;
    long connect_timeout_ms;            /* 0: 10 s */
    long request_timeout_ms;            /* 0: 60 s per attempt */
    bool skip_credentials_validation;
    bool skip_requesting_account_id;
    bool skip_metadata_api_check;
    bool skip_region_validation;
    const char *const *allowed_account_ids;
    size_t nallowed_account_ids;
    const char *const *forbidden_account_ids;
    size_t nforbidden_account_ids;
    const char *user_agent_extra;       /* appended after TF_APPEND_USER_AGENT; may be NULL */
    double retry_time_scale;            /* tests/benchmarks: backoff waits are multiplied by
                                           this (0 = 1.0, real time) */
};

#endif
