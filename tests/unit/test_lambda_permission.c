/* tests/unit/test_lambda_permission.c - xacct_lambda_permission without AWS
 * (resources/lambda_permission.c).
 *
 * Function name forms, validation that saves users an afternoon (source ARN kind, the
 * cross-region rule, a qualifier given twice, the wrong account's provider), planning of
 * equivalent forms (name vs ARN, qualifier inside function_name) without replacement,
 * import IDs, statement mapping (principal forms through the schema's equivalence),
 * upgrade and MoveResourceState. Plans and imports run through core's provider
 * (resource_harness.h) as Terraform reaches them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/arn.h"
#include "core/equivalence.h"
#include "core/plan.h"
#include "core/resource.h"
#include "resources/permission_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

#define HARNESS_TYPE xacct_lambda_permission_type
#include "resource_harness.h"

#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:my-function"
#define SRC_W2 "arn:aws:execute-api:us-west-2:111111111111:abc123/*/GET/"

static struct xacct_meta meta_w2 = {.region = "us-west-2", .account_id = "222222222222",
                                    .partition = "aws"};
static struct xacct_meta meta_api = {.region = "us-east-1", .account_id = "111111111111",
                                     .partition = "aws"};

static int setup(void **state)
{
    harness_use(&meta_w2);
    return 0;
}

/* A plan made by the provider configured with meta m. */
static struct value *plan_with(struct xacct_meta *m, const struct value *prior,
                               const struct value *config, struct path_list *rr, struct diags *d)
{
    harness_use(m);
    struct value *planned = plan(prior, config, rr, d);
    harness_use(&meta_w2);
    return planned;
}

/* The forms of function_name (read with aws/arn.h) to the target of the Lambda calls. */
static void permission_function_ref_forms(void **state)
{
    struct {
        const char *s;
        bool ok;
        const char *function, *qualifier, *account, *region, *name;
    } cases[] = {
        {"my-function", true, "my-function", "", "", "us-east-1", "my-function"},
        {"my-function:live", true, "my-function", "live", "", "us-east-1", "my-function"},
        {"my-function:$LATEST", true, "my-function", "$LATEST", "", "us-east-1", "my-function"},
        {"222222222222:function:my-function", true, "222222222222:function:my-function", "",
         "222222222222", "us-east-1", "my-function"},
        {"222222222222:function:f:7", true, "222222222222:function:f", "7", "222222222222",
         "us-east-1", "f"},
        {FN_ARN, true, FN_ARN, "", "222222222222", "us-west-2", "my-function"},
        {FN_ARN ":prod", true, FN_ARN, "prod", "222222222222", "us-west-2", "my-function"},
        {"arn:aws:lambda:us-west-2:2222:function:f", false, 0, 0, 0, 0, 0},
        {"arn:aws:s3:::bucket", false, 0, 0, 0, 0, 0},
        {"my function", false, 0, 0, 0, 0, 0},
        {"f:", false, 0, 0, 0, 0, 0},
        {"", false, 0, 0, 0, 0, 0},
        {"a:b:c:d:e:f:g:h:i", false, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct permission_model m = {0};
        assert_true(model_set_string(&m.function_name, cases[i].s));
        struct permission_target t;
        bool ok = permission_target(&m, "us-east-1", &t);
        model_cleanup(&RT->schema->block, &m);
        if (ok != cases[i].ok)
            fail_msg("\"%s\": ok=%d", cases[i].s, ok);
        if (!ok)
            continue;
        assert_string_equal(t.function, cases[i].function);
        assert_string_equal(t.qualifier, cases[i].qualifier);
        assert_string_equal(t.account, cases[i].account);
        assert_string_equal(t.region, cases[i].region);
        assert_string_equal(t.name, cases[i].name);
        permission_target_cleanup(&t);
    }
}

static void permission_validate_catches_afternoon_wasters(void **state)
{
    struct {
        const char *name, *json;
        bool error, warning;
        const char *attr;
    } cases[] = {
        {"tutorial", "{\"function_name\":\"" FN_ARN "\",\"source_arn\":\"" SRC_W2 "\"}", false, false, NULL},
        {"not execute-api", "{\"function_name\":\"f\",\"source_arn\":\"arn:aws:apigateway:us-east-1::/restapis/abc\"}",
         true, false, "source_arn"},
        {"other principal", "{\"function_name\":\"f\",\"principal\":\"s3.amazonaws.com\","
                            "\"source_arn\":\"arn:aws:s3:::bucket\"}", false, false, NULL},
        /* A method's source ARN names the API's region, whatever the function's. */
        {"API in another region", "{\"function_name\":\"" FN_ARN "\",\"source_arn\":"
                                  "\"arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/\"}",
         false, false, NULL},
        {"any region", "{\"function_name\":\"" FN_ARN "\",\"source_arn\":"
                       "\"arn:aws:execute-api:*:111111111111:e1e2e3e4e5/*/GET/\"}", false, false, NULL},
        {"$LATEST qualifier", "{\"function_name\":\"f\",\"qualifier\":\"$LATEST\"}", true, false,
         "qualifier"},
        {"$LATEST in the name", "{\"function_name\":\"f:$LATEST\"}", true, false, "function_name"},
        {"any API account", "{\"function_name\":\"" FN_ARN "\",\"source_arn\":"
                            "\"arn:aws:execute-api:us-west-2:*:abc123/*/GET/\"}", false, false, NULL},
        {"qualifier twice", "{\"function_name\":\"f:1\",\"qualifier\":\"2\"}", true, false, "qualifier"},
        {"qualifier same", "{\"function_name\":\"f:1\",\"qualifier\":\"1\"}", false, false, NULL},
        {"bad name", "{\"function_name\":\"arn:aws:lambda:x\"}", true, false, "function_name"},
        {"both ids", "{\"function_name\":\"f\",\"statement_id\":\"a\",\"statement_id_prefix\":\"b\"}",
         true, false, "statement_id_prefix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *c = from_json(cases[i].json);
        struct diags d;
        diags_init(&d);
        validate(c, &d);
        bool warn = false;
        for (size_t j = 0; j < d.len; j++)
            warn |= d.items[j].severity == DIAG_WARNING;
        if (diags_has_error(&d) != cases[i].error || warn != cases[i].warning)
            fail_msg("case %s: error=%d warning=%d", cases[i].name, diags_has_error(&d), warn);
        if (cases[i].attr) {
            assert_true(d.items[0].has_path);
            assert_string_equal(d.items[0].path.steps[0].name, cases[i].attr);
        }
        diags_cleanup(&d);
        value_free(c);
    }
}

static void permission_plan_refuses_the_api_accounts_provider(void **state)
{
    struct value *c = from_json("{\"function_name\":\"" FN_ARN "\",\"source_arn\":\"" SRC_W2 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan_with(&meta_api, NULL, c, &rr, &d);
    assert_true(diags_has_error(&d));
    assert_non_null(strstr(d.items[0].detail, "function account's provider"));
    value_free(p);
    diags_cleanup(&d);
    diags_init(&d);
    p = plan_with(&meta_w2, NULL, c, &rr, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(p, "action"), "lambda:InvokeFunction");
    assert_string_equal(value_attr_string(p, "principal"), "apigateway.amazonaws.com");
    assert_string_equal(value_attr_string(p, "region"), "us-west-2");
    assert_true(is_unknown(p, "statement_id"));
    assert_true(is_unknown(p, "id"));
    assert_true(value_is_null(value_attr(p, "qualifier")));
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
}

/* The region rule is decided at plan time, when the function's region is known - also
 * for a bare name, which lives in the provider's region - and only authorizer ARNs can
 * be checked: a method's names the API's region, which the permission cannot know. */
static void permission_plan_warns_when_an_authorizer_arn_cannot_match(void **state)
{
    static const struct {
        const char *name, *function, *source_arn;
        bool warning;
    } cases[] = {
        {"bare name, authorizer in another region", "my-function",
         "arn:aws:execute-api:us-east-1:111111111111:abc123/authorizers/xyz9", true},
        {"ARN, authorizer in another region", FN_ARN,
         "arn:aws:execute-api:us-east-1:111111111111:abc123/authorizers/xyz9", true},
        {"authorizer in the function's region", "my-function",
         "arn:aws:execute-api:us-west-2:111111111111:abc123/authorizers/xyz9", false},
        {"authorizer in any region", "my-function",
         "arn:aws:execute-api:*:111111111111:abc123/authorizers/xyz9", false},
        {"method of an API in another region", "my-function",
         "arn:aws:execute-api:us-east-1:111111111111:abc123/*/GET/", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"function_name\":\"%s\",\"source_arn\":\"%s\"}",
                 cases[i].function, cases[i].source_arn);
        struct value *c = from_json(json);
        struct path_list rr;
        struct diags d;
        path_list_init(&rr);
        diags_init(&d);
        assert_true(validate(c, &d));
        assert_int_equal(d.len, 0);   /* validate cannot know a bare name's region */
        struct value *p = plan_with(&meta_w2, NULL, c, &rr, &d);
        assert_non_null(p);
        bool warned = false;
        for (size_t j = 0; j < d.len; j++)
            warned |= d.items[j].severity == DIAG_WARNING && d.items[j].has_path &&
                      strcmp(d.items[j].path.steps[0].name, "source_arn") == 0 &&
                      strstr(d.items[j].detail, "us-west-2") != NULL;
        if (warned != cases[i].warning)
            fail_msg("%s: warning %d, want %d", cases[i].name, warned, cases[i].warning);
        value_free(p);
        value_free(c);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
    }
}

static void permission_plan_equivalent_forms_do_not_replace(void **state)
{
    /* State as import leaves it: name and qualifier split. */
    struct value *prior = from_json("{\"function_name\":\"my-function\",\"qualifier\":\"live\","
                                    "\"statement_id\":\"AllowApi\",\"id\":\"AllowApi\","
                                    "\"action\":\"lambda:InvokeFunction\",\"principal\":"
                                    "\"apigateway.amazonaws.com\",\"source_arn\":\"" SRC_W2 "\","
                                    "\"region\":\"us-west-2\"}");
    const char *configs[] = {
        "{\"function_name\":\"my-function:live\",\"statement_id\":\"AllowApi\",\"source_arn\":\"" SRC_W2 "\"}",
        "{\"function_name\":\"" FN_ARN ":live\",\"statement_id\":\"AllowApi\",\"source_arn\":\"" SRC_W2 "\"}",
        "{\"function_name\":\"" FN_ARN "\",\"qualifier\":\"live\",\"statement_id\":\"AllowApi\","
        "\"source_arn\":\"" SRC_W2 "\"}",
        "{\"function_name\":\"222222222222:function:my-function\",\"qualifier\":\"live\","
        "\"statement_id\":\"AllowApi\",\"source_arn\":\"" SRC_W2 "\"}",
    };
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        struct value *c = from_json(configs[i]);
        struct path_list rr;
        struct diags d;
        path_list_init(&rr);
        diags_init(&d);
        struct value *p = plan_with(&meta_w2, prior, c, &rr, &d);
        if (rr.len != 0 || !value_equal(p, prior) || diags_has_error(&d))
            fail_msg("config %zu: %zu replace paths, equal=%d", i, rr.len, value_equal(p, prior));
        value_free(p);
        value_free(c);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
    }
    /* Another qualifier is another function version: replace. */
    struct value *c = from_json("{\"function_name\":\"my-function:v2\",\"statement_id\":\"AllowApi\","
                                "\"source_arn\":\"" SRC_W2 "\"}");
    struct path_list rr;
    struct diags d;
    path_list_init(&rr);
    diags_init(&d);
    struct value *p = plan_with(&meta_w2, prior, c, &rr, &d);
    assert_true(rr.len > 0);
    value_free(p);
    value_free(c);
    path_list_cleanup(&rr);
    diags_cleanup(&d);
    value_free(prior);
}

static void permission_import_id_formats(void **state)
{
    struct {
        const char *id;
        bool ok;
        const char *fn, *q, *sid;
    } cases[] = {
        {"my-function/AllowApi", true, "my-function", NULL, "AllowApi"},
        {"my-function:live/AllowApi", true, "my-function", "live", "AllowApi"},
        {FN_ARN ":live/AllowApi", true, FN_ARN, "live", "AllowApi"},
        {"my-function", false, 0, 0, 0},
        {"my-function/", false, 0, 0, 0},
        {"/AllowApi", false, 0, 0, 0},
        {"bad name/AllowApi", false, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct permission_model m = {0};
        bool ok = permission_import_id(&m, cases[i].id);
        if (ok != cases[i].ok)
            fail_msg("import \"%s\": ok=%d", cases[i].id, ok);
        if (ok) {
            assert_string_equal(m.function_name.value, cases[i].fn);
            if (cases[i].q)
                assert_string_equal(m.qualifier.value, cases[i].q);
            else
                assert_null(m.qualifier.value);
            assert_string_equal(m.statement_id.value, cases[i].sid);
            assert_string_equal(m.id.value, cases[i].sid);
        }
        model_cleanup(&RT->schema->block, &m);
    }
    struct diags d;
    diags_init(&d);
    assert_null(provider_import_resource(harness, RT->name, "nope", &d));
    assert_non_null(strstr(d.items[0].detail, "FUNCTION_NAME/STATEMENT_ID"));
    diags_cleanup(&d);
}

static void permission_read_maps_statement_and_keeps_principal_form(void **state)
{
    struct value *prior = from_json("{\"function_name\":\"f\",\"statement_id\":\"s1\",\"id\":\"s1\","
                                    "\"principal\":\"111111111111\",\"action\":\"lambda:InvokeFunction\"}");
    char sid[] = "s1", action[] = "lambda:InvokeFunction", principal[] = "arn:aws:iam::111111111111:root",
         src[] = "arn:aws:execute-api:us-west-2:111111111111:other/*/*/*";
    struct lambda_statement s = {.sid = sid, .action = action, .principal = principal,
                                 .source_arn = src};
    struct permission_model *pm = harness_model(prior), *m = harness_model(prior);
    assert_true(permission_state_read(m, &s));
    assert_string_equal(m->principal.value, principal);   /* as AWS writes it */
    assert_string_equal(m->source_arn.value, src);       /* drift shown as is */
    /* core keeps the prior's spelling of an equivalent principal (the schema's row) */
    struct value *v = harness_value(m);
    assert_int_equal(equivalence_keep_prior(&RT->schema->block, prior, pm, v, m, &meta_w2), 1);
    assert_string_equal(value_attr_string(v, "principal"), "111111111111");
    assert_string_equal(value_attr_string(v, "source_arn"), src);
    value_free(v);
    harness_model_free(m);
    harness_model_free(pm);
    value_free(prior);
}

/* The equivalences in plans: a principal's two spellings are no change; a qualifier
 * that goes away, or that moves out of function_name, is a replacement. */
static void permission_plan_equivalences_and_qualifiers(void **state)
{
    struct value *prior = from_json("{\"function_name\":\"my-function:live\",\"statement_id\":"
                                    "\"AllowApi\",\"id\":\"AllowApi\",\"action\":"
                                    "\"lambda:InvokeFunction\",\"principal\":"
                                    "\"arn:aws:iam::111111111111:root\",\"region\":\"us-west-2\"}");
    static const struct {
        const char *name, *config;
        bool replace;
    } cases[] = {
        {"principal as account", "{\"function_name\":\"my-function:live\",\"statement_id\":"
                                 "\"AllowApi\",\"principal\":\"111111111111\"}", false},
        {"qualifier moved out", "{\"function_name\":\"my-function\",\"qualifier\":\"live\","
                                "\"statement_id\":\"AllowApi\",\"principal\":\"111111111111\"}",
         true},
        {"qualifier dropped", "{\"function_name\":\"my-function\",\"statement_id\":\"AllowApi\","
                              "\"principal\":\"111111111111\"}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *c = from_json(cases[i].config);
        struct path_list rr;
        struct diags d;
        path_list_init(&rr);
        diags_init(&d);
        struct value *p = plan(prior, c, &rr, &d);
        assert_false(diags_has_error(&d));
        bool same = value_equal(p, prior);
        if ((rr.len > 0) != cases[i].replace || same == cases[i].replace)
            fail_msg("%s: %zu replace paths, same=%d", cases[i].name, rr.len, same);
        value_free(p);
        value_free(c);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
    }
    value_free(prior);
}

static void permission_upgrade_and_move(void **state)
{
    const char *v0 = "{\"id\":\"s1\",\"function_name\":\"f\",\"statement_id\":\"s1\","
                     "\"action\":\"lambda:InvokeFunction\",\"principal\":\"apigateway.amazonaws.com\","
                     "\"source_arn\":\"" SRC_W2 "\",\"qualifier\":\"\"}";
    struct diags d;
    diags_init(&d);
    struct value *v = provider_upgrade_resource(harness, RT->name, 0, v0, strlen(v0), &d);
    assert_non_null(v);
    assert_true(value_is_wholly_known(v));
    assert_null(value_attr_string(v, "qualifier"));
    assert_string_equal(value_attr_string(v, "statement_id"), "s1");
    value_free(v);
    const char *aws = "{\"id\":\"AllowApi\",\"function_name\":\"" FN_ARN "\",\"statement_id\":"
                      "\"AllowApi\",\"statement_id_prefix\":\"\",\"action\":\"lambda:InvokeFunction\","
                      "\"principal\":\"apigateway.amazonaws.com\",\"source_arn\":\"" SRC_W2 "\","
                      "\"event_source_token\":null,\"qualifier\":\"\",\"source_account\":\"\","
                      "\"principal_org_id\":\"\",\"function_url_auth_type\":\"\"}";
    v = provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                               "aws_lambda_permission", 0, aws, strlen(aws), RT->name, &d);
    assert_false(diags_has_error(&d));
    assert_string_equal(value_attr_string(v, "function_name"), FN_ARN);
    assert_null(value_attr_string(v, "statement_id_prefix"));
    value_free(v);
    assert_null(provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                                       "aws_iam_policy", 0, aws, strlen(aws), RT->name, &d));
    assert_null(provider_upgrade_resource(harness, RT->name, 0, "{", 1, &d));
    assert_int_equal(d.len, 2);
    diags_cleanup(&d);
}

static void permission_unique_ids_differ(void **state)
{
    char *a = permission_unique_id(NULL), *b = permission_unique_id("api-");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strncmp(a, "terraform-", 10), 0);
    assert_int_equal(strncmp(b, "api-", 4), 0);
    assert_string_not_equal(a + 10, b + 4);
    assert_true(strlen(a) <= 100);
    xa_free(a);
    xa_free(b);
}

/* Every allocation failing in turn: errors or NULL results, never a crash or a leak. */
static void permission_survives_allocation_failures(void **state)
{
    struct value *prior = from_json("{\"function_name\":\"my-function\",\"qualifier\":\"live\","
                                    "\"statement_id\":\"AllowApi\",\"id\":\"AllowApi\","
                                    "\"region\":\"us-west-2\"}");
    struct value *c = from_json("{\"function_name\":\"" FN_ARN ":live\",\"statement_id\":"
                                "\"AllowApi\",\"source_arn\":\"" SRC_W2 "\"}");
    char sid[] = "AllowApi", principal[] = "apigateway.amazonaws.com";
    struct lambda_statement st = {.sid = sid, .principal = principal};
    const char *aws = "{\"id\":\"AllowApi\",\"function_name\":\"f\",\"qualifier\":\"\"}";
    for (long n = 0; n < 4000; n++) {
        struct path_list rr;
        struct diags d;
        struct permission_model r = {0};
        path_list_init(&rr);
        diags_init(&d);
        alloc_fail_after(n);
        struct value *p = plan(prior, c, &rr, &d);
        bool read = model_decode(&RT->schema->block, prior, &r, &d) && permission_state_read(&r, &st);
        struct value *imp = provider_import_resource(harness, RT->name, "f:live/AllowApi", &d);
        struct value *mv = provider_move_resource(harness, "registry.terraform.io/hashicorp/aws",
                                                  "aws_lambda_permission", 0, aws, strlen(aws),
                                                  RT->name, &d);
        char *uid = permission_unique_id(NULL);
        bool done = p && read && imp && mv && uid && !diags_has_error(&d);
        alloc_fail_reset();
        xa_free(uid);
        value_free(mv);
        value_free(imp);
        model_cleanup(&RT->schema->block, &r);
        value_free(p);
        path_list_cleanup(&rr);
        diags_cleanup(&d);
        if (done)
            break;
        assert_true(n < 3999);
    }
    value_free(c);
    value_free(prior);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(permission_function_ref_forms),
        cmocka_unit_test(permission_validate_catches_afternoon_wasters),
        cmocka_unit_test(permission_plan_refuses_the_api_accounts_provider),
        cmocka_unit_test(permission_plan_warns_when_an_authorizer_arn_cannot_match),
        cmocka_unit_test(permission_plan_equivalent_forms_do_not_replace),
        cmocka_unit_test(permission_import_id_formats),
        cmocka_unit_test(permission_read_maps_statement_and_keeps_principal_form),
        cmocka_unit_test(permission_plan_equivalences_and_qualifiers),
        cmocka_unit_test(permission_upgrade_and_move),
        cmocka_unit_test(permission_unique_ids_differ),
        cmocka_unit_test(permission_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("lambda_permission", tests, setup, harness_teardown);
}
