/* tests/support/xt_rpc.c - typed provider RPCs for tests (see xt.h).
 *
 * Requests are built with tfplugin6's protobuf-c structs for both protocols: the messages
 * used here have the same field numbers in tfplugin5, only some method names differ
 * (xt_method). Values are encoded to msgpack with core/codec.h against the provider's
 * schemas, read from the same xacct_provider_type the binary serves.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/data_source.h"
#include "core/provider.h"
#include "resources/registry.h"
#include "tests/support/xt.h"
#include "tests/support/xt_priv.h"
#include "tfplugin6.pb-c.h"
#include "util/alloc.h"

/* ---- results ------------------------------------------------------------------------- */

void xt_result_init(struct xt_result *r)
{
    memset(r, 0, sizeof *r);
    xbuf_init(&r->priv);
    xbuf_init(&r->raw);
}

void xt_result_cleanup(struct xt_result *r)
{
    for (size_t i = 0; i < r->ndiags; i++) {
        xa_free(r->diags[i].summary);
        xa_free(r->diags[i].detail);
        xa_free(r->diags[i].path);
    }
    xa_free(r->diags);
    for (size_t i = 0; i < r->nrequires_replace; i++)
        xa_free(r->requires_replace[i]);
    xa_free(r->requires_replace);
    value_free(r->value);
    value_free(r->identity);
    xbuf_cleanup(&r->priv);
    xbuf_cleanup(&r->raw);
    xt_result_init(r);
}

bool xt_has_error(const struct xt_result *r)
{
    if (r->status != 0)
        return true;
    for (size_t i = 0; i < r->ndiags; i++)
        if (r->diags[i].severity == 1)
            return true;
    return false;
}

const struct xt_diag *xt_find_diag(const struct xt_result *r, const char *needle)
{
    for (size_t i = 0; i < r->ndiags; i++) {
        const struct xt_diag *d = &r->diags[i];
        if (d->severity == 1 && (strstr(d->summary, needle) || strstr(d->detail, needle)))
            return d;
    }
    return NULL;
}

struct value *xt_take_value(struct xt_result *r)
{
    struct value *v = r->value;
    r->value = NULL;
    r->has_value = false;
    return v;
}

void xt_print_diags(const struct xt_result *r)
{
    fprintf(stderr, "  status %d, %zu diagnostics\n", r->status, r->ndiags);
    for (size_t i = 0; i < r->ndiags; i++)
        fprintf(stderr, "  [%s] %s: %s (at %s)\n", r->diags[i].severity == 1 ? "error" : "warning",
                r->diags[i].summary, r->diags[i].detail,
                r->diags[i].path ? r->diags[i].path : "-");
}

static char *path_string(const Tfplugin6__AttributePath *ap)
{
    struct xbuf b;
    xbuf_init(&b);
    for (size_t i = 0; ap && i < ap->n_steps; i++) {
        const Tfplugin6__AttributePath__Step *s = ap->steps[i];
        switch (s->selector_case) {
        case TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ATTRIBUTE_NAME:
            xbuf_appendf(&b, "%s%s", i ? "." : "", s->attribute_name);
            break;
        case TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ELEMENT_KEY_STRING:
            xbuf_appendf(&b, "[\"%s\"]", s->element_key_string);
            break;
        case TFPLUGIN6__ATTRIBUTE_PATH__STEP__SELECTOR_ELEMENT_KEY_INT:
            xbuf_appendf(&b, "[%lld]", (long long)s->element_key_int);
            break;
        default:
            break;
        }
    }
    return xbuf_take(&b);
}

void xt_take_diags(struct xt_result *r, Tfplugin6__Diagnostic **d, size_t n)
{
    if (!n)
        return;
    r->diags = xa_calloc(n, sizeof *r->diags);
    if (!r->diags)
        return;
    for (size_t i = 0; i < n; i++) {
        r->diags[i].severity = (int)d[i]->severity;
        r->diags[i].summary = xa_strdup(d[i]->summary);
        r->diags[i].detail = xa_strdup(d[i]->detail);
        r->diags[i].path = d[i]->attribute ? path_string(d[i]->attribute) : NULL;
    }
    r->ndiags = n;
}

void xt_take_pb_value(struct xt_result *r, const Tfplugin6__DynamicValue *dv, const struct type *t)
{
    struct diags d;
    if (!dv || !t)
        return;
    diags_init(&d);
    r->value = dv->msgpack.len ? codec_msgpack_decode(dv->msgpack.data, dv->msgpack.len, t, &d)
                               : value_new_null(t);
    r->has_value = r->value != NULL;
    diags_cleanup(&d);
}

/* ---- types ------------------------------------------------------------------------------ */

const struct type *xt_provider_config_type(void)
{
    return schema_implied_type(&xacct_provider_type.schema->block);
}

const struct type *xt_resource_type(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (!strcmp(xacct_provider_type.resources[i]->name, type_name))
            return schema_implied_type(&xacct_provider_type.resources[i]->schema->block);
    return NULL;
}

const struct type *xt_data_source_type(const char *type_name)
{
    for (size_t i = 0; i < xacct_provider_type.ndata_sources; i++)
        if (!strcmp(xacct_provider_type.data_sources[i]->name, type_name))
            return schema_implied_type(&xacct_provider_type.data_sources[i]->schema->block);
    return NULL;
}

struct value *xt_object(const struct type *t, ...)
{
    va_list ap;
    struct value *obj = value_new_object(t);
    va_start(ap, t);
    for (const char *name = va_arg(ap, const char *); name; name = va_arg(ap, const char *)) {
        struct value *v = va_arg(ap, struct value *);
        if (obj && !value_object_set(obj, name, v)) {
            fprintf(stderr, "xt_object: cannot set %s\n", name);
            value_free(obj);
            obj = NULL;
        }
    }
    va_end(ap);
    return obj;
}

/* ---- encoding helpers ------------------------------------------------------------------- */

/* A DynamicValue holding msgpack of v (NULL = null); bytes live in *store. */
bool xt_dv_set(Tfplugin6__DynamicValue *dv, const struct value *v, const struct type *t,
                   struct xbuf *store)
{
    tfplugin6__dynamic_value__init(dv);
    xbuf_init(store);
    enum xa_status st = v ? codec_msgpack_encode(v, t, store) : xbuf_append_char(store, (char)0xc0);
    dv->msgpack.data = (uint8_t *)store->data;
    dv->msgpack.len = store->len;
    return st == XA_OK;
}

int xt_send(struct xt_provider *p, const char *v6_name, const ProtobufCMessage *m,
                    struct xt_result *r)
{
    char method[128];
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = xa_malloc(n + 1);
    xt_result_cleanup(r);
    if (!buf)
        return r->status = 8;
    protobuf_c_message_pack(m, buf);
    r->status = xt_call(p, xt_method(p, v6_name, method, sizeof method), buf, n, &r->raw);
    xa_free(buf);
    return r->status;
}

#define UNPACK(desc, r) protobuf_c_message_unpack(&desc, NULL, (r)->raw.len, (const uint8_t *)(r)->raw.data)

/* ---- RPCs -------------------------------------------------------------------------------- */

int xt_get_schema(struct xt_provider *p, struct xt_result *r)
{
    Tfplugin6__GetProviderSchema__Request rq = TFPLUGIN6__GET_PROVIDER_SCHEMA__REQUEST__INIT;
    if (xt_send(p, "GetProviderSchema", &rq.base, r) == 0) {
        Tfplugin6__GetProviderSchema__Response *rs =
            (void *)UNPACK(tfplugin6__get_provider_schema__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

static int config_call(struct xt_provider *p, const char *name, const struct value *config,
                       struct xt_result *r)
{
    const struct type *t = xt_provider_config_type();
    struct xbuf store;
    Tfplugin6__DynamicValue dv;
    xt_dv_set(&dv, config, t, &store);
    if (!strcmp(name, "ConfigureProvider")) {
        Tfplugin6__ConfigureProvider__Request rq = TFPLUGIN6__CONFIGURE_PROVIDER__REQUEST__INIT;
        rq.terraform_version = "1.15.9";
        rq.config = &dv;
        xt_send(p, name, &rq.base, r);
    } else {
        Tfplugin6__ValidateProviderConfig__Request rq =
            TFPLUGIN6__VALIDATE_PROVIDER_CONFIG__REQUEST__INIT;
        rq.config = &dv;
        xt_send(p, name, &rq.base, r);
    }
    xbuf_cleanup(&store);
    if (r->status != 0)
        return r->status;
    /* Both answers carry diagnostics as field 2 (validate) or 1 (configure); v5's
     * PrepareProviderConfig adds prepared_config as field 1. */
    if (!strcmp(name, "ConfigureProvider")) {
        Tfplugin6__ConfigureProvider__Response *rs =
            (void *)UNPACK(tfplugin6__configure_provider__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    } else {
        Tfplugin6__UpgradeResourceState__Response *rs =   /* same shape: value=1, diags=2 */
            (void *)UNPACK(tfplugin6__upgrade_resource_state__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->upgraded_state, t);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

int xt_validate_provider(struct xt_provider *p, const struct value *config, struct xt_result *r)
{
    return config_call(p, "ValidateProviderConfig", config, r);
}

int xt_configure(struct xt_provider *p, const struct value *config, struct xt_result *r)
{
    return config_call(p, "ConfigureProvider", config, r);
}

static int validate_raw(struct xt_provider *p, const char *type, const uint8_t *mp, size_t len,
                        struct xt_result *r)
{
    Tfplugin6__ValidateResourceConfig__Request rq = TFPLUGIN6__VALIDATE_RESOURCE_CONFIG__REQUEST__INIT;
    Tfplugin6__DynamicValue dv = TFPLUGIN6__DYNAMIC_VALUE__INIT;
    dv.msgpack.data = (uint8_t *)mp;
    dv.msgpack.len = len;
    rq.type_name = (char *)type;
    rq.config = &dv;
    if (xt_send(p, "ValidateResourceConfig", &rq.base, r) == 0) {
        Tfplugin6__ValidateResourceConfig__Response *rs =
            (void *)UNPACK(tfplugin6__validate_resource_config__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

int xt_validate_resource_msgpack(struct xt_provider *p, const char *type, const void *msgpack,
                                 size_t len, struct xt_result *r)
{
    return validate_raw(p, type, msgpack, len, r);
}

int xt_validate_resource(struct xt_provider *p, const char *type, const struct value *config,
                         struct xt_result *r)
{
    struct xbuf store;
    Tfplugin6__DynamicValue dv;
    const struct type *t = xt_resource_type(type);
    xt_dv_set(&dv, config, t ? t : &type_dynamic, &store);
    validate_raw(p, type, dv.msgpack.data, dv.msgpack.len, r);
    xbuf_cleanup(&store);
    return r->status;
}

int xt_plan(struct xt_provider *p, const char *type, const struct value *prior,
            const struct value *proposed, const struct value *config,
            const struct xbuf *prior_private, struct xt_result *r)
{
    const struct type *t = xt_resource_type(type);
    Tfplugin6__PlanResourceChange__Request rq = TFPLUGIN6__PLAN_RESOURCE_CHANGE__REQUEST__INIT;
    Tfplugin6__DynamicValue dprior, dprop, dconf;
    struct xbuf s1, s2, s3;
    xt_dv_set(&dprior, prior, t, &s1);
    xt_dv_set(&dprop, proposed, t, &s2);
    xt_dv_set(&dconf, config, t, &s3);
    rq.type_name = (char *)type;
    rq.prior_state = &dprior;
    rq.proposed_new_state = &dprop;
    rq.config = &dconf;
    if (prior_private && prior_private->len) {
        rq.prior_private.data = (uint8_t *)prior_private->data;
        rq.prior_private.len = prior_private->len;
    }
    if (xt_send(p, "PlanResourceChange", &rq.base, r) == 0) {
        Tfplugin6__PlanResourceChange__Response *rs =
            (void *)UNPACK(tfplugin6__plan_resource_change__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->planned_state, t);
            xt_take_identity(r, type, rs->planned_identity);
            xbuf_append(&r->priv, rs->planned_private.data, rs->planned_private.len);
            r->requires_replace = xa_calloc(rs->n_requires_replace + 1, sizeof(char *));
            for (size_t i = 0; r->requires_replace && i < rs->n_requires_replace; i++)
                r->requires_replace[r->nrequires_replace++] = path_string(rs->requires_replace[i]);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&s1);
    xbuf_cleanup(&s2);
    xbuf_cleanup(&s3);
    return r->status;
}

int xt_apply(struct xt_provider *p, const char *type, const struct value *prior,
             const struct value *planned, const struct value *config,
             const struct xbuf *planned_private, struct xt_result *r)
{
    const struct type *t = xt_resource_type(type);
    Tfplugin6__ApplyResourceChange__Request rq = TFPLUGIN6__APPLY_RESOURCE_CHANGE__REQUEST__INIT;
    Tfplugin6__DynamicValue dprior, dplan, dconf;
    struct xbuf s1, s2, s3;
    xt_dv_set(&dprior, prior, t, &s1);
    xt_dv_set(&dplan, planned, t, &s2);
    xt_dv_set(&dconf, config, t, &s3);
    rq.type_name = (char *)type;
    rq.prior_state = &dprior;
    rq.planned_state = &dplan;
    rq.config = &dconf;
    if (planned_private && planned_private->len) {
        rq.planned_private.data = (uint8_t *)planned_private->data;
        rq.planned_private.len = planned_private->len;
    }
    if (xt_send(p, "ApplyResourceChange", &rq.base, r) == 0) {
        Tfplugin6__ApplyResourceChange__Response *rs =
            (void *)UNPACK(tfplugin6__apply_resource_change__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->new_state, t);
            xt_take_identity(r, type, rs->new_identity);
            xbuf_append(&r->priv, rs->private_.data, rs->private_.len);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&s1);
    xbuf_cleanup(&s2);
    xbuf_cleanup(&s3);
    return r->status;
}

int xt_read(struct xt_provider *p, const char *type, const struct value *state,
            const struct xbuf *priv, struct xt_result *r)
{
    const struct type *t = xt_resource_type(type);
    Tfplugin6__ReadResource__Request rq = TFPLUGIN6__READ_RESOURCE__REQUEST__INIT;
    Tfplugin6__DynamicValue dstate;
    struct xbuf s1;
    xt_dv_set(&dstate, state, t, &s1);
    rq.type_name = (char *)type;
    rq.current_state = &dstate;
    if (priv && priv->len) {
        rq.private_.data = (uint8_t *)priv->data;
        rq.private_.len = priv->len;
    }
    if (xt_send(p, "ReadResource", &rq.base, r) == 0) {
        Tfplugin6__ReadResource__Response *rs =
            (void *)UNPACK(tfplugin6__read_resource__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->new_state, t);
            xt_take_identity(r, type, rs->new_identity);
            xbuf_append(&r->priv, rs->private_.data, rs->private_.len);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&s1);
    return r->status;
}

int xt_import(struct xt_provider *p, const char *type, const char *id, struct xt_result *r)
{
    const struct type *t = xt_resource_type(type);
    Tfplugin6__ImportResourceState__Request rq = TFPLUGIN6__IMPORT_RESOURCE_STATE__REQUEST__INIT;
    rq.type_name = (char *)type;
    rq.id = (char *)id;
    if (xt_send(p, "ImportResourceState", &rq.base, r) == 0) {
        Tfplugin6__ImportResourceState__Response *rs =
            (void *)UNPACK(tfplugin6__import_resource_state__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            if (rs->n_imported_resources) {
                xt_take_pb_value(r, rs->imported_resources[0]->state, t);
                xt_take_identity(r, type, rs->imported_resources[0]->identity);
                xbuf_append(&r->priv, rs->imported_resources[0]->private_.data,
                            rs->imported_resources[0]->private_.len);
            }
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

int xt_upgrade(struct xt_provider *p, const char *type, int64_t version, const char *json,
               struct xt_result *r)
{
    const struct type *t = xt_resource_type(type);
    Tfplugin6__UpgradeResourceState__Request rq = TFPLUGIN6__UPGRADE_RESOURCE_STATE__REQUEST__INIT;
    Tfplugin6__RawState raw = TFPLUGIN6__RAW_STATE__INIT;
    raw.json.data = (uint8_t *)json;
    raw.json.len = json ? strlen(json) : 0;
    rq.type_name = (char *)type;
    rq.version = version;
    rq.raw_state = &raw;
    if (xt_send(p, "UpgradeResourceState", &rq.base, r) == 0) {
        Tfplugin6__UpgradeResourceState__Response *rs =
            (void *)UNPACK(tfplugin6__upgrade_resource_state__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->upgraded_state, t);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    return r->status;
}

int xt_stop_provider(struct xt_provider *p, struct xt_result *r)
{
    Tfplugin6__StopProvider__Request rq = TFPLUGIN6__STOP_PROVIDER__REQUEST__INIT;
    return xt_send(p, "StopProvider", &rq.base, r);
}

int xt_validate_data_source(struct xt_provider *p, const char *type, const struct value *config,
                            struct xt_result *r)
{
    Tfplugin6__ValidateDataResourceConfig__Request rq =
        TFPLUGIN6__VALIDATE_DATA_RESOURCE_CONFIG__REQUEST__INIT;
    Tfplugin6__DynamicValue dconfig;
    struct xbuf s1;
    xt_dv_set(&dconfig, config, xt_data_source_type(type), &s1);
    rq.type_name = (char *)type;
    rq.config = &dconfig;
    if (xt_send(p, "ValidateDataResourceConfig", &rq.base, r) == 0) {
        Tfplugin6__ValidateDataResourceConfig__Response *rs =
            (void *)UNPACK(tfplugin6__validate_data_resource_config__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&s1);
    return r->status;
}

int xt_read_data_source(struct xt_provider *p, const char *type, const struct value *config,
                        struct xt_result *r)
{
    const struct type *t = xt_data_source_type(type);
    Tfplugin6__ReadDataSource__Request rq = TFPLUGIN6__READ_DATA_SOURCE__REQUEST__INIT;
    Tfplugin6__DynamicValue dconfig;
    struct xbuf s1;
    xt_dv_set(&dconfig, config, t, &s1);
    rq.type_name = (char *)type;
    rq.config = &dconfig;
    if (xt_send(p, "ReadDataSource", &rq.base, r) == 0) {
        Tfplugin6__ReadDataSource__Response *rs =
            (void *)UNPACK(tfplugin6__read_data_source__response__descriptor, r);
        if (rs) {
            xt_take_diags(r, rs->diagnostics, rs->n_diagnostics);
            xt_take_pb_value(r, rs->state, t);
            protobuf_c_message_free_unpacked(&rs->base, NULL);
        }
    }
    xbuf_cleanup(&s1);
    return r->status;
}
