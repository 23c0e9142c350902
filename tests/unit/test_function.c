/* test_function - core/function and xacct's functions (resources/functions.c) without a
 * provider: arguments reach the function as a typed model, results come back as the
 * declared type (a string, or an object), errors name the argument they are about - a
 * wrong count, a null where the parameter takes none, an unknown, a value the function
 * refuses - and nothing leaks when allocations fail. (That the functions equal the
 * integration's own values: test_integration_query.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/function.h"
#include "util/alloc.h"

extern const struct function_type xacct_function_source_arn;
extern const struct function_type xacct_function_authorizer_source_arn;
extern const struct function_type xacct_function_invoke_uri;
extern const struct function_type xacct_function_parse_lambda_arn;

#define EXEC "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5"
#define FN "arn:aws:lambda:us-west-2:222222222222:function:hello"

/* f called with string arguments (NULL: null). The result, or NULL and *err. */
static struct value *call(const struct function_type *f, struct function_error *err, size_t n,
                          ...)
{
    struct value *args[8] = {0};
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        const struct type *t = i < f->params->nattrs ? f->params->attrs[i].type : &type_string;
        args[i] = !s ? value_new_null(t)
                  : t->kind == TYPE_BOOL ? value_new_bool(!strcmp(s, "true"))
                                         : value_new_string(s);
    }
    va_end(ap);
    function_error_cleanup(err);
    struct value *v = function_call(f, (const struct value *const *)args, n, err);
    for (size_t i = 0; i < n; i++)
        value_free(args[i]);
    return v;
}

static void function_results(void **state)
{
    struct function_error err;
    function_error_init(&err);
    struct value *v = call(&xacct_function_source_arn, &err, 3, EXEC, NULL, NULL);
    assert_string_equal(value_get_string(v), EXEC "/*/*/*");
    value_free(v);
    v = call(&xacct_function_source_arn, &err, 3, EXEC, "get", "/pets/{id}/x");
    assert_string_equal(value_get_string(v), "arn:aws:execute-api:us-east-1:111111111111:"
                                             "a1b2c3d4e5/*/GET/pets/*/x");
    value_free(v);
    v = call(&xacct_function_authorizer_source_arn, &err, 3, EXEC, "abc123", FN);
    assert_string_equal(value_get_string(v), "arn:aws:execute-api:us-west-2:111111111111:"
                                             "a1b2c3d4e5/authorizers/abc123");
    value_free(v);
    v = call(&xacct_function_invoke_uri, &err, 2, FN ":7", "false");
    assert_string_equal(value_get_string(v), "arn:aws:apigateway:us-west-2:lambda:path/"
                                             "2015-03-31/functions/" FN ":7/invocations");
    value_free(v);
    v = call(&xacct_function_parse_lambda_arn, &err, 1, "hello:live");
    assert_int_equal(value_type(v)->kind, TYPE_OBJECT);
    assert_string_equal(value_attr_string(v, "function_name"), "hello");
    assert_string_equal(value_attr_string(v, "qualifier"), "live");
    assert_true(value_is_null(value_attr(v, "account_id")));
    value_free(v);
    assert_null(err.text);
    assert_int_equal(function_return_type(&xacct_function_invoke_uri)->kind, TYPE_STRING);
    function_error_cleanup(&err);
}

static void function_errors_name_the_argument(void **state)
{
    static const struct {
        const struct function_type *f;
        size_t n;
        const char *a[4];
        int64_t argument;
        const char *says;
    } cases[] = {
        {&xacct_function_source_arn, 3, {"nope", NULL, NULL}, 0, "execution ARN"},
        {&xacct_function_source_arn, 3, {EXEC "/prod", NULL, NULL}, 0, "stage"},
        {&xacct_function_source_arn, 3, {EXEC, "FETCH", NULL}, 1, "method"},
        {&xacct_function_source_arn, 3, {EXEC, "GET", "pets"}, 2, "start with"},
        {&xacct_function_source_arn, 2, {EXEC, "GET"}, -1, "takes 3 arguments"},
        {&xacct_function_source_arn, 3, {NULL, "GET", "/"}, 0, "cannot be null"},
        {&xacct_function_authorizer_source_arn, 3, {EXEC, "a/b", NULL}, 1, "authorizer id"},
        {&xacct_function_invoke_uri, 2, {"222222222222:function:hello", NULL}, 0, "region"},
        {&xacct_function_parse_lambda_arn, 1, {"arn:aws:s3:::bucket"}, 0, "not a Lambda"},
    };
    struct function_error err;
    function_error_init(&err);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *v = call(cases[i].f, &err, cases[i].n, cases[i].a[0], cases[i].a[1],
                               cases[i].a[2], cases[i].a[3]);
        if (v || !err.text || err.argument != cases[i].argument || !strstr(err.text, cases[i].says))
            fail_msg("case %zu (%s): argument %lld, \"%s\"", i, cases[i].f->name,
                     (long long)err.argument, err.text ? err.text : "(no error)");
    }
    function_error_cleanup(&err);
}

static void function_refuses_unknown_arguments(void **state)
{
    struct function_error err;
    function_error_init(&err);
    struct value *u = value_new_unknown(&type_string);
    struct value *n = value_new_null(&type_bool);
    const struct value *args[2] = {u, n};
    assert_null(function_call(&xacct_function_invoke_uri, args, 2, &err));
    assert_int_equal(err.argument, 0);
    assert_non_null(strstr(err.text, "known"));
    value_free(u);
    value_free(n);
    function_error_cleanup(&err);
}

static void function_survives_allocation_failures(void **state)
{
    for (long n = 0; n < 200; n++) {
        struct function_error err;
        function_error_init(&err);
        alloc_fail_after(n);
        value_free(call(&xacct_function_source_arn, &err, 3, EXEC, "GET", "/a/{b}"));
        value_free(call(&xacct_function_parse_lambda_arn, &err, 1, FN ":3"));
        alloc_fail_reset();
        function_error_cleanup(&err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(function_results),
        cmocka_unit_test(function_errors_name_the_argument),
        cmocka_unit_test(function_refuses_unknown_arguments),
        cmocka_unit_test(function_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("function", tests, NULL, NULL);
}
