/* resources/requests.c - borrowed views of model fields for AWS requests. */
#include "resources/requests.h"

#include "aws/client.h"
#include "util/alloc.h"

bool request_strings(const struct model_strings *f, const char ***out, size_t *n)
{
    size_t len = f->state == MODEL_KNOWN ? f->n : 0;
    *out = NULL;
    *n = 0;
    if (len == 0)
        return true;
    if (!(*out = xa_calloc(len, sizeof **out)))
        return false;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = f->items[i].value;
    *n = len;
    return true;
}

bool request_kvs(const struct model_string_map *f, struct aws_kv_ref **out, size_t *n)
{
    size_t len = f->state == MODEL_KNOWN ? f->n : 0;
    *out = NULL;
    *n = 0;
    if (len == 0)
        return true;
    if (!(*out = xa_calloc(len, sizeof **out)))
        return false;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = (struct aws_kv_ref){.key = f->items[i].key, .value = f->items[i].value.value};
    *n = len;
    return true;
}
