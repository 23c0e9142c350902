/* core/action.c - validating, planning and invoking actions (see action.h).
 *
 * Each call decodes the configuration into the action's model. Validation needs no
 * provider; planning and invoking run with the configured meta (provider_with_meta), and
 * invoking hands the action a progress reporter that forwards each message to the sink.
 */
#include "core/action.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "core/provider.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

struct action_progress {
    const struct action_sink *sink;
    bool gone;                  /* the sink refused a message: Terraform went away */
};

bool action_report(struct action_progress *p, const char *fmt, ...)
{
    if (p->gone)
        return false;
    struct xbuf b;
    va_list ap;
    xbuf_init(&b);
    va_start(ap, fmt);
    enum xa_status st = xbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    utf8_repair(b.data);   /* a "%.400s" of a body may cut a character in two */
    /* A message lost to memory is not a reason to stop the action. */
    if (st == XA_OK && !p->sink->progress(p->sink->ctx, xbuf_cstr(&b)))
        p->gone = true;
    xbuf_cleanup(&b);
    return !p->gone;
}

const struct action_type *action_of(struct provider *p, const char *type_name)
{
    const struct provider_type *pt = provider_get_type(p);
    for (size_t i = 0; pt && type_name && i < pt->nactions; i++)
        if (strcmp(pt->actions[i]->name, type_name) == 0)
            return pt->actions[i];
    return NULL;
}

/* The action type and its decoded configuration; NULL with an error diagnostic. */
static void *config_model(struct provider *p, const char *type_name, const struct value *config,
                          const struct action_type **a, struct diags *d)
{
    *a = action_of(p, type_name);
    if (!*a) {
        diag_error(d, "Unknown action type",
                   "The xacct provider has no action type \"%s\". Its actions are "
                   "xacct_test_invoke and xacct_redeploy_stage.", type_name ? type_name : "");
        return NULL;
    }
    const struct schema_block *b = &(*a)->schema->block;
    char owner[160];
    snprintf(owner, sizeof owner, "The action %s", (*a)->name);
    schema_require_config_block(b, config, owner, d);
    schema_validate(b, config, d);
    return diags_has_error(d) ? NULL : model_new(b, config, d);
}

void action_validate(struct provider *p, const char *type_name, const struct value *config,
                     struct diags *d)
{
    const struct action_type *a;
    void *m = config_model(p, type_name, config, &a, d);
    if (m && a->validate)
        a->validate(m, d);
    if (m)
        model_free(&a->schema->block, m);
}

struct action_call {
    const struct action_type *a;
    const void *config;
    struct action_progress *progress;   /* NULL: plan */
    struct diags *d;
};

static void run_with_meta(void *meta, void *ctx)
{
    struct action_call *c = ctx;
    if (c->progress)
        c->a->invoke(meta, c->config, c->progress, c->d);
    else if (c->a->plan)
        c->a->plan(meta, c->config, c->d);
}

/* Validates again (Terraform validates the configuration it plans and invokes, but a
 * hostile client need not), then runs the step with the meta. */
static void run(struct provider *p, const char *type_name, const struct value *config,
                struct action_progress *progress, struct diags *d)
{
    const struct action_type *a;
    void *m = config_model(p, type_name, config, &a, d);
    if (m && a->validate)
        a->validate(m, d);
    if (m && !diags_has_error(d)) {
        struct action_call c = {.a = a, .config = m, .progress = progress, .d = d};
        provider_with_meta(p, run_with_meta, &c, d);
    }
    if (m)
        model_free(&a->schema->block, m);
}

void action_plan(struct provider *p, const char *type_name, const struct value *config,
                 struct diags *d)
{
    run(p, type_name, config, NULL, d);
}

void action_invoke(struct provider *p, const char *type_name, const struct value *config,
                   const struct action_sink *sink, struct diags *d)
{
    struct action_progress progress = {.sink = sink};
    run(p, type_name, config, &progress, d);
}
