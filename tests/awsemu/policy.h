/* awsemu/policy.h - the small part of IAM policy evaluation the emulator needs: does a
 * Lambda function's resource policy let a service principal (apigateway.amazonaws.com)
 * invoke it for a given source ARN and account? Explicit Deny wins; Allow needs the
 * principal, the action (lambda:InvokeFunction, lambda:* or *), the resource and every
 * condition to match. Conditions understood: ArnLike, ArnEquals, StringEquals,
 * StringLike on AWS:SourceArn and AWS:SourceAccount; any other condition fails closed.
 */
#ifndef XA_AWSEMU_POLICY_H
#define XA_AWSEMU_POLICY_H

#include <stdbool.h>

#include <jansson.h>

/* Glob with '*' (any run) and '?' (one character), whole string. */
bool policy_glob(const char *pattern, const char *value);
/* IAM ArnLike: the six ':'-separated components matched one by one with policy_glob. */
bool policy_arn_like(const char *pattern, const char *value);

struct policy_request {
    const char *service_principal;   /* "apigateway.amazonaws.com" */
    const char *action;              /* "lambda:InvokeFunction" */
    const char *resource;            /* function ARN, qualified when invoked so */
    const char *source_arn;
    const char *source_account;
};

/* statements: a JSON array of statement objects. */
bool policy_allows(const json_t *statements, const struct policy_request *req);

#endif
