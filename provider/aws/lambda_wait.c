/* aws/lambda_wait.c - Lambda's eventual consistency, waited out.
 *
 * A function's resource policy is eventually consistent: a statement AddPermission just
 * added may be missing from the next GetPolicy, and one RemovePermission just removed may
 * still be there. AddPermission also answers ResourceConflictException while the function
 * is being updated, and when a statement with the id exists - which is our own earlier
 * attempt when its answer was lost. The waits poll GetPolicy through aws/waiter.h
 * (jittered, within a budget, cut short by StopProvider).
 */
#include <string.h>

#include "aws/arn.h"
#include "aws/errors.h"
#include "aws/lambda.h"
#include "aws/waiter.h"

/* A statement becomes visible, or goes, within seconds; the budgets are generous. */
static const struct waiter_policy policy_change = {
    .first_delay_ms = 100, .max_delay_ms = 3000, .budget_ms = 18000};
static const struct waiter_policy conflict_clears = {
    .first_delay_ms = 100, .max_delay_ms = 3000, .budget_ms = 12000};

/* XA_OK and *out: the statement is in the policy; XA_ENOTFOUND: it, the policy or the
 * function is absent; XA_EINVAL: the policy cannot be read; else GetPolicy's error. */
static enum xa_status find(struct aws_client *c, const char *region,
                           const struct lambda_statement_ref *ref, struct lambda_statement *out,
                           struct aws_error *err)
{
    struct lambda_policy p = {0};
    *out = (struct lambda_statement){0};
    enum xa_status st = lambda_get_policy(c, region, ref->function, ref->qualifier, &p, err);
    if (st == XA_OK)
        st = lambda_policy_find_statement(p.policy, ref->sid, out);
    else if (st == XA_EAWS && aws_error_is(err, "ResourceNotFoundException"))
        st = XA_ENOTFOUND;
    lambda_policy_cleanup(&p);
    return st;
}

enum xa_status lambda_wait_statement(struct aws_client *c, const char *region,
                                     const struct lambda_statement_ref *ref,
                                     struct lambda_statement *out, struct aws_error *err)
{
    struct waiter w;
    waiter_start(&w, c, &policy_change);
    for (;;) {
        aws_error_reset(err);
        enum xa_status st = find(c, region, ref, out, err);
        if (st != XA_ENOTFOUND)
            return st;
        if ((st = waiter_sleep(&w)) != XA_OK)
            return st;
    }
}

enum xa_status lambda_wait_statement_gone(struct aws_client *c, const char *region,
                                          const struct lambda_statement_ref *ref,
                                          struct aws_error *err)
{
    struct waiter w;
    struct lambda_statement s;
    waiter_start(&w, c, &policy_change);
    for (;;) {
        aws_error_reset(err);
        enum xa_status st = find(c, region, ref, &s, err);
        lambda_statement_cleanup(&s);
        if (st == XA_ENOTFOUND)
            return XA_OK;
        if (st != XA_OK)
            return st;
        if ((st = waiter_sleep(&w)) != XA_OK)
            return st;
    }
}

/* Does statement s grant what req asks for? */
static bool grants(const struct lambda_statement *s, const struct lambda_add_permission_req *req)
{
    return arn_same_principal(s->principal, req->principal) &&
           ((!s->source_arn && !req->source_arn) ||
            (s->source_arn && req->source_arn && strcmp(s->source_arn, req->source_arn) == 0));
}

enum xa_status lambda_add_permission_settled(struct aws_client *c, const char *region,
                                             const struct lambda_add_permission_req *req,
                                             struct aws_error *err)
{
    const struct lambda_statement_ref ref = {
        .function = req->function_name, .qualifier = req->qualifier, .sid = req->statement_id};
    struct waiter w;
    waiter_start(&w, c, &conflict_clears);
    for (;;) {
        struct lambda_add_permission_resp resp;
        aws_error_reset(err);
        enum xa_status st = lambda_add_permission(c, region, req, &resp, err);
        lambda_add_permission_resp_cleanup(&resp);
        if (st != XA_EAWS || !aws_error_is(err, "ResourceConflictException"))
            return st;
        /* Our own earlier attempt whose answer was lost, another statement with this id,
         * or a function update in progress: look before trying again. */
        struct lambda_statement s;
        struct aws_error look;
        aws_error_init(&look);
        enum xa_status fs = find(c, region, &ref, &s, &look);
        bool ours = fs == XA_OK && grants(&s, req);
        lambda_statement_cleanup(&s);
        aws_error_cleanup(&look);
        if (fs == XA_OK)
            return ours ? XA_OK : XA_EAWS;
        enum xa_status ws = waiter_sleep(&w);
        if (ws == XA_ECANCELED)
            return ws;
        if (ws != XA_OK)
            return st;   /* the conflict outlasted the budget: report it */
    }
}
