/* core/equivalence.h - equivalent spellings as schema data (DESIGN.md planning rule 5).
 *
 * A schema row may name an equivalence (schema_attribute.equivalent): a function that
 * says whether two different values of the attribute are spellings of one thing - a
 * method in lower case, JSON documents that differ in white space or key order, a Lambda
 * function by name or by ARN. Core applies the rows in two places, so that no resource
 * writes the normalisation by hand:
 *   - planning: a configured value equivalent to the prior one is planned as the prior,
 *     so it neither shows as a change nor triggers requires_replace (Terraform accepts
 *     the prior value for a configured one);
 *   - reading: a value AWS returns equivalent to the prior state keeps the prior's form,
 *     so a plan after apply is empty.
 * Only top-level attributes take part; both values must be known, non-null and differ.
 * Resource-specific equivalences (function references, principals) live with their
 * resource; the general ones are here.
 */
#ifndef XA_CORE_EQUIVALENCE_H
#define XA_CORE_EQUIVALENCE_H

#include <stdbool.h>

#include "core/schema.h"
#include "core/value.h"

/* Strings equal but for ASCII case ("get" and "GET"). */
bool equivalence_case_insensitive(const struct schema_attribute *a, const void *prior,
                                  const void *next, const void *ctx);
/* Strings holding equal JSON documents (white space, key order and number spelling
 * aside); a string that is not JSON is equivalent to nothing else. */
bool equivalence_json(const struct schema_attribute *a, const void *prior, const void *next,
                      const void *ctx);

/* In next (an object of b's type, changed in place), replaces every top-level attribute
 * whose row has an equivalence and whose value differs from prior's but is equivalent,
 * by prior's value. prior_model and next_model are the two values decoded (core/model.h);
 * ctx goes to the equivalence functions. Returns how many attributes it replaced, or -1
 * on allocation failure (next is then partly updated). */
int equivalence_keep_prior(const struct schema_block *b, const struct value *prior,
                           const void *prior_model, struct value *next, const void *next_model,
                           const void *ctx);

#endif
