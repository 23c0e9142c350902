/* tests/unit/test_equivalence.c - equivalent spellings as schema data (core/equivalence.c).
 *
 * The general equivalences (case, JSON documents), and their application: only
 * attributes whose row names an equivalence, only known non-null values that differ,
 * replaced by the prior's value; what is not equivalent is left as it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/equivalence.h"
#include "core/model.h"
#include "util/alloc.h"

struct doc_model {
    struct model_string method;
    struct model_string name;
    struct model_string policy;
};

#define F(m) MODEL_FIELD(struct doc_model, m)
static const struct schema_attribute attrs[] = {
    {.name = "method", .type = &type_string, .equivalent = equivalence_case_insensitive,
     .field = F(method)},
    {.name = "name", .type = &type_string, .field = F(name)},
    {.name = "policy", .type = &type_string, .equivalent = equivalence_json, .field = F(policy)},
};
static const struct schema_block block = {.attrs = attrs, .nattrs = 3,
                                          .model_size = sizeof(struct doc_model)};

static struct value *from_json(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), schema_implied_type(&block), false,
                                        &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    return v;
}

static bool same(const struct schema_attribute *a, const char *x, const char *y)
{
    struct doc_model p = {0}, n = {0};
    struct model_string *fp = MODEL_AT(&p, a), *fn = MODEL_AT(&n, a);
    assert_true(model_set_string(fp, x) && model_set_string(fn, y));
    bool r = a->equivalent(a, &p, &n, NULL);
    model_cleanup(&block, &p);
    model_cleanup(&block, &n);
    return r;
}

static void equivalence_general_spellings(void **state)
{
    assert_true(same(&attrs[0], "GET", "get"));
    assert_false(same(&attrs[0], "GET", "POST"));
    assert_true(same(&attrs[2], "{\"a\":1,\"b\":[true,null]}", " { \"b\" : [true, null], \"a\":1 }"));
    assert_false(same(&attrs[2], "{\"a\":1}", "{\"a\":2}"));
    assert_false(same(&attrs[2], "{\"a\":1}", "not json"));
    assert_false(same(&attrs[2], "not json", "not  json"));
}

static void equivalence_keeps_the_prior_spelling_only_where_equivalent(void **state)
{
    struct value *prior = from_json("{\"method\":\"GET\",\"name\":\"n\",\"policy\":\"{\\\"a\\\":1}\"}");
    struct value *next = from_json("{\"method\":\"get\",\"name\":\"N\",\"policy\":\"{ \\\"a\\\": 1 }\"}");
    struct diags d;
    diags_init(&d);
    void *pm = model_new(&block, prior, &d), *nm = model_new(&block, next, &d);
    assert_int_equal(equivalence_keep_prior(&block, prior, pm, next, nm, NULL), 2);
    assert_string_equal(value_attr_string(next, "method"), "GET");
    assert_string_equal(value_attr_string(next, "policy"), "{\"a\":1}");
    assert_string_equal(value_attr_string(next, "name"), "N");   /* no equivalence: kept */
    model_free(&block, nm);
    value_free(next);
    /* null, unknown and different values are left alone */
    next = from_json("{\"method\":null,\"policy\":\"{\\\"a\\\":2}\"}");
    assert_true(value_object_set(next, "name", value_new_unknown(&type_string)));
    nm = model_new(&block, next, &d);
    assert_int_equal(equivalence_keep_prior(&block, prior, pm, next, nm, NULL), 0);
    assert_true(value_is_null(value_attr(next, "method")));
    assert_string_equal(value_attr_string(next, "policy"), "{\"a\":2}");
    model_free(&block, nm);
    model_free(&block, pm);
    value_free(next);
    value_free(prior);
    diags_cleanup(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equivalence_general_spellings),
        cmocka_unit_test(equivalence_keeps_the_prior_spelling_only_where_equivalent),
    };
    return cmocka_run_group_tests_name("equivalence", tests, NULL, NULL);
}
