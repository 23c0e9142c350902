/* tests/unit/test_plan.c - the generic planner (core/plan.c).
 *
 * Create (defaults, unknown computed values), update (no-op keeps every prior value, a
 * change marks computed values unknown except keep-state ones), requires_replace for
 * changed and unknown arguments, unknown configuration passed through, nested blocks
 * refused (resources have none), determinism, and memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/plan.h"
#include "util/alloc.h"

static const struct schema_attribute attrs[] = {
    {.name = "arn", .type = &type_string, .flags = ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN},
    {.name = "description", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "\"managed\""},
    {.name = "function_name", .type = &type_string,
     .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE},
    {.name = "id", .type = &type_string, .flags = ATTR_COMPUTED},
    {.name = "method", .type = &type_string, .flags = ATTR_REQUIRED},
    {.name = "statement_id", .type = &type_string,
     .flags = ATTR_OPTIONAL | ATTR_COMPUTED | ATTR_REQUIRES_REPLACE},
    {.name = "timeout", .type = &type_number, .flags = ATTR_OPTIONAL},
};
static const struct schema_block root = {.attrs = attrs, .nattrs = 7};

static struct value *obj(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), schema_implied_type(&root), false, &d);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
    return v;
}

static const char prior_json[] =
    "{\"arn\":\"arn:1\",\"description\":\"managed\",\"function_name\":\"f\",\"id\":\"id-1\","
    "\"method\":\"GET\",\"statement_id\":\"s-1\",\"timeout\":null}";
static const char config_json[] = "{\"function_name\":\"f\",\"method\":\"GET\"}";

static char *rr_str(const struct path_list *l)
{
    struct xbuf b;
    xbuf_init(&b);
    for (size_t i = 0; i < l->len; i++) {
        char *s = attr_path_str(&l->items[i]);
        xbuf_appendf(&b, "%s%s", i ? "," : "", s);
        xa_free(s);
    }
    return xbuf_take(&b);
}

struct run {
    struct value *planned;
    char *rr;
    struct diags d;
};

static void run_plan(struct run *r, const struct value *prior, const struct value *config)
{
    struct path_list l;
    path_list_init(&l);
    diags_init(&r->d);
    r->planned = plan_resource(&root, prior, config, &l, &r->d);
    r->rr = rr_str(&l);
    path_list_cleanup(&l);
}

static void run_cleanup(struct run *r)
{
    value_free(r->planned);
    xa_free(r->rr);
    diags_cleanup(&r->d);
}

static void plan_create_uses_defaults_and_unknowns(void **state)
{
    struct value *c = obj("{\"function_name\":\"f\",\"method\":\"GET\"}");
    struct run r;
    run_plan(&r, NULL, c);
    assert_int_equal(r.d.len, 0);
    const struct value *p = r.planned;
    assert_string_equal(value_attr_string(p, "function_name"), "f");
    assert_string_equal(value_attr_string(p, "description"), "managed");
    assert_true(value_is_unknown(value_attr(p, "arn")));
    assert_true(value_is_unknown(value_attr(p, "id")));
    assert_true(value_is_unknown(value_attr(p, "statement_id")));
    assert_true(value_is_null(value_attr(p, "timeout")));
    assert_string_equal(r.rr, "");
    run_cleanup(&r);
    value_free(c);
}

static void plan_update_without_change_is_a_noop(void **state)
{
    struct value *prior = obj(prior_json), *c = obj(config_json);
    struct run r;
    run_plan(&r, prior, c);
    assert_int_equal(r.d.len, 0);
    assert_true(value_equal(r.planned, prior));
    assert_string_equal(r.rr, "");
    run_cleanup(&r);
    value_free(prior);
    value_free(c);
}

static void plan_update_marks_computed_unknown_except_keep_state(void **state)
{
    struct value *prior = obj(prior_json), *c = obj(config_json);
    value_object_set_string(c, "method", "POST");
    struct run r;
    run_plan(&r, prior, c);
    const struct value *p = r.planned;
    assert_string_equal(value_attr_string(p, "method"), "POST");
    assert_string_equal(value_attr_string(p, "arn"), "arn:1");
    assert_true(value_is_unknown(value_attr(p, "id")));
    assert_true(value_is_unknown(value_attr(p, "statement_id")));
    assert_string_equal(value_attr_string(p, "description"), "managed");
    /* unknown computed values do not count as a replacing change */
    assert_string_equal(r.rr, "");
    run_cleanup(&r);
    value_free(prior);
    value_free(c);
}

static void plan_requires_replace_for_changed_arguments(void **state)
{
    struct value *prior = obj(prior_json), *c = obj(config_json);
    value_object_set_string(c, "function_name", "g");
    value_object_set_string(c, "statement_id", "s-1");     /* same as prior: no replace */
    struct run r;
    run_plan(&r, prior, c);
    assert_string_equal(r.rr, "function_name");
    assert_string_equal(value_attr_string(r.planned, "statement_id"), "s-1");
    run_cleanup(&r);
    value_free(c);
    c = obj(config_json);
    value_object_set(c, "function_name", value_new_unknown(&type_string));
    run_plan(&r, prior, c);
    assert_true(value_is_unknown(value_attr(r.planned, "function_name")));
    assert_string_equal(r.rr, "function_name");
    run_cleanup(&r);
    value_free(c);
    value_free(prior);
}

/* Resource schemas have no nested blocks; a table with some is a bug, said so. */
static const struct schema_nested_block blocks[] = {
    {.name = "assume_role", .nesting = NEST_LIST, .block = &root},
};
static const struct schema_block with_blocks = {.attrs = attrs, .nattrs = 7, .blocks = blocks,
                                                .nblocks = 1};

static void plan_refuses_nested_blocks(void **state)
{
    struct path_list l;
    struct diags d;
    path_list_init(&l);
    diags_init(&d);
    struct value *c = value_new_object(schema_implied_type(&with_blocks));
    assert_null(plan_resource(&with_blocks, NULL, c, &l, &d));
    assert_true(diags_has_error(&d));
    assert_non_null(strstr(d.items[0].detail, "nested blocks"));
    value_free(c);
    path_list_cleanup(&l);
    diags_cleanup(&d);
}

static void plan_keeps_unknown_config(void **state)
{
    struct value *c = obj(config_json);
    value_object_set(c, "timeout", value_new_unknown(&type_number));
    struct run r;
    run_plan(&r, NULL, c);
    assert_true(value_is_unknown(value_attr(r.planned, "timeout")));
    run_cleanup(&r);
    struct value *u = value_new_unknown(schema_implied_type(&root));
    run_plan(&r, NULL, u);
    assert_true(value_is_unknown(r.planned));
    run_cleanup(&r);
    value_free(u);
    run_plan(&r, NULL, NULL);
    assert_null(r.planned);
    assert_true(diags_has_error(&r.d));
    run_cleanup(&r);
    value_free(c);
}

static void plan_is_deterministic(void **state)
{
    struct value *prior = obj(prior_json), *c = obj(config_json);
    value_object_set_string(c, "method", "POST");
    struct run a, b;
    run_plan(&a, prior, c);
    run_plan(&b, prior, c);
    assert_true(value_equal(a.planned, b.planned));
    assert_string_equal(a.rr, b.rr);
    run_cleanup(&a);
    run_cleanup(&b);
    value_free(prior);
    value_free(c);
}

static void plan_attribute_default_parses_json(void **state)
{
    struct value *v = plan_attribute_default(&attrs[1]);
    assert_string_equal(value_get_string(v), "managed");
    value_free(v);
    assert_null(plan_attribute_default(&attrs[0]));
}

static void plan_survives_allocation_failures(void **state)
{
    struct value *prior = obj(prior_json);
    struct value *c = obj("{\"function_name\":\"g\",\"method\":\"POST\"}");
    for (long n = 0; n < 300; n++) {
        struct run r;
        alloc_fail_after(n);
        run_plan(&r, prior, c);
        alloc_fail_reset();
        assert_true(r.planned || diags_has_error(&r.d));
        run_cleanup(&r);
    }
    value_free(prior);
    value_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_create_uses_defaults_and_unknowns),
        cmocka_unit_test(plan_update_without_change_is_a_noop),
        cmocka_unit_test(plan_update_marks_computed_unknown_except_keep_state),
        cmocka_unit_test(plan_requires_replace_for_changed_arguments),
        cmocka_unit_test(plan_refuses_nested_blocks),
        cmocka_unit_test(plan_keeps_unknown_config),
        cmocka_unit_test(plan_is_deterministic),
        cmocka_unit_test(plan_attribute_default_parses_json),
        cmocka_unit_test(plan_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
