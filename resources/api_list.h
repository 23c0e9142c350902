/* resources/api_list.h - what the list resources over one REST API share
 * (integration_list.c: its methods' Lambda proxy integrations; authorizer_list.c: its
 * Lambda authorizers): the configuration's model, its checks before the listing call,
 * which objects are wanted and the error of a failed listing call.
 */
#ifndef XA_RESOURCES_API_LIST_H
#define XA_RESOURCES_API_LIST_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/model.h"

struct aws_error;
struct xacct_meta;

/* The configuration of both lists; each keeps its own schema table for its wording. */
struct api_list_model {
    struct model_bool other_accounts_only;
    struct model_string region;
    struct model_string rest_api_id;
};

/* The region to list in, or NULL with an error in d when the provider has no client or,
 * for other_accounts_only, does not know the API account's id. doing: "list the ...". */
const char *api_list_region(struct xacct_meta *m, const struct api_list_model *c,
                            const char *doing, struct diags *d);

/* Whether invoke_uri calls a Lambda function, in another account than the API's when c
 * asks for other_accounts_only. */
bool api_list_wanted(const struct xacct_meta *m, const struct api_list_model *c,
                     const char *invoke_uri);

/* The error of a failed listing call, with a remedy for an API that is not found. */
void api_list_diag(struct diags *d, const char *summary, const struct aws_error *err);

#endif
