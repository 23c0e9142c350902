/* core/value_priv.h - helpers shared by the core/ implementation files only.
 *
 * Heap type constructors (used by the type JSON decoder and the schema type builder),
 * the bulk set builder the decoders use (append everything, then sort and deduplicate
 * once, so that a hostile set of N elements costs N log N, not N^2), number internals
 * for the codecs, and a total order on values.
 * Not part of the public interface: nothing outside provider/core includes this file.
 * Ownership: constructors take the references they are given (elem, attr types) even on
 * failure; names are copied.
 */
#ifndef XA_CORE_VALUE_PRIV_H
#define XA_CORE_VALUE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/value.h"
#include "util/buf.h"

/* A new heap type (refs = 1). `elem` is a reference taken by the call. NULL on failure. */
const struct type *type_new_collection(enum type_kind kind, const struct type *elem);
/* names[i]/types[i] for i < n; types are references taken by the call (all of them, even
 * on failure); names are copied. Attributes are sorted; a duplicate name fails. optional
 * may be NULL. */
const struct type *type_new_object(const char *const *names, const struct type **types,
                                   const bool *optional, size_t n);
const struct type *type_new_tuple(const struct type **types, size_t n);

/* Appends to a known set without sorting; value_set_finish sorts and deduplicates. */
bool value_set_append_raw(struct value *set, struct value *v);
void value_set_finish(struct value *set);

/* Numbers: true when the known number is an integer (any size). */
bool value_number_is_int(const struct value *v);
/* true for +Inf / -Inf. */
bool value_number_is_inf(const struct value *v, bool *negative);

/* Canonical decimal text (value_number.c): any [+-]digits[.digits][e[+-]digits] or
 * [+-]Inf spelling of n bytes to the one form values store; NULL when s is not a number
 * or on allocation failure (free with xa_free). number_text_cmp orders canonical texts
 * numerically, never calling two distinct numbers equal. */
char *number_text_canon(const char *s, size_t n);
int number_text_cmp(const char *a, const char *b);

/* A deterministic total order on values of the same type. */
int value_cmp(const struct value *a, const struct value *b);

/* Does a value of type `vt` fit where `t` is expected? dynamic accepts anything. */
bool type_conforms(const struct type *vt, const struct type *t);

/* JSON string literal (quotes, escapes) of n bytes of UTF-8. */
enum xa_status codec_json_string(struct xbuf *out, const char *s, size_t n);

/* Type JSON from a parsed jansson value (codec_type.c), for the JSON value decoder. */
struct json_t;
const struct type *codec_type_from_jansson(const struct json_t *j, int depth,
                                           struct diags *d);

/* Nesting bound shared by the decoders. */
#define CODEC_MAX_DEPTH 64

#endif
