/* tests/unit/test_client.c - aws/client and aws/endpoints: configuration, region, account
 * ID, allowed/forbidden accounts, endpoint overrides, stop, concurrency, secrets in logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAKE_WITH_CLIENT
#include "fake_aws_server.c"

#include "aws/endpoints.h"
#include "aws/lambda.h"
#include "util/log.h"

#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"

struct fixture {
    struct fake_server *srv;
    char dir[64];
    atomic_int identity_calls;
    atomic_int assume_calls;
    atomic_int expire_next;
};

static struct fake_response route(void *ctx, const struct fake_request *r)
{
    struct fixture *f = ctx;
    if (strcmp(r->path, "/") == 0 && strstr(r->body, "Action=GetCallerIdentity")) {
        atomic_fetch_add(&f->identity_calls, 1);
        return (struct fake_response){.status = 200, .body =
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:"
            "user/a</Arn><UserId>U</UserId><Account>123456789012</Account>"
            "</GetCallerIdentityResult></GetCallerIdentityResponse>"};
    }
    if (strcmp(r->path, "/") == 0 && strstr(r->body, "Action=AssumeRole&")) {
        int n = atomic_fetch_add(&f->assume_calls, 1) + 1;
        static char xml[1024];
        snprintf(xml, sizeof xml,
                 "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA%d"
                 "</AccessKeyId><SecretAccessKey>s%d</SecretAccessKey><SessionToken>t%d"
                 "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                 "</AssumeRoleResult></AssumeRoleResponse>", n, n, n);
        return (struct fake_response){.status = 200, .body = xml};
    }
    if (strstr(r->path, "/policy") && atomic_exchange(&f->expire_next, 0))
        return (struct fake_response){.status = 403,
                                      .headers = "x-amzn-ErrorType: ExpiredTokenException\r\n",
                                      .body = "{\"message\":\"The security token included in "
                                              "the request is expired\"}"};
    if (strstr(r->path, "/policy"))
        return (struct fake_response){.status = 200, .body = "{\"Policy\":\"{}\",\"RevisionId\":\"r\"}"};
    return (struct fake_response){.status = 404, .body = "{}"};
}

static const char *const vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_API_GATEWAY", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    strcpy(f->dir, "/tmp/xacct-client-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    setenv("HOME", f->dir, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    f->srv = fake_server_start();
    f->srv->handler = route;
    f->srv->handler_ctx = f;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    fake_server_stop(f->srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void base_config(struct fixture *f, struct aws_client_config *cfg)
{
    aws_client_config_init(cfg);
    cfg->region = "us-west-2";
    cfg->access_key = "AKIDCLIENT";
    cfg->secret_key = FAKE_SECRET;
    cfg->token = TOKEN;
    cfg->endpoint_sts = f->srv->url;
    cfg->endpoint_lambda = f->srv->url;
    cfg->endpoint_apigateway = f->srv->url;
    cfg->max_retries = 1;
    cfg->retry_time_scale = 0.001;
}

static void client_learns_account_id_once(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    assert_string_equal(aws_client_account_id(c), "123456789012");
    assert_string_equal(aws_client_region(c), "us-west-2");
    assert_string_equal(aws_client_partition(c, NULL), "aws");
    assert_string_equal(aws_client_partition(c, "cn-north-1"), "aws-cn");
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[0], FAKE_SECRET, "us-west-2", "sts"), 0);
    struct lambda_policy p;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_OK);
        lambda_policy_cleanup(&p);
    }
    assert_int_equal(atomic_load(&f->identity_calls), 1);
    aws_client_free(c);
    aws_error_cleanup(&err);
}

static void client_copies_its_configuration(void **state)
{
    struct fixture *f = *state;
    char region[] = "us-west-2";
    char role[] = "arn:aws:iam::1:role/x";
    struct aws_assume_role_config ar = {.role_arn = role};
    struct aws_client_config cfg;
    base_config(f, &cfg);
    cfg.region = region;
    cfg.assume_role = &ar;
    cfg.nassume_role = 0;   /* copied but not applied */
    cfg.skip_requesting_account_id = cfg.skip_credentials_validation = true;
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    strcpy(region, "xx-xxxx-9");
    assert_string_equal(aws_client_region(c), "us-west-2");
    assert_string_equal(aws_client_account_id(c), "");
    assert_int_equal(fake_server_count(f->srv), 0);
    aws_client_free(c);
    aws_error_cleanup(&err);
}

static void client_validates_region(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    cfg.skip_requesting_account_id = cfg.skip_credentials_validation = true;
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    cfg.region = "moon-base-1x";
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.message, "skip_region_validation"));
    aws_error_reset(&err);
    cfg.skip_region_validation = true;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    aws_client_free(c);
    cfg.skip_region_validation = false;
    cfg.region = NULL;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    assert_non_null(strstr(err.message, "region is not set"));
    aws_error_reset(&err);
    setenv("AWS_DEFAULT_REGION", "ap-southeast-2", 1);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    assert_string_equal(aws_client_region(c), "ap-southeast-2");
    aws_client_free(c);
    unsetenv("AWS_DEFAULT_REGION");
    char path[256];
    snprintf(path, sizeof path, "%s/config", f->dir);
    FILE *fp = fopen(path, "w");
    fputs("[default]\nregion = eu-north-1\n", fp);
    fclose(fp);
    setenv("AWS_CONFIG_FILE", path, 1);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    assert_string_equal(aws_client_region(c), "eu-north-1");
    aws_client_free(c);
    aws_error_cleanup(&err);
}

static void client_checks_allowed_and_forbidden_accounts(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    const char *other[] = {"999999999999"}, *mine[] = {"123456789012"};
    cfg.allowed_account_ids = other;
    cfg.nallowed_account_ids = 1;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    assert_non_null(strstr(err.message, "not allowed"));
    aws_error_reset(&err);
    cfg.allowed_account_ids = mine;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    aws_client_free(c);
    cfg.nallowed_account_ids = 0;
    cfg.forbidden_account_ids = mine;
    cfg.nforbidden_account_ids = 1;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    assert_non_null(strstr(err.message, "forbidden_account_ids"));
    aws_error_cleanup(&err);
}

static void client_uses_endpoint_environment_variables(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    cfg.endpoint_lambda = NULL;
    cfg.endpoint_sts = NULL;
    setenv("AWS_ENDPOINT_URL", f->srv->url, 1);     /* STS through the generic variable */
    setenv("AWS_ENDPOINT_URL_LAMBDA", f->srv->url, 1);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_OK);
    lambda_policy_cleanup(&p);
    assert_int_equal(fake_server_count(f->srv), 2);
    aws_client_free(c);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_LAMBDA");
    aws_error_cleanup(&err);
}

static void endpoints_default_urls_and_regions(void **state)
{
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(aws_endpoint_resolve("apigateway", "eu-west-1", NULL, &b, NULL), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "https://apigateway.eu-west-1.amazonaws.com");
    xbuf_clear(&b);
    assert_int_equal(aws_endpoint_resolve("lambda", "cn-north-1", NULL, &b, NULL), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "https://lambda.cn-north-1.amazonaws.com.cn");
    xbuf_clear(&b);
    assert_int_equal(aws_endpoint_resolve("sts", "us-east-1", "http://localhost:4566/", &b, NULL), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "http://localhost:4566");
    xbuf_clear(&b);
    assert_int_equal(aws_endpoint_resolve("sts", "us-east-1", "ftp://x", &b, NULL), XA_EINVAL);
    assert_int_equal(aws_endpoint_resolve("s3", "us-east-1", NULL, &b, NULL), XA_EINVAL);
    xbuf_cleanup(&b);
    const char *good[] = {"us-east-1", "us-gov-west-1", "cn-northwest-1", "ap-southeast-4",
                          "il-central-1", "us-isob-east-1"};
    const char *bad[] = {"", "us-east", "US-EAST-1", "us_east_1", "us-east-1a", "1-us-east",
                         "us--east-1", "us-east-1-", "a-b"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(aws_region_valid(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(aws_region_valid(bad[i]));
    assert_string_equal(aws_region_partition("us-gov-east-1"), "aws-us-gov");
    assert_string_equal(aws_region_partition("us-isob-east-1"), "aws-iso-b");
    assert_string_equal(aws_region_partition("eu-west-1"), "aws");
}

/* D6: a user name or password in an endpoint URL is refused before anything is sent (it
 * once went out as the Host header, signed, to the server and any proxy), and the
 * diagnostic does not repeat the password. */
static void client_refuses_credentials_in_endpoint_urls(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    char url[128];
    snprintf(url, sizeof url, "http://user:s3cr3tpw@%s", f->srv->url + 7);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    cfg.endpoint_sts = url;
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.message, "user name or password"));
    assert_non_null(strstr(err.message, "endpoints.sts"));
    assert_null(strstr(err.message, "s3cr3tpw"));
    aws_error_reset(&err);

    /* Through the environment, for a service first used after configure. */
    base_config(f, &cfg);
    cfg.endpoint_lambda = NULL;
    setenv("AWS_ENDPOINT_URL_LAMBDA", url, 1);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_EINVAL);
    assert_non_null(strstr(err.message, "AWS_ENDPOINT_URL_LAMBDA"));
    assert_null(strstr(err.message, "s3cr3tpw"));
    unsetenv("AWS_ENDPOINT_URL_LAMBDA");
    aws_client_free(c);
    aws_error_cleanup(&err);
    assert_int_equal(fake_server_count(f->srv), 1);   /* GetCallerIdentity only */
}

static void endpoints_refuse_what_is_not_an_endpoint(void **state)
{
    static const char *const bad[] = {
        "http://u@localhost:4566", "https://u:p@example.com", "https://:p@example.com",
        "http://localhost:4566/?x=1", "http://localhost:4566/#f", "ftp://x", "http://",
        "http://local host", "http://localhost:99999", "localhost:4566",
        "http://localhost\r\nX-Evil: 1", "https://[:\x1a" "1]:8443/prefix/", "http://h%0aX/",
        "http://[::1]x]/", "http://h/a b",
    };
    struct xbuf b, why;
    xbuf_init(&b);
    xbuf_init(&why);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (aws_endpoint_resolve("sts", "us-east-1", bad[i], &b, &why) != XA_EINVAL)
            fail_msg("accepted %s", bad[i]);
        assert_true(why.len > 0);
        assert_int_equal(b.len, 0);
        xbuf_clear(&why);
    }
    struct aws_endpoint_parts e;
    aws_endpoint_parts_init(&e);
    assert_int_equal(aws_endpoint_split("https://[::1]:443/prefix/", &e, &why), XA_OK);
    assert_string_equal(e.host, "[::1]");
    assert_string_equal(e.origin, "https://[::1]:443");
    assert_string_equal(e.path, "/prefix");
    assert_int_equal(aws_endpoint_split("http://LocalHost:4566", &e, &why), XA_OK);
    assert_string_equal(e.host, "LocalHost:4566");
    assert_string_equal(e.path, "");
    aws_endpoint_parts_cleanup(&e);
    xbuf_cleanup(&b);
    xbuf_cleanup(&why);
}

/* A FIFO as custom_ca_bundle once blocked open() until the call deadline; it is refused
 * at configure, like a file too large to be a CA bundle. */
static void client_refuses_fifo_and_oversized_ca_bundle(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    char fifo[128], big[128];
    snprintf(fifo, sizeof fifo, "%s/ca-fifo", f->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    cfg.custom_ca_bundle = fifo;
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    alarm(20);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    alarm(0);
    assert_non_null(strstr(err.message, "named pipe"));
    assert_non_null(strstr(err.message, "custom_ca_bundle"));
    aws_error_reset(&err);
    snprintf(big, sizeof big, "%s/ca-big", f->dir);
    FILE *fp = fopen(big, "w");
    fclose(fp);
    assert_int_equal(truncate(big, 64 << 20), 0);
    cfg.custom_ca_bundle = NULL;
    setenv("AWS_CA_BUNDLE", big, 1);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_EINVAL);
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(strstr(err.message, "too large"));
    assert_non_null(strstr(err.message, "AWS_CA_BUNDLE"));
    aws_error_cleanup(&err);
    assert_int_equal(fake_server_count(f->srv), 0);
}

static void client_stop_cancels_later_calls(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    aws_client_stop(c);
    assert_true(aws_client_stopped(c));
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_ECANCELED);
    assert_int_equal(err.transport, XA_ECANCELED);
    assert_int_equal(fake_server_count(f->srv), 1);   /* only the account lookup */
    aws_client_free(c);
    aws_error_cleanup(&err);
}

struct worker {
    struct aws_client *c;
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 5; i++) {
        struct lambda_policy p;
        struct aws_error err;
        aws_error_init(&err);
        if (lambda_get_policy(w->c, NULL, "fn", "q", &p, &err) == XA_OK)
            w->ok++;
        lambda_policy_cleanup(&p);
        aws_error_cleanup(&err);
    }
    return NULL;
}

static void client_serves_concurrent_calls(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    pthread_t t[8];
    struct worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (struct worker){.c = c};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].ok, 5);
    }
    assert_int_equal(fake_server_count(f->srv), 41);
    aws_client_free(c);
    aws_error_cleanup(&err);
}

static void client_without_credentials_explains(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    cfg.access_key = cfg.secret_key = cfg.token = NULL;
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    assert_non_null(strstr(err.message, "No valid credential sources found"));
    aws_error_cleanup(&err);
}

static void client_trace_logs_carry_no_secret(void **state)
{
    struct fixture *f = *state;
    FILE *tmp = tmpfile();
    log_set_fd(fileno(tmp));
    log_set_level(LOG_TRACE);
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_OK);
    lambda_policy_cleanup(&p);
    assert_int_equal(lambda_get_policy(c, NULL, "missing", NULL, &p, &err), XA_OK);
    lambda_policy_cleanup(&p);
    aws_client_free(c);
    log_set_level(LOG_OFF);
    log_set_fd(-1);
    fflush(tmp);
    rewind(tmp);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    assert_true(n > 0);
    assert_non_null(strstr(text, "GetPolicy"));
    assert_null(strstr(text, FAKE_SECRET));
    assert_null(strstr(text, TOKEN));
    assert_null(strstr(text, "AWS4-HMAC-SHA256"));
    aws_error_cleanup(&err);
}

static void client_refreshes_expired_temporary_credentials(void **state)
{
    struct fixture *f = *state;
    struct aws_client_config cfg;
    base_config(f, &cfg);
    struct aws_assume_role_config ar = {.role_arn = "arn:aws:iam::123456789012:role/r"};
    cfg.assume_role = &ar;
    cfg.nassume_role = 1;
    struct aws_client *c;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_client_new(&cfg, &c, &err), XA_OK);
    assert_int_equal(atomic_load(&f->assume_calls), 1);
    atomic_store(&f->expire_next, 1);
    struct lambda_policy p;
    assert_int_equal(lambda_get_policy(c, NULL, "fn", NULL, &p, &err), XA_OK);
    lambda_policy_cleanup(&p);
    assert_int_equal(atomic_load(&f->assume_calls), 2);
    size_t n = fake_server_count(f->srv);
    assert_string_equal(fake_req_header(&f->srv->reqs[n - 1], "X-Amz-Security-Token"), "t2");
    assert_int_equal(fake_verify_sigv4(&f->srv->reqs[n - 1], "s2", "us-west-2", "lambda"), 0);
    aws_client_free(c);
    aws_error_cleanup(&err);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(client_learns_account_id_once),
        T(client_copies_its_configuration),
        T(client_validates_region),
        T(client_checks_allowed_and_forbidden_accounts),
        T(client_uses_endpoint_environment_variables),
        cmocka_unit_test(endpoints_default_urls_and_regions),
        T(client_refuses_credentials_in_endpoint_urls),
        T(client_refuses_fifo_and_oversized_ca_bundle),
        cmocka_unit_test(endpoints_refuse_what_is_not_an_endpoint),
        T(client_stop_cancels_later_calls),
        T(client_serves_concurrent_calls),
        T(client_without_credentials_explains),
        T(client_trace_logs_carry_no_secret),
        T(client_refreshes_expired_temporary_credentials),
    };
    return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
