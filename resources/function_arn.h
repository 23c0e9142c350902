/* resources/function_arn.h - the function a resource makes API Gateway call, checked the
 * same way everywhere: xacct_lambda_integration's and xacct_lambda_authorizer's
 * function_arn must be a full Lambda function ARN (its region is where API Gateway calls
 * the function, and the account may be another one), and the invoke URI is built from it.
 */
#ifndef XA_RESOURCES_FUNCTION_ARN_H
#define XA_RESOURCES_FUNCTION_ARN_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/model.h"

/* Adds an error at attr when f is known and not a full Lambda function ARN. */
void function_arn_validate(const struct model_string *f, const char *attr, struct diags *d);

/* The invoke URI of fn (the function's region; the streaming form when streaming) into
 * uri; unknown when fn is unknown, null when fn is not a full function ARN. false when
 * memory runs out. */
bool function_arn_invoke_uri(const struct model_string *fn, bool streaming,
                             struct model_string *uri);

#endif
