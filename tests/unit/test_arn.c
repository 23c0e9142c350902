/* tests/unit/test_arn.c - ARN parsing and building, with hostile inputs.
 *
 * Table-driven: each case carries a name printed on failure. Covers generic ARNs,
 * every Lambda function reference form AddPermission accepts, the Lambda integration
 * URI round trip, execute-api ARNs with wildcards, partitions and the source-ARN region
 * rule, plus allocation failures in every parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/arn.h"
#include "util/alloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void assert_opt_str(const char *name, const char *want, const char *got)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(want, got) != 0)
        fail_msg("%s: expected %s, got %s", name, want ? want : "(absent)", got ? got : "(absent)");
}

/* ---- generic ARNs --------------------------------------------------------------------- */

static void arn_parse_accepts_common_forms(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in, *partition, *service, *region, *account, *resource;
    } cases[] = {
        {.name = "lambda", .in = "arn:aws:lambda:us-west-2:222222222222:function:f",
         .partition = "aws", .service = "lambda", .region = "us-west-2",
         .account = "222222222222", .resource = "function:f"},
        {.name = "iam global", .in = "arn:aws:iam::111111111111:role/path/r",
         .partition = "aws", .service = "iam", .region = "", .account = "111111111111",
         .resource = "role/path/r"},
        {.name = "managed policy", .in = "arn:aws:iam::aws:policy/ReadOnlyAccess",
         .partition = "aws", .service = "iam", .region = "", .account = "aws",
         .resource = "policy/ReadOnlyAccess"},
        {.name = "s3", .in = "arn:aws:s3:::bucket/key", .partition = "aws", .service = "s3",
         .region = "", .account = "", .resource = "bucket/key"},
        {.name = "gov", .in = "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a/b",
         .partition = "aws-us-gov", .service = "execute-api", .region = "us-gov-west-1",
         .account = "123456789012", .resource = "a/b"},
        {.name = "iso-b", .in = "arn:aws-iso-b:sts:us-isob-east-1:123456789012:x",
         .partition = "aws-iso-b", .service = "sts", .region = "us-isob-east-1",
         .account = "123456789012", .resource = "x"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct arn a;
        const char *reason = NULL;
        if (arn_parse(cases[i].in, &a, &reason) != XA_OK)
            fail_msg("%s: rejected: %s", cases[i].name, reason ? reason : "?");
        assert_string_equal(a.partition, cases[i].partition);
        assert_string_equal(a.service, cases[i].service);
        assert_string_equal(a.region, cases[i].region);
        assert_string_equal(a.account, cases[i].account);
        assert_string_equal(a.resource, cases[i].resource);
        arn_cleanup(&a);
    }
}

static void arn_parse_rejects_hostile_input(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in;
    } cases[] = {
        {"empty", ""},
        {"not arn", "urn:aws:lambda:us-west-2:222222222222:function:f"},
        {"too few parts", "arn:aws:lambda:us-west-2"},
        {"missing region shape", "arn:aws:lambda:uswest2:222222222222:function:f"},
        {"region two digits", "arn:aws:lambda:us-west-22:222222222222:function:f"},
        {"region upper case", "arn:aws:lambda:US-west-2:222222222222:function:f"},
        {"short account", "arn:aws:lambda:us-west-2:22222222222:function:f"},
        {"letters in account", "arn:aws:lambda:us-west-2:22222222222a:function:f"},
        {"bad partition", "arn:amazon:lambda:us-west-2:222222222222:function:f"},
        {"partition trailing dash", "arn:aws-:lambda:us-west-2:222222222222:function:f"},
        {"empty service", "arn:aws::us-west-2:222222222222:function:f"},
        {"empty resource", "arn:aws:lambda:us-west-2:222222222222:"},
        {"space", "arn:aws:lambda:us-west-2:222222222222:function:f g"},
        {"newline", "arn:aws:lambda:us-west-2:222222222222:function:f\n"},
        {"utf-8", "arn:aws:lambda:us-west-2:222222222222:function:\xc3\xa9"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct arn a;
        const char *reason = NULL;
        if (arn_parse(cases[i].in, &a, &reason) != XA_EINVAL)
            fail_msg("%s: accepted", cases[i].name);
        if (!reason || !*reason)
            fail_msg("%s: no reason", cases[i].name);
        assert_null(a.storage);
    }
    assert_int_equal(arn_parse(NULL, &(struct arn){0}, NULL), XA_EINVAL);
}

static void arn_parse_rejects_overlong_input(void **state)
{
    (void)state;
    static char big[ARN_MAX_LEN + 64];
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "arn:aws:s3:::", 13);
    struct arn a;
    const char *reason = NULL;
    assert_int_equal(arn_parse(big, &a, &reason), XA_EINVAL);
    assert_string_equal(reason, "the value is too long");
}

static void arn_valid_region_follows_aws_shapes(void **state)
{
    (void)state;
    const char *good[] = {"us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1",
                          "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "ap-southeast-5"};
    const char *bad[] = {"", "us-east", "us-east-10", "useast-1", "u-east-1", "us--1",
                         "us-east-1a", "US-EAST-1", "us-east-1 ", "us-iso1-east-1"};
    for (size_t i = 0; i < N(good); i++)
        if (!arn_valid_region(good[i]))
            fail_msg("rejected %s", good[i]);
    for (size_t i = 0; i < N(bad); i++)
        if (arn_valid_region(bad[i]))
            fail_msg("accepted '%s'", bad[i]);
    assert_false(arn_valid_region(NULL));
}

static void arn_partition_for_region_maps_prefixes(void **state)
{
    (void)state;
    assert_string_equal(arn_partition_for_region("us-east-1"), "aws");
    assert_string_equal(arn_partition_for_region("cn-north-1"), "aws-cn");
    assert_string_equal(arn_partition_for_region("us-gov-east-1"), "aws-us-gov");
    assert_string_equal(arn_partition_for_region("us-iso-east-1"), "aws-iso");
    assert_string_equal(arn_partition_for_region("us-isob-east-1"), "aws-iso-b");
    assert_string_equal(arn_partition_for_region(NULL), "aws");
}

/* ---- Lambda function references ------------------------------------------------------- */

static void arn_lambda_function_parse_accepts_every_form(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in, *fn, *qualifier, *account, *region, *partition;
    } cases[] = {
        {.name = "bare name", .in = "my-fn_1", .fn = "my-fn_1"},
        {.name = "name:alias", .in = "my-fn:live", .fn = "my-fn", .qualifier = "live"},
        {.name = "name:version", .in = "my-fn:42", .fn = "my-fn", .qualifier = "42"},
        {.name = "name:$LATEST", .in = "my-fn:$LATEST", .fn = "my-fn", .qualifier = "$LATEST"},
        {.name = "full", .in = "arn:aws:lambda:us-west-2:222222222222:function:my-fn",
         .fn = "my-fn", .account = "222222222222", .region = "us-west-2", .partition = "aws"},
        {.name = "full qualified",
         .in = "arn:aws-cn:lambda:cn-north-1:222222222222:function:my-fn:prod", .fn = "my-fn",
         .qualifier = "prod", .account = "222222222222", .region = "cn-north-1",
         .partition = "aws-cn"},
        {.name = "partial", .in = "222222222222:function:my-fn", .fn = "my-fn",
         .account = "222222222222"},
        {.name = "partial qualified", .in = "222222222222:function:my-fn:7", .fn = "my-fn",
         .qualifier = "7", .account = "222222222222"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct arn_lambda_function f;
        const char *reason = NULL;
        if (arn_lambda_function_parse(cases[i].in, &f, &reason) != XA_OK)
            fail_msg("%s: rejected: %s", cases[i].name, reason ? reason : "?");
        assert_opt_str(cases[i].name, cases[i].fn, f.name);
        assert_opt_str(cases[i].name, cases[i].qualifier, f.qualifier);
        assert_opt_str(cases[i].name, cases[i].account, f.account);
        assert_opt_str(cases[i].name, cases[i].region, f.region);
        assert_opt_str(cases[i].name, cases[i].partition, f.partition);
        arn_lambda_function_cleanup(&f);
    }
}

static void arn_lambda_function_parse_rejects_bad_references(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in;
    } cases[] = {
        {"empty", ""},
        {"bad char", "my.fn"},
        {"empty qualifier", "my-fn:"},
        {"bad qualifier", "my-fn:$latest"},
        {"too many parts", "a:b:c:d:e"},
        {"partial without function", "222222222222:lambda:my-fn"},
        {"partial short account", "22222222222:function:my-fn"},
        {"full wrong service", "arn:aws:s3:us-west-2:222222222222:function:my-fn"},
        {"full missing region", "arn:aws:lambda::222222222222:function:my-fn"},
        {"full missing account", "arn:aws:lambda:us-west-2::function:my-fn"},
        {"full layer", "arn:aws:lambda:us-west-2:222222222222:layer:my-fn"},
        {"full too long", "arn:aws:lambda:us-west-2:222222222222:function:my-fn:1:2"},
        {"name too long",
         "a123456789012345678901234567890123456789012345678901234567890123456789"},
        {"space", "my fn"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct arn_lambda_function f;
        const char *reason = NULL;
        if (arn_lambda_function_parse(cases[i].in, &f, &reason) != XA_EINVAL)
            fail_msg("%s: accepted", cases[i].name);
        if (!reason)
            fail_msg("%s: no reason", cases[i].name);
    }
}

static void arn_lambda_qualifier_kind_classifies(void **state)
{
    (void)state;
    assert_int_equal(arn_lambda_qualifier_kind(NULL), ARN_QUALIFIER_NONE);
    assert_int_equal(arn_lambda_qualifier_kind(""), ARN_QUALIFIER_NONE);
    assert_int_equal(arn_lambda_qualifier_kind("$LATEST"), ARN_QUALIFIER_LATEST);
    assert_int_equal(arn_lambda_qualifier_kind("12"), ARN_QUALIFIER_VERSION);
    assert_int_equal(arn_lambda_qualifier_kind("12a"), ARN_QUALIFIER_ALIAS);
    assert_int_equal(arn_lambda_qualifier_kind("live-1_x"), ARN_QUALIFIER_ALIAS);
    assert_int_equal(arn_lambda_qualifier_kind("a:b"), ARN_QUALIFIER_INVALID);
}

static void arn_lambda_function_arn_builds(void **state)
{
    (void)state;
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_lambda_function_arn("aws", "us-west-2", "222222222222", "fn", NULL, &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:lambda:us-west-2:222222222222:function:fn");
    xbuf_clear(&b);
    assert_int_equal(arn_lambda_function_arn("aws", "us-west-2", "222222222222", "fn", "live", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:lambda:us-west-2:222222222222:function:fn:live");
    assert_int_equal(arn_lambda_function_arn("aws", "us-west-2", "2222", "fn", NULL, &b),
                     XA_EINVAL);
    assert_int_equal(arn_lambda_function_arn("aws", "us-west-2", "222222222222", "f:n", NULL, &b),
                     XA_EINVAL);
    xbuf_cleanup(&b);
}

/* ---- integration URI ------------------------------------------------------------------ */

static void arn_invoke_uri_round_trips(void **state)
{
    (void)state;
    const char *fa = "arn:aws:lambda:us-west-2:222222222222:function:my-fn:live";
    const char *want = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/"
                       "arn:aws:lambda:us-west-2:222222222222:function:my-fn:live/invocations";
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_lambda_invoke_uri("aws", "us-west-2", fa, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), want);

    struct arn_lambda_function f;
    assert_int_equal(arn_lambda_function_parse(fa, &f, NULL), XA_OK);
    xbuf_clear(&b);
    assert_int_equal(arn_lambda_invoke_uri_for_function(&f, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), want);
    arn_lambda_function_cleanup(&f);

    struct arn_invoke_uri u;
    const char *reason = NULL;
    assert_int_equal(arn_invoke_uri_parse(want, &u, &reason), XA_OK);
    assert_string_equal(u.partition, "aws");
    assert_string_equal(u.region, "us-west-2");
    assert_string_equal(u.function_arn, fa);
    assert_string_equal(u.function.name, "my-fn");
    assert_string_equal(u.function.qualifier, "live");
    assert_string_equal(u.function.account, "222222222222");
    arn_invoke_uri_cleanup(&u);
    xbuf_cleanup(&b);
}

/* Response streaming: the 2021-11-15 path, built and read back; the API-wide source ARN. */
static void arn_streaming_uri_and_api_source_arn(void **state)
{
    (void)state;
    static const char fn[] = "arn:aws:lambda:us-west-2:222222222222:function:f:live";
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_lambda_streaming_invoke_uri("aws", "us-west-2", fn, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/"
                                       "functions/arn:aws:lambda:us-west-2:222222222222:"
                                       "function:f:live/response-streaming-invocations");
    struct arn_invoke_uri u;
    assert_int_equal(arn_invoke_uri_parse(xbuf_cstr(&b), &u, NULL), XA_OK);
    assert_true(u.streaming);
    assert_string_equal(u.function_arn, fn);
    arn_invoke_uri_cleanup(&u);
    assert_int_equal(arn_lambda_streaming_invoke_uri("aws", "us-west-2", "f", &b), XA_EINVAL);
    xbuf_clear(&b);
    assert_int_equal(arn_api_source_arn("aws", "us-east-1", "111111111111", "abc", &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:execute-api:us-east-1:111111111111:abc/*");
    xbuf_clear(&b);
    assert_int_equal(arn_api_source_arn("aws", "us-east-1", "", "abc", &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:execute-api:us-east-1:*:abc/*");
    assert_int_equal(arn_api_source_arn("aws", "us-east-1", NULL, "*", &b), XA_EINVAL);
    xbuf_cleanup(&b);
}

static void arn_invoke_uri_parse_rejects_other_uris(void **state)
{
    (void)state;
    const char *bad[] = {
        "arn:aws:apigateway:us-west-2:s3:path/bucket",
        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/my-fn/invocations",
        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions//invocations",
        "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-west-2:222222222222:function:fn",
        "arn:aws:apigateway:nowhere:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-west-2:222222222222:function:fn/invocations",
        "https://example.com/",
    };
    for (size_t i = 0; i < N(bad); i++) {
        struct arn_invoke_uri u;
        const char *reason = NULL;
        if (arn_invoke_uri_parse(bad[i], &u, &reason) != XA_EINVAL)
            fail_msg("accepted %s", bad[i]);
        assert_non_null(reason);
        assert_null(u.storage);
    }
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_lambda_invoke_uri("aws", "us-west-2", "my-fn", &b), XA_EINVAL);
    xbuf_cleanup(&b);
}

/* ---- execute-api ---------------------------------------------------------------------- */

static void arn_execute_api_builds_with_wildcards(void **state)
{
    (void)state;
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", "111111111111", "a1b2c3d4e5", NULL,
                                           NULL, NULL, &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/*/*");
    xbuf_clear(&b);
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", "111111111111", "a1b2c3d4e5",
                                           "prod", "post", "/pets/{id}", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn:aws:execute-api:us-east-1:111111111111:"
                        "a1b2c3d4e5/prod/POST/pets/{id}");
    xbuf_clear(&b);
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", "111111111111", "a1b2c3d4e5", "*",
                                           "GET", "/", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/");
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", "111111111111", "A B", NULL, NULL,
                                           NULL, &b),
                     XA_EINVAL);
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", "111111111111", "abc", NULL,
                                           "FETCH", NULL, &b),
                     XA_EINVAL);
    xbuf_cleanup(&b);
}

static void arn_execute_api_parse_reads_parts(void **state)
{
    (void)state;
    static const struct {
        const char *name, *in, *api, *stage, *method, *path;
    } cases[] = {
        {"api only", "arn:aws:execute-api:us-east-1:111111111111:abc", "abc", NULL, NULL, NULL},
        {"any", "arn:aws:execute-api:us-east-1:111111111111:abc/*/*/*", "abc", "*", "*", "*"},
        {"root", "arn:aws:execute-api:us-east-1:111111111111:abc/prod/GET/", "abc", "prod", "GET",
         ""},
        {"deep", "arn:aws:execute-api:us-east-1:111111111111:abc/prod/ANY/a/b/{c+}", "abc",
         "prod", "ANY", "a/b/{c+}"},
        {"stage only", "arn:aws:execute-api:us-east-1:111111111111:abc/*", "abc", "*", NULL,
         NULL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct arn_execute_api x;
        const char *reason = NULL;
        if (arn_execute_api_parse(cases[i].in, &x, &reason) != XA_OK)
            fail_msg("%s: rejected: %s", cases[i].name, reason ? reason : "?");
        assert_opt_str(cases[i].name, cases[i].api, x.api_id);
        assert_opt_str(cases[i].name, cases[i].stage, x.stage);
        assert_opt_str(cases[i].name, cases[i].method, x.method);
        assert_opt_str(cases[i].name, cases[i].path, x.path);
        assert_string_equal(x.account, "111111111111");
        arn_execute_api_cleanup(&x);
    }
    const char *bad[] = {
        "arn:aws:execute-api:us-east-1:111111111111:",
        "arn:aws:execute-api:us-east-1:111111111111:ABC/prod",
        "arn:aws:execute-api:us-east-1:111111111111:abc/pr.od",
        "arn:aws:execute-api:us-east-1:111111111111:abc/prod/get/x",
        "arn:aws:execute-api:us-east-1::abc/prod/GET/x",
        "arn:aws:execute-api::111111111111:abc",
        "arn:aws:lambda:us-east-1:111111111111:abc",
    };
    for (size_t i = 0; i < N(bad); i++) {
        struct arn_execute_api x;
        const char *reason = NULL;
        if (arn_execute_api_parse(bad[i], &x, &reason) != XA_EINVAL)
            fail_msg("accepted %s", bad[i]);
        assert_non_null(reason);
    }
}

static void arn_execute_api_knows_wildcard_accounts_and_authorizers(void **state)
{
    (void)state;
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(arn_execute_api_build("aws", "us-east-1", NULL, "abc", NULL, "GET", "/", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:execute-api:us-east-1:*:abc/*/GET/");
    xbuf_clear(&b);
    assert_int_equal(arn_integration_source_arn("aws", "eu-west-1", "111111111111", "abc", "any",
                                                "/pets/{id}/{proxy+}", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn:aws:execute-api:eu-west-1:111111111111:abc/*/*/pets/*/*");
    xbuf_clear(&b);
    assert_int_equal(arn_integration_source_arn("aws", "eu-west-1", "*", "abc", "post", "/", &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b), "arn:aws:execute-api:eu-west-1:*:abc/*/POST/");
    assert_int_equal(arn_integration_source_arn("aws", "eu-west-1", "1", "abc", "GET", "/", &b),
                     XA_EINVAL);
    assert_int_equal(arn_integration_source_arn("aws", "eu-west-1", "*", "abc", "GET", "x", &b),
                     XA_EINVAL);
    xbuf_clear(&b);
    assert_int_equal(arn_authorizer_source_arn("aws", "us-west-2", "111111111111", "abc", "xyz9",
                                               &b),
                     XA_OK);
    assert_string_equal(xbuf_cstr(&b),
                        "arn:aws:execute-api:us-west-2:111111111111:abc/authorizers/xyz9");
    assert_int_equal(arn_authorizer_source_arn("aws", "us-west-2", NULL, "abc", "*", &b),
                     XA_EINVAL);
    struct arn_execute_api x;
    assert_int_equal(arn_execute_api_parse(xbuf_cstr(&b), &x, NULL), XA_OK);
    assert_string_equal(x.authorizer_id, "xyz9");
    assert_null(x.stage);
    assert_null(x.method);
    arn_execute_api_cleanup(&x);
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:us-west-2:*:abc/*/GET/", &x, NULL),
                     XA_OK);
    assert_string_equal(x.account, "*");
    assert_null(x.authorizer_id);
    arn_execute_api_cleanup(&x);
    /* Lambda compares SourceArn with ArnLike: "*" stands for every region. */
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:*:111111111111:e1e2e3e4e5/*/GET/",
                                           &x, NULL), XA_OK);
    assert_string_equal(x.region, "*");
    assert_string_equal(x.api_id, "e1e2e3e4e5");
    arn_execute_api_cleanup(&x);
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:*:*:abc/authorizers/xyz9", &x,
                                           NULL), XA_OK);
    assert_string_equal(x.authorizer_id, "xyz9");
    arn_execute_api_cleanup(&x);
    const char *reason = NULL;
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:us-west-2:**:abc/*/GET/", &x,
                                           &reason), XA_EINVAL);
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:*:1:abc/*/GET/", &x, &reason),
                     XA_EINVAL);
    assert_int_equal(arn_execute_api_parse("arn:aws:execute-api:**:111111111111:abc/*", &x,
                                           &reason), XA_EINVAL);
    xbuf_cleanup(&b);
}

static void arn_same_principal_knows_account_roots(void **state)
{
    (void)state;
    assert_true(arn_same_principal("111111111111", "arn:aws:iam::111111111111:root"));
    assert_true(arn_same_principal("arn:aws-cn:iam::111111111111:root", "111111111111"));
    assert_true(arn_same_principal("apigateway.amazonaws.com", "apigateway.amazonaws.com"));
    assert_false(arn_same_principal("111111111111", "arn:aws:iam::222222222222:root"));
    assert_false(arn_same_principal("111111111111", "arn:aws:iam::111111111111:user/x"));
    assert_false(arn_same_principal("111111111111", NULL));
    assert_true(arn_same_principal(NULL, NULL));
}

static void arn_source_arn_region_api_for_methods_function_for_authorizers(void **state)
{
    (void)state;
    const enum arn_source_kind M = ARN_SOURCE_METHOD, A = ARN_SOURCE_AUTHORIZER;
    assert_string_equal(arn_source_arn_region(M, "us-east-1", "us-east-1"), "us-east-1");
    assert_string_equal(arn_source_arn_region(M, "us-east-1", "eu-west-1"), "us-east-1");
    assert_string_equal(arn_source_arn_region(M, NULL, "eu-west-1"), "eu-west-1");
    assert_string_equal(arn_source_arn_region(M, "us-east-1", NULL), "us-east-1");
    assert_null(arn_source_arn_region(M, NULL, NULL));
    assert_string_equal(arn_source_arn_region(A, "us-east-1", "us-east-1"), "us-east-1");
    assert_string_equal(arn_source_arn_region(A, "us-east-1", "eu-west-1"), "eu-west-1");
    assert_string_equal(arn_source_arn_region(A, "us-east-1", NULL), "us-east-1");
    assert_null(arn_source_arn_region(A, NULL, NULL));
}

/* ---- allocation failures -------------------------------------------------------------- */

static void arn_survives_allocation_failures(void **state)
{
    (void)state;
    const char *uri = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/"
                      "arn:aws:lambda:us-west-2:222222222222:function:fn/invocations";
    bool done = false;
    for (long n = 0; n < 100 && !done; n++) {
        struct arn_invoke_uri u;
        struct arn_execute_api x;
        struct xbuf b;
        xbuf_init(&b);
        alloc_fail_after(n);
        enum xa_status a = arn_invoke_uri_parse(uri, &u, NULL);
        enum xa_status c = arn_execute_api_parse("arn:aws:execute-api:us-east-1:111111111111:a/b",
                                                 &x, NULL);
        enum xa_status d = arn_lambda_invoke_uri("aws", "us-west-2",
                                                 "arn:aws:lambda:us-west-2:222222222222:function:f",
                                                 &b);
        alloc_fail_reset();
        assert_true(a == XA_OK || a == XA_ENOMEM);
        assert_true(c == XA_OK || c == XA_ENOMEM);
        assert_true(d == XA_OK || d == XA_ENOMEM);
        done = a == XA_OK && c == XA_OK && d == XA_OK;
        arn_invoke_uri_cleanup(&u);
        arn_execute_api_cleanup(&x);
        xbuf_cleanup(&b);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arn_parse_accepts_common_forms),
        cmocka_unit_test(arn_parse_rejects_hostile_input),
        cmocka_unit_test(arn_parse_rejects_overlong_input),
        cmocka_unit_test(arn_valid_region_follows_aws_shapes),
        cmocka_unit_test(arn_partition_for_region_maps_prefixes),
        cmocka_unit_test(arn_lambda_function_parse_accepts_every_form),
        cmocka_unit_test(arn_lambda_function_parse_rejects_bad_references),
        cmocka_unit_test(arn_lambda_qualifier_kind_classifies),
        cmocka_unit_test(arn_lambda_function_arn_builds),
        cmocka_unit_test(arn_invoke_uri_round_trips),
        cmocka_unit_test(arn_execute_api_knows_wildcard_accounts_and_authorizers),
        cmocka_unit_test(arn_same_principal_knows_account_roots),
        cmocka_unit_test(arn_streaming_uri_and_api_source_arn),
        cmocka_unit_test(arn_invoke_uri_parse_rejects_other_uris),
        cmocka_unit_test(arn_execute_api_builds_with_wildcards),
        cmocka_unit_test(arn_execute_api_parse_reads_parts),
        cmocka_unit_test(arn_source_arn_region_api_for_methods_function_for_authorizers),
        cmocka_unit_test(arn_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("arn", tests, NULL, NULL);
}
