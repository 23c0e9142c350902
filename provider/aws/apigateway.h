/* aws/apigateway.h - the API Gateway (REST APIs, v1) calls xacct needs, typed.
 *
 * rest-json protocol, signing name "apigateway", endpoint
 * https://apigateway.{region}.amazonaws.com (overridable, see aws/client.h).
 * Each call takes the client, an optional region override (NULL = client's region),
 * a request and an output struct. Returns XA_OK and fills the output, or an error
 * status with err filled (XA_EAWS: AWS answered, err->code e.g. "NotFoundException";
 * XA_ECANCELED after aws_client_stop; XA_EIO/XA_ETIMEDOUT for transport failures
 * after retries). Outputs are zeroed on entry and owned by the caller: release them
 * with the matching _cleanup even after a failure (which is then a no-op).
 * Path labels (ids, methods) are URI-encoded before sending (aws/restjson).
 * Not here: the mapping to Terraform state (resources/).
 */
#ifndef XA_AWS_APIGATEWAY_H
#define XA_AWS_APIGATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/client.h"
#include "util/status.h"

struct aws_error;

/* ---- GetRestApi: GET /restapis/{id} ---- */
struct apigw_rest_api {
    char *id;
    char *name;
    char *description;
    char *root_resource_id;
    char *api_key_source;
    char **endpoint_types;   /* endpointConfiguration.types */
    size_t nendpoint_types;
};
enum xa_status apigw_get_rest_api(struct aws_client *c, const char *region,
                                  const char *rest_api_id, struct apigw_rest_api *out,
                                  struct aws_error *err);
void apigw_rest_api_cleanup(struct apigw_rest_api *a);

/* ---- GetResource / GetResources ---- */
struct apigw_integration;
struct apigw_resource {
    char *id;
    char *parent_id;         /* NULL for the root */
    char *path_part;         /* NULL for the root */
    char *path;              /* "/pets/{id}" */
    char **methods;          /* keys of resourceMethods: "GET", "ANY", ... */
    size_t nmethods;
    /* apigw_get_resources_with_methods only (else NULL): methods[i]'s integration, whose
     * type is NULL when the method has none. */
    struct apigw_integration *integrations;
};
struct apigw_resource_list {
    struct apigw_resource *items;
    size_t count;
};
/* GET /restapis/{id}/resources/{rid} */
enum xa_status apigw_get_resource(struct aws_client *c, const char *region,
                                  const char *rest_api_id, const char *resource_id,
                                  struct apigw_resource *out, struct aws_error *err);
void apigw_resource_cleanup(struct apigw_resource *r);
/* GET /restapis/{id}/resources?limit=500[&position=], following `position` to the end. */
enum xa_status apigw_get_resources(struct aws_client *c, const char *region,
                                   const char *rest_api_id, struct apigw_resource_list *out,
                                   struct aws_error *err);
void apigw_resource_list_cleanup(struct apigw_resource_list *l);
/* The same with embed=methods: every method's integration comes with its resource, so a
 * whole API's integrations cost one call per 500 resources (listing, not a GetIntegration
 * per method). */
enum xa_status apigw_get_resources_with_methods(struct aws_client *c, const char *region,
                                                const char *rest_api_id,
                                                struct apigw_resource_list *out,
                                                struct aws_error *err);
/* The resource whose path equals `path` in l, or NULL. */
const struct apigw_resource *apigw_resource_list_find_path(const struct apigw_resource_list *l,
                                                           const char *path);

/* ---- GetMethod: GET /restapis/{id}/resources/{rid}/methods/{http} ---- */
struct apigw_method {
    char *http_method;
    char *authorization_type;
    char *authorizer_id;
    bool api_key_required;
    bool has_integration;    /* methodIntegration present */
    char *integration_type;  /* methodIntegration.type, or NULL */
    char *integration_uri;   /* methodIntegration.uri, or NULL */
};
enum xa_status apigw_get_method(struct aws_client *c, const char *region,
                                const char *rest_api_id, const char *resource_id,
                                const char *http_method, struct apigw_method *out,
                                struct aws_error *err);
void apigw_method_cleanup(struct apigw_method *m);

/* ---- Integrations: .../methods/{http}/integration ---- */
struct apigw_integration_key {
    const char *rest_api_id;
    const char *resource_id;
    const char *http_method;   /* the method's verb: "GET", "ANY", ... */
};

/* PutIntegration (201). NULL / 0 fields are not sent. */
struct apigw_put_integration_req {
    struct apigw_integration_key key;
    const char *type;                    /* "AWS_PROXY", "AWS", ... (required) */
    const char *integration_http_method; /* httpMethod: "POST" for Lambda */
    const char *uri;
    const char *credentials;             /* role ARN for API Gateway to assume */
    const char *passthrough_behavior;
    const char *content_handling;
    const char *connection_type;
    const char *connection_id;
    const char *cache_namespace;
    const char *const *cache_key_parameters;
    size_t ncache_key_parameters;
    const struct aws_kv_ref *request_parameters;
    size_t nrequest_parameters;
    const struct aws_kv_ref *request_templates;
    size_t nrequest_templates;
    int timeout_in_millis;               /* 0: AWS default (29000) */
    const char *response_transfer_mode;  /* "BUFFERED", "STREAM" */
};

struct apigw_integration {
    char *type;
    char *http_method;                   /* integration httpMethod */
    char *uri;
    char *credentials;
    char *passthrough_behavior;
    char *content_handling;
    char *connection_type;
    char *connection_id;
    char *cache_namespace;
    char **cache_key_parameters;
    size_t ncache_key_parameters;
    struct aws_kv *request_parameters;
    size_t nrequest_parameters;
    struct aws_kv *request_templates;
    size_t nrequest_templates;
    int timeout_in_millis;               /* 0 when absent */
    char *response_transfer_mode;        /* NULL when absent (BUFFERED) */
};
void apigw_integration_cleanup(struct apigw_integration *i);

enum xa_status apigw_put_integration(struct aws_client *c, const char *region,
                                     const struct apigw_put_integration_req *req,
                                     struct apigw_integration *out, struct aws_error *err);
enum xa_status apigw_get_integration(struct aws_client *c, const char *region,
                                     const struct apigw_integration_key *key,
                                     struct apigw_integration *out, struct aws_error *err);

/* UpdateIntegration: PATCH with {"patchOperations":[{"op","path","value"}...]} (the
 * shape of every API Gateway update: UpdateMethod, UpdateAuthorizer, ...).
 * value NULL is sent without a "value" member (for "remove"). */
struct apigw_patch_op {
    const char *op;      /* "replace", "add", "remove" */
    const char *path;    /* "/uri", "/timeoutInMillis", "/requestParameters/..." */
    const char *value;
};
enum xa_status apigw_update_integration(struct aws_client *c, const char *region,
                                        const struct apigw_integration_key *key,
                                        const struct apigw_patch_op *ops, size_t nops,
                                        struct apigw_integration *out, struct aws_error *err);

/* DeleteIntegration (202). */
enum xa_status apigw_delete_integration(struct aws_client *c, const char *region,
                                        const struct apigw_integration_key *key,
                                        struct aws_error *err);

/* ---- UpdateMethod: PATCH /restapis/{id}/resources/{rid}/methods/{http} ---- */
/* Patch operations such as replace /authorizationType and /authorizerId; out is the
 * method as it is after the update. (apigateway_method.c) */
enum xa_status apigw_update_method(struct aws_client *c, const char *region,
                                   const char *rest_api_id, const char *resource_id,
                                   const char *http_method, const struct apigw_patch_op *ops,
                                   size_t nops, struct apigw_method *out, struct aws_error *err);

/* ---- Test invokes (apigateway_method.c) ---- */
/* TestInvokeMethod (POST .../methods/{http}) and TestInvokeAuthorizer (POST
 * /restapis/{id}/authorizers/{aid}): API Gateway calls the method or the authorizer with
 * the API's current configuration, through the stage "test-invoke-stage". NULL / 0
 * fields are not sent. AWS answers 200 whatever the call's own status: that is in out. */
struct apigw_test_invoke_req {
    const char *rest_api_id;
    const char *path_with_query_string;
    const char *body;
    const struct aws_kv_ref *headers;
    size_t nheaders;
};
struct apigw_test_invoke {
    int status;              /* the call's status (TestInvokeAuthorizer: clientStatus) */
    char *body;              /* the method's answer body, or NULL */
    char *log;               /* API Gateway's execution log, or NULL */
    int64_t latency_ms;
    char *principal_id;      /* TestInvokeAuthorizer: the authorizer's principal, or NULL */
};
enum xa_status apigw_test_invoke_method(struct aws_client *c, const char *region,
                                        const struct apigw_test_invoke_req *req,
                                        const char *resource_id, const char *http_method,
                                        struct apigw_test_invoke *out, struct aws_error *err);
enum xa_status apigw_test_invoke_authorizer(struct aws_client *c, const char *region,
                                            const struct apigw_test_invoke_req *req,
                                            const char *authorizer_id,
                                            struct apigw_test_invoke *out, struct aws_error *err);
void apigw_test_invoke_cleanup(struct apigw_test_invoke *t);

/* ---- Authorizers: /restapis/{id}/authorizers[/{aid}] (apigateway_authorizer.c) ---- */
/* CreateAuthorizer (201). NULL fields and ttl_seconds < 0 are not sent. */
struct apigw_authorizer_req {
    const char *rest_api_id;
    const char *name;
    const char *type;                        /* "TOKEN", "REQUEST" */
    const char *authorizer_uri;
    const char *identity_source;
    const char *identity_validation_expression;
    const char *authorizer_credentials;
    int ttl_seconds;                         /* authorizerResultTtlInSeconds */
};
struct apigw_authorizer {
    char *id;
    char *name;
    char *type;
    char *authorizer_uri;
    char *identity_source;
    char *identity_validation_expression;
    char *authorizer_credentials;
    int ttl_seconds;                         /* -1 when absent */
};
struct apigw_authorizer_list {
    struct apigw_authorizer *items;
    size_t count;
};
enum xa_status apigw_create_authorizer(struct aws_client *c, const char *region,
                                       const struct apigw_authorizer_req *req,
                                       struct apigw_authorizer *out, struct aws_error *err);
enum xa_status apigw_get_authorizer(struct aws_client *c, const char *region,
                                    const char *rest_api_id, const char *authorizer_id,
                                    struct apigw_authorizer *out, struct aws_error *err);
/* GetAuthorizers, following `position` to the end. */
enum xa_status apigw_get_authorizers(struct aws_client *c, const char *region,
                                     const char *rest_api_id, struct apigw_authorizer_list *out,
                                     struct aws_error *err);
enum xa_status apigw_update_authorizer(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *authorizer_id,
                                       const struct apigw_patch_op *ops, size_t nops,
                                       struct apigw_authorizer *out, struct aws_error *err);
enum xa_status apigw_delete_authorizer(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *authorizer_id,
                                       struct aws_error *err);
void apigw_authorizer_cleanup(struct apigw_authorizer *a);
void apigw_authorizer_list_cleanup(struct apigw_authorizer_list *l);

/* ---- Deployments and stages (apigateway_deploy.c) ---- */
struct apigw_deployment {
    char *id;
    char *description;
    int64_t created;                         /* createdDate, epoch seconds (0: absent) */
};
/* CreateDeployment (201): POST /restapis/{id}/deployments; with stage_name the stage is
 * created or moved to the new deployment. description may be NULL. Not idempotent:
 * a retried call after a lost answer makes a second deployment (see the resource). */
enum xa_status apigw_create_deployment(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *stage_name,
                                       const char *description, struct apigw_deployment *out,
                                       struct aws_error *err);
enum xa_status apigw_get_deployment(struct aws_client *c, const char *region,
                                    const char *rest_api_id, const char *deployment_id,
                                    struct apigw_deployment *out, struct aws_error *err);
/* DeleteDeployment (202); BadRequestException while a stage serves it. */
enum xa_status apigw_delete_deployment(struct aws_client *c, const char *region,
                                       const char *rest_api_id, const char *deployment_id,
                                       struct aws_error *err);
void apigw_deployment_cleanup(struct apigw_deployment *d);

struct apigw_stage {
    char *stage_name;
    char *deployment_id;
    char *description;
};
enum xa_status apigw_get_stage(struct aws_client *c, const char *region,
                               const char *rest_api_id, const char *stage_name,
                               struct apigw_stage *out, struct aws_error *err);
/* DeleteStage (202). */
enum xa_status apigw_delete_stage(struct aws_client *c, const char *region,
                                  const char *rest_api_id, const char *stage_name,
                                  struct aws_error *err);
void apigw_stage_cleanup(struct apigw_stage *s);

#endif
