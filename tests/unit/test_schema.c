/* tests/unit/test_schema.c - implied types, lookups and validators (core/schema.c).
 *
 * The implied type of a block with nested blocks, its cache (same pointer every time,
 * also across threads), and schema_validate: required arguments, each validator kind,
 * collection elements, nested block paths and counts, unknown values skipped.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/schema.h"
#include "util/alloc.h"

static const char *const methods[] = {"GET", "POST", NULL};

static void no_x(const char *s, const struct attr_path *path, struct diags *d)
{
    if (strchr(s, 'x'))
        diag_add(d, DIAG_ERROR, path, "Bad", "no x allowed");
}

static const struct schema_attribute role_attrs[] = {
    {.name = "external_id", .type = &type_string, .flags = ATTR_COMPUTED},
    {.name = "role_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^arn:aws:iam::[0-9]{12}:role/.+$",
                   .message = "role_arn must be an IAM role ARN."}},
};
static const struct schema_block role_block = {.attrs = role_attrs, .nattrs = 2};

static const struct schema_attribute attrs[] = {
    {.name = "id", .type = &type_string, .flags = ATTR_COMPUTED},
    {.name = "method", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = methods}},
    {.name = "name", .type = &type_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_LENGTH, .min = 1, .max = 5}},
    {.name = "note", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_DEPRECATED,
     .validator = {.kind = VALIDATE_CUSTOM, .fn = no_x}},
    {.name = "tags", .type = &type_map_string, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_LENGTH, .min = 1, .max = 3}},
    {.name = "timeout", .type = &type_number, .flags = ATTR_OPTIONAL,
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 50, .max = 29000}},
};
static const struct schema_nested_block blocks[] = {
    {.name = "assume_role", .nesting = NEST_LIST, .block = &role_block, .max_items = 1},
    {.name = "single", .nesting = NEST_SINGLE, .block = &role_block},
};
static const struct schema_block root = {.attrs = attrs, .nattrs = 6, .blocks = blocks,
                                         .nblocks = 2};

static struct value *config(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), schema_implied_type(&root), false, &d);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
    return v;
}

static void schema_implied_type_includes_blocks(void **state)
{
    const struct type *t = schema_implied_type(&root);
    assert_non_null(t);
    assert_ptr_equal(t, schema_implied_type(&root));
    assert_int_equal(t->nattrs, 8);
    long i = type_attr_index(t, "assume_role");
    assert_true(i >= 0);
    assert_int_equal(t->attrs[i].type->kind, TYPE_LIST);
    assert_ptr_equal(t->attrs[i].type->elem, schema_implied_type(&role_block));
    i = type_attr_index(t, "single");
    assert_ptr_equal(t->attrs[i].type, schema_implied_type(&role_block));
    assert_ptr_equal(schema_attr(&root, "timeout"), &attrs[5]);
    assert_null(schema_attr(&root, "nope"));
    assert_ptr_equal(schema_block(&root, "single"), &blocks[1]);
    assert_null(schema_block(&root, "id"));
}

static void *implied_in_thread(void *arg) { return (void *)schema_implied_type(arg); }

static void schema_implied_type_is_thread_safe(void **state)
{
    static const struct schema_attribute a[] = {{.name = "x", .type = &type_bool}};
    static const struct schema_block fresh = {.attrs = a, .nattrs = 1};
    pthread_t th[4];
    void *got[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, implied_in_thread, (void *)&fresh);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], &got[i]);
    for (int i = 1; i < 4; i++)
        assert_ptr_equal(got[0], got[i]);
}

static void schema_validate_accepts_valid_config(void **state)
{
    struct value *c = config("{\"method\":\"GET\",\"name\":\"abc\",\"timeout\":100,"
                             "\"assume_role\":[{\"role_arn\":\"arn:aws:iam::123456789012:role/r\"}]}");
    struct diags d;
    diags_init(&d);
    schema_validate(&root, c, &d);
    assert_int_equal(d.len, 0);
    value_free(c);
    diags_cleanup(&d);
}

static void assert_diag(const struct diags *d, size_t i, const char *path, const char *detail)
{
    assert_true(i < d->len);
    char *s = attr_path_str(&d->items[i].path);
    assert_string_equal(s, path);
    xa_free(s);
    if (!strstr(d->items[i].detail, detail))
        print_error("detail: %s\n", d->items[i].detail);
    assert_non_null(strstr(d->items[i].detail, detail));
}

static void schema_validate_reports_each_problem_with_path(void **state)
{
    struct value *c = config(
        "{\"method\":\"PUT\",\"name\":\"toolong\",\"timeout\":10,\"note\":\"xx\","
        "\"tags\":{\"a\":\"\",\"b\":\"ok\"},"
        "\"assume_role\":[{\"role_arn\":\"nope\"},{}],\"single\":{\"role_arn\":null}}");
    struct diags d;
    diags_init(&d);
    schema_validate(&root, c, &d);
    assert_diag(&d, 0, "method", "not one of the allowed values");
    assert_diag(&d, 1, "name", "between 1 and 5 bytes");
    assert_diag(&d, 2, "note", "deprecated");
    assert_int_equal(d.items[2].severity, DIAG_WARNING);
    assert_diag(&d, 3, "note", "no x allowed");
    assert_diag(&d, 4, "tags[\"a\"]", "between 1 and 3");
    assert_diag(&d, 5, "timeout", "between 50 and 29000");
    assert_diag(&d, 6, "assume_role", "no more than 1");
    assert_diag(&d, 7, "assume_role[0].role_arn", "role_arn must be an IAM role ARN.");
    assert_diag(&d, 8, "assume_role[1].role_arn", "is required");
    assert_diag(&d, 9, "single.role_arn", "is required");
    assert_int_equal(d.len, 10);
    value_free(c);
    diags_cleanup(&d);
}

static void schema_validate_skips_unknown_and_flags_missing(void **state)
{
    struct value *c = config("{\"name\":\"a\"}");
    value_object_set(c, "timeout", value_new_unknown(&type_number));
    struct diags d;
    diags_init(&d);
    schema_validate(&root, c, &d);
    assert_int_equal(d.len, 1);
    assert_diag(&d, 0, "method", "The argument \"method\" is required");
    diags_cleanup(&d);
    value_object_set(c, "method", value_new_unknown(&type_string));
    schema_validate(&root, c, &d);
    assert_int_equal(d.len, 0);
    struct value *u = value_new_unknown(schema_implied_type(&root));
    schema_validate(&root, u, &d);
    assert_int_equal(d.len, 0);
    value_free(u);
    value_free(c);
    diags_cleanup(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schema_implied_type_includes_blocks),
        cmocka_unit_test(schema_implied_type_is_thread_safe),
        cmocka_unit_test(schema_validate_accepts_valid_config),
        cmocka_unit_test(schema_validate_reports_each_problem_with_path),
        cmocka_unit_test(schema_validate_skips_unknown_and_flags_missing),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
