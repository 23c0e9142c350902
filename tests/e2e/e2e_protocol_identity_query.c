/* e2e_protocol_identity_query - resource identity and `terraform query` over the real
 * protocol, on tfplugin5 and tfplugin6, against awsemu seeded with wiring made by hand
 * (tests/awsemu/seeds/console.json), with the rules Terraform 1.12-1.14 applies:
 *   - every answer carrying an object carries its identity, the same across reads and
 *     however the configuration spells the object (name or ARN, method case), known
 *     where Terraform requires it (a planned identity only for an update or no change);
 *   - import by identity gives the state and identity an import by ID gives; a missing
 *     required attribute or another account's identity is refused;
 *   - UpgradeResourceIdentity reads version 0 and names a version it does not know;
 *   - ListResource finds the console's wiring (the three types, the other-accounts filter,
 *     the limit), each result the object an import of its identity reads back;
 *   - GenerateResourceConfig writes no computed-only attribute, and planning the
 *     generated configuration against the object plans no change.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define CONSOLE_API "q1w2e3r4t5"
#define HELLO "arn:aws:lambda:us-west-2:222222222222:function:console-hello"

struct fixture {
    struct emu e;
    struct xt_provider *api, *fn;
};

static struct emu emulator;
static bool have_emulator;

static int group_setup(void **state)
{
    have_emulator = emu_start_seed(&emulator, "console.json");
    return 0;
}

static int group_teardown(void **state)
{
    if (have_emulator)
        emu_stop(&emulator);
    return 0;
}

static int setup_for(void **state, const char *protocols)
{
    if (!have_emulator) {
        *state = NULL;
        return 0;
    }
    emu_http(&emulator, "POST", "/_emu/reset", NULL, NULL, NULL);
    struct fixture *f = calloc(1, sizeof *f);
    f->e = emulator;
    f->api = start_provider_proto(&f->e, false, NULL, NULL, protocols);
    f->fn = start_provider_proto(&f->e, true, NULL, NULL, protocols);
    *state = f;
    return 0;
}

static int setup5(void **state) { return setup_for(state, "5"); }
static int setup6(void **state) { return setup_for(state, "6"); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (!f)
        return 0;
    xt_stop(f->api, NULL);
    xt_stop(f->fn, NULL);
    free(f);
    return 0;
}

#define FIXTURE()                  \
    struct fixture *f = *state;    \
    if (!f)                        \
        skip()

static struct value *identity_json(const char *type, const char *json)
{
    return json_value(xt_identity_type(type), json);
}

/* The identity of r, which must be there and wholly known. */
static const struct value *known_identity(const struct xt_result *r)
{
    assert_non_null(r->identity);
    assert_true(value_is_known(r->identity) && value_is_wholly_known(r->identity));
    return r->identity;
}

/* ---- identity ------------------------------------------------------------------------- */

/* A permission made with the function's name, then planned with its ARN: one identity
 * in apply, read and the no-change plan; none planned for the create. */
static void identity_is_the_same_in_every_answer(void **state)
{
    FIXTURE();
    struct value *config = res_config(T_PERMISSION,
                                      "{\"function_name\":\"console-hello\",\"statement_id\":"
                                      "\"e2e-identity\",\"source_arn\":\"arn:aws:execute-api:"
                                      "us-west-2:111111111111:" CONSOLE_API "/*/GET/empty\"}");
    struct xt_result r;
    xt_result_init(&r);
    struct value *planned = tf_plan(f->fn, T_PERMISSION, NULL, config, NULL, &r);
    assert_null(r.identity);                        /* a create plans no identity */
    xt_result_cleanup(&r);
    check(&r, xt_apply(f->fn, T_PERMISSION, NULL, planned, config, NULL, &r), "apply");
    struct value *state_v = xt_take_value(&r), *id = value_clone(known_identity(&r));
    assert_string_equal(value_attr_string(id, "function_name"), "console-hello");
    assert_string_equal(value_attr_string(id, "account_id"), "222222222222");
    assert_string_equal(value_attr_string(id, "region"), "us-west-2");
    assert_true(value_is_null(value_attr(id, "qualifier")));
    for (int i = 0; i < 2; i++) {
        check(&r, xt_read(f->fn, T_PERMISSION, state_v, NULL, &r), "read");
        assert_true(value_equal(known_identity(&r), id));
    }
    struct value *arn_config = res_config(T_PERMISSION,
                                          "{\"function_name\":\"" HELLO "\",\"statement_id\":"
                                          "\"e2e-identity\",\"source_arn\":\"arn:aws:execute-api:"
                                          "us-west-2:111111111111:" CONSOLE_API "/*/GET/empty\"}");
    xt_result_cleanup(&r);
    value_free(tf_plan(f->fn, T_PERMISSION, state_v, arn_config, NULL, &r));
    assert_true(value_equal(known_identity(&r), id));
    xt_result_cleanup(&r);
    check(&r, xt_import(f->fn, T_PERMISSION, HELLO "/e2e-identity", &r), "import by ID");
    assert_true(value_equal(known_identity(&r), id));
    value_free(tf_apply(f->fn, T_PERMISSION, state_v, NULL, NULL, false));
    xt_result_cleanup(&r);
    value_free(planned);
    value_free(state_v);
    value_free(id);
    value_free(config);
    value_free(arn_config);
}

/* An integration written with "get": its identity says GET, before and after reads. */
static void identity_spells_the_method_once(void **state)
{
    FIXTURE();
    struct value *config = res_config(T_INTEGRATION,
                                      "{\"rest_api_id\":\"" CONSOLE_API "\",\"resource_path\":"
                                      "\"/empty\",\"http_method\":\"get\",\"function_arn\":\""
                                      HELLO "\"}");
    struct value *state_v = tf_converge(f->api, T_INTEGRATION, NULL, config);
    struct xt_result r;
    xt_result_init(&r);
    check(&r, xt_read(f->api, T_INTEGRATION, state_v, NULL, &r), "read");
    struct value *want = identity_json(T_INTEGRATION,
                                       "{\"account_id\":\"111111111111\",\"region\":\"us-east-1\","
                                       "\"rest_api_id\":\"" CONSOLE_API "\",\"resource_id\":"
                                       "\"c0nomethod\",\"http_method\":\"GET\"}");
    assert_true(value_equal(known_identity(&r), want));
    xt_result_cleanup(&r);
    value_free(tf_plan(f->api, T_INTEGRATION, state_v, config, NULL, &r));
    assert_true(value_equal(known_identity(&r), want));
    tf_destroy(f->api, T_INTEGRATION, state_v);
    xt_result_cleanup(&r);
    value_free(want);
    value_free(config);
}

/* Import by identity: the state of an import by ID, the same identity; refusals. */
static void import_by_identity(void **state)
{
    FIXTURE();
    struct xt_result by_id, by_identity;
    xt_result_init(&by_id);
    xt_result_init(&by_identity);
    struct value *id = identity_json(T_INTEGRATION, "{\"rest_api_id\":\"" CONSOLE_API "\","
                                                    "\"resource_id\":\"c0root0001\","
                                                    "\"http_method\":\"get\"}");
    check(&by_identity, xt_import_identity(f->api, T_INTEGRATION, id, &by_identity),
          "import by identity");
    check(&by_id, xt_import(f->api, T_INTEGRATION, CONSOLE_API "/c0root0001/GET", &by_id),
          "import by ID");
    assert_true(value_equal(known_identity(&by_identity), known_identity(&by_id)));
    assert_string_equal(value_attr_string(by_identity.identity, "http_method"), "GET");
    struct value *a = tf_read(f->api, T_INTEGRATION, by_identity.value);
    struct value *b = tf_read(f->api, T_INTEGRATION, by_id.value);
    assert_true(value_equal(a, b));
    assert_string_equal(value_attr_string(a, "resource_path"), "/");
    value_free(a);
    value_free(b);
    value_free(id);
    id = identity_json(T_INTEGRATION, "{\"rest_api_id\":\"" CONSOLE_API "\",\"http_method\":\"GET\"}");
    xt_import_identity(f->api, T_INTEGRATION, id, &by_identity);
    assert_non_null(xt_find_diag(&by_identity, "resource_id must be set"));
    value_free(id);
    id = identity_json(T_PERMISSION, "{\"function_name\":\"console-hello\",\"statement_id\":"
                                     "\"console-get-root\",\"account_id\":\"999999999999\"}");
    xt_import_identity(f->fn, T_PERMISSION, id, &by_identity);
    assert_non_null(xt_find_diag(&by_identity, "\"999999999999\""));
    assert_null(by_identity.value);
    value_free(id);
    xt_result_cleanup(&by_id);
    xt_result_cleanup(&by_identity);
}

static void upgrade_identity(void **state)
{
    FIXTURE();
    struct xt_result r;
    xt_result_init(&r);
    const char *json = "{\"function_name\":\"console-hello\",\"statement_id\":\"s1\","
                       "\"qualifier\":null,\"region\":\"us-west-2\",\"account_id\":\"222222222222\"}";
    check(&r, xt_upgrade_identity(f->fn, T_PERMISSION, 0, json, &r), "UpgradeResourceIdentity");
    assert_string_equal(value_attr_string(known_identity(&r), "statement_id"), "s1");
    xt_upgrade_identity(f->fn, T_PERMISSION, 1, json, &r);
    assert_non_null(xt_find_diag(&r, "knows version 0 only"));
    xt_upgrade_identity(f->fn, T_PERMISSION, 0, "[1,2]", &r);
    assert_true(xt_has_error(&r));
    xt_result_cleanup(&r);
}

/* ---- list resources and generated configuration ---------------------------------------- */

static size_t count_results(const struct xt_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        assert_false(xt_has_error(&l->events[i]));
        n += l->events[i].identity != NULL;
    }
    return n;
}

/* Every result is what importing its identity and reading gives, and its generated
 * configuration validates and plans no change against it. */
static void check_results(struct xt_provider *p, const char *type, const struct xt_list *l)
{
    struct xt_result r;
    xt_result_init(&r);
    for (size_t i = 0; i < l->n; i++) {
        const struct xt_result *ev = &l->events[i];
        assert_true(ev->raw.len > 0);                      /* a display name */
        assert_non_null(ev->value);
        check(&r, xt_import_identity(p, type, ev->identity, &r), "import by identity");
        struct value *read = tf_read(p, type, r.value);
        assert_true(value_equal(read, ev->value));
        check(&r, xt_generate_config(p, type, read, &r), "GenerateResourceConfig");
        const struct schema_block *b = &rtype(type)->schema->block;
        for (size_t k = 0; k < b->nattrs; k++)
            if (!(b->attrs[k].flags & (ATTR_REQUIRED | ATTR_OPTIONAL)))
                assert_true(value_is_null(value_attr(r.value, b->attrs[k].name)));
        struct value *config = xt_take_value(&r);
        check(&r, xt_validate_resource(p, type, config, &r), "validate generated config");
        assert_true(tf_plan_is_noop(p, type, read, config));
        value_free(config);
        value_free(read);
    }
    xt_result_cleanup(&r);
}

static void list_integrations_finds_console_wiring(void **state)
{
    FIXTURE();
    struct xt_list l;
    struct value *all = json_value(xt_list_config_type(T_INTEGRATION),
                                   "{\"rest_api_id\":\"" CONSOLE_API "\"}");
    struct value *other = json_value(xt_list_config_type(T_INTEGRATION),
                                     "{\"rest_api_id\":\"" CONSOLE_API "\","
                                     "\"other_accounts_only\":true}");
    assert_int_equal(xt_list_resources(f->api, T_INTEGRATION, all, true, 100, &l), 0);
    assert_int_equal(count_results(&l), 4);     /* 3 to 222222222222, 1 in the account */
    check_results(f->api, T_INTEGRATION, &l);
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->api, T_INTEGRATION, other, false, 100, &l), 0);
    assert_int_equal(count_results(&l), 3);
    for (size_t i = 0; i < l.n; i++)
        assert_null(l.events[i].value);         /* not asked for */
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->api, T_INTEGRATION, all, false, 2, &l), 0);
    assert_int_equal(count_results(&l), 2);
    xt_list_cleanup(&l);
    value_free(all);
    value_free(other);
}

static void list_permissions_finds_console_wiring(void **state)
{
    FIXTURE();
    struct xt_list l;
    const struct type *t = xt_list_config_type(T_PERMISSION);
    struct value *all = json_value(t, "{\"function_name\":\"console-hello\"}");
    struct value *other = json_value(t, "{\"function_name\":\"console-hello\","
                                        "\"other_accounts_only\":true}");
    struct value *live = json_value(t, "{\"function_name\":\"" HELLO ":live\"}");
    assert_int_equal(xt_list_resources(f->fn, T_PERMISSION, all, true, 100, &l), 0);
    assert_int_equal(count_results(&l), 3);     /* API Gateway's, not S3's */
    check_results(f->fn, T_PERMISSION, &l);
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->fn, T_PERMISSION, other, true, 100, &l), 0);
    assert_int_equal(count_results(&l), 2);     /* not the function account's own API */
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->fn, T_PERMISSION, live, true, 100, &l), 0);
    assert_int_equal(count_results(&l), 1);
    assert_string_equal(value_attr_string(l.events[0].identity, "qualifier"), "live");
    check_results(f->fn, T_PERMISSION, &l);
    xt_list_cleanup(&l);
    value_free(all);
    value_free(other);
    value_free(live);
}

static void list_authorizers_finds_console_wiring(void **state)
{
    FIXTURE();
    struct xt_list l;
    const struct type *t = xt_list_config_type("xacct_lambda_authorizer");
    struct value *all = json_value(t, "{\"rest_api_id\":\"" CONSOLE_API "\"}");
    struct value *other = json_value(t, "{\"rest_api_id\":\"" CONSOLE_API "\","
                                        "\"other_accounts_only\":true}");
    assert_int_equal(xt_list_resources(f->api, "xacct_lambda_authorizer", all, true, 100, &l), 0);
    assert_int_equal(count_results(&l), 2);     /* TOKEN and REQUEST, not Cognito */
    assert_string_equal(value_attr_string(l.events[0].identity, "authorizer_id"), "c0auth0001");
    assert_string_equal(value_attr_string(l.events[1].identity, "account_id"), "111111111111");
    check_results(f->api, "xacct_lambda_authorizer", &l);
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->api, "xacct_lambda_authorizer", other, false, 100, &l),
                     0);
    assert_int_equal(count_results(&l), 1);
    assert_null(l.events[0].value);             /* not asked for */
    xt_list_cleanup(&l);
    value_free(all);
    value_free(other);
}

/* Validation and failures: diagnostics with paths, a stream ended by an error event. */
static void list_refuses_bad_configuration(void **state)
{
    FIXTURE();
    struct xt_result r;
    struct xt_list l;
    xt_result_init(&r);
    xt_validate_list(f->api, T_INTEGRATION, NULL, &r);
    assert_non_null(xt_find_diag(&r, "needs a config block"));
    struct value *bad = json_value(xt_list_config_type(T_INTEGRATION),
                                   "{\"rest_api_id\":\"nosuchapi1\"}");
    assert_int_equal(xt_list_resources(f->api, T_INTEGRATION, bad, false, 100, &l), 0);
    assert_int_equal(l.n, 1);
    assert_null(l.events[0].identity);
    assert_non_null(xt_find_diag(&l.events[0], "NotFoundException"));
    xt_list_cleanup(&l);
    assert_int_equal(xt_list_resources(f->api, "xacct_nothing", NULL, false, 100, &l), 0);
    assert_int_equal(l.n, 1);
    assert_non_null(xt_find_diag(&l.events[0], "xacct_nothing"));
    xt_list_cleanup(&l);
    value_free(bad);
    xt_result_cleanup(&r);
}

#define T6(f) cmocka_unit_test_setup_teardown(f, setup6, teardown)
#define T5(f) cmocka_unit_test_setup_teardown(f, setup5, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T6(identity_is_the_same_in_every_answer), T5(identity_is_the_same_in_every_answer),
        T6(identity_spells_the_method_once),      T5(identity_spells_the_method_once),
        T6(import_by_identity),                   T5(import_by_identity),
        T6(upgrade_identity),                     T5(upgrade_identity),
        T6(list_integrations_finds_console_wiring),
        T5(list_integrations_finds_console_wiring),
        T6(list_permissions_finds_console_wiring),
        T5(list_permissions_finds_console_wiring),
        T6(list_authorizers_finds_console_wiring),
        T5(list_authorizers_finds_console_wiring),
        T6(list_refuses_bad_configuration),       T5(list_refuses_bad_configuration),
    };
    return cmocka_run_group_tests_name("e2e_protocol_identity_query", tests, group_setup,
                                       group_teardown);
}
