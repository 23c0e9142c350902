/* core/model.h - typed models: the values of one block as a C struct.
 *
 * A resource type (and the provider block) declares a struct with one field per schema
 * attribute, and each schema row names its field (MODEL_FIELD). Core decodes a config,
 * plan or state value into the struct once before a lifecycle call and encodes the
 * struct back once after it - terraform-plugin-framework's req.Plan.Get(ctx, &model) -
 * so resource code reads m->function_arn.value and never looks a value up by name.
 * Every field says whether it is null, unknown or known; collections say it per element
 * too, so a value survives decode + encode unchanged.
 * The same tables serve what comes next: identity schemas, list results and generated
 * configuration decode and encode through them as well.
 * Not here: planning (core/plan.h), equivalent spellings (core/equivalence.h).
 * Ownership: a model owns every string and array in it, from decoding or from the
 * setters; model_cleanup frees them and leaves every field null. Setters copy what they
 * are given and free what the field held; those that allocate return false on
 * allocation failure (the field is then null), and the compiler insists the result is
 * looked at.
 */
#ifndef XA_CORE_MODEL_H
#define XA_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"
#include "util/status.h"

#define MODEL_MUST_CHECK __attribute__((warn_unused_result))

/* ---- fields ----------------------------------------------------------------------- */

enum model_state { MODEL_NULL = 0, MODEL_UNKNOWN, MODEL_KNOWN };

struct model_string {
    enum model_state state;
    char *value;                /* NULL unless known */
};

struct model_int64 {
    enum model_state state;
    int64_t value;
};

struct model_bool {
    enum model_state state;
    bool value;
};

struct model_strings {          /* a list or set of strings */
    enum model_state state;
    struct model_string *items; /* each may be null or unknown itself */
    size_t n;
};

struct model_map_entry {
    char *key;
    struct model_string value;
};

struct model_string_map {
    enum model_state state;
    struct model_map_entry *items;   /* in key order */
    size_t n;
};

/* The elements of a nested block, each a model of the nested block's struct T. A single
 * block is known with n == 1, or null. */
#define MODEL_BLOCKS(T)         \
    struct {                    \
        enum model_state state; \
        T *items;               \
        size_t n;               \
    }

/* A schema row's field: {.field = MODEL_FIELD(struct integration_model, function_arn)}. */
#define MODEL_FIELD(type, member)                                        \
    {                                                                    \
        .kind = _Generic(((type *)0)->member,                            \
                         struct model_string: MODEL_STRING,              \
                         struct model_int64: MODEL_INT64,                \
                         struct model_bool: MODEL_BOOL,                  \
                         struct model_strings: MODEL_STRINGS,            \
                         struct model_string_map: MODEL_STRING_MAP),     \
        .offset = offsetof(type, member)                                 \
    }
#define MODEL_BLOCKS_FIELD(type, member) {.kind = MODEL_BLOCKS, .offset = offsetof(type, member)}

/* The name of the attribute or nested block of b whose field is at `offset`, for
 * diagnostics and requires_replace paths; NULL when none is (a bug in the table).
 * MODEL_NAME(schema_block, struct x_model, member) spells it for a member. */
const char *model_name(const struct schema_block *b, size_t offset);
#define MODEL_NAME(block, type, member) model_name((block), offsetof(type, member))

/* ---- decoding and encoding -------------------------------------------------------- */

/* A zeroed model of b (every field null), filled from v when v is not NULL; NULL with an
 * error diagnostic on failure. Free with model_free. */
void *model_new(const struct schema_block *b, const struct value *v, struct diags *d);
void model_free(const struct schema_block *b, void *model);

/* Fills the fields of b's rows from the object v (a whole null or unknown object makes
 * every field null or unknown). Fields hold what they held before only for rows without
 * a field. false with an error diagnostic naming the attribute when a value does not fit
 * its field (a number that is not a whole int64, a string holding NUL) or memory runs
 * out; the model is then partly filled (clean it up as usual). */
bool model_decode(const struct schema_block *b, const struct value *v, void *model,
                  struct diags *d);
/* The object value of the model; NULL with an error diagnostic on failure (memory, or a
 * string that is not UTF-8, named by its attribute). */
struct value *model_encode(const struct schema_block *b, const void *model, struct diags *d);
/* Frees what the fields of b's rows hold and makes them null. */
void model_cleanup(const struct schema_block *b, void *model);

/* Raw JSON state (UpgradeResourceState, MoveResourceState) to the fields of b's rows:
 * keys b does not have are ignored, absent keys are null. b may be a table of another
 * schema (an older version, another provider's type) whose rows point at this model's
 * fields. XA_EINVAL, with no diagnostic, when json is not a JSON object, so that the
 * caller can say what it was reading; XA_ERANGE with an error diagnostic when a value
 * does not fit (or memory runs out). */
enum xa_status model_from_json(const struct schema_block *b, const char *json, size_t len,
                               void *model, struct diags *d);

/* ---- whole-model helpers ------------------------------------------------------------ */

/* The name of the first top-level attribute or block holding an unknown value anywhere,
 * or NULL. */
const char *model_first_unknown(const struct schema_block *b, const void *model);
/* Makes every top-level field still unknown null (Terraform refuses unknowns in state). */
void model_unknowns_to_null(const struct schema_block *b, void *model);
/* Makes every top-level string "" and every known empty list, set or map null: hashicorp/aws
 * stores an unset argument that way, where a configuration leaving it out plans null. */
void model_empty_to_null(const struct schema_block *b, void *model);

/* ---- setters and readers ----------------------------------------------------------- */

/* s NULL makes the field null. */
MODEL_MUST_CHECK bool model_set_string(struct model_string *f, const char *s);
MODEL_MUST_CHECK bool model_set_stringf(struct model_string *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes s (heap memory of util/alloc); s NULL makes the field null. */
void model_take_string(struct model_string *f, char *s);
void model_set_unknown(struct model_string *f);
void model_set_int64(struct model_int64 *f, int64_t n);
/* Replaces the list or set by n known strings (NULL items are null elements). */
MODEL_MUST_CHECK bool model_set_strings(struct model_strings *f, char *const *items, size_t n);
/* Makes the map known and empty; model_map_put adds or replaces one known value. */
void model_map_clear(struct model_string_map *f);
MODEL_MUST_CHECK bool model_map_put(struct model_string_map *f, const char *key,
                                    const char *value);
/* The value of key, or NULL when the map is not known or has no such key. */
const struct model_string *model_map_get(const struct model_string_map *f, const char *key);
/* true when the known list or set holds the known string s. */
bool model_strings_has(const struct model_strings *f, const char *s);

/* Equality of two fields: same state and, when known, the same value. */
bool model_string_equal(const struct model_string *a, const struct model_string *b);
bool model_int64_equal(const struct model_int64 *a, const struct model_int64 *b);

/* The field of row a in a model (the caller knows its kind from a->field.kind). */
#define MODEL_AT(model, a) ((void *)((char *)(model) + (a)->field.offset))
#define MODEL_AT_CONST(model, a) ((const void *)((const char *)(model) + (a)->field.offset))

#endif
