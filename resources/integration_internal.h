/* resources/integration_internal.h - what the files of xacct_lambda_integration share:
 * its typed model and schema, the update patch, the migrations of old and foreign state,
 * and the conversions its unit test reaches (static in a build without XA_TESTING).
 *
 * Included by lambda_integration.c, integration_patch.c, integration_migrate.c,
 * integration_list.c and tests/unit/test_lambda_integration.c only.
 */
#ifndef XA_RESOURCES_INTEGRATION_INTERNAL_H
#define XA_RESOURCES_INTEGRATION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/apigateway.h"
#include "core/diag.h"
#include "core/model.h"
#include "core/resource.h"
#include "core/schema.h"
#include "resources/meta.h"
#include "util/testable.h"

/* One field per attribute of the schema (lambda_integration.c), in its order. */
struct integration_model {
    struct model_string api_account_id;
    struct model_string api_source_arn;
    struct model_string authorizer_id;
    struct model_strings cache_key_parameters;
    struct model_string cache_namespace;
    struct model_string content_handling;
    struct model_string credentials;
    struct model_string function_account_id;
    struct model_string function_arn;
    struct model_string function_region;
    struct model_string http_method;
    struct model_string id;
    struct model_string invoke_uri;
    struct model_string passthrough_behavior;
    struct model_string previous_authorization;
    struct model_string region;
    struct model_string_map request_parameters;
    struct model_string_map request_templates;
    struct model_string resource_id;
    struct model_string resource_path;
    struct model_string response_transfer_mode;
    struct model_string rest_api_id;
    struct model_string source_arn;
    struct model_int64 timeout_milliseconds;
    struct model_string type;
};

/* A PutIntegration request whose strings borrow from a model. */
struct integration_req {
    struct apigw_put_integration_req put;
    char *method, *rid;
    const char **ckp;
    struct aws_kv_ref *params, *templates;
};

/* resources/integration_patch.c: UpdateIntegration operations from prior to planned.
 * _build returns false on allocation failure; needs_put asks for PutIntegration. More
 * than INTEGRATION_PATCH_MAX operations are sent as one PutIntegration instead. */
#define INTEGRATION_PATCH_MAX 64
struct integration_patch {
    struct apigw_patch_op *ops;
    size_t nops;
    char **owned;           /* the path and value strings the operations point at */
    size_t nowned;
    bool needs_put;         /* a change UpdateIntegration cannot make: PutIntegration */
};
void integration_patch_init(struct integration_patch *p);
void integration_patch_cleanup(struct integration_patch *p);
bool integration_patch_build(struct integration_patch *p, const struct integration_model *prior,
                             const struct integration_model *planned);

/* resources/integration_method.c: the method's authorization when authorizer_id is set.
 * _apply moves the method from prior (NULL on create) to s: sets authorizationType CUSTOM
 * and the authorizer (recording what was there in previous_authorization), changes it,
 * or restores previous_authorization when authorizer_id goes; on failure s keeps the
 * prior's values and d the error. _read refreshes authorizer_id from the method (null
 * when it no longer uses a Lambda authorizer); false with an error when there is no
 * answer. _restore puts previous_authorization back (delete); false with an error. */
struct xacct_meta;
void integration_method_apply(struct xacct_meta *m, const struct integration_model *prior,
                              struct integration_model *s, const char *region,
                              const char *resource_id, const char *attr, struct diags *d);
bool integration_method_read(struct xacct_meta *m, struct integration_model *s,
                             const char *region, const char *resource_id, struct diags *d);
bool integration_method_restore(struct xacct_meta *m, const struct integration_model *prior,
                                const char *region, const char *attr, struct diags *d);
/* The HTTP method in upper case (caller frees), NULL when s is NULL or memory runs out. */
char *integration_method_upper(const char *s);

/* resources/integration_migrate.c: raw JSON state of schema version 0/1 (read with the
 * current schema's table and version 0's other name), or of hashicorp/aws's
 * aws_api_gateway_integration, into the model. false + diagnostic. */
bool integration_upgrade_json(const struct schema_block *current, int64_t version,
                              const char *json, size_t len, struct integration_model *m,
                              struct diags *d);
bool integration_move_json(const char *json, size_t len, struct integration_model *m,
                           struct diags *d);

/* The resource type (lambda_integration.c), whose table integration_list.c needs. */
extern const struct resource_type xacct_lambda_integration_type;

/* lambda_integration.c: the integration as AWS holds it (GetIntegration's answer, the API
 * resource's id and path), in place of the prior state or a fresh model - what read
 * returns and integration_list.c lists. false on allocation failure. */
bool integration_state_read(struct integration_model *m, const struct apigw_integration *out,
                            const char *resource_id, const char *path,
                            const struct xacct_meta *meta);

/* The static conversions of lambda_integration.c, declared for it and for unit tests
 * only (other files would see static declarations without definitions). */
#if defined(XA_TESTING) || defined(XA_INTEGRATION_OWNER)
XA_TESTABLE bool integration_method_valid(const char *s);
XA_TESTABLE bool integration_compute(struct integration_model *m, const char *partition);
XA_TESTABLE void integration_req_init(struct integration_req *r);
XA_TESTABLE void integration_req_cleanup(struct integration_req *r);
XA_TESTABLE bool integration_req_fill(struct integration_req *r, const struct integration_model *m,
                                      const char *resource_id);
XA_TESTABLE bool integration_state_from_aws(struct integration_model *m,
                                            const struct apigw_integration *out,
                                            const char *resource_id, const struct xacct_meta *meta);
XA_TESTABLE bool integration_import_id(struct integration_model *m, const char *id);
#endif

#endif
