/* core/data_source.c - ValidateDataResourceConfig and ReadDataSource on the data source
 * types of the provider type (core/data_source.h): look the type up, decode the
 * configuration into its typed model, call the type's function with the configured meta
 * (under the provider's read lock, as resource calls are), encode the result.
 */
#include "core/data_source.h"

#include <string.h>

#include "core/model.h"
#include "core/provider.h"

const struct data_source_type *data_source_find(const struct provider *p, const char *name)
{
    const struct provider_type *t = provider_get_type(p);
    for (size_t i = 0; t && name && i < t->ndata_sources; i++)
        if (strcmp(t->data_sources[i]->name, name) == 0)
            return t->data_sources[i];
    return NULL;
}

static const struct data_source_type *lookup(const struct provider *p, const char *name,
                                             struct diags *d)
{
    const struct data_source_type *t = data_source_find(p, name);
    if (!t)
        diag_error(d, "Unknown data source type",
                   "The xacct provider has no data source \"%s\". Check the data block's type.",
                   name ? name : "");
    return t;
}

void data_source_validate(struct provider *p, const char *name, const struct value *config,
                          struct diags *d)
{
    const struct data_source_type *t = lookup(p, name, d);
    if (!t)
        return;
    const struct schema_block *b = &t->schema->block;
    schema_validate(b, config, d);
    if (!t->validate)
        return;
    /* A value that does not fit its field was just reported by the validators. */
    struct diags decode;
    diags_init(&decode);
    void *m = model_new(b, config, &decode);
    if (m)
        t->validate(m, d);
    else if (!diags_has_error(d))
        diags_move(d, &decode);
    model_free(b, m);
    diags_cleanup(&decode);
}

/* Terraform refuses unknown values in a data source's result; name the attribute. */
static bool wholly_known(const struct data_source_type *t, const struct value *v,
                         struct diags *d)
{
    if (value_is_wholly_known(v))
        return true;
    const struct type *ty = value_type(v);
    const char *where = "(the whole object)";
    for (size_t i = 0; i < ty->nattrs && value_is_known(v); i++)
        if (!value_is_wholly_known(value_index(v, i))) {
            where = ty->attrs[i].name;
            break;
        }
    diag_bug(d, "Provider returned unknown values",
             "%s: read left the attribute %s unknown; every value must be known.", t->name,
             where);
    return false;
}

/* A read with the configured meta (provider_with_meta). */
struct read_call {
    const struct data_source_type *t;
    void *model;
    struct diags *d;
    bool ok;
};

static void read_with_meta(void *meta, void *ctx)
{
    struct read_call *c = ctx;
    c->ok = c->t->read(meta, c->model, c->d);
}

struct value *data_source_read(struct provider *p, const char *name, const struct value *config,
                               struct diags *d)
{
    const struct data_source_type *t = lookup(p, name, d);
    if (!t)
        return NULL;
    if (!t->read) {
        diag_error(d, "Not implemented", "xacct: %s cannot be read yet.", t->name);
        return NULL;
    }
    const struct schema_block *b = &t->schema->block;
    struct value *out = NULL;
    struct read_call c = {.t = t, .model = model_new(b, config, d), .d = d};
    if (c.model && provider_with_meta(p, read_with_meta, &c, d) && c.ok &&
        !diags_has_error(d))
        out = model_encode(b, c.model, d);
    model_free(b, c.model);
    if (out && !wholly_known(t, out, d)) {
        value_free(out);
        out = NULL;
    }
    return out;
}
