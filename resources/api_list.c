/* resources/api_list.c - what the list resources over one REST API share (see api_list.h). */
#include "resources/api_list.h"

#include <string.h>

#include "aws/arn.h"
#include "aws/errors.h"
#include "resources/meta.h"

static bool other_only(const struct api_list_model *c)
{
    return c->other_accounts_only.state == MODEL_KNOWN && c->other_accounts_only.value;
}

const char *api_list_region(struct xacct_meta *m, const struct api_list_model *c,
                            const char *doing, struct diags *d)
{
    if (!meta_client(m, doing, d))
        return NULL;
    if (other_only(c) && (!m->account_id || !m->account_id[0])) {
        diag_error(d, "Cannot tell the accounts apart",
                   "other_accounts_only needs the API account's id, and this provider "
                   "configuration does not know it (skip_requesting_account_id?).");
        return NULL;
    }
    return c->region.value ? c->region.value : m->region;
}

bool api_list_wanted(const struct xacct_meta *m, const struct api_list_model *c,
                     const char *invoke_uri)
{
    struct arn_invoke_uri u;
    arn_invoke_uri_init(&u);
    bool lambda = arn_invoke_uri_parse(invoke_uri, &u, NULL) == XA_OK;
    const char *fn_account = lambda ? u.function.account : NULL;
    bool ok = lambda && (!other_only(c) || (fn_account && strcmp(fn_account, m->account_id) != 0));
    arn_invoke_uri_cleanup(&u);
    return ok;
}

void api_list_diag(struct diags *d, const char *summary, const struct aws_error *err)
{
    meta_aws_diag(d, NULL, summary, err,
                  aws_error_is(err, "NotFoundException")
                      ? "Check rest_api_id and region, and that this is the API account's "
                        "provider."
                      : NULL);
}
