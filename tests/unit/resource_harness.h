/* tests/unit/resource_harness.h - one xacct resource type inside core's provider, for the
 * resources' unit tests (test_lambda_integration.c, test_lambda_permission.c).
 *
 * The provider is configured with a meta the test chooses (no AWS), so that plans,
 * validation, import, upgrade and move run exactly as Terraform reaches them: values in,
 * core's decode into the typed model, equivalences and generic planning, the resource's
 * function, core's encode, values out. Conversions the tests call directly take models:
 * harness_model / harness_value turn JSON-made values into models and back.
 * Include after cmocka.h; define HARNESS_TYPE (the resource type) first.
 */
#ifndef XA_TESTS_RESOURCE_HARNESS_H
#define XA_TESTS_RESOURCE_HARNESS_H

#include <string.h>

#include "core/codec.h"
#include "core/model.h"
#include "core/provider.h"
#include "resources/meta.h"

#define HARNESS_HELPER static __attribute__((unused))

extern const struct resource_type HARNESS_TYPE;
#define RT (&HARNESS_TYPE)

static struct xacct_meta *harness_meta;
static const struct resource_type *const harness_resources[] = {&HARNESS_TYPE};
static const struct schema harness_schema = {.block = {.model_size = 1}};
static struct provider *harness;

static void *harness_configure(const void *config, const char *tf_version, struct diags *d)
{
    return harness_meta;
}

static const struct provider_type harness_type = {
    .name = "xacct", .schema = &harness_schema, .configure = harness_configure,
    .resources = harness_resources, .nresources = 1, .scope = meta_scope};

/* Configures the provider with meta (a new provider on first use). */
HARNESS_HELPER void harness_use(struct xacct_meta *meta)
{
    struct diags d;
    diags_init(&d);
    if (!harness)
        harness = provider_new(&harness_type);
    harness_meta = meta;
    provider_configure(harness, NULL, "1.11.4", &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
}

HARNESS_HELPER int harness_teardown(void **state)
{
    provider_free(harness);
    harness = NULL;
    return 0;
}

/* A value of the resource's type from JSON (attributes left out are null). */
HARNESS_HELPER struct value *from_json(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json),
                                        schema_implied_type(&RT->schema->block), false, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    assert_non_null(v);
    return v;
}

/* PlanResourceChange as Terraform sends it (prior NULL: create). The plan, or NULL with
 * errors in d; *rr receives the requires_replace paths (path_list_cleanup it). */
HARNESS_HELPER struct value *plan(const struct value *prior, const struct value *config,
                          struct path_list *rr, struct diags *d)
{
    struct plan_result r;
    plan_result_init(&r);
    struct value *none = prior ? NULL : value_new_null(schema_implied_type(&RT->schema->block));
    provider_plan_resource(harness, RT->name, prior ? prior : none, config, config, &r, d);
    struct value *planned = r.planned;
    r.planned = NULL;
    path_list_cleanup(rr);
    *rr = r.requires_replace;
    path_list_init(&r.requires_replace);
    plan_result_cleanup(&r);
    value_free(none);
    return planned;
}

HARNESS_HELPER bool validate(const struct value *config, struct diags *d)
{
    provider_validate_resource(harness, RT->name, config, d);
    return !diags_has_error(d);
}

HARNESS_HELPER bool has_rr(const struct path_list *rr, const char *attr)
{
    for (size_t i = 0; i < rr->len; i++)
        if (rr->items[i].len == 1 && strcmp(rr->items[i].steps[0].name, attr) == 0)
            return true;
    return false;
}

/* The model of a value (model_free(&RT->schema->block, m) when done), and back. */
HARNESS_HELPER void *harness_model(const struct value *v)
{
    struct diags d;
    diags_init(&d);
    void *m = model_new(&RT->schema->block, v, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    return m;
}

HARNESS_HELPER struct value *harness_value(const void *m)
{
    struct diags d;
    diags_init(&d);
    struct value *v = model_encode(&RT->schema->block, m, &d);
    diags_cleanup(&d);
    return v;
}

HARNESS_HELPER void harness_model_free(void *m)
{
    model_free(&RT->schema->block, m);
}

HARNESS_HELPER bool is_unknown(const struct value *obj, const char *name)
{
    return value_is_unknown(value_attr(obj, name));
}

#endif
