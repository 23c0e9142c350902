/* aws/arn.h - Amazon Resource Names: parse strictly, build exactly.
 *
 * Everything the provider needs to say or read about the objects it wires together:
 *   - any ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (arn_parse);
 *   - Lambda function references in every form AddPermission accepts (a name,
 *     "name:qualifier", a full ARN "arn:aws:lambda:us-west-2:222222222222:function:name[:q]",
 *     a partial ARN "222222222222:function:name[:q]");
 *   - the Lambda integration URI API Gateway calls:
 *     arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}
 *     /invocations  (one string), or for response streaming
 *     ...:lambda:path/2021-11-15/functions/{function_arn}/response-streaming-invocations
 *   - execute-api ARNs used as a permission's source ARN:
 *     arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path}
 *     where region, account, stage, METHOD and path may be "*" (Lambda matches a
 *     permission's SourceArn with ArnLike), the form an integration's method is called with, and
 *     arn:{partition}:execute-api:{region}:{account}:{api_id}/authorizers/{authorizer_id}
 *     the form a Lambda authorizer is called with;
 *   - principals: an account id and its root ARN arn:{partition}:iam::{account}:root are
 *     one principal.
 * Input is hostile: parsers accept at most ARN_MAX_LEN bytes, reject control characters
 * and white space, empty parts where AWS requires them, account ids that are not 12
 * digits, and regions not shaped [a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9].
 * Every parser returns XA_OK, XA_EINVAL (with *reason, when reason is non-NULL, set to a
 * static human sentence such as "the account ID must be 12 digits") or XA_ENOMEM.
 * Builders append to an xbuf and return XA_OK, XA_EINVAL (a part is malformed) or
 * XA_ENOMEM.
 * Not here: calling AWS (aws/lambda, aws/apigateway).
 * Ownership: parsed structs own one allocation ("storage") that every field points into;
 * fields are NULL when the part is absent. Free with the matching _cleanup.
 */
#ifndef XA_AWS_ARN_H
#define XA_AWS_ARN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define ARN_MAX_LEN 2048
#define ARN_LAMBDA_NAME_MAX 64
#define ARN_LAMBDA_QUALIFIER_MAX 128
#define ARN_LAMBDA_REF_MAX 170

/* ---- generic ARNs ------------------------------------------------------------------- */

struct arn {
    const char *partition;  /* "aws", "aws-cn", "aws-us-gov", "aws-iso-b", ... */
    const char *service;    /* "lambda" */
    const char *region;     /* "" for global services (iam) */
    const char *account;    /* "" (s3), 12 digits, or "aws" (AWS-managed IAM policies) */
    const char *resource;   /* everything after the fifth ':', never empty */
    char *storage;
};

void arn_init(struct arn *a);
void arn_cleanup(struct arn *a);
enum xa_status arn_parse(const char *s, struct arn *out, const char **reason);

/* Checks of single parts; each returns true when valid. */
bool arn_valid_partition(const char *partition);     /* aws(-[a-z]+)* */
bool arn_valid_region(const char *region);           /* see above */
bool arn_valid_account(const char *account);         /* exactly 12 ASCII digits */

/* Partition of a region: "aws-cn" for cn-*, "aws-us-gov" for us-gov-*, "aws-iso" for
 * us-iso-*, "aws-iso-b" for us-isob-*, "aws-iso-e" for eu-isoe-*, "aws-iso-f" for
 * us-isof-*, else "aws". Never NULL (NULL region gives "aws"). */
const char *arn_partition_for_region(const char *region);

/* ---- Lambda function references --------------------------------------------------- */

enum arn_qualifier_kind {
    ARN_QUALIFIER_NONE = 0,
    ARN_QUALIFIER_LATEST,   /* "$LATEST" */
    ARN_QUALIFIER_VERSION,  /* digits: a published version */
    ARN_QUALIFIER_ALIAS,    /* [a-zA-Z0-9-_]+ not all digits */
    ARN_QUALIFIER_INVALID,
};
enum arn_qualifier_kind arn_lambda_qualifier_kind(const char *qualifier);
/* Function names: [a-zA-Z0-9-_]{1,64}. */
bool arn_lambda_valid_name(const char *name);

struct arn_lambda_function {
    const char *name;       /* always set on success */
    const char *qualifier;  /* NULL when absent */
    const char *account;    /* NULL for a bare name */
    const char *region;     /* NULL unless a full ARN */
    const char *partition;  /* NULL unless a full ARN */
    char *storage;
};

void arn_lambda_function_init(struct arn_lambda_function *f);
void arn_lambda_function_cleanup(struct arn_lambda_function *f);
enum xa_status arn_lambda_function_parse(const char *ref, struct arn_lambda_function *out,
                                         const char **reason);

/* arn:{partition}:lambda:{region}:{account}:function:{name}[:{qualifier}];
 * qualifier NULL or "" for none. */
enum xa_status arn_lambda_function_arn(const char *partition, const char *region,
                                       const char *account, const char *name,
                                       const char *qualifier, struct xbuf *out);

/* ---- Lambda integration URI (API Gateway -> Lambda) -------------------------------- */

/* region is the region in the "apigateway:{region}" part: the region of the API Gateway
 * service endpoint that invokes the function. AWS's examples always use the function's
 * own region there, which is what arn_lambda_invoke_uri_for_function does. */
enum xa_status arn_lambda_invoke_uri(const char *partition, const char *region,
                                     const char *function_arn, struct xbuf *out);
/* The response-streaming URI (API Gateway's responseTransferMode STREAM):
 * arn:{partition}:apigateway:{region}:lambda:path/2021-11-15/functions/{function_arn}
 * /response-streaming-invocations. Same arguments and checks as arn_lambda_invoke_uri. */
enum xa_status arn_lambda_streaming_invoke_uri(const char *partition, const char *region,
                                               const char *function_arn, struct xbuf *out);
/* The URI for a fully qualified function reference (a full ARN), in its own region. */
enum xa_status arn_lambda_invoke_uri_for_function(const struct arn_lambda_function *f,
                                                  struct xbuf *out);

struct arn_invoke_uri {
    const char *partition;
    const char *region;         /* the apigateway:{region} part */
    const char *function_arn;   /* as written, qualifier included */
    bool streaming;             /* the response-streaming form (2021-11-15) */
    struct arn_lambda_function function;   /* function_arn parsed */
    char *storage;
};
void arn_invoke_uri_init(struct arn_invoke_uri *u);
void arn_invoke_uri_cleanup(struct arn_invoke_uri *u);
enum xa_status arn_invoke_uri_parse(const char *uri, struct arn_invoke_uri *out,
                                    const char **reason);

/* ---- execute-api ARNs (a Lambda permission's source ARN) --------------------------- */

struct arn_execute_api {
    const char *partition;
    const char *region;     /* a region, or "*" (any region) */
    const char *account;    /* 12 digits, or "*" */
    const char *api_id;     /* [a-z0-9]+ or "*" */
    const char *stage;      /* NULL when absent, or "*" */
    const char *method;     /* NULL when absent, "*", or an upper-case HTTP method/ANY */
    const char *path;       /* NULL when absent; else the text after METHOD/ without its
                               leading '/' ("" for the root, "pets", "*") */
    const char *authorizer_id;  /* the authorizer form ({api_id}/authorizers/{id}): the id,
                                   and stage, method and path are NULL; else NULL */
    char *storage;
};
void arn_execute_api_init(struct arn_execute_api *x);
void arn_execute_api_cleanup(struct arn_execute_api *x);
enum xa_status arn_execute_api_parse(const char *s, struct arn_execute_api *out,
                                     const char **reason);
/* Builds arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{method}/{path}.
 * account: NULL, "" or "*" means "*" (any account). stage, method: NULL means "*". path:
 * the text after METHOD/ ("/" and "/pets/{id}" are taken as written, without the leading
 * '/') or NULL meaning "*". method is upper-cased. */
enum xa_status arn_execute_api_build(const char *partition, const char *region,
                                     const char *account, const char *api_id,
                                     const char *stage, const char *method,
                                     const char *path, struct xbuf *out);
/* The source ARN a permission needs for calls through an integration of (api_id,
 * method, resource_path): every stage, the method ("*" for ANY) and the resource path
 * with its path parameters ("{id}", "{proxy+}") as "*". account as above. */
enum xa_status arn_integration_source_arn(const char *partition, const char *region,
                                          const char *account, const char *api_id,
                                          const char *method, const char *resource_path,
                                          struct xbuf *out);
/* "arn:{partition}:execute-api:{region}:{account}:{api_id}" + "/" + "*": every call of
 * the API (every stage, method and path, and its authorizers), for one permission per
 * API. account as above. */
enum xa_status arn_api_source_arn(const char *partition, const char *region,
                                  const char *account, const char *api_id, struct xbuf *out);
/* arn:{partition}:execute-api:{region}:{account}:{api_id}/authorizers/{authorizer_id}: the
 * source ARN of calls from a Lambda authorizer. account as above. */
enum xa_status arn_authorizer_source_arn(const char *partition, const char *region,
                                         const char *account, const char *api_id,
                                         const char *authorizer_id, struct xbuf *out);

/* ---- principals ----------------------------------------------------------------------- */

/* true when a and b name one principal: equal, or an account id and that account's root
 * ARN ("123456789012" and "arn:aws:iam::123456789012:root"). NULL equals only NULL. */
bool arn_same_principal(const char *a, const char *b);

/* ---- region of a permission's source ARN ------------------------------------------ */

/* What API Gateway presents to Lambda when it invokes a function: the method's call
 * (arn:...:{api_id}/{stage}/{METHOD}/{path}) or a Lambda authorizer's call
 * (arn:...:{api_id}/authorizers/{authorizer_id}). */
enum arn_source_kind { ARN_SOURCE_METHOD, ARN_SOURCE_AUTHORIZER };

/* Which region the execute-api source ARN of a Lambda permission must carry when the API
 * lives in api_region and the function in function_region:
 *   - a method's integration: the API's region, always. An execute-api ARN names the API,
 *     which lives in its own region; this is what hashicorp/aws's execution_arn and every
 *     CDK grant use. (The cross-region failures users report come from an invoke URI
 *     built with the API's region; the invoke URI names the function's region.)
 *   - a Lambda authorizer: the function's region when the two differ. AWS's pages "Build
 *     an API Gateway API with cross-account Lambda proxy integration" (its note) and
 *     "Configure a cross-account API Gateway Lambda authorizer" say that for a
 *     cross-region, cross-account authorizer the source ARN uses the function's region.
 * When one region is NULL the other is returned (NULL when both are). */
const char *arn_source_arn_region(enum arn_source_kind kind, const char *api_region,
                                  const char *function_region);

#endif
