/* test_identity - core/identity with a table of its own (no provider, no AWS): the
 * object type (cached, strings only), the value functions (account and region from the
 * provider, a field in upper case, unknown kept unknown), import by identity (required
 * attributes, unknowns, a row without a field that names another account), the
 * upgrade of version 0 and the refusal of others, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/identity.h"
#include "util/alloc.h"

struct obj { struct model_string kind; struct model_string region; struct model_string id; };

static const struct identity_attribute attrs[] = {
    {.name = "account_id", .value = identity_account},
    {.name = "id", .required_for_import = true, .field = MODEL_FIELD(struct obj, id)},
    {.name = "kind", .field = MODEL_FIELD(struct obj, kind), .value = identity_upper},
    {.name = "region", .field = MODEL_FIELD(struct obj, region), .value = identity_region},
};
static const struct identity_schema schema = {.attrs = attrs, .nattrs = 4};
static const struct identity_scope scope = {.account_id = "111111111111", .region = "eu-west-1"};

static void clean(struct obj *o)
{
    model_take_string(&o->kind, NULL);
    model_take_string(&o->region, NULL);
    model_take_string(&o->id, NULL);
}

static struct value *identity_of(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), identity_type(&schema), false, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    return v;
}

static void identity_type_is_strings_and_cached(void **state)
{
    const struct type *t = identity_type(&schema);
    assert_ptr_equal(t, identity_type(&schema));
    assert_int_equal(t->kind, TYPE_OBJECT);
    assert_int_equal(t->nattrs, 4);
    for (size_t i = 0; i < t->nattrs; i++)
        assert_int_equal(t->attrs[i].type->kind, TYPE_STRING);
}

static void identity_values_come_from_the_rows(void **state)
{
    struct obj o = {0};
    struct diags d;
    diags_init(&d);
    assert_true(model_set_string(&o.id, "x1") && model_set_string(&o.kind, "get"));
    struct value *v = identity_from_model(&schema, &o, &scope, &d);
    assert_string_equal(value_attr_string(v, "account_id"), "111111111111");
    assert_string_equal(value_attr_string(v, "kind"), "GET");
    assert_string_equal(value_attr_string(v, "region"), "eu-west-1");   /* the provider's */
    value_free(v);
    assert_true(model_set_string(&o.region, "us-east-2"));
    model_set_unknown(&o.id);
    v = identity_from_model(&schema, &o, NULL, &d);
    assert_string_equal(value_attr_string(v, "region"), "us-east-2");   /* its own */
    assert_true(value_is_null(value_attr(v, "account_id")));
    assert_true(value_is_unknown(value_attr(v, "id")));
    assert_false(diags_has_error(&d));
    value_free(v);
    clean(&o);
    diags_cleanup(&d);
}

static void identity_import_writes_and_checks(void **state)
{
    struct obj o = {0};
    struct diags d;
    diags_init(&d);
    struct value *v = identity_of("{\"id\":\"x1\",\"kind\":\"post\"}");
    assert_true(identity_to_model(&schema, v, &scope, &o, &d));
    assert_string_equal(o.id.value, "x1");
    assert_string_equal(o.kind.value, "POST");          /* respelled */
    assert_string_equal(o.region.value, "eu-west-1");
    clean(&o);
    value_free(v);
    v = identity_of("{\"id\":\"x1\",\"account_id\":\"111111111111\"}");
    assert_true(identity_to_model(&schema, v, &scope, &o, &d));
    clean(&o);
    value_free(v);
    assert_false(diags_has_error(&d));
    static const char *const refused[] = {
        "{\"kind\":\"GET\"}",                                  /* id is required */
        "{\"id\":\"x1\",\"account_id\":\"222222222222\"}",     /* another account */
        "null",
    };
    for (size_t i = 0; i < 3; i++) {
        v = identity_of(refused[i]);
        assert_false(identity_to_model(&schema, v, &scope, &o, &d));
        assert_true(diags_has_error(&d));
        diags_cleanup(&d);
        diags_init(&d);
        clean(&o);
        value_free(v);
    }
    v = value_new_object(identity_type(&schema));
    assert_true(value_object_set(v, "id", value_new_unknown(&type_string)));
    assert_false(identity_to_model(&schema, v, &scope, &o, &d));
    assert_non_null(strstr(d.items[0].detail, "known"));
    value_free(v);
    diags_cleanup(&d);
}

static void identity_survives_allocation_failures(void **state)
{
    struct value *v = identity_of("{\"id\":\"x1\",\"kind\":\"post\"}");
    for (long n = 0; n < 100; n++) {
        struct obj o = {0};
        struct diags d;
        diags_init(&d);
        alloc_fail_after(n);
        if (identity_to_model(&schema, v, &scope, &o, &d))
            value_free(identity_from_model(&schema, &o, &scope, &d));
        alloc_fail_reset();
        clean(&o);
        diags_cleanup(&d);
    }
    value_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identity_type_is_strings_and_cached),
        cmocka_unit_test(identity_values_come_from_the_rows),
        cmocka_unit_test(identity_import_writes_and_checks),
        cmocka_unit_test(identity_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
