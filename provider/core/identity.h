/* core/identity.h - resource identities (Terraform 1.12, protocol 5.9/6.9) as data.
 *
 * A resource type with an identity points at an identity table (resource_type.identity):
 * one row per identity attribute, written like a schema row - its name, whether an
 * import needs it, its description - and where its value comes from: a field of the
 * resource's typed model (core/model.h), through an optional function that gives the one
 * spelling of a value AWS takes in several (a method in upper case, a function by its
 * bare name), or the configured provider (the account of its credentials, its region).
 * Core derives the identity of any state from the table, so every answer carrying an
 * object (create, read, update, import, list) carries the same identity for the same
 * object, however the configuration spells it; an import by identity writes the values
 * back into the fields the rows name and checks the rows that have none.
 * Giving another resource type an identity is a table and one pointer in its
 * resource_type (resources/lambda_integration.c's integration_identity shows one).
 * Every identity attribute is a string: the identities AWS objects need are ids and
 * names. Identity schema version 0 is the only one so far; UpgradeResourceIdentity reads
 * a version-0 identity and refuses others by name.
 * Not here: the protocol messages (tfproto/identity_rpcs.c).
 * Ownership: tables are static; values and types returned belong to the caller, except
 * identity_type's, which is cached for the life of the process.
 */
#ifndef XA_CORE_IDENTITY_H
#define XA_CORE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/model.h"
#include "core/schema.h"
#include "core/value.h"

struct provider;

/* Where the configured provider is: provider_type.scope fills it from the meta. */
struct identity_scope {
    const char *account_id;     /* the account of its credentials; NULL when not known */
    const char *region;         /* its region; NULL when not known */
};

struct identity_attribute;
/* The identity's spelling of one attribute of a model of the resource: *out is set, null
 * when the model cannot say (a value still unknown stays unknown). false on allocation
 * failure. */
typedef bool (*identity_value_fn)(const struct identity_attribute *a, const void *model,
                                  const struct identity_scope *scope, struct model_string *out);

struct identity_attribute {
    const char *name;
    bool required_for_import;       /* else optional_for_import */
    /* The MODEL_STRING field of the resource's model the attribute mirrors; an import by
     * identity writes the given value there. MODEL_NONE: the value comes from `value`
     * alone, and an import naming another value is refused. */
    struct model_field field;
    identity_value_fn value;        /* NULL: the field's value as it is */
    const char *description;
};

struct identity_schema {
    int64_t version;
    const struct identity_attribute *attrs;   /* sorted by name */
    size_t nattrs;
};

/* ---- value functions for the rows ------------------------------------------------------ */

/* The account of the provider's credentials. */
bool identity_account(const struct identity_attribute *a, const void *model,
                      const struct identity_scope *scope, struct model_string *out);
/* The field when set (a resource's own region argument), else the provider's region. */
bool identity_region(const struct identity_attribute *a, const void *model,
                     const struct identity_scope *scope, struct model_string *out);
/* The field in ASCII upper case (an HTTP method). */
bool identity_upper(const struct identity_attribute *a, const void *model,
                    const struct identity_scope *scope, struct model_string *out);

/* ---- values ---------------------------------------------------------------------------- */

/* The object type of the identity (every attribute a string); NULL only when memory ran
 * out on first use. */
const struct type *identity_type(const struct identity_schema *s);

/* The identity of a model of the resource; NULL with an error diagnostic on failure. */
struct value *identity_from_model(const struct identity_schema *s, const void *model,
                                  const struct identity_scope *scope, struct diags *d);

/* Import by identity: writes the given identity's values into the fields of a model of
 * the resource (every field null on entry), each in the identity's own spelling. false with an error diagnostic naming the
 * attribute when a required one is null or missing, a value is unknown, or a row without
 * a field names something else than the provider's (another account). */
bool identity_to_model(const struct identity_schema *s, const struct value *identity,
                       const struct identity_scope *scope, void *model, struct diags *d);

/* ---- what the RPCs need ----------------------------------------------------------------- */

/* The identity table of a resource type; NULL when it has none (or no such type). */
const struct identity_schema *identity_schema_of(struct provider *p, const char *type_name);

/* The identity of a state of type_name: NULL when the type has no identity, the state is
 * null, or (quietly) the provider is not configured; NULL with an error diagnostic when
 * the state does not fit the model. */
struct value *identity_of_state(struct provider *p, const char *type_name,
                                const struct value *state, struct diags *d);

/* ImportResourceState by identity: the state to hand to ReadResource (every attribute
 * the identity does not give is null). NULL with an error diagnostic. */
struct value *identity_import(struct provider *p, const char *type_name,
                              const struct value *identity, struct diags *d);

/* UpgradeResourceIdentity: raw JSON identity of `version` to the current schema. */
struct value *identity_upgrade(struct provider *p, const char *type_name, int64_t version,
                               const char *json, size_t len, struct diags *d);

#endif
