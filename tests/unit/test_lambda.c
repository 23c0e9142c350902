/* tests/unit/test_lambda.c - aws/lambda: request shapes, answers, policy statements.
 *
 * The function ARN must reach the wire as one percent-encoded label and the signature
 * must verify for it (the signer encodes it again for the canonical URI). The waits for
 * the policy's eventual consistency poll until the statement shows or goes, give up
 * after their budget, stop with the provider, and tell our own lost AddPermission from
 * another statement with the same id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FAKE_WITH_CLIENT
#include "fake_aws_server.c"

#include <jansson.h>
#include <pthread.h>
#include <time.h>

#include "aws/lambda.h"
#include "util/alloc.h"

#define FN_ARN "arn:aws:lambda:us-east-1:123456789012:function:my-fn"
#define FN_WIRE "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn"

FAKE_FIXTURE_HOOKS("us-east-1")

static struct fake_request *only_request(struct fake_fixture *f, const char *method,
                                         const char *path, const char *query)
{
    return fake_only_request(f, "lambda", "us-east-1", method, path, query);
}

static void lambda_get_function_encodes_arn_label(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body =
        "{\"Configuration\":{\"FunctionName\":\"my-fn\",\"FunctionArn\":\"" FN_ARN ":prod\","
        "\"Runtime\":\"python3.12\",\"Version\":\"3\",\"RevisionId\":\"rev-1\",\"State\":\"Active\"},"
        "\"Code\":{\"Location\":\"https://x\"}}"};
    fake_server_script(f->srv, &s, 1);
    struct lambda_function fn;
    assert_int_equal(lambda_get_function(f->c, NULL, FN_ARN, "prod", &fn, &f->err), XA_OK);
    only_request(f, "GET", "/2015-03-31/functions/" FN_WIRE, "Qualifier=prod");
    assert_string_equal(fn.function_name, "my-fn");
    assert_string_equal(fn.function_arn, FN_ARN ":prod");
    assert_string_equal(fn.revision_id, "rev-1");
    assert_null(fn.handler);
    lambda_function_cleanup(&fn);
}

static void lambda_add_permission_sends_every_field(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 201, .body =
        "{\"Statement\":\"{\\\"Sid\\\":\\\"xacct-1\\\",\\\"Effect\\\":\\\"Allow\\\","
        "\\\"Principal\\\":{\\\"Service\\\":\\\"apigateway.amazonaws.com\\\"},"
        "\\\"Action\\\":\\\"lambda:InvokeFunction\\\",\\\"Resource\\\":\\\"" FN_ARN "\\\","
        "\\\"Condition\\\":{\\\"ArnLike\\\":{\\\"AWS:SourceArn\\\":\\\"arn:aws:execute-api:"
        "eu-west-1:111:api1/*/GET/pets\\\"}}}\"}"};
    fake_server_script(f->srv, &s, 1);
    struct lambda_add_permission_req req = {
        .function_name = "my-fn", .qualifier = "live", .statement_id = "xacct-1",
        .action = "lambda:InvokeFunction", .principal = "apigateway.amazonaws.com",
        .source_arn = "arn:aws:execute-api:eu-west-1:111:api1/*/GET/pets",
        .source_account = "111", .event_source_token = "tok", .principal_org_id = "o-abc",
        .function_url_auth_type = "NONE", .revision_id = "rev-9",
    };
    struct lambda_add_permission_resp resp;
    assert_int_equal(lambda_add_permission(f->c, NULL, &req, &resp, &f->err), XA_OK);
    struct fake_request *r = only_request(f, "POST", "/2015-03-31/functions/my-fn/policy",
                                          "Qualifier=live");
    json_t *b = json_loads(r->body, 0, NULL);
    assert_non_null(b);
    const char *expect[][2] = {
        {"StatementId", "xacct-1"}, {"Action", "lambda:InvokeFunction"},
        {"Principal", "apigateway.amazonaws.com"},
        {"SourceArn", "arn:aws:execute-api:eu-west-1:111:api1/*/GET/pets"},
        {"SourceAccount", "111"}, {"EventSourceToken", "tok"}, {"PrincipalOrgID", "o-abc"},
        {"FunctionUrlAuthType", "NONE"}, {"RevisionId", "rev-9"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        assert_string_equal(json_string_value(json_object_get(b, expect[i][0])), expect[i][1]);
    assert_int_equal(json_object_size(b), 9);
    json_decref(b);
    struct lambda_statement st;
    assert_int_equal(lambda_policy_find_statement(resp.statement, "xacct-1", &st), XA_OK);
    assert_string_equal(st.principal, "apigateway.amazonaws.com");
    assert_string_equal(st.source_arn, "arn:aws:execute-api:eu-west-1:111:api1/*/GET/pets");
    lambda_statement_cleanup(&st);
    lambda_add_permission_resp_cleanup(&resp);
}

static void lambda_get_policy_reads_document(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body =
        "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\","
        "\"RevisionId\":\"rev-2\"}"};
    fake_server_script(f->srv, &s, 1);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(f->c, NULL, FN_ARN, NULL, &p, &f->err), XA_OK);
    only_request(f, "GET", "/2015-03-31/functions/" FN_WIRE "/policy", "");
    assert_string_equal(p.policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    assert_string_equal(p.revision_id, "rev-2");
    lambda_policy_cleanup(&p);
}

static void lambda_remove_permission_sends_query(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 204, .body = ""};
    fake_server_script(f->srv, &s, 1);
    assert_int_equal(lambda_remove_permission(f->c, NULL, FN_ARN, "xacct 1/a", "prod", "rev=3",
                                              &f->err), XA_OK);
    only_request(f, "DELETE", "/2015-03-31/functions/" FN_WIRE "/policy/xacct%201%2Fa",
                 "Qualifier=prod&RevisionId=rev%3D3");
}

static void lambda_not_found_is_an_aws_error(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 404,
                              .headers = "x-amzn-ErrorType: ResourceNotFoundException\r\n",
                              .body = "{\"Type\":\"User\",\"Message\":\"The resource you requested "
                                      "does not exist.\"}"};
    fake_server_script(f->srv, &s, 1);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(f->c, NULL, "my-fn", NULL, &p, &f->err), XA_EAWS);
    assert_true(aws_error_is(&f->err, "ResourceNotFoundException"));
    assert_string_equal(f->err.operation, "Lambda GetPolicy");
    assert_non_null(f->err.request_id);
    assert_null(p.policy);
    lambda_policy_cleanup(&p);
}

static void lambda_rejects_missing_fields_without_sending(void **state)
{
    struct fake_fixture *f = *state;
    struct lambda_add_permission_req req = {.function_name = "f", .action = "lambda:InvokeFunction",
                                            .principal = "s3.amazonaws.com"};
    struct lambda_add_permission_resp resp;
    assert_int_equal(lambda_add_permission(f->c, NULL, &req, &resp, &f->err), XA_EINVAL);
    struct lambda_function fn;
    assert_int_equal(lambda_get_function(f->c, NULL, "", NULL, &fn, &f->err), XA_EINVAL);
    assert_int_equal(lambda_remove_permission(f->c, NULL, "f", "", NULL, NULL, &f->err), XA_EINVAL);
    assert_int_equal(fake_server_count(f->srv), 0);
}

static void lambda_policy_find_statement_reads_conditions(void **state)
{
    const char *policy =
        "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":["
        "{\"Sid\":\"other\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:*\"},"
        "{\"Sid\":\"xacct-1\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111:root\"},"
        "\"Action\":[\"lambda:InvokeFunction\"],\"Resource\":\"" FN_ARN "\",\"Condition\":{"
        "\"StringEquals\":{\"AWS:SourceAccount\":\"111\",\"lambda:EventSourceToken\":\"tok\","
        "\"aws:PrincipalOrgID\":[\"o-abc\"],\"lambda:FunctionUrlAuthType\":\"AWS_IAM\"},"
        "\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:execute-api:us-east-1:111:a/*\"}}}]}";
    struct lambda_statement s;
    assert_int_equal(lambda_policy_find_statement(policy, "xacct-1", &s), XA_OK);
    assert_string_equal(s.effect, "Allow");
    assert_string_equal(s.action, "lambda:InvokeFunction");
    assert_string_equal(s.principal, "arn:aws:iam::111:root");
    assert_string_equal(s.resource, FN_ARN);
    assert_string_equal(s.source_account, "111");
    assert_string_equal(s.event_source_token, "tok");
    assert_string_equal(s.principal_org_id, "o-abc");
    assert_string_equal(s.function_url_auth_type, "AWS_IAM");
    assert_string_equal(s.source_arn, "arn:aws:execute-api:us-east-1:111:a/*");
    lambda_statement_cleanup(&s);
    assert_int_equal(lambda_policy_find_statement(policy, "other", &s), XA_OK);
    assert_string_equal(s.principal, "*");
    assert_null(s.source_arn);
    lambda_statement_cleanup(&s);
    assert_int_equal(lambda_policy_find_statement(policy, "gone", &s), XA_ENOTFOUND);
    assert_int_equal(lambda_policy_find_statement("{\"Statement\":5}", "x", &s), XA_EINVAL);
    assert_int_equal(lambda_policy_find_statement("not json", "x", &s), XA_EINVAL);
    assert_int_equal(lambda_policy_find_statement("[1,2]", "x", &s), XA_EINVAL);
}

/* ---- eventual consistency (aws/lambda_wait.c) ---- */

#define NOT_FOUND                                                                           \
    {.status = 404, .headers = "x-amzn-ErrorType: ResourceNotFoundException\r\n",          \
     .body = "{\"Type\":\"User\",\"Message\":\"gone\"}"}
#define CONFLICT                                                                            \
    {.status = 409, .headers = "x-amzn-ErrorType: ResourceConflictException\r\n",          \
     .body = "{\"Type\":\"User\",\"Message\":\"The statement id (s1) provided already "  \
             "exists.\"}"}
/* A policy holding statement s1 for principal `who` and source `src`. */
#define POLICY(who, src)                                                                    \
    {.status = 200, .body = "{\"Policy\":\"{\\\"Statement\\\":[{\\\"Sid\\\":\\\"s1\\\","   \
                            "\\\"Principal\\\":{\\\"AWS\\\":\\\"" who "\\\"},"           \
                            "\\\"Condition\\\":{\\\"ArnLike\\\":{\\\"AWS:SourceArn\\\":" \
                            "\\\"" src "\\\"}}}]}\"}"}
#define OTHER_POLICY {.status = 200, .body = "{\"Policy\":\"{\\\"Statement\\\":[]}\"}"}
#define SRC "arn:aws:execute-api:us-east-1:111111111111:a/*/GET/"

static const struct lambda_statement_ref s1 = {.function = "my-fn", .sid = "s1"};

static void lambda_wait_statement_polls_until_visible(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {NOT_FOUND, OTHER_POLICY, POLICY("111111111111", SRC)};
    fake_server_script(f->srv, s, 3);
    struct lambda_statement st;
    assert_int_equal(lambda_wait_statement(f->c, NULL, &s1, &st, &f->err), XA_OK);
    assert_string_equal(st.source_arn, SRC);
    assert_int_equal(fake_server_count(f->srv), 3);
    lambda_statement_cleanup(&st);
}

static void lambda_wait_statement_gone_polls_until_gone(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {POLICY("111111111111", SRC), POLICY("111111111111", SRC),
                                OTHER_POLICY};
    fake_server_script(f->srv, s, 3);
    assert_int_equal(lambda_wait_statement_gone(f->c, NULL, &s1, &f->err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 3);
}

static void lambda_wait_statement_gives_up_after_its_budget(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {NOT_FOUND};
    fake_server_script(f->srv, s, 1);
    struct lambda_statement st;
    assert_int_equal(lambda_wait_statement(f->c, NULL, &s1, &st, &f->err), XA_ETIMEDOUT);
    /* 18 s of waits from 100 ms doubling to 3 s, each at least half its delay */
    assert_in_range(fake_server_count(f->srv), 7, 16);
    aws_client_stop(f->c);
    assert_int_equal(lambda_wait_statement(f->c, NULL, &s1, &st, &f->err), XA_ECANCELED);
}

static const struct lambda_add_permission_req settled_req = {
    .function_name = "my-fn", .statement_id = "s1", .action = "lambda:InvokeFunction",
    .principal = "111111111111", .source_arn = SRC};

static void lambda_add_permission_settled_reads_conflicts(void **state)
{
    struct fake_fixture *f = *state;
    enum lambda_add_outcome o;
    /* our own earlier attempt: the statement grants what we ask (root ARN = account) */
    struct fake_response ours[] = {CONFLICT, POLICY("arn:aws:iam::111111111111:root", SRC)};
    fake_server_script(f->srv, ours, 2);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_OK);
    assert_int_equal(o, LAMBDA_ADD_DONE);
    assert_int_equal(fake_server_count(f->srv), 2);
    /* another statement with our id */
    fake_server_reset(f->srv);
    struct fake_response theirs[] = {CONFLICT, POLICY("111111111111", "arn:aws:execute-api:"
                                                                      "us-east-1:1:b/*/*/*")};
    fake_server_script(f->srv, theirs, 2);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_EAWS);
    assert_int_equal(o, LAMBDA_ADD_SID_TAKEN);
    assert_true(aws_error_is(&f->err, "ResourceConflictException"));
    /* a function update in progress: no statement yet, the next attempt goes through */
    fake_server_reset(f->srv);
    struct fake_response busy[] = {CONFLICT, NOT_FOUND, {.status = 201, .body = "{}"}};
    fake_server_script(f->srv, busy, 3);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_OK);
    assert_int_equal(fake_server_count(f->srv), 3);
}

#define SERVER_ERROR                                                                        \
    {.status = 500, .headers = "x-amzn-ErrorType: ServiceException\r\n",                    \
     .body = "{\"Type\":\"Service\",\"Message\":\"internal\"}"}

static void *stop_soon(void *client)
{
    nanosleep(&(struct timespec){.tv_nsec = 200 * 1000000L}, NULL);
    aws_client_stop(client);
    return NULL;
}

static void lambda_add_permission_settled_looks_after_lost_answers(void **state)
{
    struct fake_fixture *f = *state;
    enum lambda_add_outcome o;
    /* answers lost on every attempt (3 with max_retries = 2); the statement is there */
    struct fake_response added[] = {{.drop = true}, {.drop = true}, {.drop = true},
                                    POLICY("111111111111", SRC)};
    fake_server_script(f->srv, added, 4);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_OK);
    assert_int_equal(o, LAMBDA_ADD_DONE);
    assert_int_equal(fake_server_count(f->srv), 4);
    /* server errors throughout, and the policy cannot be read: it may be there */
    fake_server_reset(f->srv);
    struct fake_response unsure[] = {SERVER_ERROR};
    fake_server_script(f->srv, unsure, 1);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_EAWS);
    assert_int_equal(o, LAMBDA_ADD_UNKNOWN);
    assert_true(aws_error_is(&f->err, "ServiceException"));
    /* a client error on the only attempt: refused, nothing to look for */
    fake_server_reset(f->srv);
    struct fake_response refused[] = {NOT_FOUND};
    fake_server_script(f->srv, refused, 1);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err), XA_EAWS);
    assert_int_equal(o, LAMBDA_ADD_REFUSED);
    assert_int_equal(fake_server_count(f->srv), 1);
    /* stopped while the answer is awaited: no look can be made */
    fake_server_reset(f->srv);
    struct fake_response slow[] = {{.status = 201, .body = "{}", .delay_ms = 3000}};
    fake_server_script(f->srv, slow, 1);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_soon, f->c), 0);
    assert_int_equal(lambda_add_permission_settled(f->c, NULL, &settled_req, &o, &f->err),
                     XA_ECANCELED);
    pthread_join(t, NULL);
    assert_int_equal(o, LAMBDA_ADD_UNKNOWN);
    assert_int_equal(fake_server_count(f->srv), 1);
}

static void lambda_survives_allocation_failures(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body =
        "{\"Policy\":\"{\\\"Statement\\\":[{\\\"Sid\\\":\\\"a\\\",\\\"Principal\\\":"
        "{\\\"Service\\\":\\\"x\\\"}}]}\",\"RevisionId\":\"r\"}"};
    fake_server_script(f->srv, &s, 1);
    for (long n = 0;; n++) {
        struct lambda_policy p;
        struct lambda_statement st = {0};
        aws_error_reset(&f->err);
        alloc_fail_after(n);
        enum xa_status rc = lambda_get_policy(f->c, NULL, FN_ARN, "q", &p, &f->err);
        if (rc == XA_OK)
            rc = lambda_policy_find_statement(p.policy, "a", &st);
        alloc_fail_reset();
        lambda_policy_cleanup(&p);
        lambda_statement_cleanup(&st);
        if (rc == XA_OK)
            break;
        assert_true(n < 500);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(lambda_get_function_encodes_arn_label),
        T(lambda_add_permission_sends_every_field),
        T(lambda_get_policy_reads_document),
        T(lambda_remove_permission_sends_query),
        T(lambda_not_found_is_an_aws_error),
        T(lambda_rejects_missing_fields_without_sending),
        cmocka_unit_test(lambda_policy_find_statement_reads_conditions),
        T(lambda_wait_statement_polls_until_visible),
        T(lambda_wait_statement_gone_polls_until_gone),
        T(lambda_wait_statement_gives_up_after_its_budget),
        T(lambda_add_permission_settled_reads_conflicts),
        T(lambda_add_permission_settled_looks_after_lost_answers),
        T(lambda_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("lambda", tests, NULL, NULL);
}
