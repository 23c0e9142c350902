/* tests/unit/test_credentials.c - aws/credentials: the chain, each source, cache, errors.
 *
 * Each test starts from a clean environment (every AWS_* variable unset, HOME pointing at
 * an empty temporary directory) and writes the files it needs there. STS, the container
 * endpoint and IMDS are played by one fake server routed by path and Action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_aws_server.c"

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/credentials_provider.h"
#include "aws/credentials_sources.h"
#include "aws/errors.h"
#include "aws/http.h"
#include "util/alloc.h"

#define SRC_SECRET "sourceSecretKeyEXAMPLE0000000000000000000"

struct fixture {
    struct fake_server *srv;
    struct aws_http *http;
    char dir[64];
    int64_t now;
    int64_t sts_expiration;   /* absolute unix time written in STS answers */
    atomic_int assume_calls;
    int sts_delay_ms;
    bool imds_v1_only;
    char xml[4096];
};

static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_DISABLED", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE",
};

static void fmt_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct fake_response route(void *ctx, const struct fake_request *r)
{
    struct fixture *f = ctx;
    char exp[32];
    fmt_time(f->sts_expiration, exp);
    if (strcmp(r->method, "POST") == 0 && strcmp(r->path, "/") == 0) {
        bool web = strstr(r->body, "Action=AssumeRoleWithWebIdentity") != NULL;
        bool assume = strstr(r->body, "Action=AssumeRole&") != NULL;
        if (!web && !assume)
            return (struct fake_response){.status = 400, .body = "<ErrorResponse><Error><Code>"
                                          "InvalidAction</Code></Error></ErrorResponse>"};
        int n = atomic_fetch_add(&f->assume_calls, 1) + 1;
        const char *action = web ? "AssumeRoleWithWebIdentity" : "AssumeRole";
        snprintf(f->xml, sizeof f->xml,
                 "<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><%sResult>"
                 "<Credentials><AccessKeyId>ASIA%s%d</AccessKeyId>"
                 "<SecretAccessKey>assumedSecret%d</SecretAccessKey>"
                 "<SessionToken>assumedToken%d</SessionToken><Expiration>%s</Expiration>"
                 "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s"
                 "</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></%sResult>"
                 "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></%sResponse>",
                 action, action, web ? "WEB" : "ROLE", n, n, n, exp, action, action);
        return (struct fake_response){.status = 200, .body = f->xml, .delay_ms = f->sts_delay_ms};
    }
    if (strcmp(r->method, "PUT") == 0 && strcmp(r->path, "/latest/api/token") == 0 &&
        f->imds_v1_only)
        return (struct fake_response){.status = 405, .body = ""};
    if (strcmp(r->method, "PUT") == 0 && strcmp(r->path, "/latest/api/token") == 0) {
        const char *ttl = fake_req_header(r, "X-aws-ec2-metadata-token-ttl-seconds");
        return ttl ? (struct fake_response){.status = 200, .body = "imds-session-token"}
                   : (struct fake_response){.status = 400, .body = ""};
    }
    if (strncmp(r->path, "/latest/meta-data/iam/security-credentials/", 43) == 0) {
        const char *tok = fake_req_header(r, "X-aws-ec2-metadata-token");
        if (!f->imds_v1_only && (!tok || strcmp(tok, "imds-session-token") != 0))
            return (struct fake_response){.status = 401, .body = ""};
        if (r->path[43] == '\0')
            return (struct fake_response){.status = 200, .body = "my-role\n"};
        snprintf(f->xml, sizeof f->xml,
                 "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"imdsSecret\","
                 "\"Token\":\"imdsToken\",\"Expiration\":\"%s\"}", exp);
        return (struct fake_response){.status = 200, .body = f->xml};
    }
    if (strcmp(r->path, "/container/creds") == 0) {
        const char *auth = fake_req_header(r, "Authorization");
        if (!auth || strcmp(auth, "container-auth-token") != 0)
            return (struct fake_response){.status = 403, .body = "{}"};
        snprintf(f->xml, sizeof f->xml,
                 "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"containerSecret\","
                 "\"Token\":\"containerToken\",\"Expiration\":\"%s\"}", exp);
        return (struct fake_response){.status = 200, .body = f->xml};
    }
    return (struct fake_response){.status = 404, .body = "{}"};
}

static int64_t fake_now(void *ctx) { return ((struct fixture *)ctx)->now; }

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    for (size_t i = 0; i < sizeof aws_vars / sizeof aws_vars[0]; i++)
        unsetenv(aws_vars[i]);
    strcpy(f->dir, "/tmp/xacct-creds-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    setenv("HOME", f->dir, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    f->srv = fake_server_start();
    f->srv->handler = route;
    f->srv->handler_ctx = f;
    f->now = 1790000000;
    f->sts_expiration = f->now + 3600;
    struct aws_http_config hc = {.max_retries = 1, .time_scale = 0.001};
    assert_int_equal(aws_http_new(&hc, &f->http), XA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    aws_http_free(f->http);
    fake_server_stop(f->srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void write_file(struct fixture *f, const char *name, const char *text, char *path_out)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    if (path_out)
        strcpy(path_out, path);
}

/* Resolves once with cfg; returns the status, creds and error filled. */
static enum xa_status resolve(struct fixture *f, const struct aws_client_config *cfg,
                              struct aws_credentials *out, struct aws_error *err)
{
    struct aws_credentials_env env = {.http = f->http, .sts_endpoint = f->srv->url,
                                      .sts_region = "us-east-1", .now = fake_now, .now_ctx = f};
    struct aws_credentials_provider *p = NULL;
    assert_int_equal(aws_credentials_provider_new(cfg, &env, &p), XA_OK);
    enum xa_status st = aws_credentials_provider_get(p, out, err);
    aws_credentials_provider_free(p);
    return st;
}

#define RESOLVE_OK(f, cfg, creds)                                       \
    do {                                                                \
        struct aws_error e_;                                            \
        aws_error_init(&e_);                                            \
        enum xa_status s_ = resolve(f, cfg, creds, &e_);                \
        if (s_ != XA_OK)                                                \
            print_error("resolve: %s\n", e_.message ? e_.message : "?"); \
        assert_int_equal(s_, XA_OK);                                    \
        aws_error_cleanup(&e_);                                         \
    } while (0)

static void credentials_provider_arguments_come_first(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret", 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.access_key = "AKIAARG";
    cfg.secret_key = "argSecret";
    cfg.token = "argToken";
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "AKIAARG");
    assert_string_equal(c.session_token, "argToken");
    assert_string_equal(c.source, "provider arguments");
    aws_credentials_cleanup(&c);
    assert_null(c.secret_access_key);
}

static void credentials_environment(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret", 1);
    setenv("AWS_SESSION_TOKEN", "envToken", 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "AKIAENV");
    assert_string_equal(c.secret_access_key, "envSecret");
    assert_string_equal(c.session_token, "envToken");
    aws_credentials_cleanup(&c);
}

static void credentials_shared_file_profile_with_long_token(void **state)
{
    struct fixture *f = *state;
    char token[1501];
    memset(token, 'T', 1500);
    token[1500] = '\0';
    char text[2048], path[256];
    snprintf(text, sizeof text,
             "# comment\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n"
             "[prod]\r\naws_access_key_id=AKIAPROD\r\naws_secret_access_key = prodSecret \r\n"
             "aws_session_token = %s\r\ns3 =\n  max_concurrent_requests = 20\n", token);
    write_file(f, "creds", text, path);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    setenv("AWS_PROFILE", "prod", 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "AKIAPROD");
    assert_string_equal(c.secret_access_key, "prodSecret");
    assert_string_equal(c.session_token, token);
    aws_credentials_cleanup(&c);
}

static void credentials_config_file_profiles_and_file_lists(void **state)
{
    struct fixture *f = *state;
    char p1[256], p2[256];
    write_file(f, "config1", "[profile dev]\naws_access_key_id = AKIAONE\n"
                             "aws_secret_access_key = one\nregion = eu-west-1\n", p1);
    write_file(f, "config2", "[profile dev]\naws_access_key_id = AKIATWO\n", p2);
    const char *files[] = {p1, p2};
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.profile = "dev";
    cfg.shared_config_files = files;
    cfg.nshared_config_files = 2;
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    /* The later file wins key by key. */
    assert_string_equal(c.access_key_id, "AKIATWO");
    assert_string_equal(c.secret_access_key, "one");
    aws_credentials_cleanup(&c);

    struct aws_credentials_env env = {.http = f->http, .sts_endpoint = f->srv->url,
                                      .sts_region = "us-east-1"};
    struct aws_credentials_provider *p;
    assert_int_equal(aws_credentials_provider_new(&cfg, &env, &p), XA_OK);
    assert_string_equal(aws_credentials_provider_profile_region(p), "eu-west-1");
    aws_credentials_provider_free(p);
}

static void credentials_process_json(void **state)
{
    struct fixture *f = *state;
    char script[256], cfgpath[256], text[512];
    write_file(f, "proc.sh",
               "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
               "\"SecretAccessKey\": \"procSecret\", \"SessionToken\": \"procToken\", "
               "\"Expiration\": \"2030-01-02T03:04:05Z\"}'\n", script);
    snprintf(text, sizeof text, "[default]\ncredential_process = /bin/sh %s --flag\n", script);
    write_file(f, "config", text, cfgpath);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "AKIAPROC");
    assert_string_equal(c.session_token, "procToken");
    assert_int_equal(c.expiration, 1893553445);
    aws_credentials_cleanup(&c);
}

static void credentials_process_failure_is_explained(void **state)
{
    struct fixture *f = *state;
    char cfgpath[256];
    write_file(f, "config", "[default]\ncredential_process = echo SECRETOUTPUT; exit 3\n", cfgpath);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(resolve(f, &cfg, &c, &err), XA_OK);
    assert_non_null(err.message);
    assert_non_null(strstr(err.message, "exited with status 3"));
    assert_null(strstr(err.message, "SECRETOUTPUT"));
    aws_error_cleanup(&err);
}

static void credentials_profile_role_arn_uses_source_profile(void **state)
{
    struct fixture *f = *state;
    char credpath[256], cfgpath[256];
    write_file(f, "creds", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = "
                           SRC_SECRET "\n", credpath);
    write_file(f, "config", "[profile deploy]\nrole_arn = arn:aws:iam::111122223333:role/deploy\n"
                            "source_profile = base\nexternal_id = ext-1\n"
                            "role_session_name = sess\n", cfgpath);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credpath, 1);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.profile = "deploy";
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIAROLE1");
    assert_string_equal(c.session_token, "assumedToken1");
    assert_int_equal(c.expiration, f->sts_expiration);
    assert_int_equal(fake_server_count(f->srv), 1);
    struct fake_request *r = &f->srv->reqs[0];
    assert_non_null(strstr(r->body, "RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeploy"));
    assert_non_null(strstr(r->body, "RoleSessionName=sess"));
    assert_non_null(strstr(r->body, "ExternalId=ext-1"));
    assert_int_equal(fake_verify_sigv4(r, SRC_SECRET, "us-east-1", "sts"), 0);
    aws_credentials_cleanup(&c);
}

static void credentials_source_profile_loop_is_an_error(void **state)
{
    struct fixture *f = *state;
    char cfgpath[256];
    write_file(f, "config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                            "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
               cfgpath);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.profile = "a";
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(resolve(f, &cfg, &c, &err), XA_OK);
    assert_non_null(strstr(err.message, "loops"));
    aws_error_cleanup(&err);
}

static void credentials_web_identity_from_environment(void **state)
{
    struct fixture *f = *state;
    char tok[256];
    write_file(f, "token", "eyJhbGciOiJSUzI1NiJ9.WEBTOKEN\n", tok);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tok, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/ci", 1);
    setenv("AWS_ROLE_SESSION_NAME", "ci-run", 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIAWEB1");
    struct fake_request *r = &f->srv->reqs[0];
    assert_null(fake_req_header(r, "Authorization"));   /* unsigned */
    assert_non_null(strstr(r->body, "WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.WEBTOKEN"));
    assert_non_null(strstr(r->body, "RoleSessionName=ci-run"));
    aws_credentials_cleanup(&c);
}

static void credentials_container_full_uri_with_token_file(void **state)
{
    struct fixture *f = *state;
    char tok[256], uri[128];
    write_file(f, "ctoken", "container-auth-token\n", tok);
    snprintf(uri, sizeof uri, "%s/container/creds", f->srv->url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tok, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIACONTAINER");
    assert_string_equal(c.session_token, "containerToken");
    aws_credentials_cleanup(&c);
}

static void credentials_container_rejects_remote_http(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example.com/creds", 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(resolve(f, &cfg, &c, &err), XA_OK);
    assert_non_null(strstr(err.message, "loopback"));
    aws_error_cleanup(&err);
}

static void credentials_imds_v2(void **state)
{
    struct fixture *f = *state;
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f->srv->url, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIAIMDS");
    assert_int_equal(fake_server_count(f->srv), 3);
    assert_string_equal(f->srv->reqs[0].method, "PUT");
    assert_string_equal(f->srv->reqs[2].path, "/latest/meta-data/iam/security-credentials/my-role");
    aws_credentials_cleanup(&c);
}

static void credentials_imds_falls_back_to_v1_unless_disabled(void **state)
{
    struct fixture *f = *state;
    f->imds_v1_only = true;
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f->srv->url, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIAIMDS");
    assert_null(fake_req_header(&f->srv->reqs[1], "X-aws-ec2-metadata-token"));
    aws_credentials_cleanup(&c);
    setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(resolve(f, &cfg, &c, &err), XA_OK);
    assert_non_null(strstr(err.message, "HTTP 405"));
    unsetenv("AWS_EC2_METADATA_V1_DISABLED");
    aws_error_cleanup(&err);
}

static void credentials_none_lists_every_source_tried(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIAHALF", 1);   /* secret missing */
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(resolve(f, &cfg, &c, &err), XA_EINVAL);
    const char *m = err.message;
    assert_non_null(m);
    const char *order[] = {"1. provider arguments", "2. environment", "only one of",
                           "3. shared config", "4. web identity", "5. container",
                           "6. EC2 instance metadata", "AWS_EC2_METADATA_DISABLED"};
    const char *at = m;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *hit = strstr(at, order[i]);
        if (!hit)
            print_error("missing \"%s\" in:\n%s\n", order[i], m);
        assert_non_null(hit);
        at = hit;
    }
    aws_error_cleanup(&err);
}

static void credentials_assume_role_chain_signs_with_previous(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIABASE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SRC_SECRET, 1);
    const char *arns[] = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
    struct aws_kv_ref tags[] = {{.key = "team", .value = "platform"}};
    const char *tkeys[] = {"team"};
    struct aws_assume_role_config chain[] = {
        {.role_arn = "arn:aws:iam::111111111111:role/hub", .session_name = "hub",
         .duration_seconds = 900, .policy_arns = arns, .npolicy_arns = 1, .tags = tags,
         .ntags = 1, .transitive_tag_keys = tkeys, .ntransitive_tag_keys = 1,
         .source_identity = "alice", .policy = "{\"Version\":\"2012-10-17\"}"},
        {.role_arn = "arn:aws:iam::222222222222:role/spoke", .external_id = "x"},
    };
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.assume_role = chain;
    cfg.nassume_role = 2;
    struct aws_credentials c;
    aws_credentials_init(&c);
    RESOLVE_OK(f, &cfg, &c);
    assert_string_equal(c.access_key_id, "ASIAROLE2");
    assert_int_equal(fake_server_count(f->srv), 2);
    struct fake_request *r1 = &f->srv->reqs[0], *r2 = &f->srv->reqs[1];
    assert_non_null(strstr(r1->body, "DurationSeconds=900"));
    assert_non_null(strstr(r1->body, "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"));
    assert_non_null(strstr(r1->body, "Tags.member.1.Key=team&Tags.member.1.Value=platform"));
    assert_non_null(strstr(r1->body, "TransitiveTagKeys.member.1=team"));
    assert_non_null(strstr(r1->body, "SourceIdentity=alice"));
    assert_non_null(strstr(r1->body, "Policy=%7B%22Version%22"));
    assert_int_equal(fake_verify_sigv4(r1, SRC_SECRET, "us-east-1", "sts"), 0);
    /* The second hop is signed with the first hop's temporary credentials. */
    assert_string_equal(fake_req_header(r2, "X-Amz-Security-Token"), "assumedToken1");
    assert_int_equal(fake_verify_sigv4(r2, "assumedSecret1", "us-east-1", "sts"), 0);
    aws_credentials_cleanup(&c);
}

static void credentials_cache_refreshes_five_minutes_before_expiry(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIABASE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SRC_SECRET, 1);
    struct aws_assume_role_config chain[] = {{.role_arn = "arn:aws:iam::1:role/r"}};
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.assume_role = chain;
    cfg.nassume_role = 1;
    f->sts_expiration = f->now + 600;
    struct aws_credentials_env env = {.http = f->http, .sts_endpoint = f->srv->url,
                                      .sts_region = "us-east-1", .now = fake_now, .now_ctx = f};
    struct aws_credentials_provider *p;
    assert_int_equal(aws_credentials_provider_new(&cfg, &env, &p), XA_OK);
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(aws_credentials_provider_get(p, &c, &err), XA_OK);
    assert_string_equal(c.access_key_id, "ASIAROLE1");
    f->now += 240;   /* 6 minutes left: cached */
    assert_int_equal(aws_credentials_provider_get(p, &c, &err), XA_OK);
    assert_string_equal(c.access_key_id, "ASIAROLE1");
    assert_int_equal(atomic_load(&f->assume_calls), 1);
    f->now += 61;    /* 4:59 left: refresh */
    assert_int_equal(aws_credentials_provider_get(p, &c, &err), XA_OK);
    assert_string_equal(c.access_key_id, "ASIAROLE2");
    assert_int_equal(atomic_load(&f->assume_calls), 2);
    aws_credentials_cleanup(&c);
    aws_error_cleanup(&err);
    aws_credentials_provider_free(p);
}

struct getter {
    struct aws_credentials_provider *p;
    enum xa_status st;
};

static void *get_thread(void *arg)
{
    struct getter *g = arg;
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    g->st = aws_credentials_provider_get(g->p, &c, &err);
    aws_credentials_cleanup(&c);
    aws_error_cleanup(&err);
    return NULL;
}

static void credentials_concurrent_callers_share_one_refresh(void **state)
{
    struct fixture *f = *state;
    setenv("AWS_ACCESS_KEY_ID", "AKIABASE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SRC_SECRET, 1);
    struct aws_assume_role_config chain[] = {{.role_arn = "arn:aws:iam::1:role/r"}};
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.assume_role = chain;
    cfg.nassume_role = 1;
    f->sts_delay_ms = 200;
    struct aws_credentials_env env = {.http = f->http, .sts_endpoint = f->srv->url,
                                      .sts_region = "us-east-1", .now = fake_now, .now_ctx = f};
    struct aws_credentials_provider *p;
    assert_int_equal(aws_credentials_provider_new(&cfg, &env, &p), XA_OK);
    pthread_t t[8];
    struct getter g[8];
    for (int i = 0; i < 8; i++) {
        g[i] = (struct getter){.p = p};
        pthread_create(&t[i], NULL, get_thread, &g[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(g[i].st, XA_OK);
    }
    assert_int_equal(atomic_load(&f->assume_calls), 1);
    aws_credentials_provider_free(p);
}

static void credentials_ini_rejects_malformed_lines(void **state)
{
    struct creds_ini ini;
    struct xbuf why;
    xbuf_init(&why);
    assert_int_equal(creds_ini_parse("[ok]\na = 1\nthis line is wrong\n", "f", &ini, &why),
                     XA_EINVAL);
    assert_non_null(strstr(xbuf_cstr(&why), "f line 3"));
    xbuf_clear(&why);
    assert_int_equal(creds_ini_parse("a = 1\n", "f", &ini, &why), XA_EINVAL);
    assert_non_null(strstr(xbuf_cstr(&why), "before any [section]"));
    xbuf_clear(&why);
    assert_int_equal(creds_ini_parse("[broken\n", "f", &ini, &why), XA_EINVAL);
    xbuf_clear(&why);
    assert_int_equal(creds_ini_parse("\xEF\xBB\xBF[s]\n; c\n# c\nk=v\nk = w\n", "f", &ini, &why),
                     XA_OK);
    assert_int_equal(ini.n, 1);
    assert_string_equal(ini.sections[0].kv[0].value, "w");
    creds_ini_cleanup(&ini);
    xbuf_cleanup(&why);
}

static void credentials_parse_time_accepts_rfc3339(void **state)
{
    int64_t t;
    assert_int_equal(aws_credentials_parse_time("1970-01-01T00:00:00Z", &t), XA_OK);
    assert_int_equal(t, 0);
    assert_int_equal(aws_credentials_parse_time("2030-01-02T03:04:05.123Z", &t), XA_OK);
    assert_int_equal(t, 1893553445);
    assert_int_equal(aws_credentials_parse_time("2030-01-02T05:04:05+02:00", &t), XA_OK);
    assert_int_equal(t, 1893553445);
    assert_int_equal(aws_credentials_parse_time("2030-01-02T03:04:05-00:30", &t), XA_OK);
    assert_int_equal(t, 1893553445 + 1800);
    assert_int_equal(aws_credentials_parse_time("2030-01-02 03:04:05", &t), XA_EINVAL);
    assert_int_equal(aws_credentials_parse_time("yesterday", &t), XA_EINVAL);
}

/* D0: a short offset once moved the parser past the terminator. Each input is an exact
 * heap copy, so AddressSanitizer sees any byte read beyond it. */
static void credentials_parse_time_rejects_malformed_without_overread(void **state)
{
    static const char *const bad[] = {
        "2030-11-24T16:00:00+2:00", "2030-11-24T16:00:00+02:0", "2030-11-24T16:00:00+02",
        "2030-11-24T16:00:00+", "2030-11-24T16:00:00-1", "2030-11-24T16:00:00.", "2030-11-24T16",
        "2030-11-24T16:00:00+02:00x", "2030-11-24T16:00:00+24:00", "2030-11-24T16:00:00+02:60",
        "2030-1-24T16:00:00Z", "2030-11-24T16:0:00Z", " 2030-11-24T16:00:00Z",
        "+030-11-24T16:00:00Z", "2030-11-24T16:00:+1Z", "2030-13-24T16:00:00Z",
        "2030-11-24T16:00:00ZZ", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i]) + 1;
        char *copy = malloc(n);
        memcpy(copy, bad[i], n);
        int64_t t = 0;
        if (aws_credentials_parse_time(copy, &t) != XA_EINVAL)
            fail_msg("accepted \"%s\"", bad[i]);
        free(copy);
    }
}

/* Resolves expecting failure; the message must contain want. A FIFO once blocked open()
 * for ever: the alarm turns such a hang into a failed test. */
static void expect_refused(struct fixture *f, const struct aws_client_config *cfg,
                           const char *want)
{
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    alarm(20);
    assert_int_not_equal(resolve(f, cfg, &c, &err), XA_OK);
    alarm(0);
    if (!err.message || !strstr(err.message, want))
        fail_msg("expected \"%s\" in: %s", want, err.message ? err.message : "(none)");
    aws_credentials_cleanup(&c);
    aws_error_cleanup(&err);
}

static void credentials_files_refuse_fifos(void **state)
{
    struct fixture *f = *state;
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s/fifo", f->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    const char *files[] = {fifo};
    cfg.shared_config_files = files;
    cfg.nshared_config_files = 1;
    expect_refused(f, &cfg, "named pipe");
    aws_client_config_init(&cfg);
    struct aws_assume_role_web_identity_config wi = {.role_arn = "arn:aws:iam::1:role/r",
                                                     .web_identity_token_file = fifo};
    cfg.assume_role_with_web_identity = &wi;
    expect_refused(f, &cfg, "named pipe");
    assert_int_equal(fake_server_count(f->srv), 0);
}

/* D7: an 18 MB config file is "too large", not "value out of range". */
static void credentials_files_refuse_oversized(void **state)
{
    struct fixture *f = *state;
    char path[256];
    write_file(f, "big", "[default]\nregion = eu-west-1\n", path);
    assert_int_equal(truncate(path, 18 * 1000 * 1000), 0);
    setenv("AWS_CONFIG_FILE", path, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    expect_refused(f, &cfg, "too large");
}

static void credentials_sso_profile_is_reported_unsupported(void **state)
{
    struct fixture *f = *state;
    char cfgpath[256];
    write_file(f, "config", "[profile sso]\nsso_start_url = https://x.awsapps.com/start\n", cfgpath);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.profile = "sso";
    struct aws_credentials c;
    aws_credentials_init(&c);
    struct aws_error err;
    aws_error_init(&err);
    assert_int_not_equal(resolve(f, &cfg, &c, &err), XA_OK);
    assert_non_null(strstr(err.message, "credential_process"));
    aws_error_cleanup(&err);
}

static void credentials_survive_allocation_failures(void **state)
{
    struct fixture *f = *state;
    char credpath[256], cfgpath[256];
    write_file(f, "creds", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = "
                           SRC_SECRET "\n", credpath);
    write_file(f, "config", "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\n"
                            "source_profile = base\nregion = eu-west-1\n", cfgpath);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credpath, 1);
    setenv("AWS_CONFIG_FILE", cfgpath, 1);
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.profile = "deploy";
    for (long n = 0;; n++) {
        struct aws_credentials c;
        aws_credentials_init(&c);
        struct aws_error err;
        aws_error_init(&err);
        struct aws_credentials_env env = {.http = f->http, .sts_endpoint = f->srv->url,
                                          .sts_region = "us-east-1", .now = fake_now,
                                          .now_ctx = f};
        struct aws_credentials_provider *p = NULL;
        alloc_fail_after(n);
        enum xa_status st = aws_credentials_provider_new(&cfg, &env, &p);
        if (st == XA_OK)
            st = aws_credentials_provider_get(p, &c, &err);
        alloc_fail_reset();
        aws_credentials_provider_free(p);
        aws_credentials_cleanup(&c);
        aws_error_cleanup(&err);
        if (st == XA_OK)
            break;
        assert_true(n < 1000);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(credentials_provider_arguments_come_first),
        T(credentials_environment),
        T(credentials_shared_file_profile_with_long_token),
        T(credentials_config_file_profiles_and_file_lists),
        T(credentials_process_json),
        T(credentials_process_failure_is_explained),
        T(credentials_profile_role_arn_uses_source_profile),
        T(credentials_source_profile_loop_is_an_error),
        T(credentials_web_identity_from_environment),
        T(credentials_container_full_uri_with_token_file),
        T(credentials_container_rejects_remote_http),
        T(credentials_imds_v2),
        T(credentials_imds_falls_back_to_v1_unless_disabled),
        T(credentials_none_lists_every_source_tried),
        T(credentials_assume_role_chain_signs_with_previous),
        T(credentials_cache_refreshes_five_minutes_before_expiry),
        T(credentials_concurrent_callers_share_one_refresh),
        cmocka_unit_test(credentials_ini_rejects_malformed_lines),
        cmocka_unit_test(credentials_parse_time_accepts_rfc3339),
        cmocka_unit_test(credentials_parse_time_rejects_malformed_without_overread),
        T(credentials_files_refuse_fifos),
        T(credentials_files_refuse_oversized),
        T(credentials_sso_profile_is_reported_unsupported),
        T(credentials_survive_allocation_failures),
    };
    return cmocka_run_group_tests_name("credentials", tests, NULL, NULL);
}
