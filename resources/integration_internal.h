/* resources/integration_internal.h - the conversions of resources/lambda_integration.c
 * that its unit test reaches (static in a build without XA_TESTING).
 *
 * Included by lambda_integration.c, integration_patch.c, integration_migrate.c and
 * tests/unit/test_lambda_integration.c only.
 */
#ifndef XA_RESOURCES_INTEGRATION_INTERNAL_H
#define XA_RESOURCES_INTEGRATION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/apigateway.h"
#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"
#include "resources/xacct.h"

/* A PutIntegration request whose strings borrow from a state value. */
struct integration_req {
    struct apigw_put_integration_req put;
    char *method, *rid;
    const char **ckp;
    struct aws_kv_ref *params, *templates;
};

/* resources/integration_patch.c: UpdateIntegration operations from prior to planned.
 * _build returns false on allocation failure; needs_put asks for PutIntegration. */
#define INTEGRATION_PATCH_MAX 64
struct integration_patch {
    struct apigw_patch_op ops[INTEGRATION_PATCH_MAX];
    size_t nops;
    char *owned[INTEGRATION_PATCH_MAX * 2];
    size_t nowned;
    bool needs_put;     /* a change UpdateIntegration cannot make: PutIntegration */
};
void integration_patch_init(struct integration_patch *p);
void integration_patch_cleanup(struct integration_patch *p);
bool integration_patch_build(struct integration_patch *p, const struct value *prior,
                             const struct value *planned);

/* The static conversions of lambda_integration.c, declared for it and for unit tests
 * only (other files would see static declarations without definitions). */
#if defined(XA_TESTING) || defined(XA_INTEGRATION_OWNER)
XA_TESTABLE bool integration_method_valid(const char *s);
XA_TESTABLE char *integration_method_upper(const char *s);
XA_TESTABLE bool integration_compute(struct value *v, const char *partition);
XA_TESTABLE void integration_req_init(struct integration_req *r);
XA_TESTABLE void integration_req_cleanup(struct integration_req *r);
XA_TESTABLE bool integration_req_fill(struct integration_req *r, const struct value *v,
                                      const char *resource_id);
XA_TESTABLE struct value *integration_state_from_aws(const struct value *planned,
                                                     const struct apigw_integration *out,
                                                     const char *resource_id,
                                                     const struct xacct_meta *m);
XA_TESTABLE struct value *integration_state_read(const struct value *state,
                                                 const struct apigw_integration *out,
                                                 const char *resource_id, const char *path,
                                                 const struct xacct_meta *m);
XA_TESTABLE bool integration_import_id(struct value *state, const char *id);
#endif

/* The Lambda function ARN inside an integration URI, copied to fn (lambda_integration.c). */
bool integration_uri_function(const char *uri, char *fn, size_t cap);
/* resources/integration_migrate.c: raw JSON state of schema version 0/1, or of
 * hashicorp/aws's aws_api_gateway_integration, to the current type. NULL + diagnostic. */
struct value *integration_upgrade_json(const struct schema_block *b, int64_t version,
                                       const char *json, size_t len, struct diags *d);
struct value *integration_move_json(const struct schema_block *b, const char *source_provider,
                                    const char *source_type, const char *json, size_t len,
                                    struct diags *d);

#endif
