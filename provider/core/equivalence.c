/* core/equivalence.c - the general equivalences and their application (see the header).
 *
 * JSON documents are compared with jansson's json_equal after parsing both, which
 * ignores white space and object key order; numbers compare as jansson reads them.
 */
#include "core/equivalence.h"

#include <strings.h>

#include <jansson.h>

#include "core/model.h"

static const char *string_at(const struct schema_attribute *a, const void *model)
{
    return a->field.kind == MODEL_STRING
               ? ((const struct model_string *)MODEL_AT_CONST(model, a))->value
               : NULL;
}

bool equivalence_case_insensitive(const struct schema_attribute *a, const void *prior,
                                  const void *next, const void *ctx)
{
    const char *p = string_at(a, prior), *n = string_at(a, next);
    return p && n && strcasecmp(p, n) == 0;
}

bool equivalence_json(const struct schema_attribute *a, const void *prior, const void *next,
                      const void *ctx)
{
    const char *p = string_at(a, prior), *n = string_at(a, next);
    json_t *jp = p ? json_loads(p, JSON_DECODE_ANY, NULL) : NULL;
    json_t *jn = n ? json_loads(n, JSON_DECODE_ANY, NULL) : NULL;
    bool same = jp && jn && json_equal(jp, jn);
    json_decref(jp);
    json_decref(jn);
    return same;
}

int equivalence_keep_prior(const struct schema_block *b, const struct value *prior,
                           const void *prior_model, struct value *next, const void *next_model,
                           const void *ctx)
{
    int replaced = 0;
    for (size_t i = 0; prior_model && next_model && i < b->nattrs; i++) {
        const struct schema_attribute *a = &b->attrs[i];
        const struct value *p = value_attr(prior, a->name), *n = value_attr(next, a->name);
        if (!a->equivalent || !value_is_wholly_known(p) || !value_is_wholly_known(n) ||
            value_is_null(p) || value_is_null(n) || value_equal(p, n) ||
            !a->equivalent(a, prior_model, next_model, ctx))
            continue;
        if (!value_object_set(next, a->name, value_clone(p)))
            return -1;
        replaced++;
    }
    return replaced;
}
