/* tfproto/action_rpcs.c - actions on the wire (Terraform 1.14, protocol 5.10/6.10):
 * ValidateActionConfig, PlanAction and InvokeAction.
 *
 * InvokeAction is a server stream: each progress message of the action goes out as a
 * Progress event when the action reports it, and the stream ends with exactly one
 * Completed event carrying the action's diagnostics (errors fail the run). PlanAction
 * never defers. The rules are core/action.h's.
 */
#include "core/action.h"
#include "core/provider.h"
#include "tfproto/handlers.h"

/* The action's config type, or NULL with an error diagnostic. */
static const struct type *config_type(struct provider *p, const char *type_name,
                                      struct diags *d)
{
    const struct action_type *a = action_of(p, type_name);
    const struct type *t = a ? schema_implied_type(&a->schema->block) : NULL;
    if (!a)
        diag_error(d, "Unknown action type", "The xacct provider has no action type \"%s\".",
                   type_name ? type_name : "");
    else if (!t)
        diag_error(d, "Out of memory", "The provider could not build the action's type.");
    return t;
}

/* The configuration a request carries, or NULL with a diagnostic. */
static struct value *config_value(struct provider *p, const char *type_name,
                                  const Tfplugin6__DynamicValue *dv, struct diags *d)
{
    const struct type *t = config_type(p, type_name, d);
    return t ? tfproto_dv_decode(dv, t, "action configuration", d) : NULL;
}

enum xa_status tfproto_validate_action(struct provider *p, const uint8_t *req, size_t len,
                                       struct xbuf *out)
{
    Tfplugin6__ValidateActionConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_action_config__request__descriptor, req, len);
    Tfplugin6__ValidateActionConfig__Response rs =
        TFPLUGIN6__VALIDATE_ACTION_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    struct value *v = config_value(p, rq->type_name, rq->config, &c.d);
    if (v)
        action_validate(p, rq->type_name, v, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_plan_action(struct provider *p, const uint8_t *req, size_t len,
                                   struct xbuf *out)
{
    Tfplugin6__PlanAction__Request *rq =
        tfproto_unpack(&tfplugin6__plan_action__request__descriptor, req, len);
    Tfplugin6__PlanAction__Response rs = TFPLUGIN6__PLAN_ACTION__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    struct value *v = config_value(p, rq->action_type, rq->config, &c.d);
    if (v)
        action_plan(p, rq->action_type, v, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

/* action_sink.progress: one Progress event. */
static bool send_progress(void *ctx, const char *message)
{
    Tfplugin6__InvokeAction__Event ev = TFPLUGIN6__INVOKE_ACTION__EVENT__INIT;
    Tfplugin6__InvokeAction__Event__Progress pg = TFPLUGIN6__INVOKE_ACTION__EVENT__PROGRESS__INIT;
    pg.message = (char *)message;
    ev.type_case = TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_PROGRESS;
    ev.progress = &pg;
    return tfproto_stream_send(ctx, &ev.base);
}

enum xa_status tfproto_invoke_action(struct provider *p, const uint8_t *req, size_t len,
                                     struct tfproto_stream *out)
{
    Tfplugin6__InvokeAction__Request *rq =
        tfproto_unpack(&tfplugin6__invoke_action__request__descriptor, req, len);
    Tfplugin6__InvokeAction__Event ev = TFPLUGIN6__INVOKE_ACTION__EVENT__INIT;
    Tfplugin6__InvokeAction__Event__Completed done =
        TFPLUGIN6__INVOKE_ACTION__EVENT__COMPLETED__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct action_sink sink = {.progress = send_progress, .ctx = out};
    struct value *v = config_value(p, rq->action_type, rq->config, &c.d);
    if (v)
        action_invoke(p, rq->action_type, v, &sink, &c.d);
    value_free(v);
    tfproto_call_set_diags(&c, &done.base);
    ev.type_case = TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_COMPLETED;
    ev.completed = &done;
    /* Terraform may have gone; then nothing more can be said. */
    tfproto_stream_send(out, &ev.base);
    tfproto_arena_cleanup(&c.a);
    diags_cleanup(&c.d);
    tfproto_unpacked_free(rq);
    return XA_OK;
}
