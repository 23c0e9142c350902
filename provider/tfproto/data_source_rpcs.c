/* tfproto/data_source_rpcs.c - ValidateDataResourceConfig (v5: ValidateDataSourceConfig)
 * and ReadDataSource, for both protocol versions (call.h), on the data source types of
 * core/data_source.h. The schemas are GetProviderSchema's (schema_rpcs.c).
 *
 * Rules as for resources (resource_rpcs.c): a request that does not decode returns
 * XA_EINVAL; everything else answers OK with diagnostics; the state is msgpack.
 */
#include "core/data_source.h"
#include "core/schema.h"
#include "tfproto/handlers.h"

/* The data source type and its value type, or NULL with an error diagnostic. */
static const struct data_source_type *data_source_or_diag(struct provider *p, const char *name,
                                                          const struct type **t, struct diags *d)
{
    const struct data_source_type *ds = data_source_find(p, name);
    *t = ds ? schema_implied_type(&ds->schema->block) : NULL;
    if (!ds)
        diag_error(d, "Unknown data source type",
                   "The xacct provider has no data source \"%s\"; check the data block's type.",
                   name ? name : "");
    else if (!*t)
        diag_error(d, "Out of memory", "The provider could not build the type of %s.", name);
    return *t ? ds : NULL;
}

enum xa_status tfproto_validate_data_resource(struct provider *p, const uint8_t *req, size_t len,
                                              struct xbuf *out)
{
    Tfplugin6__ValidateDataResourceConfig__Request *rq =
        tfproto_unpack(&tfplugin6__validate_data_resource_config__request__descriptor, req, len);
    Tfplugin6__ValidateDataResourceConfig__Response rs =
        TFPLUGIN6__VALIDATE_DATA_RESOURCE_CONFIG__RESPONSE__INIT;
    struct tfproto_call c;
    const struct type *t;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct data_source_type *ds = data_source_or_diag(p, rq->type_name, &t, &c.d);
    struct value *v = ds ? tfproto_dv_decode(rq->config, t, "data source configuration", &c.d)
                         : NULL;
    if (v)
        data_source_validate(p, rq->type_name, v, &c.d);
    value_free(v);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}

enum xa_status tfproto_read_data_source(struct provider *p, const uint8_t *req, size_t len,
                                        struct xbuf *out)
{
    Tfplugin6__ReadDataSource__Request *rq =
        tfproto_unpack(&tfplugin6__read_data_source__request__descriptor, req, len);
    Tfplugin6__ReadDataSource__Response rs = TFPLUGIN6__READ_DATA_SOURCE__RESPONSE__INIT;
    struct tfproto_call c;
    const struct type *t;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    const struct data_source_type *ds = data_source_or_diag(p, rq->type_name, &t, &c.d);
    struct value *config = ds ? tfproto_dv_decode(rq->config, t, "data source configuration",
                                                  &c.d)
                              : NULL;
    struct value *state = config ? data_source_read(p, rq->type_name, config, &c.d) : NULL;
    if (state)
        rs.state = tfproto_dv_encode(&c, state, t);
    value_free(state);
    value_free(config);
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    tfproto_unpacked_free(rq);
    return st;
}
