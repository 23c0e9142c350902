/* tfproto/schema_rpcs.c - GetProviderSchema (v5: GetSchema), GetMetadata and
 * GetResourceIdentitySchemas: the schema tables (provider, resources, data sources) as the
 * protocol describes them.
 *
 * The schema never changes while the process lives, and its bytes are the same for both
 * protocol versions (call.h): it is built once and answered from those bytes.
 * When write-only attributes or nested attribute types are offered, Schema.Attribute
 * must be built per version: those fields have different numbers in tfplugin5 and 6.
 */
#include <pthread.h>

#include "core/data_source.h"
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
    caps->get_provider_schema_optional = false;
    caps->move_resource_state = true;
    return caps;
}

static enum xa_status build_schema(struct provider *p, struct xbuf *out)
{
    const struct provider_type *pt = provider_get_type(p);
    Tfplugin6__GetProviderSchema__Response rs = TFPLUGIN6__GET_PROVIDER_SCHEMA__RESPONSE__INIT;
    struct tfproto_call c;
    tfproto_call_init(&c);
    Tfplugin6__GetProviderSchema__Response__ResourceSchemasEntry **entries =
        tfproto_alloc(&c.a, (pt->nresources + 1) * sizeof *entries);
    rs.server_capabilities = capabilities(&c);
    rs.provider = schema_to_pb(&c, pt->schema);
    for (size_t i = 0; entries && i < pt->nresources; i++) {
        entries[i] = tfproto_alloc(&c.a, sizeof *entries[i]);
        if (!entries[i])
            break;
        tfplugin6__get_provider_schema__response__resource_schemas_entry__init(entries[i]);
        entries[i]->key = tfproto_strdup(&c.a, pt->resources[i]->name);
        entries[i]->value = schema_to_pb(&c, pt->resources[i]->schema);
        if (!entries[i]->value)
            c.a.failed = true;
    }
    rs.n_resource_schemas = entries ? pt->nresources : 0;
    rs.resource_schemas = entries;
    Tfplugin6__GetProviderSchema__Response__DataSourceSchemasEntry **ds =
        tfproto_alloc(&c.a, (pt->ndata_sources + 1) * sizeof *ds);
    for (size_t i = 0; ds && i < pt->ndata_sources; i++) {
        if (!(ds[i] = tfproto_alloc(&c.a, sizeof *ds[i])))
            break;
        tfplugin6__get_provider_schema__response__data_source_schemas_entry__init(ds[i]);
        ds[i]->key = tfproto_strdup(&c.a, pt->data_sources[i]->name);
        if (!(ds[i]->value = schema_to_pb(&c, pt->data_sources[i]->schema)))
            c.a.failed = true;
    }
    rs.n_data_source_schemas = ds ? pt->ndata_sources : 0;
    rs.data_source_schemas = ds;
    if (!rs.provider || !rs.server_capabilities)
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
    Tfplugin6__GetMetadata__ResourceMetadata **res =
        tfproto_alloc(&c.a, (pt->nresources + 1) * sizeof *res);
    for (size_t i = 0; res && i < pt->nresources; i++) {
        if (!(res[i] = tfproto_alloc(&c.a, sizeof *res[i])))
            break;
        tfplugin6__get_metadata__resource_metadata__init(res[i]);
        res[i]->type_name = tfproto_strdup(&c.a, pt->resources[i]->name);
    }
    rs.n_resources = res ? pt->nresources : 0;
    rs.resources = res;
    Tfplugin6__GetMetadata__DataSourceMetadata **ds =
        tfproto_alloc(&c.a, (pt->ndata_sources + 1) * sizeof *ds);
    for (size_t i = 0; ds && i < pt->ndata_sources; i++) {
        if (!(ds[i] = tfproto_alloc(&c.a, sizeof *ds[i])))
            break;
        tfplugin6__get_metadata__data_source_metadata__init(ds[i]);
        ds[i]->type_name = tfproto_strdup(&c.a, pt->data_sources[i]->name);
    }
    rs.n_data_sources = ds ? pt->ndata_sources : 0;
    rs.data_sources = ds;
    return tfproto_call_finish(&c, &rs.base, out);
}

enum xa_status tfproto_get_identity_schemas(struct provider *p, const uint8_t *req, size_t len,
                                            struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__get_resource_identity_schemas__request__descriptor,
                              req, len);
    Tfplugin6__GetResourceIdentitySchemas__Response rs =
        TFPLUGIN6__GET_RESOURCE_IDENTITY_SCHEMAS__RESPONSE__INIT;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    return tfproto_call_finish(&c, &rs.base, out);
}
