/* tests/unit/test_sts.c - aws/sts: query-protocol forms, XML answers and XML errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FAKE_WITH_CLIENT
#include "fake_aws_server.c"

#include "aws/http.h"
#include "aws/sts.h"

#define IDENTITY \
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">" \
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"         \
    "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"                       \
    "</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab</RequestId>"  \
    "</ResponseMetadata></GetCallerIdentityResponse>"

#define ASSUMED \
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>" \
    "<SourceIdentity>alice</SourceIdentity><AssumedRoleUser>"                                  \
    "<Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn><AssumedRoleId>AROA:s"            \
    "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAX</AccessKeyId>"          \
    "<SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>t0k3n</SessionToken>"              \
    "<Expiration>2030-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleResult>"           \
    "</AssumeRoleResponse>"

FAKE_FIXTURE_HOOKS("eu-central-1")

static void sts_get_caller_identity_parses_xml(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = IDENTITY};
    fake_server_script(f->srv, &s, 1);
    struct sts_caller_identity id;
    assert_int_equal(aws_client_caller_identity(f->c, NULL, &id, &f->err), XA_OK);
    assert_string_equal(id.account, "123456789012");
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/alice");
    assert_string_equal(id.user_id, "AIDAEXAMPLE");
    struct fake_request *r = &f->srv->reqs[0];
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->path, "/");
    assert_string_equal(r->body, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_non_null(strstr(fake_req_header(r, "Content-Type"), "application/x-www-form-urlencoded"));
    assert_int_equal(fake_verify_sigv4(r, FAKE_SECRET, "eu-central-1", "sts"), 0);
    sts_caller_identity_cleanup(&id);
}

static void sts_assume_role_builds_form_and_reads_credentials(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 200, .body = ASSUMED};
    fake_server_script(f->srv, &s, 1);
    const char *arns[] = {"arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"};
    struct aws_kv_ref tags[] = {{.key = "k1", .value = "v 1"}, {.key = "k2", .value = ""}};
    const char *tk[] = {"k1", "k2"};
    struct aws_assume_role_config req = {
        .role_arn = "arn:aws:iam::123456789012:role/demo", .session_name = "s",
        .external_id = "e&x", .duration_seconds = 1800, .policy_arns = arns, .npolicy_arns = 2,
        .tags = tags, .ntags = 2, .transitive_tag_keys = tk, .ntransitive_tag_keys = 2,
        .source_identity = "alice",
    };
    struct sts_assume_role_result out;
    assert_int_equal(aws_client_assume_role(f->c, NULL, &req, &out, &f->err), XA_OK);
    assert_string_equal(f->srv->reqs[0].body,
                        "Action=AssumeRole&Version=2011-06-15"
                        "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                        "&RoleSessionName=s&ExternalId=e%26x&DurationSeconds=1800"
                        "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA"
                        "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FB"
                        "&Tags.member.1.Key=k1&Tags.member.1.Value=v%201"
                        "&Tags.member.2.Key=k2&Tags.member.2.Value="
                        "&TransitiveTagKeys.member.1=k1&TransitiveTagKeys.member.2=k2"
                        "&SourceIdentity=alice");
    assert_string_equal(out.credentials.access_key_id, "ASIAX");
    assert_string_equal(out.credentials.secret_access_key, "s3cr3t");
    assert_string_equal(out.credentials.session_token, "t0k3n");
    assert_int_equal(out.credentials.expiration, 1893553445);
    assert_string_equal(out.assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/s");
    assert_string_equal(out.source_identity, "alice");
    sts_assume_role_result_cleanup(&out);
    assert_null(out.credentials.secret_access_key);
}

static void sts_error_answer_is_parsed(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s = {.status = 403, .body =
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
        "arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole</Message></Error>"
        "<RequestId>req-xyz</RequestId></ErrorResponse>"};
    fake_server_script(f->srv, &s, 1);
    struct aws_assume_role_config req = {.role_arn = "arn:aws:iam::1:role/r"};
    struct sts_assume_role_result out;
    assert_int_equal(aws_client_assume_role(f->c, NULL, &req, &out, &f->err), XA_EAWS);
    assert_true(aws_error_is(&f->err, "AccessDenied"));
    assert_string_equal(f->err.operation, "STS AssumeRole");
    assert_int_equal(f->err.http_status, 403);
    assert_null(out.credentials.access_key_id);
}

static void sts_unreadable_answer_is_reported(void **state)
{
    struct fake_fixture *f = *state;
    struct fake_response s[] = {{.status = 200, .body = "<oops"},
                                {.status = 200, .body = "<AssumeRoleResponse/>"}};
    fake_server_script(f->srv, s, 2);
    struct sts_caller_identity id;
    assert_int_equal(aws_client_caller_identity(f->c, NULL, &id, &f->err), XA_EAWS);
    assert_non_null(strstr(f->err.message, "cannot read"));
    struct aws_assume_role_config req = {.role_arn = "arn:aws:iam::1:role/r"};
    struct sts_assume_role_result out;
    assert_int_equal(aws_client_assume_role(f->c, NULL, &req, &out, &f->err), XA_EAWS);
}

static void sts_web_identity_is_unsigned(void **state)
{
    struct fake_fixture *f = *state;
    const char *body =
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
        "<AccessKeyId>ASIAW</AccessKeyId><SecretAccessKey>w</SecretAccessKey>"
        "<SessionToken>wt</SessionToken><Expiration>2030-01-02T03:04:05.000Z</Expiration>"
        "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    struct fake_response s = {.status = 200, .body = body};
    fake_server_script(f->srv, &s, 1);
    struct aws_http *http;
    struct aws_http_config hc = {.max_retries = 0};
    assert_int_equal(aws_http_new(&hc, &http), XA_OK);
    struct sts_target t = {.http = http, .endpoint = f->srv->url, .region = "us-east-1"};
    struct aws_assume_role_web_identity_config req = {.role_arn = "arn:aws:iam::1:role/ci",
                                                      .session_name = "ci"};
    struct sts_assume_role_result out;
    assert_int_equal(sts_assume_role_with_web_identity_with(&t, &req, "jwt.token.x", &out, &f->err),
                     XA_OK);
    assert_string_equal(out.credentials.access_key_id, "ASIAW");
    assert_null(fake_req_header(&f->srv->reqs[0], "Authorization"));
    assert_non_null(strstr(f->srv->reqs[0].body, "WebIdentityToken=jwt.token.x"));
    sts_assume_role_result_cleanup(&out);
    aws_http_free(http);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(sts_get_caller_identity_parses_xml),
        T(sts_assume_role_builds_form_and_reads_credentials),
        T(sts_error_answer_is_parsed),
        T(sts_unreadable_answer_is_reported),
        T(sts_web_identity_is_unsigned),
    };
    return cmocka_run_group_tests_name("sts", tests, NULL, NULL);
}
