/* resources/integration_patch.c - UpdateIntegration patch operations for
 * xacct_lambda_integration: from the prior state and the planned state to the JSON Patch
 * operations API Gateway accepts (/uri, /timeoutInMillis, /requestParameters/{key}, ...).
 *
 * Split from lambda_integration.c because it changes when AWS's patchable paths do, not
 * when the resource's lifecycle does. A change UpdateIntegration cannot make (the
 * integration type, or more than INTEGRATION_PATCH_MAX operations) sets needs_put, and
 * the resource then overwrites the integration with PutIntegration.
 * Ownership: the patch owns the path strings it built; values borrow from `planned`,
 * which must outlive the patch.
 */
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
    memset(p, 0, sizeof *p);
}

static const char *own(struct integration_patch *p, char *s)
{
    if (!s || p->nowned == INTEGRATION_PATCH_MAX * 2) {
        xa_free(s);
        return NULL;
    }
    return p->owned[p->nowned++] = s;
}

static bool add_op(struct integration_patch *p, const char *op, const char *path, const char *value)
{
    if (p->nops == INTEGRATION_PATCH_MAX) {
        p->needs_put = true;   /* too many changes to patch: overwrite instead */
        return true;
    }
    p->ops[p->nops++] = (struct apigw_patch_op){.op = op, .path = path, .value = value};
    return path != NULL;
}

static bool patch_scalar(struct integration_patch *p, const struct value *prior,
                         const struct value *planned, const char *attr, const char *path)
{
    const struct value *a = value_attr(prior, attr), *b = value_attr(planned, attr);
    if (value_equal(a, b) || value_is_unknown(b))
        return true;
    const char *s = value_get_string(b);
    const char *num = s ? NULL : value_number_text(b);
    if (!s && !num)
        return add_op(p, "remove", path, NULL);
    return add_op(p, "replace", path, s ? s : num);
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

static bool patch_map(struct integration_patch *p, const struct value *prior,
                      const struct value *planned, const char *attr, const char *prefix)
{
    const struct value *a = value_attr(prior, attr), *b = value_attr(planned, attr);
    bool ok = true;
    if (value_equal(a, b))
        return true;
    for (size_t i = 0; value_is_known(a) && i < value_length(a); i++) {
        const char *k = value_map_key(a, i);
        if (!value_is_known(b) || !value_map_get(b, k))
            ok &= add_op(p, "remove", own(p, patch_path(prefix, k)), NULL);
    }
    for (size_t i = 0; value_is_known(b) && i < value_length(b); i++) {
        const char *k = value_map_key(b, i);
        const struct value *old = value_is_known(a) ? value_map_get(a, k) : NULL;
        if (!old || !value_equal(old, value_index(b, i)))
            ok &= add_op(p, old ? "replace" : "add", own(p, patch_path(prefix, k)),
                         value_get_string(value_index(b, i)));
    }
    return ok;
}

static bool set_has(const struct value *set, const struct value *elem)
{
    for (size_t i = 0; value_is_known(set) && i < value_length(set); i++)
        if (value_equal(value_index(set, i), elem))
            return true;
    return false;
}

static bool patch_set(struct integration_patch *p, const struct value *prior,
                      const struct value *planned, const char *attr, const char *prefix)
{
    const struct value *a = value_attr(prior, attr), *b = value_attr(planned, attr);
    bool ok = true;
    for (size_t i = 0; value_is_known(a) && i < value_length(a); i++)
        if (!set_has(b, value_index(a, i)))
            ok &= add_op(p, "remove", own(p, patch_path(prefix, value_get_string(value_index(a, i)))),
                         NULL);
    for (size_t i = 0; value_is_known(b) && i < value_length(b); i++)
        if (!set_has(a, value_index(b, i)))
            ok &= add_op(p, "add", own(p, patch_path(prefix, value_get_string(value_index(b, i)))),
                         NULL);
    return ok;
}

/* The UpdateIntegration operations from prior to planned. A change of type cannot be
 * patched (AWS rejects /type): needs_put asks for PutIntegration instead. */
bool integration_patch_build(struct integration_patch *p, const struct value *prior,
                                         const struct value *planned)
{
    if (!value_equal(value_attr(prior, "type"), value_attr(planned, "type"))) {
        p->needs_put = true;
        return true;
    }
    return patch_scalar(p, prior, planned, "invoke_uri", "/uri") &&
           patch_scalar(p, prior, planned, "timeout_milliseconds", "/timeoutInMillis") &&
           patch_scalar(p, prior, planned, "credentials", "/credentials") &&
           patch_scalar(p, prior, planned, "content_handling", "/contentHandling") &&
           patch_scalar(p, prior, planned, "passthrough_behavior", "/passthroughBehavior") &&
           patch_scalar(p, prior, planned, "cache_namespace", "/cacheNamespace") &&
           patch_map(p, prior, planned, "request_parameters", "/requestParameters") &&
           patch_map(p, prior, planned, "request_templates", "/requestTemplates") &&
           patch_set(p, prior, planned, "cache_key_parameters", "/cacheKeyParameters");
}

