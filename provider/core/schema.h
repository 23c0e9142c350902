/* core/schema.h - schemas as data: attributes, nested blocks, behaviour flags, validators.
 *
 * A resource or provider schema is a static const table. Behaviour lives in the table,
 * not in code: required / optional / computed, sensitive, requires_replace,
 * keep_state_when_unknown (the framework's UseStateForUnknown), a default, a validator,
 * an equivalence (two spellings of one thing), and the field of the typed model that
 * holds the attribute (core/model.h). The generic planner (core/plan.h), the validators,
 * the model codec, the protocol translation (tfproto/) and the docs generator all read
 * the same table.
 * Ownership: everything is borrowed static data; schema_implied_type() builds the object
 * type once per schema and caches it (thread-safe, never freed before exit).
 */
#ifndef XA_CORE_SCHEMA_H
#define XA_CORE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/value.h"

enum attr_flag {
    ATTR_REQUIRED = 1u << 0,
    ATTR_OPTIONAL = 1u << 1,
    ATTR_COMPUTED = 1u << 2,
    ATTR_SENSITIVE = 1u << 3,
    ATTR_REQUIRES_REPLACE = 1u << 4,      /* a change plans a replacement */
    ATTR_KEEP_STATE_WHEN_UNKNOWN = 1u << 5, /* computed: on update keep the prior value */
    ATTR_DEPRECATED = 1u << 6,
    /* Written in generated configuration (GenerateResourceConfig, core/generate_config.h)
     * even where the provider could compute it: what names the object to a reader. */
    ATTR_GENERATED = 1u << 7,
};

enum validator_kind {
    VALIDATE_NONE = 0,
    VALIDATE_ONE_OF,      /* string in one_of[] (NULL-terminated) */
    VALIDATE_REGEX,       /* POSIX extended regex on a string */
    VALIDATE_INT_RANGE,   /* integer number in [min, max] */
    VALIDATE_LENGTH,      /* string length in [min, max] bytes */
    VALIDATE_CUSTOM,      /* fn(string, path, diags), on string attributes */
};

struct validator {
    enum validator_kind kind;
    const char *const *one_of;
    const char *pattern;
    int64_t min, max;
    void (*fn)(const char *s, const struct attr_path *path, struct diags *d);
    const char *message;   /* the human sentence used when the check fails */
};

/* Where an attribute lives in its block's typed model (core/model.h): the kind of field
 * and its offset. Rows are written with MODEL_FIELD / MODEL_BLOCKS_FIELD, which derive
 * the kind from the member's C type. MODEL_NONE: the attribute has no field. */
enum model_kind {
    MODEL_NONE = 0,
    MODEL_STRING,       /* struct model_string: a string */
    MODEL_INT64,        /* struct model_int64: a whole number */
    MODEL_BOOL,         /* struct model_bool */
    MODEL_STRINGS,      /* struct model_strings: a list or set of strings */
    MODEL_STRING_MAP,   /* struct model_string_map: a map of strings */
    MODEL_BLOCKS,       /* MODEL_BLOCKS(T): the elements of a nested block */
};

struct model_field {
    enum model_kind kind;
    size_t offset;
};

struct schema_attribute;
/* Equivalence: true when the attribute's values in two models of one block (prior and
 * next: whole models, the attribute's field at a->field.offset) are two spellings of one
 * thing, e.g. a function name and its ARN. ctx is the provider's configured meta (the
 * account and region a bare name lives in); it may be NULL. Only called when both values
 * are known and differ. */
typedef bool (*equivalence_fn)(const struct schema_attribute *a, const void *prior,
                               const void *next, const void *ctx);

struct schema_attribute {
    const char *name;
    const struct type *type;
    unsigned flags;                 /* enum attr_flag bits */
    const char *default_json;       /* planned when config is null, e.g. "\"AWS_PROXY\"", "29000" */
    struct validator validator;     /* applied to known, non-null config values */
    equivalence_fn equivalent;      /* NULL: equal values only (core/equivalence.h) */
    struct model_field field;       /* the attribute's field in the block's model */
    const char *description;        /* Markdown, for the schema and docs/ */
};

enum block_nesting { NEST_SINGLE = 1, NEST_LIST = 2, NEST_SET = 3, NEST_MAP = 4, NEST_GROUP = 5 };

struct schema_block;

struct schema_nested_block {
    const char *name;
    enum block_nesting nesting;
    const struct schema_block *block;
    int64_t min_items, max_items;   /* 0 = unbounded max */
    struct model_field field;       /* MODEL_BLOCKS: the elements, each a model of block */
};

struct schema_block {
    const struct schema_attribute *attrs;   /* sorted by name */
    size_t nattrs;
    const struct schema_nested_block *blocks;
    size_t nblocks;
    const char *description;
    bool deprecated;
    size_t model_size;      /* sizeof the block's typed model (core/model.h); 0: none */
};

struct schema {
    int64_t version;
    struct schema_block block;
};

/* The object type of a block (attributes and nested blocks); cached, never NULL unless
 * allocation failed on first use. */
const struct type *schema_implied_type(const struct schema_block *b);
/* The type build(key) returns, built once per key (a static table's address) and kept
 * until exit; racing first callers get the one published. NULL only when memory ran out
 * (or key is NULL). */
const struct type *schema_type_of(const void *key, const struct type *(*build)(const void *key));
const struct schema_attribute *schema_attr(const struct schema_block *b, const char *name);
const struct schema_nested_block *schema_block(const struct schema_block *b, const char *name);

/* Runs every validator of every known attribute of config (recursing into blocks) and
 * checks required attributes; adds diagnostics with paths. Unknown values are skipped. */
void schema_validate(const struct schema_block *b, const struct value *config, struct diags *d);
/* A `config` block that Terraform sends null when it is left out (list blocks, actions):
 * an error naming the first required argument when config is null and b has one;
 * `owner` names what the block belongs to ("A list block of xacct_lambda_permission"). */
void schema_require_config_block(const struct schema_block *b, const struct value *config,
                                 const char *owner, struct diags *d);

#endif
