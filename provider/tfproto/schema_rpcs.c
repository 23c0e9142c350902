/* tfproto/schema_rpcs.c - GetProviderSchema (v5: GetSchema) and GetMetadata: the schema
 * tables as the protocol describes them - the provider block, resource types, data
 * sources, list resources, actions and functions (function_rpcs.c builds those) - and the
 * server capabilities. Identity schemas are identity_rpcs.c's.
 *
 * The schema never changes while the process lives, and its bytes are the same for both
 * protocol versions (call.h): it is built once and answered from those bytes.
 * When write-only attributes or nested attribute types are offered, Schema.Attribute
 * must be built per version: those fields have different numbers in tfplugin5 and 6.
 */
#include <pthread.h>

#include "core/action.h"
#include "core/data_source.h"
#include "core/function.h"
#include "core/list_resource.h"
#include "core/provider.h"
#include "core/schema.h"
#include "tfproto/handlers.h"

static Tfplugin6__Schema__Block *block_to_pb(struct tfproto_call *c, const struct schema_block *b,
                                             int64_t version);

static Tfplugin6__Schema__Attribute *attr_to_pb(struct tfproto_call *c,
                                                const struct schema_attribute *in)
{
    Tfplugin6__Schema__Attribute *a = tfproto_alloc(&c->a, sizeof *a);
    if (!a)
        return NULL;
    tfplugin6__schema__attribute__init(a);
    a->name = tfproto_strdup(&c->a, in->name);
    a->description = tfproto_strdup(&c->a, in->description);
    a->description_kind = TFPLUGIN6__STRING_KIND__MARKDOWN;
    a->required = (in->flags & ATTR_REQUIRED) != 0;
    a->optional = (in->flags & ATTR_OPTIONAL) != 0;
    a->computed = (in->flags & ATTR_COMPUTED) != 0;
    a->sensitive = (in->flags & ATTR_SENSITIVE) != 0;
    a->deprecated = (in->flags & ATTR_DEPRECATED) != 0;
    if (!tfproto_type_json(in->type, &c->a, &a->type))
        return NULL;
    return a;
}

static Tfplugin6__Schema__NestedBlock *nested_to_pb(struct tfproto_call *c,
                                                    const struct schema_nested_block *in)
{
    Tfplugin6__Schema__NestedBlock *nb = tfproto_alloc(&c->a, sizeof *nb);
    if (!nb)
        return NULL;
    tfplugin6__schema__nested_block__init(nb);
    nb->type_name = tfproto_strdup(&c->a, in->name);
    /* core's enum block_nesting uses the protocol's numbers (SINGLE=1 ... GROUP=5). */
    nb->nesting = (Tfplugin6__Schema__NestedBlock__NestingMode)in->nesting;
    nb->min_items = in->min_items;
    nb->max_items = in->max_items;
    nb->block = block_to_pb(c, in->block, 0);
    return nb->block ? nb : NULL;
}

static Tfplugin6__Schema__Block *block_to_pb(struct tfproto_call *c, const struct schema_block *b,
                                             int64_t version)
{
    Tfplugin6__Schema__Block *pb = tfproto_alloc(&c->a, sizeof *pb);
    Tfplugin6__Schema__Attribute **attrs = tfproto_alloc(&c->a, (b->nattrs + 1) * sizeof *attrs);
    Tfplugin6__Schema__NestedBlock **blocks =
        tfproto_alloc(&c->a, (b->nblocks + 1) * sizeof *blocks);
    if (!pb || !attrs || !blocks)
        return NULL;
    tfplugin6__schema__block__init(pb);
    pb->version = version;
    pb->description = tfproto_strdup(&c->a, b->description);
    pb->description_kind = TFPLUGIN6__STRING_KIND__MARKDOWN;
    pb->deprecated = b->deprecated;
    for (size_t i = 0; i < b->nattrs; i++)
        if (!(attrs[i] = attr_to_pb(c, &b->attrs[i])))
            return NULL;
    for (size_t i = 0; i < b->nblocks; i++)
        if (!(blocks[i] = nested_to_pb(c, &b->blocks[i])))
            return NULL;
    pb->n_attributes = b->nattrs;
    pb->attributes = attrs;
    pb->n_block_types = b->nblocks;
    pb->block_types = blocks;
    return pb;
}

static Tfplugin6__Schema *schema_to_pb(struct tfproto_call *c, const struct schema *s)
{
    Tfplugin6__Schema *pb = tfproto_alloc(&c->a, sizeof *pb);
    if (!pb)
        return NULL;
    tfplugin6__schema__init(pb);
    pb->version = s->version;
    pb->block = block_to_pb(c, &s->block, s->version);
    return pb->block ? pb : NULL;
}

static Tfplugin6__ServerCapabilities *capabilities(struct tfproto_call *c)
{
    Tfplugin6__ServerCapabilities *caps = tfproto_alloc(&c->a, sizeof *caps);
    if (!caps)
        return NULL;
    tfplugin6__server_capabilities__init(caps);
    caps->plan_destroy = true;
    /* Nothing depends on the schema having been asked for first: Terraform may skip it
     * for every provider process after the first of a run. */
    caps->get_provider_schema_optional = true;
    caps->move_resource_state = true;
    caps->generate_resource_config = true;
    return caps;
}

/* One map entry {name: Schema} of every map of GetProviderSchema.Response: the map
 * entry types differ in name only. */
struct schema_entry {
    ProtobufCMessage base;
    char *key;
    Tfplugin6__Schema *value;
};

/* n named schemas as map entries (*count of them); NULL (and c->a.failed) on failure. */
static void *schema_map(struct tfproto_call *c, const ProtobufCMessageDescriptor *entry_desc,
                        const char *(*name)(const void *table, size_t i),
                        const struct schema *(*schema)(const void *table, size_t i),
                        const void *table, size_t n, size_t *count)
{
    struct schema_entry **entries = tfproto_alloc(&c->a, (n + 1) * sizeof *entries);
    for (size_t i = 0; entries && i < n; i++) {
        if (!(entries[i] = tfproto_alloc(&c->a, entry_desc->sizeof_message)))
            return NULL;
        protobuf_c_message_init(entry_desc, entries[i]);
        entries[i]->key = tfproto_strdup(&c->a, name(table, i));
        if (!(entries[i]->value = schema_to_pb(c, schema(table, i))))
            c->a.failed = true;
    }
    *count = entries ? n : 0;
    return entries;
}

static const char *resource_name(const void *t, size_t i)
{
    return ((const struct resource_type *const *)t)[i]->name;
}
static const struct schema *resource_schema(const void *t, size_t i)
{
    return ((const struct resource_type *const *)t)[i]->schema;
}
static const char *data_source_name(const void *t, size_t i)
{
    return ((const struct data_source_type *const *)t)[i]->name;
}
static const struct schema *data_source_schema(const void *t, size_t i)
{
    return ((const struct data_source_type *const *)t)[i]->schema;
}
static const char *list_name(const void *t, size_t i)
{
    return ((const struct list_resource_type *const *)t)[i]->name;
}
static const struct schema *list_schema(const void *t, size_t i)
{
    return ((const struct list_resource_type *const *)t)[i]->schema;
}

/* Actions: map<string, ActionSchema{schema}>. */
static Tfplugin6__GetProviderSchema__Response__ActionSchemasEntry **
action_map(struct tfproto_call *c, const struct provider_type *pt, size_t *count)
{
    Tfplugin6__GetProviderSchema__Response__ActionSchemasEntry **e =
        tfproto_alloc(&c->a, (pt->nactions + 1) * sizeof *e);
    for (size_t i = 0; e && i < pt->nactions; i++) {
        Tfplugin6__ActionSchema *as = tfproto_alloc(&c->a, sizeof *as);
        if (!as || !(e[i] = tfproto_alloc(&c->a, sizeof *e[i])))
            return NULL;
        tfplugin6__action_schema__init(as);
        tfplugin6__get_provider_schema__response__action_schemas_entry__init(e[i]);
        e[i]->key = tfproto_strdup(&c->a, pt->actions[i]->name);
        e[i]->value = as;
        if (!(as->schema = schema_to_pb(c, pt->actions[i]->schema)))
            c->a.failed = true;
    }
    *count = e ? pt->nactions : 0;
    return e;
}

static Tfplugin6__GetProviderSchema__Response__FunctionsEntry **
function_map(struct tfproto_call *c, struct provider *p, size_t *count)
{
    const struct provider_type *pt = provider_get_type(p);
    Tfplugin6__GetProviderSchema__Response__FunctionsEntry **e =
        tfproto_alloc(&c->a, (pt->nfunctions + 1) * sizeof *e);
    for (size_t i = 0; e && i < pt->nfunctions; i++) {
        if (!(e[i] = tfproto_alloc(&c->a, sizeof *e[i])))
            return NULL;
        tfplugin6__get_provider_schema__response__functions_entry__init(e[i]);
        e[i]->key = tfproto_strdup(&c->a, pt->functions[i]->name);
        if (!(e[i]->value = tfproto_function_to_pb(c, pt->functions[i])))
            c->a.failed = true;
    }
    *count = e ? pt->nfunctions : 0;
    return e;
}

static enum xa_status build_schema(struct provider *p, struct xbuf *out)
{
    const struct provider_type *pt = provider_get_type(p);
    Tfplugin6__GetProviderSchema__Response rs = TFPLUGIN6__GET_PROVIDER_SCHEMA__RESPONSE__INIT;
    struct tfproto_call c;
    tfproto_call_init(&c);
    rs.server_capabilities = capabilities(&c);
    rs.provider = schema_to_pb(&c, pt->schema);
    rs.resource_schemas = schema_map(
        &c, &tfplugin6__get_provider_schema__response__resource_schemas_entry__descriptor,
        resource_name, resource_schema, pt->resources, pt->nresources, &rs.n_resource_schemas);
    rs.data_source_schemas = schema_map(
        &c, &tfplugin6__get_provider_schema__response__data_source_schemas_entry__descriptor,
        data_source_name, data_source_schema, pt->data_sources, pt->ndata_sources,
        &rs.n_data_source_schemas);
    rs.list_resource_schemas = schema_map(
        &c, &tfplugin6__get_provider_schema__response__list_resource_schemas_entry__descriptor,
        list_name, list_schema, pt->list_resources, pt->nlist_resources,
        &rs.n_list_resource_schemas);
    rs.action_schemas = action_map(&c, pt, &rs.n_action_schemas);
    rs.functions = function_map(&c, p, &rs.n_functions);
    if (!rs.provider || !rs.server_capabilities || !rs.resource_schemas ||
        !rs.data_source_schemas || !rs.list_resource_schemas || !rs.action_schemas ||
        !rs.functions)
        c.a.failed = true;
    return tfproto_call_finish(&c, &rs.base, out);
}

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xbuf schema_bytes;
static bool schema_ready;

enum xa_status tfproto_get_provider_schema(struct provider *p, const uint8_t *req, size_t len,
                                           struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__get_provider_schema__request__descriptor, req, len);
    enum xa_status st = XA_OK;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    pthread_mutex_lock(&schema_lock);
    if (!schema_ready) {
        xbuf_init(&schema_bytes);
        st = build_schema(p, &schema_bytes);
        schema_ready = st == XA_OK;
        if (!schema_ready)
            xbuf_cleanup(&schema_bytes);
    }
    if (st == XA_OK)
        st = xbuf_append(out, schema_bytes.data, schema_bytes.len);
    pthread_mutex_unlock(&schema_lock);
    return st;
}

/* GetMetadata's lists: messages of one string field (type_name or name). */
struct name_entry {
    ProtobufCMessage base;
    char *name;
};

static void *name_list(struct tfproto_call *c, const ProtobufCMessageDescriptor *desc,
                       const char *(*name)(const void *table, size_t i), const void *table,
                       size_t n, size_t *count)
{
    struct name_entry **e = tfproto_alloc(&c->a, (n + 1) * sizeof *e);
    for (size_t i = 0; e && i < n; i++) {
        if (!(e[i] = tfproto_alloc(&c->a, desc->sizeof_message)))
            return NULL;
        protobuf_c_message_init(desc, e[i]);
        e[i]->name = tfproto_strdup(&c->a, name(table, i));
    }
    *count = e ? n : 0;
    return e;
}

static const char *function_name(const void *t, size_t i)
{
    return ((const struct function_type *const *)t)[i]->name;
}

/* Actions are left out: GetMetadata.Response.actions has another field number in
 * tfplugin5 (8) than in tfplugin6 (9), and Terraform never calls GetMetadata. */
enum xa_status tfproto_get_metadata(struct provider *p, const uint8_t *req, size_t len,
                                    struct xbuf *out)
{
    const struct provider_type *pt = provider_get_type(p);
    void *rq = tfproto_unpack(&tfplugin6__get_metadata__request__descriptor, req, len);
    Tfplugin6__GetMetadata__Response rs = TFPLUGIN6__GET_METADATA__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    rs.server_capabilities = capabilities(&c);
    rs.resources = name_list(&c, &tfplugin6__get_metadata__resource_metadata__descriptor,
                             resource_name, pt->resources, pt->nresources, &rs.n_resources);
    rs.data_sources = name_list(&c, &tfplugin6__get_metadata__data_source_metadata__descriptor,
                                data_source_name, pt->data_sources, pt->ndata_sources,
                                &rs.n_data_sources);
    rs.list_resources = name_list(&c, &tfplugin6__get_metadata__list_resource_metadata__descriptor,
                                  list_name, pt->list_resources, pt->nlist_resources,
                                  &rs.n_list_resources);
    rs.functions = name_list(&c, &tfplugin6__get_metadata__function_metadata__descriptor,
                             function_name, pt->functions, pt->nfunctions, &rs.n_functions);
    return tfproto_call_finish(&c, &rs.base, out);
}
