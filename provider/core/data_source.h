/* core/data_source.h - the interface a data source type fills in, and the calls that
 * serve it (ValidateDataResourceConfig, ReadDataSource).
 *
 * The C shape of terraform-plugin-framework's data source: a schema whose block declares
 * the size of a typed model (core/model.h) and lifecycle functions on that model, as
 * resources do (core/resource.h). Core decodes the configuration into a model, the read
 * function fills the computed fields of a model that starts as the configuration, and
 * core encodes it and checks that every value is known. Data source types are listed in
 * the provider type beside resource types (core/provider.h); a table of this kind can gain
 * the other tables' slots (identity, list, ...) the way resource types do.
 * Ownership: models passed in are borrowed; core frees them after the call.
 */
#ifndef XA_CORE_DATA_SOURCE_H
#define XA_CORE_DATA_SOURCE_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/schema.h"
#include "core/value.h"

/* Config alone (fields may be unknown): static checks beyond the schema validators. */
typedef void (*data_source_validate_fn)(const void *config, struct diags *d);
/* Read: *state holds the configuration on entry (every value known: Terraform reads a
 * data source only then) and the result on return, every field known (null allowed).
 * false, with an error diagnostic, when there is no answer. */
typedef bool (*data_source_read_fn)(void *meta, void *state, struct diags *d);

struct data_source_type {
    const char *name;
    const struct schema *schema;    /* schema->block.model_size: the model struct's size */
    data_source_validate_fn validate;
    data_source_read_fn read;
};

struct provider;

/* The data source type of that name, or NULL. */
const struct data_source_type *data_source_find(const struct provider *p, const char *name);
/* ValidateDataResourceConfig: the schema's validators, then the type's validate. An
 * unknown type is an error diagnostic naming it. */
void data_source_validate(struct provider *p, const char *name, const struct value *config,
                          struct diags *d);
/* ReadDataSource: the new state (caller frees), or NULL with error diagnostics. */
struct value *data_source_read(struct provider *p, const char *name, const struct value *config,
                               struct diags *d);

#endif
