/* aws/apigateway_internal.h - what the API Gateway files of aws/ share (apigateway.c,
 * apigateway_authorizer.c, apigateway_deploy.c, apigateway_method.c): the service's
 * rest-json description, JSON helpers and the method answer's reader.
 * Private to aws/.
 */
#ifndef XA_AWS_APIGATEWAY_INTERNAL_H
#define XA_AWS_APIGATEWAY_INTERNAL_H

#include <jansson.h>

#include "aws/apigateway.h"
#include "aws/restjson.h"

#define BAD_LABEL "an id or method in the request is empty"

extern const struct rj_service apigw;

/* Sets member key of o to the string v when v is not NULL; 0 or -1 (jansson's). */
int apigw_json_set_str(json_t *o, const char *key, const char *v);
/* {"patchOperations":[...]} as JSON text (free()), or NULL when an op lacks op/path or a
 * value is not UTF-8. */
char *apigw_patch_json(const struct apigw_patch_op *ops, size_t nops);
/* Sends req (a method call: GetMethod, UpdateMethod) and reads the method it answers. */
enum xa_status apigw_method_call(struct aws_client *c, const char *region,
                                 const struct rj_request *req, struct apigw_method *out,
                                 struct aws_error *err);

/* A page of a paginated GET: its "item" member (NULL when absent). */
typedef enum xa_status (*apigw_page_fn)(json_t *items, void *ctx);
/* Sends req once per page, with its query parameter "position" (which req must name, value
 * NULL) set to the token of the page before, and hands each page's items to on_page; stops
 * after max_pages, when API Gateway gives no token or the same one again, or at the first
 * failure, which it returns. */
enum xa_status apigw_paginate(struct aws_client *c, const char *region, struct rj_request req,
                              int max_pages, apigw_page_fn on_page, void *ctx,
                              struct aws_error *err);

#endif
