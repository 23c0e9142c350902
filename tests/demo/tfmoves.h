/* tests/demo/tfmoves.h - Terraform's moves over the real protocol, for programs that are
 * not cmocka tests (the benchmarks): start and configure a provider from a
 * provider block written as JSON, validate, plan (with objchange.ProposedNew), apply,
 * destroy (a null plan), read. Built on tests/support/xt.h.
 *
 * Every function returns NULL / false on failure and appends a human explanation to err:
 * the gRPC status or each diagnostic as "Error: summary: detail (at path)".
 * Ownership: returned values belong to the caller; inputs are borrowed.
 */
#ifndef XA_TESTS_DEMO_TFMOVES_H
#define XA_TESTS_DEMO_TFMOVES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/resource.h"
#include "core/value.h"
#include "tests/support/xt.h"
#include "util/buf.h"

struct tfm_plan {
    struct value *planned;      /* null value = destroy */
    struct xbuf priv;           /* planned_private, handed to apply */
    size_t nreplace;            /* requires_replace paths */
};

const struct resource_type *tfm_resource(const char *type_name);
/* A value of type t from JSON (attributes not named are null). */
struct value *tfm_json(const struct type *t, const char *json, struct xbuf *err);

/* xt_start + ConfigureProvider with provider_json (the provider block as JSON). */
struct xt_provider *tfm_start(const struct xt_options *o, const char *provider_json,
                              struct xbuf *err);
bool tfm_validate_provider(struct xt_provider *p, const char *provider_json, struct xbuf *err);
bool tfm_validate(struct xt_provider *p, const char *type, const struct value *config,
                  struct xbuf *err);

/* objchange.ProposedNew as Terraform computes it before PlanResourceChange: config, with
 * the computed attributes it leaves null taken from prior (when there is one). NULL when
 * out of memory or type is unknown. */
struct value *tfm_proposed_new(const char *type, const struct value *prior,
                               const struct value *config);

/* PlanResourceChange. config NULL plans a destroy. plan is caller storage, cleaned by
 * tfm_plan_cleanup (also on failure). */
bool tfm_plan(struct xt_provider *p, const char *type, const struct value *prior,
              const struct value *config, struct tfm_plan *plan, struct xbuf *err);
void tfm_plan_cleanup(struct tfm_plan *plan);
/* true when the plan changes nothing. */
bool tfm_plan_is_noop(const struct tfm_plan *plan, const struct value *prior);

/* ApplyResourceChange of a plan; the new state (a null value after a destroy). */
struct value *tfm_apply(struct xt_provider *p, const char *type, const struct value *prior,
                        const struct tfm_plan *plan, const struct value *config,
                        struct xbuf *err);
/* ReadResource: the refreshed state (a null value when the object is gone). */
struct value *tfm_read(struct xt_provider *p, const char *type, const struct value *state,
                       struct xbuf *err);

/* Appends the diagnostics of r (errors and warnings) to out, one per line, indented. */
void tfm_diags_text(const struct xt_result *r, struct xbuf *out);

#endif
