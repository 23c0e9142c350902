/* test_tfproto - tfproto/ without a network: method tables, every handler's answer to an
 * empty and to an undecodable request, the schema answer, DynamicValue decoding rules,
 * private bytes passing through, and survival of allocation failures. Also the fact the
 * shared handlers stand on: every message they read or write for tfplugin5 has the
 * tfplugin6 message's field numbers and types (tfproto/call.h), but for the fields listed
 * in v5_v6_differences, which xacct never sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/provider.h"
#include "resources/registry.h"
#include "tfplugin5.pb-c.h"
#include "tfplugin6.pb-c.h"
#include "tfproto/common.h"
#include "tfproto/tfproto.h"
#include "util/alloc.h"

static struct provider *prov;

static int setup(void **state)
{
    (void)state;
    prov = provider_new(&xacct_provider_type);
    return prov ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    provider_free(prov);
    return 0;
}

/* Handlers that may reach AWS with an empty request are left out of the sweeps. */
static bool may_call_aws(const char *path)
{
    return strstr(path, "Configure") || strstr(path, "ApplyResourceChange") ||
           strstr(path, "ReadResource") || strstr(path, "ImportResourceState");
}

static void tfproto_lookup_finds_every_method(void **state)
{
    (void)state;
    size_t n = 0;
    for (const struct tfproto_method *m = tfproto_v6_methods; m->path; m++, n++)
        assert_ptr_equal(tfproto_lookup(m->path, strlen(m->path)), m);
    for (const struct tfproto_method *m = tfproto_v5_methods; m->path; m++, n++)
        assert_ptr_equal(tfproto_lookup(m->path, strlen(m->path)), m);
    assert_true(n > 60);
    const char *v6 = "/tfplugin6.Provider/GetProviderSchema";
    const char *v5 = "/tfplugin5.Provider/GetSchema";
    assert_non_null(tfproto_lookup(v6, strlen(v6)));
    assert_non_null(tfproto_lookup(v5, strlen(v5)));
    assert_null(tfproto_lookup("/tfplugin5.Provider/GetProviderSchema", 37));
    assert_null(tfproto_lookup("/plugin.GRPCController/Shutdown", 31));
    assert_null(tfproto_lookup("/tfplugin6.Provider/GetProviderSchem", 36));
}

/* ---- tfplugin5 and tfplugin6 messages ----------------------------------------------- */

/* The fields that differ between the versions; xacct never sets them (write-only and
 * nested attributes, state stores), and the GetMetadata and schema answers it builds
 * leave them empty. A new difference fails the test until it is looked at. */
static const char *const v5_v6_differences[] = {
    "Schema.Attribute.nested_type", "Schema.Attribute.write_only",
    "Schema.Attribute.deprecation_message", "GetMetadata.Response.state_stores",
    "GetMetadata.Response.actions", "GetProviderSchema.Response.state_store_schemas",
    NULL,
};

struct compared {
    const ProtobufCMessageDescriptor *seen[256];
    size_t nseen;
    char differences[2048];
};

/* "tfplugin6.Schema.Attribute" -> "Schema.Attribute" */
static const char *short_name(const ProtobufCMessageDescriptor *d)
{
    const char *dot = strchr(d->name, '.');
    return dot ? dot + 1 : d->name;
}

static void note(struct compared *c, const ProtobufCMessageDescriptor *d, const char *field)
{
    char name[160];
    snprintf(name, sizeof name, "%s.%s", short_name(d), field);
    for (size_t i = 0; v5_v6_differences[i]; i++)
        if (strcmp(v5_v6_differences[i], name) == 0)
            return;
    size_t n = strlen(c->differences);
    snprintf(c->differences + n, sizeof c->differences - n, " %s", name);
}

static void compare_messages(struct compared *c, const ProtobufCMessageDescriptor *a,
                             const ProtobufCMessageDescriptor *b)
{
    for (size_t i = 0; i < c->nseen; i++)
        if (c->seen[i] == a)
            return;
    if (c->nseen < 256)
        c->seen[c->nseen++] = a;
    for (unsigned i = 0; i < a->n_fields; i++) {
        const ProtobufCFieldDescriptor *fa = &a->fields[i];
        const ProtobufCFieldDescriptor *fb = protobuf_c_message_descriptor_get_field(b, fa->id);
        if (!fb || fb->type != fa->type || fb->label != fa->label) {
            note(c, a, fa->name);
            continue;
        }
        if (fa->type == PROTOBUF_C_TYPE_MESSAGE)
            compare_messages(c, fa->descriptor, fb->descriptor);
        if (fa->type == PROTOBUF_C_TYPE_ENUM) {
            const ProtobufCEnumDescriptor *ea = fa->descriptor, *eb = fb->descriptor;
            for (unsigned k = 0; k < ea->n_values; k++)
                if (!protobuf_c_enum_descriptor_get_value(eb, ea->values[k].value))
                    note(c, a, fa->name);
        }
    }
    for (unsigned i = 0; i < b->n_fields; i++)
        if (!protobuf_c_message_descriptor_get_field(a, b->fields[i].id))
            note(c, b, b->fields[i].name);
}

static void tfproto_v5_messages_are_v6_messages_on_the_wire(void **state)
{
    (void)state;
    static const ProtobufCMessageDescriptor *const pairs[][2] = {
#define PAIR(v5, v6) {&tfplugin5__##v5##__descriptor, &tfplugin6__##v6##__descriptor}
#define BOTH(rpc, req, resp) PAIR(rpc##__##req, rpc##__##req), PAIR(rpc##__##resp, rpc##__##resp)
        BOTH(get_provider_schema, request, response),
        BOTH(get_resource_identity_schemas, request, response),
        PAIR(prepare_provider_config__request, validate_provider_config__request),
        PAIR(validate_resource_type_config__request, validate_resource_config__request),
        PAIR(validate_resource_type_config__response, validate_resource_config__response),
        PAIR(configure__request, configure_provider__request),
        PAIR(configure__response, configure_provider__response),
        PAIR(stop__request, stop_provider__request), PAIR(stop__response, stop_provider__response),
        BOTH(plan_resource_change, request, response),
        BOTH(apply_resource_change, request, response),
        BOTH(read_resource, request, response),
        BOTH(upgrade_resource_state, request, response),
        BOTH(import_resource_state, request, response),
        BOTH(move_resource_state, request, response),
        BOTH(get_metadata, request, response),
        PAIR(validate_data_source_config__request, validate_data_resource_config__request),
        PAIR(validate_data_source_config__response, validate_data_resource_config__response),
        BOTH(read_data_source, request, response),
        BOTH(upgrade_resource_identity, request, response),
        BOTH(generate_resource_config, request, response),
        BOTH(validate_ephemeral_resource_config, request, response),
        BOTH(open_ephemeral_resource, request, response),
        BOTH(renew_ephemeral_resource, request, response),
        BOTH(close_ephemeral_resource, request, response),
        BOTH(list_resource, request, event),
        BOTH(validate_list_resource_config, request, response),
        BOTH(get_functions, request, response),
        BOTH(call_function, request, response),
        BOTH(plan_action, request, response),
        BOTH(invoke_action, request, event),
        BOTH(validate_action_config, request, response),
#undef BOTH
#undef PAIR
    };
    struct compared c = {.nseen = 0};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        compare_messages(&c, pairs[i][0], pairs[i][1]);
    if (c.differences[0])
        fail_msg("tfplugin5 and tfplugin6 differ in:%s", c.differences);
}

/* A stream that keeps what a streaming handler sends: each message's length, then the
 * message, one after the other. */
struct kept_stream {
    struct tfproto_stream base;
    struct xbuf frames;
    size_t n;
};

static bool keep_message(struct tfproto_stream *s, const uint8_t *msg, size_t len)
{
    struct kept_stream *k = (struct kept_stream *)s;
    uint32_t n = (uint32_t)len;
    xbuf_append(&k->frames, &n, sizeof n);
    xbuf_append(&k->frames, msg, len);
    k->n++;
    return true;
}

static void kept_init(struct kept_stream *k)
{
    *k = (struct kept_stream){.base = {.send = keep_message}};
    xbuf_init(&k->frames);
}

/* The i-th message kept (its bytes point into k). */
static const uint8_t *kept_message(const struct kept_stream *k, size_t i, size_t *len)
{
    size_t at = 0;
    for (size_t j = 0; at < k->frames.len; j++) {
        uint32_t n;
        memcpy(&n, k->frames.data + at, sizeof n);
        if (j == i) {
            *len = n;
            return (const uint8_t *)k->frames.data + at + sizeof n;
        }
        at += sizeof n + n;
    }
    return NULL;
}

/* A method's answer to req: its one message, or every message it streams. */
static enum xa_status call_method(const struct tfproto_method *m, const uint8_t *req, size_t len,
                                  struct kept_stream *k)
{
    if (m->stream)
        return m->stream(prov, req, len, &k->base);
    struct xbuf out;
    xbuf_init(&out);
    enum xa_status st = m->fn(prov, req, len, &out);
    if (st == XA_OK)
        keep_message(&k->base, (const uint8_t *)out.data, out.len);
    xbuf_cleanup(&out);
    return st;
}

static void tfproto_handlers_answer_empty_and_reject_garbage(void **state)
{
    (void)state;
    const struct tfproto_method *tables[] = {tfproto_v6_methods, tfproto_v5_methods};
    for (size_t t = 0; t < 2; t++) {
        for (const struct tfproto_method *m = tables[t]; m->path; m++) {
            struct kept_stream k;
            kept_init(&k);
            assert_true((m->fn != NULL) != (m->stream != NULL));
            if (!may_call_aws(m->path)) {
                enum xa_status st = call_method(m, (const uint8_t *)"", 0, &k);
                if (st != XA_OK)
                    fail_msg("%s: empty request gave %s", m->path, xa_status_str(st));
                if (k.n == 0)
                    fail_msg("%s: empty request got no answer", m->path);
            }
            xbuf_clear(&k.frames);
            k.n = 0;
            /* Field 1 claims 100 bytes that are not there. */
            enum xa_status st = call_method(m, (const uint8_t *)"\x0a\x64\x01", 3, &k);
            if (st != XA_EINVAL || k.n != 0)
                fail_msg("%s: garbage gave %s", m->path, xa_status_str(st));
            xbuf_cleanup(&k.frames);
        }
    }
}

/* ListResource of an unknown type: one event, carrying the error; InvokeAction of an
 * unknown action: exactly one Completed event, carrying the error. */
static void tfproto_streams_end_with_diagnostics(void **state)
{
    (void)state;
    Tfplugin6__ListResource__Request lrq = TFPLUGIN6__LIST_RESOURCE__REQUEST__INIT;
    Tfplugin6__InvokeAction__Request irq = TFPLUGIN6__INVOKE_ACTION__REQUEST__INIT;
    lrq.type_name = "xacct_nothing";
    lrq.limit = 10;
    irq.action_type = "xacct_nothing";
    struct xbuf req;
    struct kept_stream k;
    size_t len = 0;
    xbuf_init(&req);
    kept_init(&k);
    assert_int_equal(tfproto_pack(&lrq.base, &req), XA_OK);
    const struct tfproto_method *m = tfproto_lookup("/tfplugin5.Provider/ListResource", 32);
    assert_int_equal(m->stream(prov, (uint8_t *)req.data, req.len, &k.base), XA_OK);
    assert_int_equal(k.n, 1);
    const uint8_t *msg = kept_message(&k, 0, &len);
    Tfplugin6__ListResource__Event *ev = (void *)protobuf_c_message_unpack(
        &tfplugin6__list_resource__event__descriptor, NULL, len, msg);
    assert_non_null(ev);
    assert_null(ev->identity);
    assert_int_equal(ev->n_diagnostic, 1);
    assert_non_null(strstr(ev->diagnostic[0]->detail, "xacct_nothing"));
    protobuf_c_message_free_unpacked(&ev->base, NULL);
    xbuf_clear(&req);
    xbuf_clear(&k.frames);
    k.n = 0;
    assert_int_equal(tfproto_pack(&irq.base, &req), XA_OK);
    m = tfproto_lookup("/tfplugin6.Provider/InvokeAction", 32);
    assert_int_equal(m->stream(prov, (uint8_t *)req.data, req.len, &k.base), XA_OK);
    assert_int_equal(k.n, 1);
    msg = kept_message(&k, 0, &len);
    Tfplugin6__InvokeAction__Event *ie = (void *)protobuf_c_message_unpack(
        &tfplugin6__invoke_action__event__descriptor, NULL, len, msg);
    assert_non_null(ie);
    assert_int_equal(ie->type_case, TFPLUGIN6__INVOKE_ACTION__EVENT__TYPE_COMPLETED);
    assert_int_equal(ie->completed->n_diagnostics, 1);
    protobuf_c_message_free_unpacked(&ie->base, NULL);
    xbuf_cleanup(&req);
    xbuf_cleanup(&k.frames);
}

static void tfproto_schema_answer_is_complete_and_stable(void **state)
{
    (void)state;
    const struct tfproto_method *m = tfproto_lookup("/tfplugin6.Provider/GetProviderSchema", 37);
    struct xbuf a, b;
    xbuf_init(&a);
    xbuf_init(&b);
    assert_int_equal(m->fn(prov, NULL, 0, &a), XA_OK);
    assert_int_equal(m->fn(prov, NULL, 0, &b), XA_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    Tfplugin6__GetProviderSchema__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__get_provider_schema__response__descriptor, NULL, a.len, (uint8_t *)a.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_resource_schemas, xacct_provider_type.nresources);
    assert_true(rs->server_capabilities->plan_destroy);
    assert_true(rs->server_capabilities->move_resource_state);
    assert_true(rs->server_capabilities->get_provider_schema_optional);
    assert_true(rs->server_capabilities->generate_resource_config);
    assert_int_equal(rs->n_functions, xacct_provider_type.nfunctions);
    assert_int_equal(rs->n_list_resource_schemas, xacct_provider_type.nlist_resources);
    assert_int_equal(rs->n_action_schemas, xacct_provider_type.nactions);
    for (size_t i = 0; i < rs->n_functions; i++) {
        assert_non_null(rs->functions[i]->value->return_);
        assert_true(rs->functions[i]->value->return_->type.len > 1);
    }
    const Tfplugin6__Schema__Block *pb = rs->provider->block;
    assert_int_equal(pb->n_attributes, xacct_provider_type.schema->block.nattrs);
    for (size_t i = 0; i < pb->n_attributes; i++) {
        assert_true(pb->attributes[i]->type.len > 1);
        assert_int_equal(pb->attributes[i]->description_kind, TFPLUGIN6__STRING_KIND__MARKDOWN);
    }
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&a);
    xbuf_cleanup(&b);
}

static void tfproto_decode_value_follows_terraform(void **state)
{
    (void)state;
    struct diags d;
    diags_init(&d);
    ProtobufCBinaryData empty = {0}, json = {.data = (uint8_t *)"\"hi\"", .len = 4},
                        mp = {.data = (uint8_t *)"\xa2ok", .len = 3};
    struct value *v = tfproto_decode_value(false, &mp, &json, &type_string, "x", &d);
    assert_true(value_is_null(v));                 /* absent field: null */
    value_free(v);
    v = tfproto_decode_value(true, &empty, &empty, &type_string, "x", &d);
    assert_true(value_is_null(v));                 /* both empty: null */
    value_free(v);
    v = tfproto_decode_value(true, &empty, &json, &type_string, "x", &d);
    assert_string_equal(value_get_string(v), "hi");    /* JSON when msgpack is empty */
    value_free(v);
    v = tfproto_decode_value(true, &mp, &json, &type_string, "x", &d);
    assert_string_equal(value_get_string(v), "ok");    /* msgpack wins */
    value_free(v);
    assert_false(diags_has_error(&d));
    ProtobufCBinaryData bad = {.data = (uint8_t *)"\xc1", .len = 1};
    assert_null(tfproto_decode_value(true, &bad, NULL, &type_string, "x", &d));
    assert_true(diags_has_error(&d));
    diags_cleanup(&d);
}

static void tfproto_plan_passes_private_through(void **state)
{
    (void)state;
    const struct type *t = NULL;
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (!strcmp(xacct_provider_type.resources[i]->name, "xacct_lambda_permission"))
            t = schema_implied_type(&xacct_provider_type.resources[i]->schema->block);
    assert_non_null(t);
    /* A destroy plan: null config and proposed state, private bytes as Terraform sent. */
    struct xbuf nullv;
    xbuf_init(&nullv);
    xbuf_append_char(&nullv, (char)0xc0);
    Tfplugin6__DynamicValue dv = TFPLUGIN6__DYNAMIC_VALUE__INIT;
    dv.msgpack.data = (uint8_t *)nullv.data;
    dv.msgpack.len = 1;
    Tfplugin6__PlanResourceChange__Request rq = TFPLUGIN6__PLAN_RESOURCE_CHANGE__REQUEST__INIT;
    rq.type_name = "xacct_lambda_permission";
    rq.prior_state = &dv;
    rq.proposed_new_state = &dv;
    rq.config = &dv;
    rq.prior_private.data = (uint8_t *)"secret-bytes";
    rq.prior_private.len = 12;
    struct xbuf req, out;
    xbuf_init(&req);
    xbuf_init(&out);
    assert_int_equal(tfproto_pack(&rq.base, &req), XA_OK);
    const struct tfproto_method *m = tfproto_lookup("/tfplugin6.Provider/PlanResourceChange", 38);
    assert_int_equal(m->fn(prov, (uint8_t *)req.data, req.len, &out), XA_OK);
    Tfplugin6__PlanResourceChange__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__plan_resource_change__response__descriptor, NULL, out.len, (uint8_t *)out.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_diagnostics, 0);
    assert_int_equal(rs->planned_private.len, 12);
    assert_memory_equal(rs->planned_private.data, "secret-bytes", 12);
    assert_non_null(rs->planned_state);
    assert_int_equal(rs->planned_state->msgpack.len, 1);       /* destroy plans null */
    assert_int_equal(rs->planned_state->msgpack.data[0], 0xc0);
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&req);
    xbuf_cleanup(&out);
    xbuf_cleanup(&nullv);
}

/* A diagnostic quoting bytes that are not UTF-8 (here the request's own type name) goes
 * out as valid UTF-8: protobuf-go would refuse Terraform the whole answer. */
static void tfproto_diagnostics_are_utf8(void **state)
{
    (void)state;
    Tfplugin5__UpgradeResourceState__Request rq = TFPLUGIN5__UPGRADE_RESOURCE_STATE__REQUEST__INIT;
    rq.type_name = "xacct_\xc3";
    struct xbuf req, out;
    xbuf_init(&req);
    xbuf_init(&out);
    assert_int_equal(tfproto_pack(&rq.base, &req), XA_OK);
    const struct tfproto_method *m = tfproto_lookup("/tfplugin5.Provider/UpgradeResourceState", 40);
    assert_int_equal(m->fn(prov, (uint8_t *)req.data, req.len, &out), XA_OK);
    Tfplugin5__UpgradeResourceState__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin5__upgrade_resource_state__response__descriptor, NULL, out.len,
        (uint8_t *)out.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_diagnostics, 1);
    assert_non_null(strstr(rs->diagnostics[0]->detail, "xacct_?"));
    assert_null(strchr(rs->diagnostics[0]->detail, '\xc3'));
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&req);
    xbuf_cleanup(&out);
}

static void tfproto_upgrade_rejects_flatmap(void **state)
{
    (void)state;
    Tfplugin5__RawState__FlatmapEntry e = TFPLUGIN5__RAW_STATE__FLATMAP_ENTRY__INIT;
    Tfplugin5__RawState__FlatmapEntry *ep = &e;
    Tfplugin5__RawState raw = TFPLUGIN5__RAW_STATE__INIT;
    Tfplugin5__UpgradeResourceState__Request rq = TFPLUGIN5__UPGRADE_RESOURCE_STATE__REQUEST__INIT;
    e.key = "id";
    e.value = "x";
    raw.n_flatmap = 1;
    raw.flatmap = &ep;
    rq.type_name = "xacct_lambda_permission";
    rq.raw_state = &raw;
    struct xbuf req, out;
    xbuf_init(&req);
    xbuf_init(&out);
    assert_int_equal(tfproto_pack(&rq.base, &req), XA_OK);
    const struct tfproto_method *m = tfproto_lookup("/tfplugin5.Provider/UpgradeResourceState", 40);
    assert_int_equal(m->fn(prov, (uint8_t *)req.data, req.len, &out), XA_OK);
    Tfplugin5__UpgradeResourceState__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin5__upgrade_resource_state__response__descriptor, NULL, out.len,
        (uint8_t *)out.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_diagnostics, 1);
    assert_int_equal(rs->diagnostics[0]->severity, TFPLUGIN5__DIAGNOSTIC__SEVERITY__ERROR);
    assert_non_null(strstr(rs->diagnostics[0]->summary, "State too old"));
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&req);
    xbuf_cleanup(&out);
}

static void tfproto_survives_allocation_failures(void **state)
{
    (void)state;
    const struct tfproto_method *m =
        tfproto_lookup("/tfplugin6.Provider/ValidateResourceConfig", 42);
    Tfplugin6__ValidateResourceConfig__Request rq =
        TFPLUGIN6__VALIDATE_RESOURCE_CONFIG__REQUEST__INIT;
    rq.type_name = "xacct_no_such_type";
    struct xbuf req;
    xbuf_init(&req);
    assert_int_equal(tfproto_pack(&rq.base, &req), XA_OK);
    for (long n = 0; n < 200; n++) {
        struct xbuf out;
        xbuf_init(&out);
        alloc_fail_after(n);
        enum xa_status st = m->fn(prov, (uint8_t *)req.data, req.len, &out);
        alloc_fail_reset();
        assert_true(st == XA_OK || st == XA_ENOMEM);
        xbuf_cleanup(&out);
    }
    xbuf_cleanup(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tfproto_lookup_finds_every_method),
        cmocka_unit_test(tfproto_v5_messages_are_v6_messages_on_the_wire),
        cmocka_unit_test(tfproto_handlers_answer_empty_and_reject_garbage),
        cmocka_unit_test(tfproto_streams_end_with_diagnostics),
        cmocka_unit_test(tfproto_diagnostics_are_utf8),
        cmocka_unit_test(tfproto_schema_answer_is_complete_and_stable),
        cmocka_unit_test(tfproto_decode_value_follows_terraform),
        cmocka_unit_test(tfproto_plan_passes_private_through),
        cmocka_unit_test(tfproto_upgrade_rejects_flatmap),
        cmocka_unit_test(tfproto_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("tfproto", tests, setup, teardown);
}
