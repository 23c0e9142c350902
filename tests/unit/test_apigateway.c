/* tests/unit/test_apigateway.c - aws/apigateway: request shapes and answer parsing.
 *
 * Each call goes to the fake server; the test checks the method, exact wire path, query,
 * JSON body and SigV4 signature (service "apigateway"), then what was parsed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FAKE_WITH_CLIENT
#include "fake_aws_server.c"

#include <jansson.h>

#include "aws/apigateway.h"

FAKE_FIXTURE_HOOKS("us-east-1")

static struct fake_request *only_request(struct fake_fixture *f, const char *method,
                                         const char *path, const char *query)
{
    return fake_only_request(f, "apigateway", "us-east-1", method, path, query);
}

static void apigw_get_rest_api_reads_fields(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body =
        "{\"id\":\"a1b2c3\",\"name\":\"pets\",\"rootResourceId\":\"root1\",\"apiKeySource\":\"HEADER\","
        "\"endpointConfiguration\":{\"types\":[\"REGIONAL\"]},\"tags\":{}}"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_rest_api api;
    assert_int_equal(apigw_get_rest_api(f->c, NULL, "a1b2c3", &api, &f->err), XA_OK);
    only_request(f, "GET", "/restapis/a1b2c3", "");
    assert_string_equal(api.name, "pets");
    assert_string_equal(api.root_resource_id, "root1");
    assert_int_equal(api.nendpoint_types, 1);
    assert_string_equal(api.endpoint_types[0], "REGIONAL");
    assert_null(api.description);
    apigw_rest_api_cleanup(&api);
}

static void apigw_get_resources_follows_position(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {
        {.status = 200, .body = "{\"item\":[{\"id\":\"root1\",\"path\":\"/\","
                                "\"resourceMethods\":{\"GET\":{}}},"
                                "{\"id\":\"r2\",\"parentId\":\"root1\",\"pathPart\":\"pets\","
                                "\"path\":\"/pets\"}],\"position\":\"tok+1/=\"}"},
        {.status = 200, .body = "{\"item\":[{\"id\":\"r3\",\"parentId\":\"r2\",\"pathPart\":\"{id}\","
                                "\"path\":\"/pets/{id}\",\"resourceMethods\":{\"GET\":{},"
                                "\"ANY\":{}}}]}"},
    };
    fake_server_script(f->srv, s, 2);
    struct apigw_resource_list l;
    assert_int_equal(apigw_get_resources(f->c, NULL, "api1", &l, &f->err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 2);
    assert_string_equal(f->srv->reqs[0].path, "/restapis/api1/resources");
    assert_string_equal(f->srv->reqs[0].query, "limit=500");
    assert_string_equal(f->srv->reqs[1].query, "limit=500&position=tok%2B1%2F%3D");
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[1], FAKE_SECRET, "us-east-1", "apigateway"), 0);
    assert_int_equal(l.count, 3);
    const struct apigw_resource *r = apigw_resource_list_find_path(&l, "/pets/{id}");
    assert_non_null(r);
    assert_string_equal(r->id, "r3");
    assert_int_equal(r->nmethods, 2);
    assert_null(apigw_resource_list_find_path(&l, "/nope"));
    assert_null(l.items[0].parent_id);
    apigw_resource_list_cleanup(&l);
}

/* A server that answers the same position again is not followed round in circles. */
static void apigw_get_authorizers_stops_at_a_repeated_position(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {
        {.status = 200, .body = "{\"item\":[{\"id\":\"a1\",\"name\":\"one\",\"type\":\"TOKEN\"}],"
                                "\"position\":\"p1\"}"},
        {.status = 200, .body = "{\"item\":[{\"id\":\"a2\",\"name\":\"two\",\"type\":\"REQUEST\"}],"
                                "\"position\":\"p1\"}"},
        {.status = 200, .body = "{\"item\":[{\"id\":\"a3\"}]}"},
    };
    fake_server_script(f->srv, s, 3);
    struct apigw_authorizer_list l;
    assert_int_equal(apigw_get_authorizers(f->c, NULL, "api1", &l, &f->err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 2);
    assert_string_equal(f->srv->reqs[0].path, "/restapis/api1/authorizers");
    assert_string_equal(f->srv->reqs[0].query, "limit=500");
    assert_string_equal(f->srv->reqs[1].query, "limit=500&position=p1");
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[1].id, "a2");
    assert_string_equal(l.items[1].type, "REQUEST");
    apigw_authorizer_list_cleanup(&l);
}

static void apigw_get_resource_and_method(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {
        {.status = 200, .body = "{\"id\":\"r2\",\"parentId\":\"root1\",\"pathPart\":\"pets\","
                                "\"path\":\"/pets\"}"},
        {.status = 200, .body = "{\"httpMethod\":\"GET\",\"authorizationType\":\"NONE\","
                                "\"apiKeyRequired\":true,\"methodIntegration\":{\"type\":\"AWS_PROXY\","
                                "\"uri\":\"arn:aws:apigateway:us-east-1:lambda:path/x\"}}"},
    };
    fake_server_script(f->srv, s, 2);
    struct apigw_resource res;
    assert_int_equal(apigw_get_resource(f->c, NULL, "api1", "r2", &res, &f->err), XA_OK);
    assert_string_equal(res.path, "/pets");
    apigw_resource_cleanup(&res);
    struct apigw_method m;
    assert_int_equal(apigw_get_method(f->c, NULL, "api1", "r2", "GET", &m, &f->err), XA_OK);
    assert_string_equal(f->srv->reqs[1].path, "/restapis/api1/resources/r2/methods/GET");
    assert_true(m.api_key_required);
    assert_true(m.has_integration);
    assert_string_equal(m.integration_type, "AWS_PROXY");
    apigw_method_cleanup(&m);
}

static void apigw_put_integration_sends_json(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 201, .body =
        "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"arn:aws:apigateway:eu-west-1:"
        "lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:222:function:f/invocations\","
        "\"passthroughBehavior\":\"WHEN_NO_MATCH\",\"timeoutInMillis\":29000,"
        "\"cacheNamespace\":\"r2\",\"cacheKeyParameters\":[],"
        "\"requestParameters\":{\"integration.request.header.x\":\"'v'\"}}"};
    fake_server_script(f->srv, &s, 1);
    struct aws_kv_ref params[] = {{.key = "integration.request.header.x", .value = "'v'"}};
    struct apigw_put_integration_req req = {
        .key = {.rest_api_id = "api1", .resource_id = "r2", .http_method = "GET"},
        .type = "AWS_PROXY", .integration_http_method = "POST",
        .uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
               "arn:aws:lambda:eu-west-1:222:function:f/invocations",
        .credentials = "arn:aws:iam::111:role/invoke", .timeout_in_millis = 29000,
        .request_parameters = params, .nrequest_parameters = 1,
    };
    struct apigw_integration out;
    assert_int_equal(apigw_put_integration(f->c, NULL, &req, &out, &f->err), XA_OK);
    struct fake_request *r =
        only_request(f, "PUT", "/restapis/api1/resources/r2/methods/GET/integration", "");
    assert_string_equal(fake_req_header(r, "Content-Type"), "application/json");
    json_t *body = json_loads(r->body, 0, NULL);
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(body, "type")), "AWS_PROXY");
    assert_string_equal(json_string_value(json_object_get(body, "httpMethod")), "POST");
    assert_string_equal(json_string_value(json_object_get(body, "credentials")),
                        "arn:aws:iam::111:role/invoke");
    assert_int_equal(json_integer_value(json_object_get(body, "timeoutInMillis")), 29000);
    assert_string_equal(json_string_value(json_object_get(json_object_get(body,
                            "requestParameters"), "integration.request.header.x")), "'v'");
    assert_null(json_object_get(body, "connectionType"));
    json_decref(body);
    assert_string_equal(out.type, "AWS_PROXY");
    assert_int_equal(out.timeout_in_millis, 29000);
    assert_int_equal(out.nrequest_parameters, 1);
    assert_int_equal(out.ncache_key_parameters, 0);
    apigw_integration_cleanup(&out);
}

static void apigw_update_integration_sends_patch_operations(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = "{\"type\":\"AWS_PROXY\",\"uri\":\"new\"}"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_integration_key key = {.rest_api_id = "api1", .resource_id = "r2",
                                        .http_method = "ANY"};
    struct apigw_patch_op ops[] = {{.op = "replace", .path = "/uri", .value = "new"},
                                   {.op = "remove", .path = "/credentials"}};
    struct apigw_integration out;
    assert_int_equal(apigw_update_integration(f->c, NULL, &key, ops, 2, &out, &f->err), XA_OK);
    struct fake_request *r =
        only_request(f, "PATCH", "/restapis/api1/resources/r2/methods/ANY/integration", "");
    assert_string_equal(r->body, "{\"patchOperations\":[{\"op\":\"replace\",\"path\":\"/uri\","
                                 "\"value\":\"new\"},{\"op\":\"remove\",\"path\":\"/credentials\"}]}");
    assert_string_equal(out.uri, "new");
    apigw_integration_cleanup(&out);
}

static void apigw_get_and_delete_integration(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {{.status = 200, .body = "{\"type\":\"AWS\"}"},
                                {.status = 202, .body = ""}};
    fake_server_script(f->srv, s, 2);
    struct apigw_integration_key key = {.rest_api_id = "api1", .resource_id = "r2",
                                        .http_method = "POST"};
    struct apigw_integration out;
    assert_int_equal(apigw_get_integration(f->c, NULL, &key, &out, &f->err), XA_OK);
    assert_string_equal(out.type, "AWS");
    apigw_integration_cleanup(&out);
    assert_int_equal(apigw_delete_integration(f->c, NULL, &key, &f->err), XA_OK);
    assert_string_equal(f->srv->reqs[1].method, "DELETE");
    assert_string_equal(f->srv->reqs[1].path, "/restapis/api1/resources/r2/methods/POST/integration");
}

static void apigw_not_found_is_an_aws_error(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 404, .headers = "x-amzn-ErrorType: NotFoundException\r\n",
                              .body = "{\"message\":\"Invalid Integration identifier specified\"}"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_integration_key key = {.rest_api_id = "api1", .resource_id = "r2",
                                        .http_method = "GET"};
    struct apigw_integration out;
    assert_int_equal(apigw_get_integration(f->c, NULL, &key, &out, &f->err), XA_EAWS);
    assert_true(aws_error_is(&f->err, "NotFoundException"));
    assert_string_equal(f->err.operation, "API Gateway GetIntegration");
    assert_int_equal(f->err.http_status, 404);
    assert_null(out.type);
    apigw_integration_cleanup(&out);
}

static void apigw_region_override_signs_for_that_region(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = "{\"id\":\"x\"}"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_rest_api api;
    assert_int_equal(apigw_get_rest_api(f->c, "eu-west-1", "x", &api, &f->err), XA_OK);
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[0], FAKE_SECRET, "eu-west-1", "apigateway"), 0);
    apigw_rest_api_cleanup(&api);
    assert_int_equal(apigw_get_rest_api(f->c, "not a region", "x", &api, &f->err), XA_EINVAL);
}

static void apigw_labels_are_encoded_and_required(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = "{\"id\":\"x\"}"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_resource res;
    assert_int_equal(apigw_get_resource(f->c, NULL, "a/../b", "r?x", &res, &f->err), XA_OK);
    assert_string_equal(f->srv->reqs[0].path, "/restapis/a%2F..%2Fb/resources/r%3Fx");
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[0], FAKE_SECRET, "us-east-1", "apigateway"), 0);
    apigw_resource_cleanup(&res);
    assert_int_equal(apigw_get_resource(f->c, NULL, "", "r", &res, &f->err), XA_EINVAL);
    assert_int_equal(fake_server_count(f->srv), 1);
}

static void apigw_unreadable_answer_is_reported(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = "<html>proxy says hi</html>"};
    fake_server_script(f->srv, &s, 1);
    struct apigw_rest_api api;
    assert_int_equal(apigw_get_rest_api(f->c, NULL, "x", &api, &f->err), XA_EAWS);
    assert_non_null(strstr(f->err.message, "not a JSON object"));
    assert_null(api.id);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(apigw_get_rest_api_reads_fields),
        T(apigw_get_resources_follows_position),
        T(apigw_get_authorizers_stops_at_a_repeated_position),
        T(apigw_get_resource_and_method),
        T(apigw_put_integration_sends_json),
        T(apigw_update_integration_sends_patch_operations),
        T(apigw_get_and_delete_integration),
        T(apigw_not_found_is_an_aws_error),
        T(apigw_region_override_signs_for_that_region),
        T(apigw_labels_are_encoded_and_required),
        T(apigw_unreadable_answer_is_reported),
    };
    return cmocka_run_group_tests_name("apigateway", tests, NULL, NULL);
}
