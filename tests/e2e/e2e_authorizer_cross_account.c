/* e2e_authorizer_cross_account - the cross-account Lambda authorizer, end to end over the
 * real protocol against awsemu: the API (account 111111111111, us-east-1) uses an
 * authorizer whose function is in account 222222222222 in us-west-2.
 *  - xacct_lambda_authorizer plans its authorizer_uri, and its source_arn names the
 *    FUNCTION's region (AWS's cross-region authorizer rule);
 *  - xacct_lambda_integration's authorizer_id puts the method behind the authorizer
 *    (CUSTOM) and records what it had; removing it puts NONE back;
 *  - xacct_invoke_check says, step by step, what is missing: the integration, the
 *    authorizer's permission (the authorizer is tested first), the method's permission;
 *    then 200;
 *  - xacct_stage_deployment deploys it, and API Gateway's invocation through the stage
 *    answers 200 with the token "allow", 401 without one, 403 with "deny";
 *  - CreateAuthorizer's lost answers: a retried create leaves one authorizer; a create
 *    whose every answer is lost adopts it by name; `moved` from aws_api_gateway_authorizer.
 */
#include "tests/e2e/e2e_lambda_common.h"

#define T_AUTHORIZER "xacct_lambda_authorizer"
#define T_STAGE "xacct_stage_deployment"
#define T_CHECK "xacct_invoke_check"
#define AUTH_CONFIG                                                                       \
    "{\"rest_api_id\":\"" API_ID "\",\"name\":\"tokens\",\"function_arn\":\"" FN_ARN "\"}"

/* GET through the stage with an Authorization header (NULL: none). */
static long invoke_with(const struct emu *e, const char *token)
{
    char url[256], header[128];
    snprintf(url, sizeof url, "%s/_emu/execute-api/" API_ID "/prod/", e->url);
    snprintf(header, sizeof header, "Authorization: %s", token ? token : "");
    CURL *c = curl_easy_init();
    struct curl_slist *h = token ? curl_slist_append(NULL, header) : NULL;
    struct xbuf body;
    xbuf_init(&body);
    long status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, emu_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    xbuf_cleanup(&body);
    return status;
}

/* xacct_invoke_check of GET / (with the token when given); the state. */
static struct value *invoke_check(struct xt_provider *api, const char *token)
{
    struct value *c = token ? ds_config(T_CHECK, "{\"rest_api_id\":\"" API_ID "\","
                                        "\"resource_path\":\"/\",\"http_method\":\"GET\","
                                        "\"headers\":{\"Authorization\":\"%s\"}}", token)
                            : ds_config(T_CHECK, "{\"rest_api_id\":\"" API_ID "\","
                                        "\"resource_path\":\"/\",\"http_method\":\"GET\"}");
    struct value *v = tf_read_data(api, T_CHECK, c);
    value_free(c);
    return v;
}

static void check_invoke(struct xt_provider *api, const char *token, long long status,
                         long long authorizer_status, const char *log_says)
{
    struct value *v = invoke_check(api, token);
    const char *log = value_attr_string(v, "log");
    if (value_attr_int(v, "status") != status ||
        value_attr_int(v, "authorizer_status") != authorizer_status ||
        (log_says && (!log || !strstr(log, log_says))))
        fail_msg("invoke check: status %lld (want %lld), authorizer %lld (want %lld), log: %s",
                 value_attr_int(v, "status"), status, value_attr_int(v, "authorizer_status"),
                 authorizer_status, log ? log : "(null)");
    value_free(v);
}

/* The method's authorizationType in the emulator's state. */
static void expect_method_auth(const struct emu *e, const char *type)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *w = json_loads(xbuf_cstr(&dump), 0, NULL);
    json_t *m = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(
        json_object_get(json_object_get(w, "rest_apis"), API_ID), "resources"), ROOT_ID),
        "resourceMethods"), "GET"), "authorizationType");
    assert_string_equal(json_string_value(m), type);
    json_decref(w);
    xbuf_cleanup(&dump);
}

static void authorizer_method_stage_and_check(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_provider *api = start_provider(&e, false, NULL);
    struct xt_provider *fn = start_provider(&e, true, NULL);

    struct value *ac = res_config(T_AUTHORIZER, AUTH_CONFIG);
    struct value *planned = tf_plan(api, T_AUTHORIZER, NULL, ac, NULL, NULL);
    assert_string_equal(value_attr_string(planned, "authorizer_uri"),
                        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_ARN
                        "/invocations");
    value_free(planned);
    struct value *auth = tf_converge(api, T_AUTHORIZER, NULL, ac);
    char src[256];
    snprintf(src, sizeof src, "arn:aws:execute-api:us-west-2:111111111111:" API_ID
             "/authorizers/%s", value_attr_string(auth, "id"));
    assert_string_equal(value_attr_string(auth, "source_arn"), src);
    check_invoke(api, NULL, 500, -1, "No integration");

    struct value *ic = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\","
                                  "\"resource_path\":\"/\",\"http_method\":\"GET\","
                                  "\"function_arn\":\"" FN_ARN "\",\"authorizer_id\":\"%s\"}",
                                  value_attr_string(auth, "id"));
    struct value *integ = tf_converge(api, T_INTEGRATION, NULL, ic);
    assert_string_equal(value_attr_string(integ, "previous_authorization"), "NONE");
    expect_method_auth(&e, "CUSTOM");
    assert_true(tf_plan_is_noop(api, T_INTEGRATION, integ, ic));
    check_invoke(api, "allow", 500, 500, "Invalid permissions");   /* the authorizer's first */

    struct value *apc = res_config(T_PERMISSION, "{\"function_name\":\"" FN_ARN "\","
                                   "\"statement_id\":\"AllowAuthorizer\",\"source_arn\":\"%s\"}",
                                   src);
    struct value *aperm = tf_converge(fn, T_PERMISSION, NULL, apc);
    check_invoke(api, "allow", 500, 200, "Invalid permissions");   /* the method's next */
    struct value *pc = res_config(T_PERMISSION, "{\"function_name\":\"" FN_ARN "\","
                                  "\"statement_id\":\"AllowMethod\",\"source_arn\":\"%s\"}",
                                  value_attr_string(integ, "source_arn"));
    struct value *perm = tf_converge(fn, T_PERMISSION, NULL, pc);
    check_invoke(api, "allow", 200, 200, "Method completed with status: 200");
    check_invoke(api, "deny", 403, 403, NULL);

    /* Live through the stage once it is deployed. */
    assert_int_equal(invoke_with(&e, "allow"), 500);   /* the stage's seeded snapshot */
    struct value *sc = res_config(T_STAGE, "{\"rest_api_id\":\"" API_ID "\",\"stage_name\":"
                                  "\"prod\",\"triggers\":{\"integration\":\"%s\","
                                  "\"authorizer\":\"%s\"}}", value_attr_string(integ, "invoke_uri"),
                                  value_attr_string(auth, "authorizer_uri"));
    struct value *stage = tf_converge(api, T_STAGE, NULL, sc);
    assert_int_equal(invoke_with(&e, "allow"), 200);
    assert_int_equal(invoke_with(&e, NULL), 401);
    assert_int_equal(invoke_with(&e, "deny"), 403);

    /* authorizer_id removed: the method is open again, as it was. */
    value_free(ic);
    ic = res_config(T_INTEGRATION, "{\"rest_api_id\":\"" API_ID "\",\"resource_path\":\"/\","
                    "\"http_method\":\"GET\",\"function_arn\":\"" FN_ARN "\"}");
    integ = tf_converge(api, T_INTEGRATION, integ, ic);
    assert_true(value_is_null(value_attr(integ, "previous_authorization")));
    expect_method_auth(&e, "NONE");
    check_invoke(api, NULL, 200, -1, NULL);

    tf_destroy(api, T_STAGE, stage);
    tf_destroy(fn, T_PERMISSION, perm);
    tf_destroy(fn, T_PERMISSION, aperm);
    tf_destroy(api, T_INTEGRATION, integ);
    tf_destroy(api, T_AUTHORIZER, auth);
    value_free(ac);
    value_free(ic);
    value_free(apc);
    value_free(pc);
    value_free(sc);
    assert_int_equal(xt_stop(api, NULL), 0);
    assert_int_equal(xt_stop(fn, NULL), 0);
    emu_stop(&e);
}

/* Authorizers named "tokens" in the emulator. */
static int count_tokens(const struct emu *e)
{
    struct xbuf dump;
    xbuf_init(&dump);
    assert_int_equal(emu_http(e, "GET", "/_emu/state", NULL, &dump, NULL), 200);
    json_t *w = json_loads(xbuf_cstr(&dump), 0, NULL), *a;
    const char *id;
    int n = 0;
    json_object_foreach(json_object_get(json_object_get(json_object_get(w, "rest_apis"), API_ID),
                                        "authorizers"), id, a) {
        n += strcmp(json_string_value(json_object_get(a, "name")), "tokens") == 0;
    }
    json_decref(w);
    xbuf_cleanup(&dump);
    return n;
}

static void authorizer_lost_answers_and_move(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    /* max_retries 2: every answer lost costs three attempts and seconds of backoff, not
     * the default's nine attempts and up to 91 s. */
    struct xt_provider *api = start_provider_retries(&e, false, NULL, NULL, 2);
    struct value *ac = res_config(T_AUTHORIZER, AUTH_CONFIG);

    /* Two answers lost: the request is retried and a third authorizer answers. */
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"lose_next\":2,\"operations\":"
                              "[\"CreateAuthorizer\"]}", NULL, NULL), 200);
    struct value *auth = tf_converge(api, T_AUTHORIZER, NULL, ac);
    assert_int_equal(count_tokens(&e), 1);
    tf_destroy(api, T_AUTHORIZER, auth);

    /* Every answer lost (three attempts): adopted by name, nothing left. */
    assert_int_equal(emu_http(&e, "POST", "/_emu/faults", "{\"lose_next\":3}", NULL, NULL),
                     200);
    struct value *planned = tf_plan(api, T_AUTHORIZER, NULL, ac, NULL, NULL);
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_apply(api, T_AUTHORIZER, NULL, planned, ac, NULL, &r), 0);
    assert_true(xt_has_error(&r));
    assert_non_null(r.value);
    auth = xt_take_value(&r);
    assert_non_null(value_attr_string(auth, "id"));
    xt_result_cleanup(&r);
    assert_int_equal(count_tokens(&e), 1);
    struct value *again = tf_read(api, T_AUTHORIZER, auth);
    assert_string_equal(value_attr_string(again, "id"), value_attr_string(auth, "id"));
    value_free(again);
    value_free(planned);

    /* moved from hashicorp/aws's aws_api_gateway_authorizer. */
    char json[1024], err[512];
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"rest_api_id\":\"" API_ID "\",\"name\":\"tokens\","
             "\"type\":\"TOKEN\",\"authorizer_uri\":\"arn:aws:apigateway:us-west-2:lambda:path/"
             "2015-03-31/functions/" FN_ARN "/invocations\",\"identity_source\":"
             "\"method.request.header.Authorization\",\"identity_validation_expression\":\"\","
             "\"authorizer_result_ttl_in_seconds\":300,\"authorizer_credentials\":\"\","
             "\"provider_arns\":[],\"arn\":\"x\"}", value_attr_string(auth, "id"));
    struct value *moved = tf_move(api, "aws_api_gateway_authorizer", json, T_AUTHORIZER, err,
                                  sizeof err);
    if (!moved)
        fail_msg("move failed: %s", err);
    assert_string_equal(value_attr_string(moved, "function_arn"), FN_ARN);
    struct value *read = tf_read(api, T_AUTHORIZER, moved);
    assert_true(tf_plan_is_noop(api, T_AUTHORIZER, read, ac));
    strcpy(json, "{\"id\":\"x\",\"rest_api_id\":\"" API_ID "\",\"name\":\"c\","
                 "\"type\":\"COGNITO_USER_POOLS\",\"provider_arns\":[\"arn:x\"]}");
    assert_null(tf_move(api, "aws_api_gateway_authorizer", json, T_AUTHORIZER, err, sizeof err));
    assert_non_null(strstr(err, "Only Lambda authorizers"));

    tf_destroy(api, T_AUTHORIZER, read);
    assert_int_equal(count_tokens(&e), 0);
    value_free(moved);
    value_free(auth);
    value_free(ac);
    assert_int_equal(xt_stop(api, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(authorizer_method_stage_and_check),
        cmocka_unit_test(authorizer_lost_answers_and_move),
    };
    return cmocka_run_group_tests_name("e2e_authorizer_cross_account", tests, NULL, NULL);
}
