/* e2e_protocol_rpcs - what the real binary answers, as Terraform would see it: a
 * well-formed schema in both protocols, provider configuration validated with attribute
 * paths, hostile DynamicValues answered with diagnostics (never a crash), U+0000 and
 * invalid UTF-8 refused at their attribute path, refined
 * unknowns accepted, 32 concurrent calls, the side services (health, unknown methods,
 * unsupported RPCs) answered at once, StopProvider keeps the process serving, identity
 * schemas that Terraform loads. (The newer features at work: e2e_protocol_identity_query.c and
 * e2e_protocol_functions_actions.c.) */
#define _GNU_SOURCE 1   /* memmem */
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "tests/support/xt.h"
#include "tfplugin5.pb-c.h"
#include "tfplugin6.pb-c.h"

#define PERMISSION "xacct_lambda_permission"

static int setup6(void **state)
{
    *state = xt_start(&(struct xt_options){.protocols = "6"});
    return *state ? 0 : -1;
}

static int setup5(void **state)
{
    *state = xt_start(&(struct xt_options){.protocols = "5"});
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    return xt_stop(*state, NULL) == 0 ? 0 : -1;
}

/* ---- schema ---------------------------------------------------------------------------- */

static regex_t name_re;

static void check_block6(const Tfplugin6__Schema__Block *b)
{
    assert_non_null(b);
    for (size_t i = 0; i < b->n_attributes; i++) {
        const Tfplugin6__Schema__Attribute *a = b->attributes[i];
        assert_int_equal(regexec(&name_re, a->name, 0, NULL, 0), 0);
        assert_true(a->required || a->optional || a->computed);
        if (a->required)
            assert_false(a->optional || a->computed);
        assert_true(a->type.len > 0);               /* type JSON, no nested_type */
        assert_null(a->nested_type);
        for (size_t j = 0; j < b->n_block_types; j++)
            assert_string_not_equal(a->name, b->block_types[j]->type_name);
    }
    for (size_t i = 0; i < b->n_block_types; i++) {
        const Tfplugin6__Schema__NestedBlock *nb = b->block_types[i];
        assert_int_equal(regexec(&name_re, nb->type_name, 0, NULL, 0), 0);
        assert_true(nb->nesting >= 1 && nb->nesting <= 5);
        if (nb->nesting == TFPLUGIN6__SCHEMA__NESTED_BLOCK__NESTING_MODE__LIST ||
            nb->nesting == TFPLUGIN6__SCHEMA__NESTED_BLOCK__NESTING_MODE__SET)
            assert_true(nb->max_items == 0 || nb->min_items <= nb->max_items);
        check_block6(nb->block);
    }
}

static void schema_v6_is_well_formed(void **state)
{
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_get_schema(*state, &r), 0);
    Tfplugin6__GetProviderSchema__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__get_provider_schema__response__descriptor, NULL, r.raw.len,
        (const uint8_t *)r.raw.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_diagnostics, 0);
    assert_non_null(rs->server_capabilities);
    assert_true(rs->server_capabilities->plan_destroy);
    assert_true(rs->server_capabilities->move_resource_state);
    assert_true(rs->server_capabilities->get_provider_schema_optional);
    assert_true(rs->server_capabilities->generate_resource_config);
    check_block6(rs->provider->block);
    assert_true(rs->n_resource_schemas >= 2);
    for (size_t i = 0; i < rs->n_resource_schemas; i++) {
        assert_int_equal(regexec(&name_re, rs->resource_schemas[i]->key, 0, NULL, 0), 0);
        assert_int_equal(strncmp(rs->resource_schemas[i]->key, "xacct_", 6), 0);
        assert_true(rs->resource_schemas[i]->value->version >= 0);
        check_block6(rs->resource_schemas[i]->value->block);
    }
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xt_result_cleanup(&r);
}

static void schema_v5_is_well_formed(void **state)
{
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_get_schema(*state, &r), 0);
    Tfplugin5__GetProviderSchema__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin5__get_provider_schema__response__descriptor, NULL, r.raw.len,
        (const uint8_t *)r.raw.data);
    assert_non_null(rs);
    assert_true(rs->server_capabilities->plan_destroy);
    assert_true(rs->n_resource_schemas >= 2);
    for (size_t i = 0; i < rs->n_resource_schemas; i++) {
        const Tfplugin5__Schema__Block *b = rs->resource_schemas[i]->value->block;
        for (size_t j = 0; j < b->n_attributes; j++)
            assert_true(b->attributes[j]->required || b->attributes[j]->optional ||
                        b->attributes[j]->computed);
    }
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xt_result_cleanup(&r);
}

/* Every resource type has an identity (hashicorp/aws's attribute names for the
 * integration and the permission, the import ID's parts for the authorizer and the stage);
 * each attribute is required xor optional for import and a string (Terraform's load
 * rules). */
static void identity_schemas_name_every_type(void **state)
{
    struct xbuf resp;
    char m[128];
    xbuf_init(&resp);
    int st = xt_call(*state, xt_method(*state, "GetResourceIdentitySchemas", m, sizeof m), "", 0,
                     &resp);
    assert_int_equal(st, 0);
    Tfplugin6__GetResourceIdentitySchemas__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__get_resource_identity_schemas__response__descriptor, NULL, resp.len,
        (const uint8_t *)resp.data);
    assert_non_null(rs);
    assert_int_equal(rs->n_diagnostics, 0);
    static const struct {
        const char *type;
        size_t nattrs;
    } want[] = {{"xacct_lambda_authorizer", 4}, {"xacct_lambda_integration", 5},
                {"xacct_lambda_permission", 5}, {"xacct_stage_deployment", 4}};
    assert_int_equal(rs->n_identity_schemas, 4);
    for (size_t i = 0; i < rs->n_identity_schemas; i++) {
        const Tfplugin6__ResourceIdentitySchema *is = rs->identity_schemas[i]->value;
        size_t w = 0;
        while (w < 4 && strcmp(want[w].type, rs->identity_schemas[i]->key) != 0)
            w++;
        assert_true(w < 4);
        assert_true(is->version >= 0);
        assert_int_equal(is->n_identity_attributes, want[w].nattrs);
        for (size_t k = 0; k < is->n_identity_attributes; k++) {
            const Tfplugin6__ResourceIdentitySchema__IdentityAttribute *a =
                is->identity_attributes[k];
            assert_true(a->required_for_import != a->optional_for_import);
            assert_int_equal(a->type.len, 8);
            assert_memory_equal(a->type.data, "\"string\"", 8);
            assert_int_equal(regexec(&name_re, a->name, 0, NULL, 0), 0);
        }
    }
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&resp);
}

/* ---- provider configuration ---------------------------------------------------------------- */

static const struct type *attr_type(const struct type *obj, const char *name)
{
    long i = type_attr_index(obj, name);
    assert_true(i >= 0);
    return obj->attrs[i].type;
}

static void provider_config_paths(void **state)
{
    const struct type *t = xt_provider_config_type();
    struct xt_result r;
    xt_result_init(&r);

    struct value *good = xt_object(t, "region", value_new_string("eu-west-1"), NULL);
    assert_int_equal(xt_validate_provider(*state, good, &r), 0);
    assert_false(xt_has_error(&r));
    value_free(good);

    struct value *bad = xt_object(t, "retry_mode", value_new_string("sometimes"), NULL);
    assert_int_equal(xt_validate_provider(*state, bad, &r), 0);
    assert_true(xt_has_error(&r));
    assert_non_null(r.diags[0].path);
    assert_string_equal(r.diags[0].path, "retry_mode");
    value_free(bad);

    /* assume_role { role_arn = "nope" } -> assume_role[0].role_arn */
    const struct type *list_t = attr_type(t, "assume_role");
    struct value *role = xt_object(list_t->elem, "role_arn", value_new_string("nope"), NULL);
    struct value *list = value_new_collection(list_t);
    assert_true(value_list_append(list, role));
    struct value *nested = xt_object(t, "assume_role", list, NULL);
    assert_non_null(nested);
    assert_int_equal(xt_validate_provider(*state, nested, &r), 0);
    assert_true(xt_has_error(&r));
    bool found = false;
    for (size_t i = 0; i < r.ndiags; i++)
        found |= r.diags[i].path && !strcmp(r.diags[i].path, "assume_role[0].role_arn");
    assert_true(found);
    value_free(nested);
    xt_result_cleanup(&r);
}

static void v5_prepare_echoes_config(void **state)
{
    const struct type *t = xt_provider_config_type();
    struct xt_result r;
    xt_result_init(&r);
    struct value *cfg = xt_object(t, "region", value_new_string("us-west-2"), NULL);
    assert_int_equal(xt_validate_provider(*state, cfg, &r), 0);
    assert_false(xt_has_error(&r));
    assert_true(r.has_value);
    assert_true(value_equal(r.value, cfg));
    value_free(cfg);
    xt_result_cleanup(&r);
}

/* ---- hostile and unusual values ----------------------------------------------------------- */

static void malformed_dynamic_values_are_diagnostics(void **state)
{
    static const struct { const char *name; const char *bytes; size_t len; } cases[] = {
        {"reserved byte", "\xc1", 1},
        {"truncated map", "\x82\xa2id", 4},
        {"string for object", "\xa3" "abc", 4},
        {"huge claimed array", "\xdd\xff\xff\xff\xff", 5},
        {"extra bytes", "\xc0\xc0", 2},
    };
    struct xt_result r;
    xt_result_init(&r);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = xt_validate_resource_msgpack(*state, PERMISSION, cases[i].bytes, cases[i].len, &r);
        if (st != 0 || !xt_has_error(&r))
            fprintf(stderr, "case %s\n", cases[i].name);
        assert_int_equal(st, 0);
        assert_true(xt_has_error(&r));
    }
    xt_result_cleanup(&r);
}

/* The msgpack of an object of type t whose attribute attr holds "aaXNULXbb", with the
 * marker's middle byte replaced by bad (values cannot hold it: this is wire-level). */
static void config_with_bad_byte(const struct type *t, const char *attr, char bad,
                                 struct xbuf *out)
{
    struct value *v = xt_object(t, attr, value_new_string("aaXNULXbb"), NULL);
    assert_non_null(v);
    assert_int_equal(codec_msgpack_encode(v, t, out), XA_OK);
    value_free(v);
    char *m = memmem(out->data, out->len, "XNULX", 5);
    assert_non_null(m);
    m[2] = bad;
}

static void expect_refused_at(const struct xt_result *r, const char *attr, const char *words)
{
    assert_true(xt_has_error(r));
    const struct xt_diag *d = xt_find_diag(r, words);
    if (!d || !d->path || strcmp(d->path, attr) != 0) {
        xt_print_diags(r);
        fail_msg("%s: no error at %s saying \"%s\"", attr, attr, words);
    }
}

/* D4: U+0000 (which once reached AWS as a prefix and then bricked the state) and invalid
 * UTF-8 are refused when the request is decoded, with the attribute path, in every
 * string attribute of every resource and in the provider block. */
static void nul_and_invalid_utf8_are_refused_with_paths(void **state)
{
    static const char *const types[] = {"xacct_lambda_integration", PERMISSION};
    struct xt_result r;
    xt_result_init(&r);
    struct xbuf mp;
    xbuf_init(&mp);
    size_t checked = 0;
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        const struct type *t = xt_resource_type(types[k]);
        for (size_t i = 0; i < t->nattrs; i++) {
            if (t->attrs[i].type->kind != TYPE_STRING)
                continue;
            for (int pass = 0; pass < 2; pass++) {
                xbuf_clear(&mp);
                config_with_bad_byte(t, t->attrs[i].name, pass ? '\xff' : '\0', &mp);
                assert_int_equal(xt_validate_resource_msgpack(*state, types[k], mp.data, mp.len,
                                                              &r), 0);
                expect_refused_at(&r, t->attrs[i].name, pass ? "UTF-8" : "U+0000");
                checked++;
            }
        }
    }
    assert_true(checked >= 12);
    /* the provider block, through ValidateProviderConfig as Terraform sends it */
    xbuf_clear(&mp);
    config_with_bad_byte(xt_provider_config_type(), "region", '\0', &mp);
    Tfplugin6__ValidateProviderConfig__Request rq =
        TFPLUGIN6__VALIDATE_PROVIDER_CONFIG__REQUEST__INIT;
    Tfplugin6__DynamicValue dv = TFPLUGIN6__DYNAMIC_VALUE__INIT;
    dv.msgpack = (ProtobufCBinaryData){.len = mp.len, .data = (uint8_t *)mp.data};
    rq.config = &dv;
    uint8_t buf[4096];
    size_t n = protobuf_c_message_pack(&rq.base, buf);
    struct xbuf resp;
    xbuf_init(&resp);
    char m[128];
    assert_int_equal(xt_call(*state, xt_method(*state, "ValidateProviderConfig", m, sizeof m), buf,
                             n, &resp), 0);
    Tfplugin6__ValidateProviderConfig__Response *rs = (void *)protobuf_c_message_unpack(
        &tfplugin6__validate_provider_config__response__descriptor, NULL, resp.len,
        (const uint8_t *)resp.data);
    assert_non_null(rs);
    bool at_region = false;
    for (size_t i = 0; i < rs->n_diagnostics; i++) {
        const Tfplugin6__Diagnostic *dg = rs->diagnostics[i];
        at_region |= strstr(dg->detail, "U+0000") && dg->attribute &&
                     dg->attribute->n_steps == 1 &&
                     !strcmp(dg->attribute->steps[0]->attribute_name, "region");
    }
    assert_true(at_region);
    protobuf_c_message_free_unpacked(&rs->base, NULL);
    xbuf_cleanup(&resp);
    xbuf_cleanup(&mp);
    xt_result_cleanup(&r);
}

static void undecodable_request_is_invalid_argument(void **state)
{
    struct xbuf resp;
    char m[128];
    xbuf_init(&resp);
    int st = xt_call(*state, xt_method(*state, "ValidateResourceConfig", m, sizeof m),
                     "\xff\xff\xff", 3, &resp);
    assert_int_equal(st, 3);    /* INVALID_ARGUMENT */
    xbuf_cleanup(&resp);
}

static struct xbuf encode_with_refinement(void)
{
    const struct type *t = xt_resource_type(PERMISSION);
    struct value *cfg = xt_object(t, "function_name", value_new_unknown(&type_string), NULL);
    struct xbuf b, out;
    xbuf_init(&b);
    xbuf_init(&out);
    assert_int_equal(codec_msgpack_encode(cfg, t, &b), XA_OK);
    /* Splice "unknown, not null, prefix tf-" (ext 12) over the plain d4 00 00. */
    const char refined[] = "\xc7\x08\x0c\x82\x01\xc2\x02\xa3tf-";
    const char *at = NULL;
    for (size_t i = 0; !at && i + 3 <= b.len; i++)
        if (!memcmp(b.data + i, "\xd4\x00\x00", 3))
            at = b.data + i;
    assert_non_null(at);
    xbuf_append(&out, b.data, (size_t)(at - b.data));
    xbuf_append(&out, refined, sizeof refined - 1);
    xbuf_append(&out, at + 3, b.len - (size_t)(at - b.data) - 3);
    xbuf_cleanup(&b);
    value_free(cfg);
    return out;
}

static void refined_unknowns_are_accepted(void **state)
{
    struct xt_result r;
    xt_result_init(&r);
    struct xbuf mp = encode_with_refinement();
    assert_int_equal(xt_validate_resource_msgpack(*state, PERMISSION, mp.data, mp.len, &r), 0);
    if (xt_has_error(&r))
        xt_print_diags(&r);
    assert_false(xt_has_error(&r));
    xbuf_cleanup(&mp);
    xt_result_cleanup(&r);
}

/* ---- concurrency, side services ----------------------------------------------------------- */

struct worker_arg {
    struct xt_provider *p;
    int status;
    bool error;
};

static void *validate_worker(void *arg)
{
    struct worker_arg *w = arg;
    const struct type *t = xt_resource_type(PERMISSION);
    struct value *cfg = xt_object(t, "function_name", value_new_string("my-function"), NULL);
    struct xt_result r;
    xt_result_init(&r);
    w->status = xt_validate_resource(w->p, PERMISSION, cfg, &r);
    w->error = xt_has_error(&r);
    xt_result_cleanup(&r);
    value_free(cfg);
    return NULL;
}

static void concurrent_calls_32(void **state)
{
    pthread_t th[32];
    struct worker_arg args[32];
    for (int i = 0; i < 32; i++) {
        args[i] = (struct worker_arg){.p = *state, .status = -1};
        assert_int_equal(pthread_create(&th[i], NULL, validate_worker, &args[i]), 0);
    }
    for (int i = 0; i < 32; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].status, 0);
        assert_false(args[i].error);
    }
}

static void health_and_unknown_methods(void **state)
{
    struct xbuf resp;
    xbuf_init(&resp);
    assert_int_equal(xt_call(*state, "/grpc.health.v1.Health/Check", "\x0a\x06plugin", 8, &resp), 0);
    assert_int_equal(resp.len, 2);
    assert_memory_equal(resp.data, "\x08\x01", 2);       /* SERVING */
    xbuf_clear(&resp);
    assert_int_equal(xt_call(*state, "/grpc.health.v1.Health/Check", "", 0, &resp), 0);
    xbuf_clear(&resp);
    assert_int_equal(xt_call(*state, "/no.Such/Method", "", 0, &resp), 12);   /* UNIMPLEMENTED */
    assert_int_equal(xt_call(*state, "/tfplugin5.Provisioner/GetSchema", "", 0, &resp), 12);
    xbuf_cleanup(&resp);
}

static void unsupported_rpcs_answer_with_diagnostics(void **state)
{
    static const char *const names[] = {"OpenEphemeralResource",
                                        "ValidateEphemeralResourceConfig"};
    char m[128];
    struct xbuf resp;
    xbuf_init(&resp);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        xbuf_clear(&resp);
        assert_int_equal(xt_call(*state, xt_method(*state, names[i], m, sizeof m), "", 0, &resp), 0);
        assert_true(resp.len > 0);       /* a diagnostic */
    }
    xbuf_cleanup(&resp);
}

static void stop_provider_keeps_serving(void **state)
{
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_stop_provider(*state, &r), 0);
    assert_true(xt_alive(*state));
    assert_int_equal(xt_get_schema(*state, &r), 0);
    xt_result_cleanup(&r);
}

static void unknown_resource_type_is_a_diagnostic(void **state)
{
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_import(*state, "xacct_nothing", "x", &r), 0);
    assert_non_null(xt_find_diag(&r, "xacct_nothing"));
    /* Data sources too: an unknown type named, in both data source RPCs. */
    assert_int_equal(xt_read_data_source(*state, "xacct_nothing", NULL, &r), 0);
    assert_non_null(xt_find_diag(&r, "xacct_nothing"));
    assert_int_equal(xt_validate_data_source(*state, "xacct_nothing", NULL, &r), 0);
    assert_non_null(xt_find_diag(&r, "xacct_nothing"));
    xt_result_cleanup(&r);
}

#define T6(f) cmocka_unit_test_setup_teardown(f, setup6, teardown)
#define T5(f) cmocka_unit_test_setup_teardown(f, setup5, teardown)

int main(void)
{
    regcomp(&name_re, "^[a-z0-9_]+$", REG_EXTENDED | REG_NOSUB);
    const struct CMUnitTest tests[] = {
        T6(schema_v6_is_well_formed),
        T5(schema_v5_is_well_formed),
        T6(identity_schemas_name_every_type),
        T5(identity_schemas_name_every_type),
        T6(provider_config_paths),
        T5(provider_config_paths),
        T5(v5_prepare_echoes_config),
        T6(malformed_dynamic_values_are_diagnostics),
        T5(malformed_dynamic_values_are_diagnostics),
        T6(nul_and_invalid_utf8_are_refused_with_paths),
        T6(undecodable_request_is_invalid_argument),
        T6(refined_unknowns_are_accepted),
        T6(concurrent_calls_32),
        T5(concurrent_calls_32),
        T6(health_and_unknown_methods),
        T6(unsupported_rpcs_answer_with_diagnostics),
        T5(unsupported_rpcs_answer_with_diagnostics),
        T6(stop_provider_keeps_serving),
        T5(unknown_resource_type_is_a_diagnostic),
    };
    int rc = cmocka_run_group_tests_name("e2e_protocol_rpcs", tests, NULL, NULL);
    regfree(&name_re);
    return rc;
}
