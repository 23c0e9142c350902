/* tests/unit/test_provider.c - the provider model (core/provider.c).
 *
 * A fake provider type with two resource types (one complete, one with no lifecycle
 * functions) checks dispatch: unknown types, unconfigured calls, missing steps, plan
 * (destroy, generic planner then the resource's plan), apply by nullness, read of a gone
 * object, import, state upgrade (same version drops removed attributes, older version
 * calls upgrade, newer is refused), move (the source type checked as data), reconfigure
 * and stop, and all of it from several threads while the provider is reconfigured (run
 * under TSan to check). Resource functions get typed models (core/model.h); an
 * equivalent spelling in the configuration or from a read keeps the prior's.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/equivalence.h"
#include "core/model.h"
#include "core/provider.h"
#include "util/alloc.h"

struct thing {
    struct model_string id;
    struct model_string name;
    struct model_string uri;
};

#define F(m) MODEL_FIELD(struct thing, m)
static const struct schema_attribute attrs[] = {
    {.name = "id", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(id)},
    {.name = "name", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .equivalent = equivalence_case_insensitive, .field = F(name)},
    {.name = "uri", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(uri)},
};
static const struct schema full_schema = {
    .version = 2, .block = {.attrs = attrs, .nattrs = 3, .model_size = sizeof(struct thing)}};

struct meta {
    int creates, updates, deletes, reads, stops;
    bool gone;
    const char *read_name;      /* what read reports as the name, when set */
};
static int metas_freed;

static const struct type *rtype(void) { return schema_implied_type(&full_schema.block); }

static struct value *state_of(const char *name, const char *id)
{
    struct value *v = value_new_object(rtype());
    value_object_set_string(v, "name", name);
    value_object_set_string(v, "id", id);
    value_object_set_string(v, "uri", "u");
    return v;
}

static void r_validate(const void *config, struct diags *d)
{
    const struct thing *c = config;
    if (c->name.value && strcmp(c->name.value, "bad") == 0)
        diag_error_attr(d, "name", "Bad name", "The name \"bad\" is not allowed.");
}

static void r_plan(void *meta, const void *prior, const void *config, void *planned,
                   struct path_list *rr, struct diags *d)
{
    const struct thing *c = config;
    struct thing *p = planned;
    if (c->name.value && !model_set_string(&p->uri, "uri-of-name"))
        diag_error(d, "Out of memory", "test");
}

static bool r_create(void *meta, const void *config, void *state, struct diags *d)
{
    __atomic_fetch_add(&((struct meta *)meta)->creates, 1, __ATOMIC_RELAXED);
    struct thing *s = state;
    return model_set_string(&s->id, "new-id") && model_set_string(&s->uri, "u");
}

static bool r_read(void *meta, void *state, struct diags *d)
{
    struct meta *m = meta;
    struct thing *s = state;
    __atomic_fetch_add(&m->reads, 1, __ATOMIC_RELAXED);
    return !m->gone && (!m->read_name || model_set_string(&s->name, m->read_name));
}

static bool r_update(void *meta, const void *prior, const void *config, void *state,
                     struct diags *d)
{
    __atomic_fetch_add(&((struct meta *)meta)->updates, 1, __ATOMIC_RELAXED);
    return true;
}

static void r_delete(void *meta, const void *prior, struct diags *d)
{
    __atomic_fetch_add(&((struct meta *)meta)->deletes, 1, __ATOMIC_RELAXED);
}

static bool r_import(void *meta, const char *id, void *state, struct diags *d)
{
    struct thing *s = state;
    return model_set_string(&s->name, "imported") && model_set_string(&s->id, id) &&
           model_set_string(&s->uri, "u");
}

static bool r_upgrade(int64_t version, const char *json, size_t len, void *state,
                      struct diags *d)
{
    struct thing *s = state;
    return model_set_string(&s->name, "upgraded") &&
           model_set_string(&s->id, version == 1 ? "v1" : "v0");
}

static bool r_move(const char *json, size_t len, void *state, struct diags *d)
{
    return model_from_json(&full_schema.block, json, len, state, d) == XA_OK;
}

static const struct resource_type full = {
    .name = "xacct_full", .schema = &full_schema, .validate = r_validate, .plan = r_plan,
    .create = r_create, .read = r_read, .update = r_update, .delete_ = r_delete,
    .import = r_import, .upgrade = r_upgrade,
    .move_from = {.provider = "example/things", .type = "things_thing"}, .move = r_move,
};
static const struct resource_type bare = {.name = "xacct_bare", .schema = &full_schema};
static const struct resource_type *const resources[] = {&full, &bare};

static struct meta *last_meta;

static void *p_configure(const void *config, const char *tfv, struct diags *d)
{
    return last_meta = xa_calloc(1, sizeof(struct meta));
}

static void p_meta_free(void *meta)
{
    metas_freed++;
    xa_free(meta);
}

static void p_stop(void *meta)
{
    if (meta)   /* core also stops before a configure has published a meta */
        __atomic_fetch_add(&((struct meta *)meta)->stops, 1, __ATOMIC_RELAXED);
}

static const struct provider_type ptype = {
    .name = "xacct", .configure = p_configure, .meta_free = p_meta_free, .stop = p_stop,
    .resources = resources, .nresources = 2,
};

static int setup(void **state)
{
    *state = provider_new(&ptype);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    provider_free(*state);
    return 0;
}

static void configure(struct provider *p)
{
    struct diags d;
    diags_init(&d);
    provider_configure(p, NULL, "1.15.9", &d);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
}

static void assert_one_error(struct diags *d, const char *detail)
{
    assert_true(diags_has_error(d));
    if (!strstr(d->items[0].detail, detail))
        print_error("detail: %s\n", d->items[0].detail);
    assert_non_null(strstr(d->items[0].detail, detail));
    diags_cleanup(d);
}

static void provider_rejects_unknown_type_and_unconfigured_calls(void **state)
{
    struct provider *p = *state;
    struct diags d;
    diags_init(&d);
    assert_ptr_equal(provider_get_type(p), &ptype);
    assert_ptr_equal(provider_resource(p, "xacct_full"), &full);
    assert_null(provider_resource(p, "xacct_nope"));
    struct value *v = provider_read_resource(p, "xacct_nope", NULL, &d);
    assert_null(v);
    assert_string_equal(d.items[0].summary, "Unknown resource type");
    assert_one_error(&d, "xacct_nope");
    struct value *s = state_of("a", "b");
    v = provider_read_resource(p, "xacct_full", s, &d);
    assert_null(v);
    assert_one_error(&d, "provider not configured");
    configure(p);
    v = provider_read_resource(p, "xacct_bare", s, &d);
    assert_null(v);
    assert_one_error(&d, "xacct: xacct_bare does not implement read yet");
    v = provider_import_resource(p, "xacct_bare", "x", &d);
    assert_one_error(&d, "does not implement import yet");
    value_free(s);
}

static void provider_validate_runs_schema_and_resource(void **state)
{
    struct provider *p = *state;
    struct diags d;
    diags_init(&d);
    struct value *c = value_new_object(rtype());
    provider_validate_resource(p, "xacct_full", c, &d);
    assert_one_error(&d, "\"name\" is required");
    value_object_set_string(c, "name", "bad");
    provider_validate_resource(p, "xacct_full", c, &d);
    assert_one_error(&d, "not allowed");
    value_object_set_string(c, "name", "good");
    provider_validate_resource(p, "xacct_full", c, &d);
    provider_validate_config(p, c, &d);
    assert_int_equal(d.len, 0);
    value_free(c);
}

static void provider_plan_runs_planner_then_resource(void **state)
{
    struct provider *p = *state;
    configure(p);
    struct diags d;
    diags_init(&d);
    struct plan_result r;
    plan_result_init(&r);
    struct value *c = value_new_object(rtype());
    value_object_set_string(c, "name", "n");
    struct value *nul = value_new_null(rtype());
    provider_plan_resource(p, "xacct_full", nul, c, c, &r, &d);
    assert_int_equal(d.len, 0);
    assert_string_equal(value_attr_string(r.planned, "uri"), "uri-of-name");
    assert_true(value_is_unknown(value_attr(r.planned, "id")));
    plan_result_cleanup(&r);
    /* update with a changed replacing argument */
    struct value *prior = state_of("old", "i");
    provider_plan_resource(p, "xacct_full", prior, c, c, &r, &d);
    assert_int_equal(r.requires_replace.len, 1);
    assert_string_equal(r.requires_replace.items[0].steps[0].name, "name");
    plan_result_cleanup(&r);
    /* an equivalent spelling of a replacing argument: planned as the prior, no replace */
    struct value *upper = value_clone(c);
    value_object_set_string(upper, "name", "OLD");
    provider_plan_resource(p, "xacct_full", prior, upper, upper, &r, &d);
    assert_int_equal(r.requires_replace.len, 0);
    assert_string_equal(value_attr_string(r.planned, "name"), "old");
    plan_result_cleanup(&r);
    value_free(upper);
    /* destroy */
    provider_plan_resource(p, "xacct_full", prior, nul, nul, &r, &d);
    assert_non_null(r.planned);
    assert_true(value_is_null(r.planned));
    plan_result_cleanup(&r);
    /* a resource without plan function plans generically, even unconfigured */
    struct provider *q = provider_new(&ptype);
    provider_plan_resource(q, "xacct_bare", nul, c, c, &r, &d);
    assert_int_equal(d.len, 0);
    assert_true(value_is_unknown(value_attr(r.planned, "uri")));
    plan_result_cleanup(&r);
    provider_free(q);
    value_free(prior);
    value_free(c);
    value_free(nul);
    diags_cleanup(&d);
}

static void provider_apply_dispatches_by_nullness(void **state)
{
    struct provider *p = *state;
    configure(p);
    struct diags d;
    diags_init(&d);
    struct value *nul = value_new_null(rtype());
    struct value *planned = state_of("n", "x");
    struct value *v = provider_apply_resource(p, "xacct_full", nul, planned, planned, &d);
    assert_string_equal(value_attr_string(v, "id"), "new-id");
    struct value *v2 = provider_apply_resource(p, "xacct_full", v, planned, planned, &d);
    assert_string_equal(value_attr_string(v2, "id"), "x");
    struct value *v3 = provider_apply_resource(p, "xacct_full", v2, nul, nul, &d);
    assert_non_null(v3);
    assert_true(value_is_null(v3));
    assert_true(type_equal(value_type(v3), rtype()));
    assert_int_equal(d.len, 0);
    struct value *v4 = provider_apply_resource(p, "xacct_bare", v, planned, planned, &d);
    assert_string_equal(value_attr_string(v4, "id"), "new-id");   /* prior kept */
    assert_one_error(&d, "does not implement update yet");
    value_free(v);
    value_free(v2);
    value_free(v3);
    value_free(v4);
    value_free(planned);
    value_free(nul);
}

static void provider_read_and_import(void **state)
{
    struct provider *p = *state;
    configure(p);
    struct diags d;
    diags_init(&d);
    struct value *s = state_of("n", "x");
    struct value *v = provider_read_resource(p, "xacct_full", s, &d);
    assert_true(value_equal(v, s));
    value_free(v);
    /* what AWS spells differently but equivalently keeps the state's spelling */
    struct diags none;
    diags_init(&none);
    last_meta->read_name = "N";
    v = provider_read_resource(p, "xacct_full", s, &none);
    assert_string_equal(value_attr_string(v, "name"), "n");
    value_free(v);
    last_meta->read_name = "other";
    v = provider_read_resource(p, "xacct_full", s, &none);
    assert_string_equal(value_attr_string(v, "name"), "other");
    value_free(v);
    last_meta->read_name = NULL;
    diags_cleanup(&none);
    /* a read that leaves an unknown is reported with the attribute */
    value_object_set(s, "uri", value_new_unknown(&type_string));
    v = provider_read_resource(p, "xacct_full", s, &d);
    value_free(v);
    assert_one_error(&d, "left the attribute uri unknown");
    v = provider_import_resource(p, "xacct_full", "abc", &d);
    assert_string_equal(value_attr_string(v, "id"), "abc");
    value_free(v);
    assert_int_equal(d.len, 0);
    value_free(s);
}

static void provider_upgrade_by_version(void **state)
{
    struct provider *p = *state;
    struct diags d;
    diags_init(&d);
    static const char js[] = "{\"id\":\"i\",\"name\":\"n\",\"removed\":true}";
    struct value *v = provider_upgrade_resource(p, "xacct_full", 2, js, strlen(js), &d);
    assert_int_equal(d.len, 0);
    assert_string_equal(value_attr_string(v, "name"), "n");
    assert_true(value_is_null(value_attr(v, "uri")));
    value_free(v);
    v = provider_upgrade_resource(p, "xacct_full", 1, js, strlen(js), &d);
    assert_string_equal(value_attr_string(v, "id"), "v1");
    value_free(v);
    v = provider_upgrade_resource(p, "xacct_full", 3, js, strlen(js), &d);
    assert_null(v);
    assert_one_error(&d, "newer version");
    v = provider_upgrade_resource(p, "xacct_bare", 0, js, strlen(js), &d);
    assert_null(v);
    assert_one_error(&d, "cannot upgrade state from schema version 0");
    v = provider_upgrade_resource(p, "xacct_full", 2, "{", 1, &d);
    assert_null(v);
    assert_true(diags_has_error(&d));
    diags_cleanup(&d);
}

static void provider_move_checks_the_source(void **state)
{
    struct provider *p = *state;
    struct diags d;
    diags_init(&d);
    struct value *v = provider_move_resource(p, "registry.terraform.io/hashicorp/aws",
                                             "aws_lambda_permission", 0, "{}", 2, "xacct_bare", &d);
    assert_null(v);
    assert_one_error(&d, "cannot be moved into xacct_bare");
    v = provider_move_resource(p, "registry.terraform.io/hashicorp/aws", "things_thing", 0, "{}",
                               2, "xacct_full", &d);
    assert_null(v);
    assert_one_error(&d, "xacct_full can adopt the state of example/things's things_thing only, "
                         "not registry.terraform.io/hashicorp/aws's things_thing.");
    static const char js[] = "{\"name\":\"moved\",\"other\":1}";
    v = provider_move_resource(p, "example.com/example/things", "things_thing", 0, js,
                               strlen(js), "xacct_full", &d);
    assert_int_equal(d.len, 0);
    assert_string_equal(value_attr_string(v, "name"), "moved");
    value_free(v);
}

static void provider_reconfigure_frees_old_meta_and_stop_reaches_it(void **state)
{
    struct provider *p = provider_new(&ptype);
    metas_freed = 0;
    provider_stop(p);               /* not configured: nothing to stop */
    configure(p);
    configure(p);
    assert_int_equal(metas_freed, 1);
    provider_stop(p);
    provider_free(p);
    assert_int_equal(metas_freed, 2);
}

static void *hammer(void *arg)
{
    struct provider *p = arg;
    struct value *nul = value_new_null(rtype());
    struct value *planned = state_of("n", "x");
    for (int i = 0; i < 200; i++) {
        struct diags d;
        diags_init(&d);
        struct value *v = provider_apply_resource(p, "xacct_full", nul, planned, planned, &d);
        struct value *w = provider_read_resource(p, "xacct_full", v, &d);
        struct plan_result r;
        plan_result_init(&r);
        provider_plan_resource(p, "xacct_full", w, planned, planned, &r, &d);
        if (diags_has_error(&d) || !value_equal(v, w))
            return (void *)1;
        plan_result_cleanup(&r);
        value_free(v);
        value_free(w);
        diags_cleanup(&d);
    }
    value_free(nul);
    value_free(planned);
    return NULL;
}

static void provider_is_thread_safe(void **state)
{
    struct provider *p = provider_new(&ptype);
    metas_freed = 0;
    configure(p);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hammer, p), 0);
    for (int i = 0; i < 20; i++) {
        configure(p);
        provider_stop(p);
    }
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(th[i], &rc);
        assert_null(rc);
    }
    provider_free(p);
    assert_int_equal(metas_freed, 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(provider_rejects_unknown_type_and_unconfigured_calls,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(provider_validate_runs_schema_and_resource, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(provider_plan_runs_planner_then_resource, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(provider_apply_dispatches_by_nullness, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_read_and_import, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_upgrade_by_version, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_move_checks_the_source, setup, teardown),
        cmocka_unit_test(provider_reconfigure_frees_old_meta_and_stop_reaches_it),
        cmocka_unit_test(provider_is_thread_safe),
    };
    return cmocka_run_group_tests_name("provider", tests, NULL, NULL);
}
