/* resources/integration_method.c - xacct_lambda_integration's authorizer_id: who may call
 * the method. Setting it makes the method's authorizationType CUSTOM with that authorizer
 * (UpdateMethod), after recording what the method had (GetMethod) in
 * previous_authorization; removing it, or destroying the integration, puts that back.
 * An AWS engineer expects the method's other settings untouched and an API left as open
 * or closed as it was: a method that was AWS_IAM goes back to AWS_IAM, never to NONE.
 *
 * Split from lambda_integration.c because it changes with API Gateway's method
 * authorization, not with the integration. Also here: the method's verb in upper case,
 * which both files use. previous_authorization holds "NONE",
 * "AWS_IAM", or "TYPE/AUTHORIZER-ID" for an authorizer of the method's own.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws/apigateway.h"
#include "aws/errors.h"
#include "resources/integration_internal.h"
#include "util/alloc.h"

char *integration_method_upper(const char *s)
{
    char *u = xa_strdup(s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/* UpdateMethod to type (and authorizer id, "" for none). */
static enum xa_status set_method(struct xacct_meta *m, const struct integration_model *s,
                                 const char *region, const char *rid, const char *type,
                                 const char *authorizer, struct aws_error *err)
{
    const struct apigw_patch_op ops[] = {
        {.op = "replace", .path = "/authorizationType", .value = type},
        {.op = "replace", .path = "/authorizerId", .value = authorizer ? authorizer : ""},
    };
    struct apigw_method out = {0};
    char *verb = integration_method_upper(s->http_method.value);
    enum xa_status st = verb ? apigw_update_method(m->client, region, s->rest_api_id.value, rid,
                                                   verb, ops, 2, &out, err)
                             : XA_ENOMEM;
    apigw_method_cleanup(&out);
    xa_free(verb);
    return st;
}

/* What the method allows now, as previous_authorization writes it. */
static enum xa_status current(struct xacct_meta *m, const struct integration_model *s,
                              const char *region, const char *rid, char **out,
                              struct aws_error *err)
{
    struct apigw_method meth = {0};
    char *verb = integration_method_upper(s->http_method.value);
    enum xa_status st = verb ? apigw_get_method(m->client, region, s->rest_api_id.value, rid,
                                                verb, &meth, err)
                             : XA_ENOMEM;
    if (st == XA_OK) {
        const char *type = meth.authorization_type ? meth.authorization_type : "NONE";
        size_t n = strlen(type) + (meth.authorizer_id ? strlen(meth.authorizer_id) + 1 : 0) + 1;
        if ((*out = xa_malloc(n)) != NULL)
            snprintf(*out, n, "%s%s%s", type, meth.authorizer_id ? "/" : "",
                     meth.authorizer_id ? meth.authorizer_id : "");
        else
            st = XA_ENOMEM;
    }
    apigw_method_cleanup(&meth);
    xa_free(verb);
    return st;
}

/* Puts "TYPE[/ID]" back on the method. */
static enum xa_status restore(struct xacct_meta *m, const struct integration_model *s,
                              const char *region, const char *rid, const char *previous,
                              struct aws_error *err)
{
    char type[64];
    const char *slash = previous ? strchr(previous, '/') : NULL;
    snprintf(type, sizeof type, "%.*s", slash ? (int)(slash - previous) : 63,
             previous ? previous : "NONE");
    return set_method(m, s, region, rid, type, slash ? slash + 1 : NULL, err);
}

static void method_diag(struct diags *d, const char *attr, const char *summary,
                        const struct aws_error *err)
{
    meta_aws_diag(d, attr, summary, err,
                  aws_error_is(err, "BadRequestException")
                      ? "The authorizer must be a Lambda authorizer of this REST API "
                        "(xacct_lambda_authorizer.id)."
                      : NULL);
}

void integration_method_apply(struct xacct_meta *m, const struct integration_model *prior,
                              struct integration_model *s, const char *region, const char *rid,
                              const char *attr, struct diags *d)
{
    const char *was = prior ? prior->authorizer_id.value : NULL, *now = s->authorizer_id.value;
    if ((!was && !now) || (was && now && strcmp(was, now) == 0))
        return;
    struct aws_error err;
    aws_error_init(&err);
    char *previous = NULL;
    enum xa_status st = XA_OK;
    if (now && !was)
        st = current(m, s, region, rid, &previous, &err);
    if (st == XA_OK && now)
        st = set_method(m, s, region, rid, "CUSTOM", now, &err);
    else if (st == XA_OK)
        st = restore(m, s, region, rid, prior->previous_authorization.value, &err);
    bool ok = st == XA_OK;
    if (ok && now && !was)
        model_take_string(&s->previous_authorization, previous);
    else
        xa_free(previous);
    if (!ok) {
        /* The method is as it was: so is the state. */
        method_diag(d, attr, now ? "Cannot set the method's authorizer"
                                 : "Cannot restore the method's authorization", &err);
        if (!model_set_string(&s->authorizer_id, was) ||
            !model_set_string(&s->previous_authorization,
                              prior ? prior->previous_authorization.value : NULL))
            diag_error(d, "Cannot record the method's authorization", "Out of memory.");
    }
    aws_error_cleanup(&err);
}

bool integration_method_read(struct xacct_meta *m, struct integration_model *s,
                             const char *region, const char *rid, struct diags *d)
{
    struct apigw_method meth = {0};
    struct aws_error err;
    aws_error_init(&err);
    char *verb = integration_method_upper(s->http_method.value);
    enum xa_status st = verb ? apigw_get_method(m->client, region, s->rest_api_id.value, rid,
                                                verb, &meth, &err)
                             : XA_ENOMEM;
    bool custom = st == XA_OK && meth.authorization_type &&
                  strcmp(meth.authorization_type, "CUSTOM") == 0;
    bool ok = st == XA_OK && model_set_string(&s->authorizer_id, custom ? meth.authorizer_id
                                                                         : NULL);
    if (st != XA_OK)
        meta_aws_diag(d, NULL, "Cannot read the method's authorization", &err, NULL);
    else if (!ok)
        diag_error(d, "Cannot read the method's authorization", "Out of memory.");
    apigw_method_cleanup(&meth);
    aws_error_cleanup(&err);
    xa_free(verb);
    return ok;
}

bool integration_method_restore(struct xacct_meta *m, const struct integration_model *prior,
                                const char *region, const char *attr, struct diags *d)
{
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st = restore(m, prior, region, prior->resource_id.value,
                                prior->previous_authorization.value, &err);
    /* A method (or API) already gone has nothing left to restore. */
    bool ok = st == XA_OK || (st == XA_EAWS && aws_error_is(&err, "NotFoundException"));
    if (!ok)
        method_diag(d, attr, "Cannot restore the method's authorization", &err);
    aws_error_cleanup(&err);
    return ok;
}
