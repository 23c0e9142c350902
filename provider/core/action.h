/* core/action.h - actions (Terraform 1.14, protocol 5.10/6.10): one-off operations a
 * configuration runs with `terraform apply -invoke` or from a resource's action_trigger.
 *
 * An action type is a table of the same kind as a resource type: a schema whose block
 * has a typed model (core/model.h), a validate function on the configuration alone, an
 * optional plan function (checks that need the configured provider), and the invoke
 * function, which reports progress as it goes and problems as diagnostics. Core decodes
 * the configuration into the model before each call; the invoke function reads
 * config->rest_api_id like a resource reads its model.
 * Not here: the event stream (tfproto/action_rpcs.c).
 * Ownership: tables are static; models passed in are borrowed.
 */
#ifndef XA_CORE_ACTION_H
#define XA_CORE_ACTION_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/resource.h"
#include "core/schema.h"
#include "core/value.h"

struct provider;
struct action_progress;

/* One progress message, shown by Terraform while the action runs. false when Terraform
 * went away: the action should stop. */
bool action_report(struct action_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct action_type {
    const char *name;                   /* "xacct_test_invoke" */
    const struct schema *schema;        /* block.model_size: the configuration's model */
    resource_validate_fn validate;      /* config alone (fields may be unknown); may be NULL */
    /* PlanAction, with the configured provider: checks that need it; may be NULL. */
    void (*plan)(void *meta, const void *config, struct diags *d);
    /* InvokeAction: does the work; errors fail the run. */
    void (*invoke)(void *meta, const void *config, struct action_progress *progress,
                   struct diags *d);
};

/* Where progress messages go (tfproto/action_rpcs.c). false: stop. */
struct action_sink {
    bool (*progress)(void *ctx, const char *message);
    void *ctx;
};

/* The action type of that name, or NULL. */
const struct action_type *action_of(struct provider *p, const char *type_name);

/* ValidateActionConfig, PlanAction and InvokeAction: config as Terraform sends it. */
void action_validate(struct provider *p, const char *type_name, const struct value *config,
                     struct diags *d);
void action_plan(struct provider *p, const char *type_name, const struct value *config,
                 struct diags *d);
void action_invoke(struct provider *p, const char *type_name, const struct value *config,
                   const struct action_sink *sink, struct diags *d);

#endif
