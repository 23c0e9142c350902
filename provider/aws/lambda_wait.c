/* aws/lambda_wait.c - Lambda's eventual consistency, waited out.
 *
 * A function's resource policy is eventually consistent: a statement AddPermission just
 * added may be missing from the next GetPolicy, and one RemovePermission just removed may
 * still be there. AddPermission also answers ResourceConflictException while the function
 * is being updated, and when a statement with the id exists - which is our own earlier
 * attempt when its answer was lost. The waits poll GetPolicy through aws/waiter.h
 * (jittered, within a budget, cut short by StopProvider).
 * An AddPermission that fails after an attempt that may have been carried out (its answer
 * lost, retries or the retry quota spent, StopProvider) is not called refused: the policy
 * is looked at first, and when no look can tell, the caller learns that the statement may
 * exist (LAMBDA_ADD_UNKNOWN) so that it keeps it in state rather than forget it.
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

/* One look at statement ref: DONE when it grants what req asks, SID_TAKEN when it grants
 * something else, REFUSED when it is not there (yet), UNKNOWN when the look failed or
 * cannot be made (the provider is stopping: every call would fail at once). */
static enum lambda_add_outcome look(struct aws_client *c, const char *region,
                                    const struct lambda_statement_ref *ref,
                                    const struct lambda_add_permission_req *req)
{
    if (aws_client_stopped(c))
        return LAMBDA_ADD_UNKNOWN;
    struct lambda_statement s;
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st = find(c, region, ref, &s, &err);
    enum lambda_add_outcome seen = st == XA_OK         ? (grants(&s, req) ? LAMBDA_ADD_DONE
                                                                          : LAMBDA_ADD_SID_TAKEN)
                                   : st == XA_ENOTFOUND ? LAMBDA_ADD_REFUSED
                                                        : LAMBDA_ADD_UNKNOWN;
    lambda_statement_cleanup(&s);
    aws_error_cleanup(&err);
    return seen;
}

enum xa_status lambda_add_permission_settled(struct aws_client *c, const char *region,
                                             const struct lambda_add_permission_req *req,
                                             enum lambda_add_outcome *outcome,
                                             struct aws_error *err)
{
    const struct lambda_statement_ref ref = {
        .function = req->function_name, .qualifier = req->qualifier, .sid = req->statement_id};
    bool maybe_added = false;   /* some attempt so far may have been carried out */
    struct waiter w;
    waiter_start(&w, c, &conflict_clears);
    for (;;) {
        struct lambda_add_permission_resp resp;
        aws_error_reset(err);
        enum xa_status st = lambda_add_permission(c, region, req, &resp, err);
        lambda_add_permission_resp_cleanup(&resp);
        *outcome = LAMBDA_ADD_DONE;
        if (st == XA_OK)
            return st;
        maybe_added |= aws_error_may_have_applied(err);
        bool conflict = st == XA_EAWS && aws_error_is(err, "ResourceConflictException");
        /* A conflict: our own earlier attempt whose answer was lost, another statement
         * with this id, or a function update in progress. Any other failure after an
         * attempt that may have been carried out: it may be there. Look before failing. */
        enum lambda_add_outcome seen = conflict || maybe_added ? look(c, region, &ref, req)
                                                               : LAMBDA_ADD_REFUSED;
        if (seen == LAMBDA_ADD_DONE || seen == LAMBDA_ADD_SID_TAKEN) {
            *outcome = seen;
            return seen == LAMBDA_ADD_DONE ? XA_OK : XA_EAWS;
        }
        *outcome = maybe_added ? LAMBDA_ADD_UNKNOWN : LAMBDA_ADD_REFUSED;
        if (!conflict)
            return st;
        enum xa_status ws = waiter_sleep(&w);
        if (ws == XA_ECANCELED)
            return ws;
        if (ws != XA_OK)
            return st;   /* the conflict outlasted the budget: report it */
    }
}
