/* test_list_resource - core/list_resource with a list type of its own (no AWS): each
 * emitted model becomes identity + display name (+ the object when asked for), the limit
 * holds (and 0 means Terraform's default of 100), a sink that refuses stops the listing,
 * a missing config block or a type without identity is refused, and nothing leaks when
 * allocations fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/identity.h"
#include "core/list_resource.h"
#include "core/model.h"
#include "core/provider.h"
#include "util/alloc.h"

/* A resource type "t_thing" {name, size} with identity {name}, listed by "t_thing". */
struct thing { struct model_string name; struct model_string size; };
static const struct schema_attribute thing_attrs[] = {
    {.name = "name", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = MODEL_FIELD(struct thing, name)},
    {.name = "size", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = MODEL_FIELD(struct thing, size)},
};
static const struct schema thing_schema = {
    .block = {.attrs = thing_attrs, .nattrs = 2, .model_size = sizeof(struct thing)}};
static const struct identity_attribute thing_id_attrs[] = {
    {.name = "name", .required_for_import = true, .field = MODEL_FIELD(struct thing, name),
     .value = identity_upper},
};
static const struct identity_schema thing_identity = {.attrs = thing_id_attrs, .nattrs = 1};
static const struct resource_type thing_type = {.name = "t_thing", .schema = &thing_schema,
                                                .identity = &thing_identity};
static const struct resource_type plain_type = {.name = "t_plain", .schema = &thing_schema};

struct list_config { struct model_string prefix; };
static const struct schema_attribute config_attrs[] = {
    {.name = "prefix", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = MODEL_FIELD(struct list_config, prefix)},
};
static const struct schema config_schema = {
    .block = {.attrs = config_attrs, .nattrs = 1, .model_size = sizeof(struct list_config)}};

/* Emits PREFIX-0 ... PREFIX-9 until told to stop; counts what it tried. */
static int tried;
static void list_things(void *meta, const void *config, struct list_emitter *e, struct diags *d)
{
    const struct list_config *c = config;
    for (int i = 0; i < 10; i++) {
        struct thing t = {0};
        tried++;
        bool ok = model_set_stringf(&t.name, "%s-%d", c->prefix.value, i) &&
                  model_set_string(&t.size, "small");
        bool more = ok && list_emit(e, &t, t.name.value);
        model_cleanup(&thing_schema.block, &t);
        if (!more)
            return;
    }
}

static const struct list_resource_type thing_list = {.name = "t_thing", .schema = &config_schema,
                                                     .list = list_things};
static const struct list_resource_type plain_list = {.name = "t_plain", .schema = &config_schema,
                                                     .list = list_things};
static const struct resource_type *const resources[] = {&thing_type, &plain_type};
static const struct list_resource_type *const lists[] = {&thing_list, &plain_list};
static const struct schema empty = {.block = {.model_size = 1}};
static int meta;
static void *configure(const void *config, const char *v, struct diags *d) { return &meta; }
static const struct provider_type ptype = {
    .name = "t", .schema = &empty, .configure = configure, .resources = resources,
    .nresources = 2, .list_resources = lists, .nlist_resources = 2};

static struct provider *p;

static int setup(void **state)
{
    struct diags d;
    diags_init(&d);
    p = provider_new(&ptype);
    provider_configure(p, NULL, "1.14.0", &d);
    diags_cleanup(&d);
    return p ? 0 : -1;
}

static int teardown(void **state)
{
    provider_free(p);
    return 0;
}

struct seen {
    int n, refuse_after;
    char last_name[64], last_display[64];
    bool had_object;
};

static bool collect(void *ctx, const struct value *id, const char *display,
                    const struct value *object)
{
    struct seen *s = ctx;
    if (s->refuse_after && s->n >= s->refuse_after)
        return false;
    s->n++;
    snprintf(s->last_name, sizeof s->last_name, "%s", value_attr_string(id, "name"));
    snprintf(s->last_display, sizeof s->last_display, "%s", display);
    s->had_object = object && !strcmp(value_attr_string(object, "size"), "small");
    return true;
}

static struct value *config(const char *prefix)
{
    struct value *c = value_new_object(schema_implied_type(&config_schema.block));
    assert_true(value_object_set_string(c, "prefix", prefix));
    return c;
}

static void list_emits_identity_name_and_object(void **state)
{
    struct seen s = {0};
    struct list_sink sink = {.result = collect, .ctx = &s};
    struct diags d;
    diags_init(&d);
    struct value *c = config("a");
    list_run(p, "t_thing", c, true, 3, &sink, &d);
    assert_false(diags_has_error(&d));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.last_name, "A-2");        /* the identity's spelling */
    assert_string_equal(s.last_display, "a-2");
    assert_true(s.had_object);
    s = (struct seen){0};
    list_run(p, "t_thing", c, false, 0, &sink, &d);  /* 0: Terraform's default, 100 */
    assert_int_equal(s.n, 10);
    assert_false(s.had_object);
    value_free(c);
    diags_cleanup(&d);
}

static void list_stops_when_the_sink_refuses(void **state)
{
    struct seen s = {.refuse_after = 2};
    struct list_sink sink = {.result = collect, .ctx = &s};
    struct diags d;
    diags_init(&d);
    struct value *c = config("b");
    tried = 0;
    list_run(p, "t_thing", c, false, 100, &sink, &d);
    assert_int_equal(s.n, 2);
    assert_int_equal(tried, 3);         /* the third was refused, then it stopped */
    value_free(c);
    diags_cleanup(&d);
}

static void list_refuses_what_terraform_would(void **state)
{
    struct seen s = {0};
    struct list_sink sink = {.result = collect, .ctx = &s};
    struct diags d;
    diags_init(&d);
    list_validate(p, "t_thing", NULL, &d);          /* no config block */
    assert_true(diags_has_error(&d));
    assert_non_null(strstr(d.items[0].detail, "\"prefix\""));
    diags_cleanup(&d);
    diags_init(&d);
    struct value *c = config("c");
    list_run(p, "t_plain", c, false, 10, &sink, &d);    /* a type without identity */
    assert_true(diags_has_error(&d));
    assert_int_equal(s.n, 0);
    diags_cleanup(&d);
    diags_init(&d);
    list_run(p, "t_none", c, false, 10, &sink, &d);
    assert_true(diags_has_error(&d));
    value_free(c);
    diags_cleanup(&d);
}

static void list_survives_allocation_failures(void **state)
{
    struct value *c = config("d");
    for (long n = 0; n < 300; n++) {
        struct seen s = {0};
        struct list_sink sink = {.result = collect, .ctx = &s};
        struct diags d;
        diags_init(&d);
        alloc_fail_after(n);
        list_run(p, "t_thing", c, true, 5, &sink, &d);
        alloc_fail_reset();
        diags_cleanup(&d);
    }
    value_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_emits_identity_name_and_object),
        cmocka_unit_test(list_stops_when_the_sink_refuses),
        cmocka_unit_test(list_refuses_what_terraform_would),
        cmocka_unit_test(list_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("list_resource", tests, setup, teardown);
}
