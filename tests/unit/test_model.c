/* tests/unit/test_model.c - typed models (core/model.c).
 *
 * Decode + encode gives the value back for every field kind in every state (null,
 * unknown, known, and unknown or null elements inside known collections), nested list,
 * set and single blocks included; values that do not fit a field and tables whose field
 * kinds do not fit their types are diagnosed with the path; raw JSON decodes through a
 * table of another schema's names; the setters and whole-model helpers; and allocation
 * failures at every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/model.h"
#include "util/alloc.h"

struct role_model {
    struct model_string role_arn;
    struct model_string_map tags;
};

struct thing_model {
    struct model_string id;
    struct model_string name;
    struct model_strings names;
    struct model_strings order;
    struct model_string_map labels;
    struct model_int64 timeout;
    struct model_bool on;
    MODEL_BLOCKS(struct role_model) roles;
    MODEL_BLOCKS(struct role_model) grants;
    MODEL_BLOCKS(struct role_model) single;
};

#define RF(m) MODEL_FIELD(struct role_model, m)
static const struct schema_attribute role_attrs[] = {
    {.name = "role_arn", .type = &type_string, .flags = ATTR_REQUIRED, .field = RF(role_arn)},
    {.name = "tags", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = RF(tags)},
};
static const struct schema_block role_block = {.attrs = role_attrs, .nattrs = 2,
                                               .model_size = sizeof(struct role_model)};

#define TF(m) MODEL_FIELD(struct thing_model, m)
static const struct schema_attribute attrs[] = {
    {.name = "id", .type = &type_string, .flags = ATTR_COMPUTED, .field = TF(id)},
    {.name = "labels", .type = &type_map_string, .flags = ATTR_OPTIONAL, .field = TF(labels)},
    {.name = "name", .type = &type_string, .flags = ATTR_OPTIONAL, .field = TF(name)},
    {.name = "names", .type = &type_set_string, .flags = ATTR_OPTIONAL, .field = TF(names)},
    {.name = "on", .type = &type_bool, .flags = ATTR_OPTIONAL, .field = TF(on)},
    {.name = "order", .type = &type_list_string, .flags = ATTR_OPTIONAL, .field = TF(order)},
    {.name = "timeout", .type = &type_number, .flags = ATTR_OPTIONAL, .field = TF(timeout)},
};
static const struct schema_nested_block blocks[] = {
    {.name = "grants", .nesting = NEST_SET, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct thing_model, grants)},
    {.name = "roles", .nesting = NEST_LIST, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct thing_model, roles)},
    {.name = "single", .nesting = NEST_SINGLE, .block = &role_block,
     .field = MODEL_BLOCKS_FIELD(struct thing_model, single)},
};
static const struct schema_block thing = {.attrs = attrs, .nattrs = 7, .blocks = blocks,
                                          .nblocks = 3, .model_size = sizeof(struct thing_model)};

static struct value *from_json(const struct schema_block *b, const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), schema_implied_type(b), false, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    assert_non_null(v);
    return v;
}

/* Decodes v, encodes the model and expects v back. */
static void round_trip(const struct value *v)
{
    struct diags d;
    diags_init(&d);
    struct thing_model *m = model_new(&thing, v, &d);
    assert_non_null(m);
    struct value *back = model_encode(&thing, m, &d);
    assert_false(diags_has_error(&d));
    assert_true(value_equal(back, v));
    value_free(back);
    model_free(&thing, m);
    diags_cleanup(&d);
}

static void model_round_trips_every_kind(void **state)
{
    struct value *v = from_json(
        &thing, "{\"id\":\"i-1\",\"labels\":{\"b\":\"2\",\"a\":null},\"name\":null,"
                "\"names\":[\"y\",\"x\"],\"on\":true,\"order\":[\"2\",\"1\",\"2\"],"
                "\"timeout\":29000,\"roles\":[{\"role_arn\":\"r1\",\"tags\":{\"k\":\"v\"}},"
                "{\"role_arn\":\"r2\"}],\"grants\":[{\"role_arn\":\"g\"}],"
                "\"single\":{\"role_arn\":\"s\"}}");
    round_trip(v);
    struct diags d;
    diags_init(&d);
    struct thing_model *m = model_new(&thing, v, &d);
    assert_string_equal(m->id.value, "i-1");
    assert_int_equal(m->name.state, MODEL_NULL);
    assert_int_equal(m->names.n, 2);
    assert_string_equal(m->names.items[0].value, "x");   /* sets in value order */
    assert_int_equal(m->order.n, 3);
    assert_int_equal(m->labels.items[0].value.state, MODEL_NULL);
    assert_string_equal(model_map_get(&m->labels, "b")->value, "2");
    assert_int_equal(m->timeout.value, 29000);
    assert_true(m->on.value);
    assert_int_equal(m->roles.n, 2);
    assert_string_equal(m->roles.items[0].tags.items[0].value.value, "v");
    assert_int_equal(m->roles.items[1].tags.state, MODEL_NULL);
    assert_string_equal(m->single.items[0].role_arn.value, "s");
    model_free(&thing, m);
    value_free(v);
    diags_cleanup(&d);
}

static void model_round_trips_null_and_unknown(void **state)
{
    const struct type *t = schema_implied_type(&thing);
    struct value *v = value_new_object(t);   /* every attribute null */
    round_trip(v);
    for (size_t i = 0; i < thing.nattrs; i++)
        assert_true(value_object_set(v, thing.attrs[i].name, value_new_unknown(thing.attrs[i].type)));
    round_trip(v);
    /* unknown elements inside known collections */
    struct value *names = value_new_collection(&type_set_string);
    assert_true(value_list_append(names, value_new_string("a")));
    assert_true(value_list_append(names, value_new_unknown(&type_string)));
    assert_true(value_object_set(v, "names", names));
    struct value *labels = value_new_collection(&type_map_string);
    assert_true(value_map_set(labels, "k", value_new_unknown(&type_string)));
    assert_true(value_object_set(v, "labels", labels));
    round_trip(v);
    struct diags d;
    diags_init(&d);
    struct thing_model *m = model_new(&thing, v, &d);
    assert_string_equal(model_first_unknown(&thing, m), "id");
    model_unknowns_to_null(&thing, m);
    assert_int_equal(m->id.state, MODEL_NULL);
    assert_int_equal(m->names.state, MODEL_KNOWN);   /* known, with an unknown element */
    assert_string_equal(model_first_unknown(&thing, m), "labels");
    model_free(&thing, m);
    value_free(v);
    struct value *whole = value_new_unknown(t);
    m = model_new(&thing, whole, &d);
    assert_int_equal(m->roles.state, MODEL_UNKNOWN);
    assert_int_equal(m->timeout.state, MODEL_UNKNOWN);
    model_free(&thing, m);
    value_free(whole);
    diags_cleanup(&d);
}

static void model_decode_names_values_that_do_not_fit(void **state)
{
    static const char *const bad[] = {
        "{\"timeout\":1.5}",
        "{\"timeout\":100000000000000000000}",
        "{\"roles\":[{\"role_arn\":\"a\"},{\"role_arn\":\"b\",\"tags\":{\"k\":\"x\"}}]}",
    };
    static const char *const where[] = {"timeout", "timeout", "roles[1].tags[\"k\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct value *v = from_json(&thing, bad[i]);
        if (i == 2) {   /* a NUL inside a string, which the codecs may refuse earlier */
            struct value *tags = value_new_collection(&type_map_string);
            struct value *role = value_clone(value_index(value_attr(v, "roles"), 1));
            struct value *nul = value_new_stringn("x\0y", 3);
            if (!nul) {
                value_free(tags);
                value_free(role);
                value_free(v);
                continue;
            }
            assert_true(value_map_set(tags, "k", nul));
            assert_true(value_object_set(role, "tags", tags));
            struct value *roles = value_new_collection(value_type(value_attr(v, "roles")));
            assert_true(value_list_append(roles, value_clone(value_index(value_attr(v, "roles"), 0))));
            assert_true(value_list_append(roles, role));
            assert_true(value_object_set(v, "roles", roles));
        }
        struct diags d;
        diags_init(&d);
        assert_null(model_new(&thing, v, &d));
        assert_true(diags_has_error(&d));
        char *path = attr_path_str(&d.items[0].path);
        if (strcmp(path, where[i]) != 0)
            fail_msg("case %zu: path %s, detail %s", i, path, d.items[0].detail);
        xa_free(path);
        value_free(v);
        diags_cleanup(&d);
    }
}

struct wrong_model {
    struct model_string count;
};
static const struct schema_attribute wrong_attrs[] = {
    {.name = "count", .type = &type_number, .flags = ATTR_OPTIONAL,
     .field = MODEL_FIELD(struct wrong_model, count)},
};
static const struct schema_block wrong = {.attrs = wrong_attrs, .nattrs = 1,
                                          .model_size = sizeof(struct wrong_model)};

static void model_decode_refuses_a_kind_that_does_not_fit_the_type(void **state)
{
    struct value *v = value_new_object(schema_implied_type(&wrong));
    struct diags d;
    diags_init(&d);
    assert_null(model_new(&wrong, v, &d));
    assert_non_null(strstr(d.items[0].detail, "count"));
    assert_non_null(strstr(d.items[0].detail, "bug"));
    value_free(v);
    diags_cleanup(&d);
}

static void model_name_finds_rows_by_field(void **state)
{
    assert_string_equal(MODEL_NAME(&thing, struct thing_model, timeout), "timeout");
    assert_string_equal(MODEL_NAME(&thing, struct thing_model, grants), "grants");
    assert_string_equal(MODEL_NAME(&role_block, struct role_model, tags), "tags");
    assert_null(model_name(&thing, 3));
}

/* hashicorp/aws-like names for two of thing's fields. */
static const struct schema_attribute foreign_attrs[] = {
    {.name = "identifier", .type = &type_string, .field = TF(id)},
    {.name = "timeout_ms", .type = &type_number, .field = TF(timeout)},
};
static const struct schema_block foreign = {.attrs = foreign_attrs, .nattrs = 2,
                                            .model_size = sizeof(struct thing_model)};

static void model_from_json_reads_other_names(void **state)
{
    struct diags d;
    diags_init(&d);
    struct thing_model m = {0};
    static const char json[] = "{\"identifier\":\"x\",\"timeout_ms\":5,\"other\":[1]}";
    assert_int_equal(model_from_json(&foreign, json, strlen(json), &m, &d), XA_OK);
    assert_string_equal(m.id.value, "x");
    assert_int_equal(m.timeout.value, 5);
    assert_int_equal(m.name.state, MODEL_NULL);
    assert_int_equal(model_from_json(&thing, "[1]", 3, &m, &d), XA_EINVAL);
    assert_false(diags_has_error(&d));
    assert_int_equal(model_from_json(&thing, "{\"timeout\":\"x\"}", 15, &m, &d), XA_ERANGE);
    assert_true(diags_has_error(&d));
    model_cleanup(&thing, &m);
    diags_cleanup(&d);
}

static void model_setters_own_what_they_hold(void **state)
{
    struct thing_model m = {0};
    assert_true(model_set_string(&m.name, "a"));
    assert_true(model_set_stringf(&m.name, "%s/%d", "b", 7));
    assert_string_equal(m.name.value, "b/7");
    model_set_unknown(&m.name);
    assert_int_equal(m.name.state, MODEL_UNKNOWN);
    assert_null(m.name.value);
    assert_true(model_set_string(&m.id, ""));
    assert_true(model_set_strings(&m.order, NULL, 0));
    model_map_clear(&m.labels);
    model_empty_to_null(&thing, &m);
    assert_int_equal(m.id.state, MODEL_NULL);
    assert_int_equal(m.order.state, MODEL_NULL);
    assert_int_equal(m.labels.state, MODEL_NULL);
    char *items[] = {"p", "q"};
    assert_true(model_set_strings(&m.order, items, 2));
    assert_true(model_strings_has(&m.order, "q"));
    assert_false(model_strings_has(&m.order, "r"));
    assert_true(model_map_put(&m.labels, "z", "1"));
    assert_true(model_map_put(&m.labels, "a", "2"));
    assert_true(model_map_put(&m.labels, "z", "3"));
    assert_int_equal(m.labels.n, 2);
    assert_string_equal(m.labels.items[0].key, "a");
    assert_string_equal(model_map_get(&m.labels, "z")->value, "3");
    model_set_int64(&m.timeout, 9);
    struct model_int64 nine = {.state = MODEL_KNOWN, .value = 9};
    assert_true(model_int64_equal(&m.timeout, &nine));
    struct model_string b7 = {.state = MODEL_KNOWN, .value = "b"};
    assert_false(model_string_equal(&m.name, &b7));
    assert_true(model_set_string(&m.name, NULL));
    assert_int_equal(m.name.state, MODEL_NULL);
    model_cleanup(&thing, &m);
    assert_int_equal(m.labels.state, MODEL_NULL);
    assert_null(m.order.items);
}

static void model_survives_allocation_failures(void **state)
{
    struct value *v = from_json(
        &thing, "{\"id\":\"i-1\",\"labels\":{\"b\":\"2\"},\"names\":[\"y\",\"x\"],"
                "\"order\":[\"2\"],\"timeout\":1,\"roles\":[{\"role_arn\":\"r1\",\"tags\":"
                "{\"k\":\"v\"}}],\"single\":{\"role_arn\":\"s\"}}");
    for (long n = 0; n < 200; n++) {
        struct diags d;
        diags_init(&d);
        alloc_fail_after(n);
        struct thing_model *m = model_new(&thing, v, &d);
        struct value *back = m ? model_encode(&thing, m, &d) : NULL;
        bool put = m && model_map_put(&m->labels, "c", "3");
        alloc_fail_reset();
        assert_true(back || diags_has_error(&d));
        if (back)
            assert_true(value_equal(back, v));
        if (put)
            assert_string_equal(model_map_get(&m->labels, "c")->value, "3");
        value_free(back);
        if (m)
            model_free(&thing, m);
        diags_cleanup(&d);
    }
    value_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_round_trips_every_kind),
        cmocka_unit_test(model_round_trips_null_and_unknown),
        cmocka_unit_test(model_decode_names_values_that_do_not_fit),
        cmocka_unit_test(model_decode_refuses_a_kind_that_does_not_fit_the_type),
        cmocka_unit_test(model_name_finds_rows_by_field),
        cmocka_unit_test(model_from_json_reads_other_names),
        cmocka_unit_test(model_setters_own_what_they_hold),
        cmocka_unit_test(model_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
