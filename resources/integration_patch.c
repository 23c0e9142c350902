/* resources/integration_patch.c - UpdateIntegration patch operations for
 * xacct_lambda_integration: from the prior state and the planned state to the JSON Patch
 * operations API Gateway accepts (/uri, /timeoutInMillis, /requestParameters/{key}, ...).
 *
 * Split from lambda_integration.c because it changes when AWS's patchable paths do, not
 * when the resource's lifecycle does. A change UpdateIntegration cannot make (the
 * integration type, or more than INTEGRATION_PATCH_MAX operations) sets needs_put, and
 * the resource then overwrites the integration with PutIntegration.
 * Ownership: the patch owns the path and number strings it built; other values borrow
 * from `planned`, which must outlive the patch.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "resources/integration_internal.h"
#include "util/alloc.h"

void integration_patch_init(struct integration_patch *p)
{
    memset(p, 0, sizeof *p);
}

void integration_patch_cleanup(struct integration_patch *p)
{
    for (size_t i = 0; i < p->nowned; i++)
        xa_free(p->owned[i]);
    xa_free(p->owned);
    xa_free(p->ops);
    memset(p, 0, sizeof *p);
}

/* Keeps s for the life of the patch; NULL (s freed) on allocation failure. */
static const char *own(struct integration_patch *p, char *s)
{
    char **owned = s ? xa_realloc(p->owned, (p->nowned + 1) * sizeof *owned) : NULL;
    if (!owned) {
        xa_free(s);
        return NULL;
    }
    p->owned = owned;
    return p->owned[p->nowned++] = s;
}

static bool add_op(struct integration_patch *p, const char *op, const char *path, const char *value)
{
    if (!path)
        return false;
    if (p->nops == INTEGRATION_PATCH_MAX) {
        p->needs_put = true;   /* too many changes to patch: overwrite instead */
        return true;
    }
    struct apigw_patch_op *ops = xa_realloc(p->ops, (p->nops + 1) * sizeof *ops);
    if (!ops)
        return false;
    p->ops = ops;
    ops[p->nops++] = (struct apigw_patch_op){.op = op, .path = path, .value = value};
    return true;
}

static bool patch_string(struct integration_patch *p, const struct model_string *a,
                         const struct model_string *b, const char *path)
{
    if (model_string_equal(a, b) || b->state == MODEL_UNKNOWN)
        return true;
    return b->value ? add_op(p, "replace", path, b->value) : add_op(p, "remove", path, NULL);
}

static bool patch_int64(struct integration_patch *p, const struct model_int64 *a,
                        const struct model_int64 *b, const char *path)
{
    char num[24];
    if (model_int64_equal(a, b) || b->state == MODEL_UNKNOWN)
        return true;
    if (b->state == MODEL_NULL)
        return add_op(p, "remove", path, NULL);
    snprintf(num, sizeof num, "%" PRId64, b->value);
    return add_op(p, "replace", path, own(p, xa_strdup(num)));
}

/* JSON Patch escaping of one path segment: "~" -> "~0", "/" -> "~1". */
static char *patch_path(const char *prefix, const char *key)
{
    size_t n = strlen(prefix) + 2 * strlen(key) + 2;
    char *out = xa_malloc(n), *o = out;
    if (!out)
        return NULL;
    o += sprintf(o, "%s/", prefix);
    for (const char *k = key; *k; k++) {
        if (*k == '~' || *k == '/') {
            *o++ = '~';
            *o++ = *k == '~' ? '0' : '1';
        } else {
            *o++ = *k;
        }
    }
    *o = '\0';
    return out;
}

static bool patch_map(struct integration_patch *p, const struct model_string_map *a,
                      const struct model_string_map *b, const char *prefix)
{
    bool ok = true;
    for (size_t i = 0; a->state == MODEL_KNOWN && i < a->n; i++)
        if (!model_map_get(b, a->items[i].key))
            ok &= add_op(p, "remove", own(p, patch_path(prefix, a->items[i].key)), NULL);
    for (size_t i = 0; b->state == MODEL_KNOWN && i < b->n; i++) {
        const struct model_string *old = model_map_get(a, b->items[i].key);
        if (!old || !model_string_equal(old, &b->items[i].value))
            ok &= add_op(p, old ? "replace" : "add", own(p, patch_path(prefix, b->items[i].key)),
                         b->items[i].value.value);
    }
    return ok;
}

static bool patch_set(struct integration_patch *p, const struct model_strings *a,
                      const struct model_strings *b, const char *prefix)
{
    bool ok = true;
    for (size_t i = 0; a->state == MODEL_KNOWN && i < a->n; i++)
        if (a->items[i].value && !model_strings_has(b, a->items[i].value))
            ok &= add_op(p, "remove", own(p, patch_path(prefix, a->items[i].value)), NULL);
    for (size_t i = 0; b->state == MODEL_KNOWN && i < b->n; i++)
        if (b->items[i].value && !model_strings_has(a, b->items[i].value))
            ok &= add_op(p, "add", own(p, patch_path(prefix, b->items[i].value)), NULL);
    return ok;
}

/* The UpdateIntegration operations from prior to planned. A change of type cannot be
 * patched (AWS rejects /type): needs_put asks for PutIntegration instead. */
bool integration_patch_build(struct integration_patch *p, const struct integration_model *prior,
                             const struct integration_model *planned)
{
    if (!model_string_equal(&prior->type, &planned->type)) {
        p->needs_put = true;
        return true;
    }
    return patch_string(p, &prior->invoke_uri, &planned->invoke_uri, "/uri") &&
           patch_string(p, &prior->response_transfer_mode, &planned->response_transfer_mode,
                        "/responseTransferMode") &&
           patch_int64(p, &prior->timeout_milliseconds, &planned->timeout_milliseconds,
                       "/timeoutInMillis") &&
           patch_string(p, &prior->credentials, &planned->credentials, "/credentials") &&
           patch_string(p, &prior->content_handling, &planned->content_handling,
                        "/contentHandling") &&
           patch_string(p, &prior->passthrough_behavior, &planned->passthrough_behavior,
                        "/passthroughBehavior") &&
           patch_string(p, &prior->cache_namespace, &planned->cache_namespace,
                        "/cacheNamespace") &&
           patch_map(p, &prior->request_parameters, &planned->request_parameters,
                     "/requestParameters") &&
           patch_map(p, &prior->request_templates, &planned->request_templates,
                     "/requestTemplates") &&
           patch_set(p, &prior->cache_key_parameters, &planned->cache_key_parameters,
                     "/cacheKeyParameters");
}
