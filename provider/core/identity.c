/* core/identity.c - identities from the tables of core/identity.h.
 *
 * An identity's object type is built once per table and cached by core/schema.c's
 * schema_type_of, as schemas' implied types are. Deriving an identity walks the rows: each value function, or the
 * field as it is, gives one model_string, which becomes one attribute. Calls that need
 * the configured provider (its account and region) run inside provider_with_meta.
 */
#include "core/identity.h"

#include <ctype.h>
#include <string.h>

#include "core/codec.h"
#include "core/provider.h"
#include "core/value_priv.h"
#include "util/alloc.h"

/* ---- value functions ------------------------------------------------------------------ */

static const struct model_string *field_of(const struct identity_attribute *a,
                                           const void *model)
{
    return a->field.kind == MODEL_STRING ? MODEL_AT_CONST(model, a) : NULL;
}

/* out := f (a copy, or the same null or unknown). */
static bool copy_field(const struct model_string *f, struct model_string *out)
{
    if (f && f->state == MODEL_UNKNOWN) {
        model_set_unknown(out);
        return true;
    }
    return model_set_string(out, f && f->state == MODEL_KNOWN ? f->value : NULL);
}

bool identity_account(const struct identity_attribute *a, const void *model,
                      const struct identity_scope *scope, struct model_string *out)
{
    return model_set_string(out, scope ? scope->account_id : NULL);
}

bool identity_region(const struct identity_attribute *a, const void *model,
                     const struct identity_scope *scope, struct model_string *out)
{
    const struct model_string *f = field_of(a, model);
    if (f && f->state != MODEL_NULL)
        return copy_field(f, out);
    return model_set_string(out, scope ? scope->region : NULL);
}

bool identity_upper(const struct identity_attribute *a, const void *model,
                    const struct identity_scope *scope, struct model_string *out)
{
    if (!copy_field(field_of(a, model), out))
        return false;
    for (char *p = out->value; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return true;
}

/* ---- the object type ---------------------------------------------------------------------- */

static const struct type *build_type(const void *key)
{
    const struct identity_schema *s = key;
    const char **names = xa_calloc(s->nattrs + 1, sizeof *names);
    const struct type **ts = xa_calloc(s->nattrs + 1, sizeof *ts);
    const struct type *t = NULL;
    if (names && ts) {
        for (size_t i = 0; i < s->nattrs; i++) {
            names[i] = s->attrs[i].name;
            ts[i] = &type_string;
        }
        t = type_new_object(names, ts, NULL, s->nattrs);
    }
    xa_free(names);
    xa_free(ts);
    return t;
}

const struct type *identity_type(const struct identity_schema *s)
{
    return schema_type_of(s, build_type);
}

/* ---- deriving and importing ------------------------------------------------------------- */

static struct value *string_value(const struct model_string *v)
{
    switch (v->state) {
    case MODEL_KNOWN: return value_new_string(v->value);
    case MODEL_UNKNOWN: return value_new_unknown(&type_string);
    default: return value_new_null(&type_string);
    }
}

/* The identity's spelling of row a, from a model. */
static bool attr_value(const struct identity_attribute *a, const void *model,
                       const struct identity_scope *scope, struct model_string *out)
{
    return a->value ? a->value(a, model, scope, out) : copy_field(field_of(a, model), out);
}

struct value *identity_from_model(const struct identity_schema *s, const void *model,
                                  const struct identity_scope *scope, struct diags *d)
{
    const struct type *t = identity_type(s);
    struct value *obj = t ? value_new_object(t) : NULL;
    for (size_t i = 0; obj && i < s->nattrs; i++) {
        struct model_string v = {0};
        bool ok = attr_value(&s->attrs[i], model, scope, &v) &&
                  value_object_set(obj, s->attrs[i].name, string_value(&v));
        xa_free(v.value);
        if (!ok) {
            value_free(obj);
            obj = NULL;
        }
    }
    if (!obj)
        diag_error(d, "Cannot build the resource identity",
                   "The provider ran out of memory, or a value is not valid UTF-8.");
    return obj;
}

/* A row without a field names what the provider is: it must agree (or be null). */
static bool agrees(const struct identity_attribute *a, const char *given, const void *model,
                   const struct identity_scope *scope, struct diags *d)
{
    struct model_string want = {0};
    bool ok = attr_value(a, model, scope, &want);
    if (ok && given && want.value && strcmp(given, want.value) != 0) {
        diag_error(d, "Identity names another provider configuration",
                   "The identity's %s is \"%s\", but this provider configuration works in "
                   "\"%s\". Import it with the provider configured for \"%s\" (its "
                   "credentials or assume_role).", a->name, given, want.value, given);
        ok = false;
    } else if (!ok) {
        diag_error(d, "Cannot import by identity", "The provider ran out of memory.");
    }
    xa_free(want.value);
    return ok;
}

/* Writes the identity's own spelling of each value back into its field ("get" as GET, a
 * function's ARN as its name and qualifier), so that importing an identity however it is
 * spelled gives one state. All values are derived before any is written. */
static bool respell(const struct identity_schema *s, const struct identity_scope *scope,
                    void *model, struct diags *d)
{
    struct model_string *v = xa_calloc(s->nattrs + 1, sizeof *v);
    bool ok = v != NULL;
    for (size_t i = 0; ok && i < s->nattrs; i++)
        ok = attr_value(&s->attrs[i], model, scope, &v[i]);
    for (size_t i = 0; ok && i < s->nattrs; i++)
        if (s->attrs[i].field.kind == MODEL_STRING && v[i].state == MODEL_KNOWN)
            ok = model_set_string(MODEL_AT(model, &s->attrs[i]), v[i].value);
    for (size_t i = 0; v && i < s->nattrs; i++)
        xa_free(v[i].value);
    xa_free(v);
    if (!ok)
        diag_error(d, "Cannot import by identity", "The provider ran out of memory.");
    return ok;
}

bool identity_to_model(const struct identity_schema *s, const struct value *identity,
                       const struct identity_scope *scope, void *model, struct diags *d)
{
    if (!value_is_known(identity)) {
        diag_error(d, "Invalid import identity", "The identity to import is null or unknown.");
        return false;
    }
    for (size_t i = 0; i < s->nattrs; i++) {
        const struct identity_attribute *a = &s->attrs[i];
        const struct value *v = value_attr(identity, a->name);
        if (value_is_unknown(v) || (a->required_for_import && value_is_null(v))) {
            diag_error(d, "Invalid import identity",
                       "The identity's %s must be %s: it says which object to import.",
                       a->name, value_is_unknown(v) ? "known" : "set");
            return false;
        }
        if (a->field.kind == MODEL_STRING && !model_set_string(MODEL_AT(model, a),
                                                               value_get_string(v))) {
            diag_error(d, "Cannot import by identity", "The provider ran out of memory.");
            return false;
        }
    }
    for (size_t i = 0; i < s->nattrs; i++)
        if (s->attrs[i].field.kind != MODEL_STRING &&
            !agrees(&s->attrs[i], value_attr_string(identity, s->attrs[i].name), model, scope,
                    d))
            return false;
    return respell(s, scope, model, d);
}

/* ---- with the provider ---------------------------------------------------------------------- */

const struct identity_schema *identity_schema_of(struct provider *p, const char *type_name)
{
    const struct resource_type *r = provider_resource(p, type_name);
    return r ? r->identity : NULL;
}

struct scope_call {
    const struct provider_type *pt;
    struct identity_scope scope;
};

static void read_scope(void *meta, void *ctx)
{
    struct scope_call *c = ctx;
    if (c->pt->scope && meta)
        c->pt->scope(meta, &c->scope);
}

/* The configured provider's scope; false when it is not configured (error in d when d). */
static bool scope_of(struct provider *p, struct identity_scope *out, struct diags *d)
{
    struct scope_call c = {.pt = provider_get_type(p)};
    bool ok = provider_with_meta(p, read_scope, &c, d);
    *out = c.scope;
    return ok;
}

struct value *identity_of_state(struct provider *p, const char *type_name,
                                const struct value *state, struct diags *d)
{
    const struct resource_type *r = provider_resource(p, type_name);
    struct identity_scope scope;
    if (!r || !r->identity || value_is_null(state) || !scope_of(p, &scope, NULL))
        return NULL;
    void *m = model_new(&r->schema->block, state, d);
    struct value *id = m ? identity_from_model(r->identity, m, &scope, d) : NULL;
    model_free(&r->schema->block, m);
    return id;
}

struct value *identity_import(struct provider *p, const char *type_name,
                              const struct value *identity, struct diags *d)
{
    const struct resource_type *r = provider_resource(p, type_name);
    struct identity_scope scope;
    if (!r || !r->identity) {
        diag_error(d, "Cannot import by identity",
                   "The resource type \"%s\" has no identity; import it by ID.",
                   type_name ? type_name : "");
        return NULL;
    }
    if (!scope_of(p, &scope, d))
        return NULL;
    void *m = model_new(&r->schema->block, NULL, d);
    struct value *state = NULL;
    if (m && identity_to_model(r->identity, identity, &scope, m, d))
        state = model_encode(&r->schema->block, m, d);
    model_free(&r->schema->block, m);
    return state;
}

struct value *identity_upgrade(struct provider *p, const char *type_name, int64_t version,
                               const char *json, size_t len, struct diags *d)
{
    const struct identity_schema *s = identity_schema_of(p, type_name);
    if (!s) {
        diag_error(d, "Cannot upgrade the resource identity",
                   "The resource type \"%s\" has no identity.", type_name ? type_name : "");
        return NULL;
    }
    if (version != s->version) {
        diag_error(d, "Cannot upgrade the resource identity",
                   "The identity of this %s was written at identity schema version %lld; "
                   "this version of the xacct provider knows version %lld only.", type_name,
                   (long long)version, (long long)s->version);
        return NULL;
    }
    const struct type *t = identity_type(s);
    if (!t) {
        diag_error(d, "Out of memory", "The provider ran out of memory.");
        return NULL;
    }
    return codec_json_decode(json ? json : "null", json ? len : 4, t, true, d);
}
