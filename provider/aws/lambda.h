/* aws/lambda.h - the Lambda calls xacct needs, typed.
 *
 * rest-json protocol, signing name "lambda", endpoint https://lambda.{region}.amazonaws.com
 * (overridable, see aws/client.h), API version path /2015-03-31.
 * function_name may be a name, a partial ARN or a full ARN; it goes on the wire as one
 * URI-encoded path label (":" -> "%3A"). qualifier NULL or "" is not sent.
 * Return and ownership conventions as in aws/apigateway.h: XA_OK and a filled output, or
 * an error status with err filled; outputs are zeroed on entry and released with their
 * _cleanup (also after a failure).
 * Also here: lambda_policy_find_statement, which picks one statement out of the policy
 * document GetPolicy returns and reads the fields AddPermission set, so that resources
 * can compare state with AWS without parsing IAM JSON themselves; and the waits for the
 * policy's eventual consistency (aws/lambda_wait.c).
 */
#ifndef XA_AWS_LAMBDA_H
#define XA_AWS_LAMBDA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/client.h"
#include "util/status.h"

struct aws_error;

/* ---- GetFunction: GET /2015-03-31/functions/{name}?Qualifier= ---- */
struct lambda_function {
    char *function_name;
    char *function_arn;      /* as returned (qualified when a qualifier was given) */
    char *runtime;
    char *role;
    char *handler;
    char *version;
    char *revision_id;
    char *state;
    char *last_update_status;
    char *package_type;
};
enum xa_status lambda_get_function(struct aws_client *c, const char *region,
                                   const char *function_name, const char *qualifier,
                                   struct lambda_function *out, struct aws_error *err);
void lambda_function_cleanup(struct lambda_function *f);

/* ---- AddPermission: POST /2015-03-31/functions/{name}/policy?Qualifier= (201) ---- */
struct lambda_add_permission_req {
    const char *function_name;       /* required */
    const char *qualifier;
    const char *statement_id;        /* required */
    const char *action;              /* required, "lambda:InvokeFunction" */
    const char *principal;           /* required, "apigateway.amazonaws.com" */
    const char *source_arn;
    const char *source_account;
    const char *event_source_token;
    const char *principal_org_id;
    const char *function_url_auth_type;
    const char *revision_id;
};
struct lambda_add_permission_resp {
    char *statement;                 /* the statement as a JSON document (string) */
};
enum xa_status lambda_add_permission(struct aws_client *c, const char *region,
                                     const struct lambda_add_permission_req *req,
                                     struct lambda_add_permission_resp *out,
                                     struct aws_error *err);
void lambda_add_permission_resp_cleanup(struct lambda_add_permission_resp *r);

/* ---- GetPolicy: GET /2015-03-31/functions/{name}/policy?Qualifier= ---- */
struct lambda_policy {
    char *policy;                    /* the resource policy as a JSON document (string) */
    char *revision_id;
};
enum xa_status lambda_get_policy(struct aws_client *c, const char *region,
                                 const char *function_name, const char *qualifier,
                                 struct lambda_policy *out, struct aws_error *err);
void lambda_policy_cleanup(struct lambda_policy *p);

/* ---- RemovePermission: DELETE .../policy/{sid}?Qualifier=&RevisionId= (204) ---- */
enum xa_status lambda_remove_permission(struct aws_client *c, const char *region,
                                        const char *function_name, const char *statement_id,
                                        const char *qualifier, const char *revision_id,
                                        struct aws_error *err);

/* ---- Reading a statement back ---- */
struct lambda_statement {
    char *sid;
    char *effect;                    /* "Allow" */
    char *action;                    /* "lambda:InvokeFunction" */
    char *principal;                 /* Principal.Service, else Principal.AWS, else "*" */
    char *resource;                  /* the function ARN */
    char *source_arn;                /* Condition.ArnLike|ArnEquals AWS:SourceArn */
    char *source_account;            /* Condition.StringEquals AWS:SourceAccount */
    char *event_source_token;        /* Condition.StringEquals lambda:EventSourceToken */
    char *principal_org_id;          /* Condition.StringEquals aws:PrincipalOrgID */
    char *function_url_auth_type;    /* Condition.StringEquals lambda:FunctionUrlAuthType */
};
/* Finds statement `sid` in a policy document (or in a single statement document as
 * AddPermission returns). XA_OK and *out filled; XA_ENOTFOUND when no statement has that
 * Sid; XA_EINVAL when the document is not JSON of the expected shape. */
enum xa_status lambda_policy_find_statement(const char *policy_json, const char *sid,
                                            struct lambda_statement *out);
void lambda_statement_cleanup(struct lambda_statement *s);
/* Every statement of a policy document that has a Sid, in document order: XA_OK with
 * *out (free with lambda_statements_free) and *n; XA_EINVAL when the document is not a
 * policy; XA_ENOMEM. */
enum xa_status lambda_policy_statements(const char *policy_json, struct lambda_statement **out,
                                        size_t *n);
void lambda_statements_free(struct lambda_statement *s, size_t n);

/* ---- Eventual consistency (aws/lambda_wait.c) ---- */

/* One statement of one function's policy. qualifier NULL or "" for none. */
struct lambda_statement_ref {
    const char *function;
    const char *qualifier;
    const char *sid;
};
/* Polls GetPolicy until the statement is visible: XA_OK and *out filled (release with
 * lambda_statement_cleanup); XA_ETIMEDOUT when it did not appear within the wait budget;
 * XA_ECANCELED when the provider stopped; XA_EINVAL when the policy is not readable;
 * else GetPolicy's error with err filled. */
enum xa_status lambda_wait_statement(struct aws_client *c, const char *region,
                                     const struct lambda_statement_ref *ref,
                                     struct lambda_statement *out, struct aws_error *err);
/* Polls GetPolicy until the statement (or the policy, or the function) is gone: XA_OK;
 * XA_ETIMEDOUT when it is still there after the budget; other results as above. */
enum xa_status lambda_wait_statement_gone(struct aws_client *c, const char *region,
                                          const struct lambda_statement_ref *ref,
                                          struct aws_error *err);
/* What became of lambda_add_permission_settled's statement. */
enum lambda_add_outcome {
    LAMBDA_ADD_DONE = 0,    /* in the policy: added now, or by an attempt whose answer was lost */
    LAMBDA_ADD_REFUSED,     /* refused, and no attempt can have added it */
    LAMBDA_ADD_SID_TAKEN,   /* a different statement holds the statement id */
    LAMBDA_ADD_UNKNOWN,     /* an attempt may have added it (its answer was lost, the provider
                               stopped, ...) and no look at the policy could tell */
};
/* AddPermission made safe to repeat. XA_OK when the statement is in place (outcome DONE).
 * A ResourceConflictException is looked into: when statement req->statement_id already
 * grants req's principal and source ARN (an earlier attempt whose answer was lost) that
 * is XA_OK; when it grants something else, XA_EAWS and SID_TAKEN, with the conflict in
 * err; when there is no such statement yet (a function update in progress) AddPermission
 * is tried again after a jittered wait, until the wait budget is spent (XA_EAWS, the
 * conflict) or the provider stops (XA_ECANCELED). Any other failure of an attempt that
 * may have been carried out (aws_error_may_have_applied) is looked into once the same
 * way, unless the provider is stopping. On failure err holds AddPermission's last error
 * and *outcome says whether the statement may exist (UNKNOWN) or not. */
enum xa_status lambda_add_permission_settled(struct aws_client *c, const char *region,
                                             const struct lambda_add_permission_req *req,
                                             enum lambda_add_outcome *outcome,
                                             struct aws_error *err);

#endif
