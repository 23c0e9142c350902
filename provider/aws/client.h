/* aws/client.h - the configured AWS client every resource calls through.
 *
 * aws_client_new takes the provider's configuration (hashicorp/aws argument names),
 * validates the region, builds the one connection pool of the process, resolves
 * credentials (arguments, environment, shared files, web identity, container, IMDSv2,
 * then the assume_role chain) and, unless skipped, learns the account ID once with
 * sts:GetCallerIdentity and checks it against allowed/forbidden_account_ids.
 * Service calls live in aws/apigateway.h, aws/lambda.h and aws/sts.h; each takes the
 * client and an optional region override (NULL = the client's region).
 * Concurrency: every function may be called from many threads at once, except
 * aws_client_free (call it when no call is in flight). aws_client_stop may be called
 * from any thread at any time: in-flight requests and retry waits end within a second
 * with XA_ECANCELED, and later calls fail at once.
 * Not here: signing (aws/sigv4), transport and retries (aws/http), error parsing
 * (aws/errors).
 * Ownership: the config is borrowed by aws_client_new and copied; nothing of it is kept.
 */
#ifndef XA_AWS_CLIENT_H
#define XA_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct aws_error;   /* aws/errors.h */
struct aws_client;  /* opaque */

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

/* Zeroes *c and sets the defaults (max_retries = -1 meaning 25, standard retries). */
void aws_client_config_init(struct aws_client_config *c);

/* Builds a client. Returns XA_OK and *out, or an error with *out = NULL and err filled
 * (err->message says what failed; for credentials, every source tried and why).
 * aws_client_new is aws_client_create followed by aws_client_connect. */
enum xa_status aws_client_new(const struct aws_client_config *config, struct aws_client **out,
                              struct aws_error *err);
/* The same in two steps, so that a client under construction can be stopped: _create
 * does no network I/O and runs no helper (configuration, region, CA bundle, transport,
 * endpoints, credential chain); _connect resolves credentials and learns the account ID,
 * everything that may wait (STS, metadata endpoints, credential_process, retries), and
 * returns XA_ECANCELED soon after aws_client_stop, which may be called from any thread
 * once _create has returned. After a failed _connect the client is only fit for
 * aws_client_free. */
enum xa_status aws_client_create(const struct aws_client_config *config, struct aws_client **out,
                                 struct aws_error *err);
enum xa_status aws_client_connect(struct aws_client *c, struct aws_error *err);
void aws_client_free(struct aws_client *c);

/* The account ID learnt at start ("" when skip_requesting_account_id). Never NULL. */
const char *aws_client_account_id(const struct aws_client *c);
/* The configured region. Never NULL. */
const char *aws_client_region(const struct aws_client *c);
/* Partition of a region ("aws", "aws-cn", "aws-us-gov", ...); region NULL = the client's. */
const char *aws_client_partition(const struct aws_client *c, const char *region);
/* Cancels in-flight requests and waits; later calls return XA_ECANCELED. */
void aws_client_stop(struct aws_client *c);
bool aws_client_stopped(const struct aws_client *c);

/* ---- For aws/ service modules only (restjson.c for apigateway.c and lambda.c, sts.c) ---- */
struct aws_http_response;
struct aws_service_request {
    const char *operation;          /* "GetRestApi" */
    const char *service;            /* endpoint id: "apigateway", "lambda", "sts" */
    const char *method;
    const char *path;               /* wire form, labels already URI-encoded */
    const char *query;              /* wire form without '?', or NULL */
    const char *content_type;
    const void *body;
    size_t body_len;
    bool unsigned_request;
};
/* Resolves the endpoint for region (NULL = client's), takes current credentials, and
 * sends with aws_http_call. Same return convention as aws_http_call. */
enum xa_status aws_client_send(struct aws_client *c, const char *region,
                               const struct aws_service_request *req,
                               struct aws_http_response *resp, struct aws_error *err);

#endif
