/* tests/unit/test_data_source.c - data sources in core (core/data_source.c).
 *
 * A fake provider type with one data source: lookup by name, an unknown type named in the
 * error, validation (the schema's validators, then the type's own on the typed model),
 * reads that need a configured provider, a read whose result is the configuration with
 * the computed fields filled, a read that leaves a value unknown (a bug, named), and a
 * read failing with its diagnostic; all under the leak check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/data_source.h"
#include "core/model.h"
#include "core/provider.h"

struct probe {
    struct model_string answer;
    struct model_string target;
};

#define F(m) MODEL_FIELD(struct probe, m)
static const struct schema_attribute attrs[] = {
    {.name = "answer", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(answer)},
    {.name = "target", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[a-z]+$", .message = "lower case"},
     .field = F(target)},
};
static const struct schema probe_schema = {
    .block = {.attrs = attrs, .nattrs = 2, .model_size = sizeof(struct probe)}};

static int meta_token;

static void p_validate(const void *config, struct diags *d)
{
    const struct probe *c = config;
    if (c->target.value && strcmp(c->target.value, "forbidden") == 0)
        diag_error_attr(d, "target", "Forbidden target", "Not this one.");
}

static bool p_read(void *meta, void *state, struct diags *d)
{
    struct probe *s = state;
    assert_ptr_equal(meta, &meta_token);
    if (strcmp(s->target.value, "down") == 0) {
        diag_error(d, "Cannot probe", "The target is down.");
        return false;
    }
    if (strcmp(s->target.value, "lazy") == 0) {
        model_set_unknown(&s->answer);
        return true;
    }
    return model_set_stringf(&s->answer, "hello %s", s->target.value);
}

static const struct data_source_type probe_type = {
    .name = "fake_probe", .schema = &probe_schema, .validate = p_validate, .read = p_read};
static const struct data_source_type *const data_sources[] = {&probe_type};
static const struct schema provider_schema = {.block = {.model_size = 1}};

static void *configure(const void *config, const char *tf, struct diags *d)
{
    return &meta_token;
}

static const struct provider_type fake = {
    .name = "fake", .schema = &provider_schema, .configure = configure,
    .data_sources = data_sources, .ndata_sources = 1};

static struct value *config_of(const char *target)
{
    struct value *v = value_new_object(schema_implied_type(&probe_schema.block));
    assert_true(value_object_set_string(v, "target", target));
    return v;
}

static void data_source_lookup_validate_and_read(void **state)
{
    struct provider *p = provider_new(&fake);
    struct diags d;
    diags_init(&d);
    assert_ptr_equal(data_source_find(p, "fake_probe"), &probe_type);
    assert_null(data_source_find(p, "fake_other"));
    assert_null(data_source_read(p, "fake_other", NULL, &d));
    assert_non_null(strstr(d.items[0].detail, "fake_other"));
    diags_cleanup(&d);

    struct value *bad = config_of("UPPER"), *forbidden = config_of("forbidden");
    diags_init(&d);
    data_source_validate(p, "fake_probe", bad, &d);
    assert_true(diags_has_error(&d));
    assert_string_equal(d.items[0].path.steps[0].name, "target");
    diags_cleanup(&d);
    diags_init(&d);
    data_source_validate(p, "fake_probe", forbidden, &d);
    assert_true(diags_has_error(&d));
    assert_string_equal(d.items[0].summary, "Forbidden target");
    diags_cleanup(&d);

    struct value *c = config_of("world");
    diags_init(&d);
    assert_null(data_source_read(p, "fake_probe", c, &d));   /* not configured yet */
    assert_true(diags_has_error(&d));
    diags_cleanup(&d);
    diags_init(&d);
    provider_configure(p, NULL, "1.11.4", &d);
    struct value *v = data_source_read(p, "fake_probe", c, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(v, "answer"), "hello world");
    assert_string_equal(value_attr_string(v, "target"), "world");
    value_free(v);

    struct value *down = config_of("down"), *lazy = config_of("lazy");
    assert_null(data_source_read(p, "fake_probe", down, &d));
    assert_string_equal(d.items[0].summary, "Cannot probe");
    diags_cleanup(&d);
    diags_init(&d);
    assert_null(data_source_read(p, "fake_probe", lazy, &d));
    assert_non_null(strstr(d.items[0].detail, "answer"));
    diags_cleanup(&d);
    value_free(bad);
    value_free(forbidden);
    value_free(c);
    value_free(down);
    value_free(lazy);
    provider_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_source_lookup_validate_and_read),
    };
    return cmocka_run_group_tests_name("data_source", tests, NULL, NULL);
}
