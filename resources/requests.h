/* resources/requests.h - model fields as the borrowed arrays AWS requests take.
 *
 * A list, set or map field of a model (core/model.h) becomes the const char * array or
 * aws_kv_ref array of a typed request (aws/apigateway.h, aws/client.h) without copying
 * the strings: the arrays borrow from the field, which must outlive the request.
 * Ownership: *out is the caller's (xa_free); it is NULL when the field is empty, null
 * or unknown (the count is then 0). Both return false on allocation failure.
 */
#ifndef XA_RESOURCES_REQUESTS_H
#define XA_RESOURCES_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

struct aws_kv_ref;

bool request_strings(const struct model_strings *f, const char ***out, size_t *n);
bool request_kvs(const struct model_string_map *f, struct aws_kv_ref **out, size_t *n);

#endif
