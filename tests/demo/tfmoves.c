/* tests/demo/tfmoves.c - Terraform's plan/apply moves over xt.h (see tfmoves.h).
 * ProposedNew is the flat-schema version: a computed attribute left null in the
 * configuration takes its prior value, as objchange.ProposedNew does for attributes.
 */
#include "tests/demo/tfmoves.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/diag.h"
#include "core/schema.h"
#include "resources/registry.h"

static void errf(struct xbuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errf(struct xbuf *err, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    xbuf_append_str(err, line);
}

void tfm_diags_text(const struct xt_result *r, struct xbuf *out)
{
    for (size_t i = 0; i < r->ndiags; i++) {
        const struct xt_diag *d = &r->diags[i];
        errf(out, "    %s: %s%s%s%s%s%s\n", d->severity == 1 ? "Error" : "Warning",
             d->summary ? d->summary : "", d->detail && *d->detail ? ": " : "",
             d->detail ? d->detail : "", d->path ? " (at " : "", d->path ? d->path : "",
             d->path ? ")" : "");
    }
}

/* true when the call succeeded without error diagnostics; else explains why in err. */
static bool call_ok(const struct xt_result *r, int status, const char *what, struct xbuf *err)
{
    if (status == 0 && !xt_has_error(r))
        return true;
    if (status != 0)
        errf(err, "  %s failed with gRPC status %d\n", what, status);
    else
        errf(err, "  %s returned errors:\n", what);
    tfm_diags_text(r, err);
    return false;
}

const struct resource_type *tfm_resource(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (strcmp(xacct_provider_type.resources[i]->name, type_name) == 0)
            return xacct_provider_type.resources[i];
    return NULL;
}

struct value *tfm_json(const struct type *t, const char *json, struct xbuf *err)
{
    struct diags d;
    diags_init(&d);
    struct value *v = t ? codec_json_decode(json, strlen(json), t, false, &d) : NULL;
    if (!v || diags_has_error(&d)) {
        errf(err, "  cannot build a value from %s\n", json);
        value_free(v);
        v = NULL;
    }
    diags_cleanup(&d);
    return v;
}

struct xt_provider *tfm_start(const struct xt_options *o, const char *provider_json,
                              struct xbuf *err)
{
    struct xt_provider *p = xt_start(o);
    if (!p) {
        errf(err, "  the provider could not be started (see the message above)\n");
        return NULL;
    }
    struct value *cfg = tfm_json(xt_provider_config_type(), provider_json, err);
    struct xt_result r;
    xt_result_init(&r);
    bool ok = cfg && call_ok(&r, xt_configure(p, cfg, &r), "ConfigureProvider", err);
    xt_result_cleanup(&r);
    value_free(cfg);
    if (!ok) {
        xt_kill(p);
        p = NULL;
    }
    return p;
}

bool tfm_validate_provider(struct xt_provider *p, const char *provider_json, struct xbuf *err)
{
    struct value *cfg = tfm_json(xt_provider_config_type(), provider_json, err);
    struct xt_result r;
    xt_result_init(&r);
    bool ok = cfg && call_ok(&r, xt_validate_provider(p, cfg, &r), "ValidateProviderConfig", err);
    xt_result_cleanup(&r);
    value_free(cfg);
    return ok;
}

bool tfm_validate(struct xt_provider *p, const char *type, const struct value *config,
                  struct xbuf *err)
{
    struct xt_result r;
    xt_result_init(&r);
    bool ok = call_ok(&r, xt_validate_resource(p, type, config, &r), "ValidateResourceConfig",
                      err);
    xt_result_cleanup(&r);
    return ok;
}

struct value *tfm_proposed_new(const char *type, const struct value *prior,
                               const struct value *config)
{
    const struct resource_type *rt = tfm_resource(type);
    struct value *v = rt ? value_clone(config) : NULL;
    const struct schema_block *b = &rt->schema->block;
    for (size_t i = 0; v && prior && !value_is_null(prior) && i < b->nattrs; i++) {
        const char *name = b->attrs[i].name;
        if ((b->attrs[i].flags & ATTR_COMPUTED) && value_is_null(value_attr(config, name)))
            value_object_set(v, name, value_clone(value_attr(prior, name)));
    }
    return v;
}

bool tfm_plan(struct xt_provider *p, const char *type, const struct value *prior,
              const struct value *config, struct tfm_plan *plan, struct xbuf *err)
{
    memset(plan, 0, sizeof *plan);
    xbuf_init(&plan->priv);
    const struct resource_type *rt = tfm_resource(type);
    if (!rt) {
        errf(err, "  no resource type %s\n", type);
        return false;
    }
    if (!config) {      /* destroy: Terraform plans null without asking the provider */
        plan->planned = value_new_null(xt_resource_type(type));
        return plan->planned != NULL;
    }
    struct value *proposed = tfm_proposed_new(type, prior, config);
    struct xt_result r;
    xt_result_init(&r);
    bool ok = proposed && call_ok(&r, xt_plan(p, type, prior, proposed, config, NULL, &r),
                                  "PlanResourceChange", err);
    if (ok) {
        plan->nreplace = r.nrequires_replace;
        plan->planned = xt_take_value(&r);
        xbuf_append(&plan->priv, r.priv.data ? r.priv.data : "", r.priv.len);
        if (!plan->planned) {
            errf(err, "  PlanResourceChange answered without a planned state\n");
            ok = false;
        }
    }
    xt_result_cleanup(&r);
    value_free(proposed);
    return ok;
}

void tfm_plan_cleanup(struct tfm_plan *plan)
{
    value_free(plan->planned);
    plan->planned = NULL;
    xbuf_cleanup(&plan->priv);
}

bool tfm_plan_is_noop(const struct tfm_plan *plan, const struct value *prior)
{
    bool prior_null = !prior || value_is_null(prior);
    if (prior_null)
        return value_is_null(plan->planned);
    return plan->nreplace == 0 && value_equal(plan->planned, prior);
}

struct value *tfm_apply(struct xt_provider *p, const char *type, const struct value *prior,
                        const struct tfm_plan *plan, const struct value *config,
                        struct xbuf *err)
{
    struct xt_result r;
    xt_result_init(&r);
    bool destroy = value_is_null(plan->planned);
    struct value *v = NULL;
    if (call_ok(&r, xt_apply(p, type, prior, destroy ? NULL : plan->planned,
                             destroy ? NULL : config, &plan->priv, &r),
                "ApplyResourceChange", err)) {
        v = xt_take_value(&r);
        if (!v)
            v = value_new_null(xt_resource_type(type));
    }
    xt_result_cleanup(&r);
    return v;
}

struct value *tfm_read(struct xt_provider *p, const char *type, const struct value *state,
                       struct xbuf *err)
{
    struct xt_result r;
    xt_result_init(&r);
    struct value *v = NULL;
    if (call_ok(&r, xt_read(p, type, state, NULL, &r), "ReadResource", err)) {
        v = xt_take_value(&r);
        if (!v)
            v = value_new_null(xt_resource_type(type));
    }
    xt_result_cleanup(&r);
    return v;
}
