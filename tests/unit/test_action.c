/* test_action - core/action with an action type of its own (no AWS): the configuration
 * arrives as a typed model after the schema's validators, progress messages reach the
 * sink in order, a sink that refuses tells the action to stop, an unconfigured provider
 * and an unknown type are errors, and nothing leaks when allocations fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/action.h"
#include "core/model.h"
#include "core/provider.h"
#include "util/alloc.h"

struct touch { struct model_string target; };
static const struct schema_attribute touch_attrs[] = {
    {.name = "target", .type = &type_string, .flags = ATTR_REQUIRED,
     .validator = {.kind = VALIDATE_REGEX, .pattern = "^[a-z]+$", .message = "lower case"},
     .field = MODEL_FIELD(struct touch, target)},
};
static const struct schema touch_schema = {
    .block = {.attrs = touch_attrs, .nattrs = 1, .model_size = sizeof(struct touch)}};

static int steps_done;
static void touch_invoke(void *meta, const void *config, struct action_progress *p,
                         struct diags *d)
{
    const struct touch *c = config;
    for (steps_done = 0; steps_done < 5; steps_done++)
        if (!action_report(p, "step %d of %s", steps_done, c->target.value))
            return;
    if (!strcmp(c->target.value, "fail"))
        diag_error(d, "Touch failed", "as asked");
}

static void touch_plan(void *meta, const void *config, struct diags *d)
{
    diag_add(d, DIAG_WARNING, NULL, "Planned", "with meta %s", meta ? "set" : "missing");
}

static const struct action_type touch = {.name = "t_touch", .schema = &touch_schema,
                                         .plan = touch_plan, .invoke = touch_invoke};
static const struct action_type *const actions[] = {&touch};
static const struct schema empty = {.block = {.model_size = 1}};
static int meta;
static void *configure(const void *config, const char *v, struct diags *d) { return &meta; }
static const struct provider_type ptype = {.name = "t", .schema = &empty, .configure = configure,
                                           .actions = actions, .nactions = 1};

struct heard {
    int n, refuse_after;
    char last[64];
};

static bool hear(void *ctx, const char *message)
{
    struct heard *h = ctx;
    if (h->refuse_after && h->n >= h->refuse_after)
        return false;
    h->n++;
    snprintf(h->last, sizeof h->last, "%s", message);
    return true;
}

static struct value *config(const char *target)
{
    struct value *c = value_new_object(schema_implied_type(&touch_schema.block));
    assert_true(value_object_set_string(c, "target", target));
    return c;
}

static void action_reports_progress_in_order(void **state)
{
    struct provider *p = provider_new(&ptype);
    struct heard h = {0};
    struct action_sink sink = {.progress = hear, .ctx = &h};
    struct diags d;
    diags_init(&d);
    struct value *c = config("door");
    action_invoke(p, "t_touch", c, &sink, &d);
    assert_true(diags_has_error(&d));                   /* not configured */
    assert_int_equal(h.n, 0);
    diags_cleanup(&d);
    diags_init(&d);
    provider_configure(p, NULL, "1.14.0", &d);
    action_plan(p, "t_touch", c, &d);
    assert_int_equal(d.len, 1);
    assert_string_equal(d.items[0].detail, "with meta set");
    action_invoke(p, "t_touch", c, &sink, &d);
    assert_false(diags_has_error(&d));
    assert_int_equal(h.n, 5);
    assert_string_equal(h.last, "step 4 of door");
    h = (struct heard){.refuse_after = 2};
    action_invoke(p, "t_touch", c, &sink, &d);
    assert_int_equal(h.n, 2);
    assert_int_equal(steps_done, 2);                    /* it stopped when told */
    value_free(c);
    c = config("fail");
    h = (struct heard){0};
    action_invoke(p, "t_touch", c, &sink, &d);
    assert_true(diags_has_error(&d));
    value_free(c);
    provider_free(p);
    diags_cleanup(&d);
}

static void action_validates_before_running(void **state)
{
    struct provider *p = provider_new(&ptype);
    struct heard h = {0};
    struct action_sink sink = {.progress = hear, .ctx = &h};
    struct diags d;
    diags_init(&d);
    provider_configure(p, NULL, "1.14.0", &d);
    struct value *c = config("Door");
    action_validate(p, "t_touch", c, &d);
    assert_true(diags_has_error(&d));
    assert_string_equal(d.items[0].path.steps[0].name, "target");
    diags_cleanup(&d);
    diags_init(&d);
    action_invoke(p, "t_touch", c, &sink, &d);
    assert_true(diags_has_error(&d));
    assert_int_equal(h.n, 0);
    diags_cleanup(&d);
    diags_init(&d);
    action_validate(p, "t_other", c, &d);
    assert_true(diags_has_error(&d));
    value_free(c);
    provider_free(p);
    diags_cleanup(&d);
}

static void action_survives_allocation_failures(void **state)
{
    struct provider *p = provider_new(&ptype);
    struct diags d;
    diags_init(&d);
    provider_configure(p, NULL, "1.14.0", &d);
    diags_cleanup(&d);
    struct value *c = config("door");
    for (long n = 0; n < 200; n++) {
        struct heard h = {0};
        struct action_sink sink = {.progress = hear, .ctx = &h};
        diags_init(&d);
        alloc_fail_after(n);
        action_invoke(p, "t_touch", c, &sink, &d);
        alloc_fail_reset();
        diags_cleanup(&d);
    }
    value_free(c);
    provider_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(action_reports_progress_in_order),
        cmocka_unit_test(action_validates_before_running),
        cmocka_unit_test(action_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("action", tests, NULL, NULL);
}
