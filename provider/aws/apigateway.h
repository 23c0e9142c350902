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
};
void apigw_integration_cleanup(struct apigw_integration *i);

enum xa_status apigw_put_integration(struct aws_client *c, const char *region,
                                     const struct apigw_put_integration_req *req,
                                     struct apigw_integration *out, struct aws_error *err);
enum xa_status apigw_get_integration(struct aws_client *c, const char *region,
                                     const struct apigw_integration_key *key,
                                     struct apigw_integration *out, struct aws_error *err);

/* UpdateIntegration: PATCH with {"patchOperations":[{"op","path","value"}...]}.
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

#endif
