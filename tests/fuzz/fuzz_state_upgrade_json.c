/* tests/fuzz/fuzz_state_upgrade_json.c - UpgradeResourceState's raw JSON path.
 *
 * Runs provider_upgrade_resource on the input for a resource type with nested list, set
 * and single blocks, at the current schema version (decode with removed attributes
 * dropped) and at an older one (the resource's upgrade function, which decodes the JSON
 * into the resource's typed model, which core encodes). The first input byte picks the version. Whatever
 * decodes must be a known object of the current type or null, with no error; failures
 * must come with an error diagnostic.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/codec.h"
#include "core/model.h"
#include "core/provider.h"

struct role_model {
    struct model_string external_id, role_arn;
    struct model_string_map tags;
};
struct fuzz_model {
    struct model_string id;
    struct model_strings names;
    struct model_int64 timeout;
    MODEL_BLOCKS(struct role_model) assume_role, grant, single;
};
#define RF(m) MODEL_FIELD(struct role_model, m)
#define FF(m) MODEL_FIELD(struct fuzz_model, m)

static const struct schema_attribute role_attrs[] = {
    {.name = "external_id", .type = &type_string, .flags = ATTR_COMPUTED, .field = RF(external_id)},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_REQUIRED, .field = RF(role_arn)},
    {.name = "tags", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = RF(tags)},
};
static const struct schema_block role_block = {.attrs = role_attrs, .nattrs = 3,
                                               .model_size = sizeof(struct role_model)};
static const struct schema_attribute attrs[] = {
    {.name = "id", .type = &type_string, .flags = ATTR_COMPUTED, .field = FF(id)},
    {.name = "names", .type = &type_set_string, .flags = ATTR_OPTIONAL, .field = FF(names)},
    {.name = "timeout", .type = &type_number, .flags = ATTR_OPTIONAL, .field = FF(timeout)},
};
static const struct schema_nested_block blocks[] = {
    {.name = "assume_role", .nesting = NEST_LIST, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct fuzz_model, assume_role)},
    {.name = "grant", .nesting = NEST_SET, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct fuzz_model, grant)},
    {.name = "single", .nesting = NEST_SINGLE, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct fuzz_model, single)},
};
static const struct schema sch = {
    .version = 1,
    .block = {.attrs = attrs, .nattrs = 3, .blocks = blocks, .nblocks = 3,
              .model_size = sizeof(struct fuzz_model)},
};

/* Version 0 stored "timeout" as a string; the JSON decoder converts it as go-cty does.
 * The older shape goes through the typed model (core/model.h) and back. */
static bool upgrade(int64_t version, const char *json, size_t len, void *state, struct diags *d)
{
    enum xa_status st = model_from_json(&sch.block, json, len, state, d);
    if (st == XA_EINVAL)
        diag_error(d, "Not an object", "The stored state is not a JSON object.");
    return st == XA_OK;
}

static const struct resource_type res = {.name = "xacct_fuzz", .schema = &sch,
                                         .upgrade = upgrade};
static const struct resource_type *const list[] = {&res};
static const struct provider_type ptype = {.name = "xacct", .resources = list, .nresources = 1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static struct provider *p;
    if (!p)
        p = provider_new(&ptype);
    struct diags d;
    diags_init(&d);
    int64_t version = data[0] % 3;   /* 0 older, 1 current, 2 newer */
    struct value *v = provider_upgrade_resource(p, "xacct_fuzz", version,
                                                (const char *)data + 1, size - 1, &d);
    if (v && diags_has_error(&d))
        abort();
    if (!v && !diags_has_error(&d))
        abort();
    if (v && !value_is_null(v) && !type_equal(value_type(v), schema_implied_type(&sch.block)))
        abort();
    value_free(v);
    diags_cleanup(&d);
    return 0;
}
