/* aws/client.h - the configured AWS client every resource calls through.
 *
 * aws_client_new takes the provider's configuration (hashicorp/aws argument names),
 * validates the region, builds the one connection pool of the process, resolves
 * credentials (arguments, environment, shared files, web identity, container, IMDSv2,
 * then the assume_role chain) and, unless skipped, learns the account ID once with
 * sts:GetCallerIdentity and checks it against allowed/forbidden_account_ids.
 * Service calls live in aws/apigateway.h and aws/lambda.h; each takes the client and an
 * optional region override (NULL = the client's region). The configuration's types are
 * aws/config.h's.
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

#include "aws/config.h"
#include "util/buf.h"
#include "util/status.h"

struct aws_error;   /* aws/errors.h */
struct aws_client;  /* opaque */
struct sts_caller_identity;         /* aws/sts.h */
struct sts_assume_role_result;

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
/* STS with the client's own credentials, in region (NULL = the client's): who they are
 * (sts:GetCallerIdentity) and a role assumed with them. Results as aws/sts.h's. */
enum xa_status aws_client_caller_identity(struct aws_client *c, const char *region,
                                          struct sts_caller_identity *out, struct aws_error *err);
enum xa_status aws_client_assume_role(struct aws_client *c, const char *region,
                                      const struct aws_assume_role_config *req,
                                      struct sts_assume_role_result *out, struct aws_error *err);
/* Cancels in-flight requests and waits; later calls return XA_ECANCELED. */
void aws_client_stop(struct aws_client *c);
bool aws_client_stopped(const struct aws_client *c);
/* Sleeps ms (times retry_time_scale); false at once when the client is stopped. For the
 * waits between polls (aws/waiter.h). */
bool aws_client_wait_ms(struct aws_client *c, int64_t ms);

/* ---- Checks of configuration values ---------------------------------------------------
 * Whether one value of the provider's configuration can be used as aws_client_new will
 * use it, so that a mistake can be reported where the value is written, before any
 * client is built. On failure why receives one sentence saying what is wrong (never a
 * secret, nor a file's contents). */

/* A region name ("us-east-1"); false when it is not one. (With skip_region_validation any
 * name goes: the caller does not ask.) */
bool aws_client_check_region(const char *region, struct xbuf *why);
/* An endpoint URL as endpoints { } gives it: http(s), a host, no user info, query or
 * fragment. */
bool aws_client_check_endpoint(const char *url, struct xbuf *why);

/* The files the configuration names, by role. */
enum aws_config_file {
    AWS_CONFIG_FILE_SHARED_CONFIG,          /* shared_config_files: "~/" is $HOME */
    AWS_CONFIG_FILE_SHARED_CREDENTIALS,     /* shared_credentials_files */
    AWS_CONFIG_FILE_CA_BUNDLE,              /* custom_ca_bundle */
    AWS_CONFIG_FILE_WEB_IDENTITY_TOKEN,     /* web_identity_token_file */
};
/* Reads the file as configure will (a regular file within the role's size limit; a
 * shared file must also parse). XA_OK; XA_ENOTFOUND when it does not exist (a missing
 * shared file is skipped by configure, any other fails it); XA_EINVAL or XA_EIO when it
 * cannot be used; XA_ENOMEM. why is filled for every failure but XA_ENOMEM. */
enum xa_status aws_client_check_file(enum aws_config_file role, const char *path,
                                     struct xbuf *why);

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
