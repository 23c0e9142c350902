/* tests/unit/test_value.c - cty types and values (core/value.c).
 *
 * Construction, canonical numbers, containers' deterministic order, equality, cloning,
 * heap type reference counts, and allocation failures at every step. Leaks are caught by
 * LeakSanitizer (XACCT_SANITIZE builds) and by the balanced free in each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/value.h"
#include "core/value_priv.h"
#include "util/alloc.h"

static const struct type_attr abc_attrs[] = {
    {.name = "a", .type = &type_string},
    {.name = "b", .type = &type_number},
    {.name = "c", .type = &type_list_string},
};
static const struct type abc = {.kind = TYPE_OBJECT, .attrs = abc_attrs, .nattrs = 3};

static void value_states_are_distinct(void **state)
{
    struct value *n = value_new_null(&type_string), *u = value_new_unknown(&type_string);
    struct value *k = value_new_string("x");
    assert_true(value_is_null(n) && !value_is_unknown(n) && !value_is_known(n));
    assert_true(value_is_unknown(u) && !value_is_null(u) && !value_is_wholly_known(u));
    assert_true(value_is_known(k) && value_is_wholly_known(k));
    assert_true(value_is_null(NULL));
    assert_false(value_equal(n, u));
    assert_false(value_equal(u, k));
    assert_string_equal(value_get_string(k), "x");
    assert_null(value_get_string(u));
    value_free(n);
    value_free(u);
    value_free(k);
}

static void value_number_text_is_canonical(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"0", "0"}, {"-0", "0"}, {"007", "7"}, {"1.50", "1.5"}, {"1e3", "1000"},
        {"-1.5e-3", "-0.0015"}, {"1180591620717411303424", "1180591620717411303424"},
        {"1e300", "1e300"}, {"12.5e1", "125"}, {"0.0000000000000000000000001", "1e-25"},
        {"+3", "3"}, {"1E+2", "100"}, {"Inf", "+Inf"}, {"-Inf", "-Inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *v = value_new_number_text(cases[i].in);
        assert_non_null(v);
        assert_string_equal(value_number_text(v), cases[i].out);
        value_free(v);
    }
    static const char *bad[] = {"", "-", "1.2.3", "abc", "1e", "0x10", "1e999999999", " 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(value_new_number_text(bad[i]));
}

static void value_number_int64_and_double(void **state)
{
    struct value *big = value_new_number_text("9223372036854775808");
    struct value *max = value_new_number_text("9223372036854775807");
    struct value *half = value_new_double(0.5), *tenth = value_new_double(0.1);
    int64_t i;
    double d;
    assert_false(value_get_int64(big, &i));
    assert_true(value_get_int64(max, &i));
    assert_true(i == INT64_MAX);
    assert_false(value_get_int64(half, &i));
    assert_true(value_get_double(half, &d) && d == 0.5);
    assert_string_equal(value_number_text(tenth), "0.1");
    assert_null(value_new_double(0.0 / 0.0));
    struct value *n = value_new_int(-42);
    assert_string_equal(value_number_text(n), "-42");
    value_free(n);
    value_free(big);
    value_free(max);
    value_free(half);
    value_free(tenth);
}

static void value_string_rejects_invalid_utf8(void **state)
{
    assert_null(value_new_string("\xff"));
    assert_null(value_new_string("\xc0\xaf"));          /* overlong */
    assert_null(value_new_string("\xed\xa0\x80"));      /* surrogate */
    assert_null(value_new_stringn("\xe2\x82", 2));      /* truncated */
    struct value *v = value_new_string("caf\xc3\xa9 \xf0\x9f\x98\x80");
    assert_non_null(v);
    assert_int_equal(value_string_len(v), 10);
    value_free(v);
}

static void value_object_keeps_type_order(void **state)
{
    struct value *o = value_new_object(&abc);
    assert_non_null(o);
    assert_int_equal(value_length(o), 3);
    assert_true(value_is_null(value_attr(o, "a")));
    assert_true(value_object_set_string(o, "a", "hello"));
    assert_true(value_object_set(o, "b", value_new_int(3)));
    assert_false(value_object_set(o, "zzz", value_new_int(3)));
    assert_false(value_object_set(o, "a", value_new_int(3)));     /* type mismatch */
    assert_true(value_object_set(o, "c", value_new_null(&type_dynamic)));
    assert_true(type_equal(value_type(value_attr(o, "c")), &type_list_string));
    assert_string_equal(value_attr_string(o, "a"), "hello");
    int64_t n;
    assert_true(value_attr_int64(o, "b", &n) && n == 3);
    assert_int_equal(type_attr_index(&abc, "c"), 2);
    assert_int_equal(type_attr_index(&abc, "d"), -1);
    value_free(o);
}

static void value_set_dedupes_in_sorted_order(void **state)
{
    struct value *s = value_new_collection(&type_set_string);
    assert_true(value_list_append(s, value_new_string("b")));
    assert_true(value_list_append(s, value_new_string("a")));
    assert_true(value_list_append(s, value_new_string("b")));
    assert_true(value_list_append(s, value_new_string("c")));
    assert_int_equal(value_length(s), 3);
    assert_string_equal(value_get_string(value_index(s, 0)), "a");
    assert_string_equal(value_get_string(value_index(s, 2)), "c");
    struct value *t = value_new_collection(&type_set_string);
    assert_true(value_set_append_raw(t, value_new_string("c")));
    assert_true(value_set_append_raw(t, value_new_string("a")));
    assert_true(value_set_append_raw(t, value_new_string("b")));
    assert_true(value_set_append_raw(t, value_new_string("a")));
    value_set_finish(t);
    assert_true(value_equal(s, t));
    assert_false(value_list_append(s, value_new_int(1)));
    value_free(s);
    value_free(t);
}

static void value_map_is_sorted_by_key(void **state)
{
    struct value *m = value_new_collection(&type_map_string);
    assert_true(value_map_set(m, "z", value_new_string("1")));
    assert_true(value_map_set(m, "a", value_new_string("2")));
    assert_true(value_map_set(m, "z", value_new_string("3")));
    assert_int_equal(value_length(m), 2);
    assert_string_equal(value_map_key(m, 0), "a");
    assert_string_equal(value_get_string(value_map_get(m, "z")), "3");
    assert_null(value_map_get(m, "q"));
    struct value *c = value_clone(m);
    assert_true(value_equal(m, c));
    assert_true(value_map_set(c, "a", value_new_string("x")));
    assert_false(value_equal(m, c));
    value_free(m);
    value_free(c);
}

static void value_equal_is_deep(void **state)
{
    struct value *a = value_new_object(&abc), *b = value_new_object(&abc);
    struct value *l1 = value_new_collection(&type_list_string);
    value_list_append(l1, value_new_string("x"));
    value_list_append(l1, value_new_unknown(&type_string));
    struct value *l2 = value_clone(l1);
    value_object_set(a, "c", l1);
    value_object_set(b, "c", l2);
    value_object_set(a, "b", value_new_number_text("1.0"));
    value_object_set(b, "b", value_new_number_text("1"));
    assert_true(value_equal(a, b));
    assert_false(value_is_wholly_known(a));
    value_object_set(b, "a", value_new_string(""));
    assert_false(value_equal(a, b));
    value_free(a);
    value_free(b);
}

static void value_heap_types_are_counted(void **state)
{
    const struct type *l = type_new_collection(TYPE_LIST, &type_number);
    assert_int_equal(l->refs, 1);
    struct value *v = value_new_collection(l);
    assert_int_equal(l->refs, 2);
    assert_true(value_list_append(v, value_new_int(1)));
    type_unref(l);
    assert_int_equal(l->refs, 1);
    struct value *c = value_clone(v);
    assert_int_equal(l->refs, 2);
    value_free(v);
    value_free(c);
    assert_int_equal(type_bool.refs, 0);
    type_unref(&type_bool);
    const char *names[] = {"b", "a"};
    const struct type *ts[] = {&type_string, type_new_collection(TYPE_SET, &type_string)};
    const struct type *o = type_new_object(names, ts, NULL, 2);
    assert_string_equal(o->attrs[0].name, "a");
    assert_int_equal(o->attrs[0].type->kind, TYPE_SET);
    type_unref(o);
    const char *dup[] = {"a", "a"};
    const struct type *ts2[] = {&type_string, &type_string};
    assert_null(type_new_object(dup, ts2, NULL, 2));
}

static void value_tuple_has_fixed_arity(void **state)
{
    const struct type *elems[] = {&type_string, &type_bool};
    const struct type *t = type_new_tuple(elems, 2);
    struct value *v = value_new_collection(t);
    assert_int_equal(value_length(v), 2);
    assert_true(value_tuple_set(v, 1, value_new_bool(true)));
    assert_false(value_tuple_set(v, 0, value_new_bool(true)));
    assert_false(value_tuple_set(v, 2, value_new_bool(true)));
    bool b;
    assert_true(value_get_bool(value_index(v, 1), &b) && b);
    value_free(v);
    type_unref(t);
}

static void value_survives_allocation_failures(void **state)
{
    for (long n = 0; n < 200; n++) {
        alloc_fail_after(n);
        struct value *o = value_new_object(&abc);
        struct value *l = value_new_collection(&type_list_string);
        struct value *m = value_new_collection(&type_map_string);
        bool ok = o && l && m;
        ok = value_list_append(l, value_new_string("x")) && ok;
        ok = value_map_set(m, "k", value_new_number_text("12345678901234567890")) && ok;
        ok = value_object_set(o, "c", l) && ok;
        l = NULL;
        struct value *c = value_clone(o);
        ok = ok && c;
        alloc_fail_reset();
        if (ok)
            assert_true(value_equal(o, c));
        value_free(o);
        value_free(c);
        value_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(value_states_are_distinct),
        cmocka_unit_test(value_number_text_is_canonical),
        cmocka_unit_test(value_number_int64_and_double),
        cmocka_unit_test(value_string_rejects_invalid_utf8),
        cmocka_unit_test(value_object_keeps_type_order),
        cmocka_unit_test(value_set_dedupes_in_sorted_order),
        cmocka_unit_test(value_map_is_sorted_by_key),
        cmocka_unit_test(value_equal_is_deep),
        cmocka_unit_test(value_heap_types_are_counted),
        cmocka_unit_test(value_tuple_has_fixed_arity),
        cmocka_unit_test(value_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
