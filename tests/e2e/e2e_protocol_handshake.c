/* e2e_protocol_handshake - the go-plugin contract of the real binary: handshake line over
 * a unix socket and over TCP, both protocol versions, AutoMTLS (a client with another
 * certificate is refused), GRPCController.Shutdown ends the process quickly and cleanly,
 * SIGINT is ignored, SIGTERM and SIGHUP stop it, PLUGIN_UNIX_SOCKET_GROUP is applied, -debug prints
 * TF_REATTACH_PROVIDERS (for both registry hosts) and stops on SIGINT, -version and -help
 * print and exit 0, and without the magic cookie the binary prints go-plugin's human
 * message and exits 1. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/xt.h"

static void check_schema_answers(struct xt_provider *p)
{
    struct xt_result r;
    xt_result_init(&r);
    assert_int_equal(xt_get_schema(p, &r), 0);
    assert_false(xt_has_error(&r));
    assert_true(r.raw.len > 100);
    xt_result_cleanup(&r);
}

static void handshake_unix_protocol6(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){.protocols = "5,6"});
    assert_non_null(p);
    assert_int_equal(xt_protocol(p), 6);
    assert_string_equal(xt_network(p), "unix");
    struct stat st;
    assert_int_equal(stat(xt_address(p), &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_non_null(strstr(xt_address(p), "/plugin"));
    /* Field 6: raw standard base64, no padding. */
    const char *cert = strrchr(xt_handshake_line(p), '|') + 1;
    assert_true(strlen(cert) > 50);
    assert_null(strchr(cert, '='));
    check_schema_answers(p);
    char *path = strdup(xt_address(p));
    double took = 0;
    assert_int_equal(xt_stop(p, &took), 0);
    assert_true(took < 1000.0);
    assert_int_not_equal(access(path, F_OK), 0);     /* socket removed */
    free(path);
}

static void handshake_unix_protocol5(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){.protocols = "5"});
    assert_non_null(p);
    assert_int_equal(xt_protocol(p), 5);
    check_schema_answers(p);
    assert_int_equal(xt_stop(p, NULL), 0);
}

static void handshake_order_6_5_picks_6(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){.protocols = "6,5"});
    assert_non_null(p);
    assert_int_equal(xt_protocol(p), 6);
    assert_int_equal(xt_stop(p, NULL), 0);
}

static void handshake_tcp(void **state)
{
    (void)state;
    for (int v = 5; v <= 6; v++) {
        struct xt_provider *p =
            xt_start(&(struct xt_options){.protocols = v == 5 ? "5" : "6", .tcp = true});
        assert_non_null(p);
        assert_string_equal(xt_network(p), "tcp");
        assert_int_equal(strncmp(xt_address(p), "127.0.0.1:", 10), 0);
        int port = atoi(xt_address(p) + 10);
        assert_true(port >= 10000 && port <= 25000);
        check_schema_answers(p);
        assert_int_equal(xt_stop(p, NULL), 0);
    }
}

static void handshake_without_tls(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){.no_tls = true});
    assert_non_null(p);
    const char *line = xt_handshake_line(p);
    assert_int_equal(line[strlen(line) - 1], '|');    /* empty certificate field */
    check_schema_answers(p);
    assert_int_equal(xt_stop(p, NULL), 0);
}

static void wrong_client_certificate_is_refused(void **state)
{
    (void)state;
    struct xt_provider *p =
        xt_start(&(struct xt_options){.wrong_client_cert = true, .timeout_ms = 3000});
    assert_non_null(p);
    struct xt_result r;
    xt_result_init(&r);
    int status = xt_get_schema(p, &r);
    assert_int_not_equal(status, 0);                  /* UNAVAILABLE: TLS refused */
    assert_true(xt_alive(p));
    xt_result_cleanup(&r);
    xt_kill(p);
}

static void sigint_is_ignored_sigterm_stops(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){0});
    assert_non_null(p);
    kill(xt_pid(p), SIGINT);
    usleep(200 * 1000);
    assert_true(xt_alive(p));
    check_schema_answers(p);
    kill(xt_pid(p), SIGTERM);
    for (int i = 0; i < 200 && xt_alive(p); i++)
        usleep(10 * 1000);
    assert_false(xt_alive(p));
    xt_kill(p);
}

/* SIGHUP (the terminal went away) ends the process as SIGTERM does: exit 0 and the
 * socket file removed. */
static void sighup_stops_and_removes_the_socket(void **state)
{
    (void)state;
    struct xt_provider *p = xt_start(&(struct xt_options){0});
    assert_non_null(p);
    assert_string_equal(xt_network(p), "unix");
    char path[256];
    snprintf(path, sizeof path, "%s", xt_address(p));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    kill(xt_pid(p), SIGHUP);
    for (int i = 0; i < 500 && xt_alive(p); i++)
        usleep(10 * 1000);
    assert_false(xt_alive(p));
    assert_int_equal(stat(path, &sb), -1);
    assert_int_equal(xt_stop(p, NULL), 0);   /* the exit status of an orderly shutdown */
}

static void no_cookie_prints_message_and_exits_1(void **state)
{
    (void)state;
    struct xbuf out, err;
    xbuf_init(&out);
    xbuf_init(&err);
    const char *env[] = {"PATH=/usr/bin:/bin", NULL};
    int rc = xt_run_capture(NULL, NULL, env, false, &out, &err);
    assert_int_equal(rc, 1);
    assert_int_equal(out.len, 0);
    assert_non_null(strstr(xbuf_cstr(&err), "This binary is a plugin. These are not meant to be "
                                            "executed directly."));
    assert_non_null(strstr(xbuf_cstr(&err), "load any plugins automatically"));
    xbuf_cleanup(&out);
    xbuf_cleanup(&err);
}

static void no_common_protocol_is_an_error(void **state)
{
    (void)state;
    struct xbuf out, err;
    xbuf_init(&out);
    xbuf_init(&err);
    const char *env[] = {"TF_PLUGIN_MAGIC_COOKIE="
                         "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
                         "PLUGIN_PROTOCOL_VERSIONS=3,4", NULL};
    int rc = xt_run_capture(NULL, NULL, env, false, &out, &err);
    assert_int_equal(rc, 1);
    assert_int_equal(out.len, 0);
    assert_non_null(strstr(xbuf_cstr(&err), "protocol"));
    xbuf_cleanup(&out);
    xbuf_cleanup(&err);
}

static void socket_group_is_applied(void **state)
{
    (void)state;
    char env0[64];
    snprintf(env0, sizeof env0, "PLUGIN_UNIX_SOCKET_GROUP=%d", (int)getgid());
    const char *env[] = {env0, NULL};
    struct xt_provider *p = xt_start(&(struct xt_options){.extra_env = env});
    assert_non_null(p);
    struct stat st;
    assert_int_equal(stat(xt_address(p), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0660);
    assert_int_equal(st.st_gid, getgid());
    assert_int_equal(xt_stop(p, NULL), 0);
}

/* -version and -help: no cookie needed, the text on stdout, exit 0. */
static void version_and_help_print_and_exit_0(void **state)
{
    (void)state;
    struct xbuf out, err;
    xbuf_init(&out);
    xbuf_init(&err);
    const char *env[] = {"PATH=/usr/bin:/bin", NULL};
    const char *version[] = {"-version", NULL}, *help[] = {"--help", NULL};
    assert_int_equal(xt_run_capture(NULL, version, env, false, &out, &err), 0);
    assert_string_equal(xbuf_cstr(&out), "terraform-provider-xacct " XACCT_VERSION
                                         " (plugin protocol versions 5 and 6)\n");
    assert_int_equal(err.len, 0);
    xbuf_clear(&out);
    assert_int_equal(xt_run_capture(NULL, help, env, false, &out, &err), 0);
    assert_non_null(strstr(xbuf_cstr(&out), "the xacct provider for Terraform and OpenTofu"));
    assert_non_null(strstr(xbuf_cstr(&out), "-debug"));
    xbuf_cleanup(&out);
    xbuf_cleanup(&err);
}

/* -debug: no cookie, TF_REATTACH_PROVIDERS on stdout, serves until SIGTERM/SIGINT. */
static void debug_mode_prints_reattach_and_stops_on_signal(void **state)
{
    (void)state;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "env -u TF_PLUGIN_MAGIC_COOKIE '%s' -debug", XA_PROVIDER_BIN);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[4096];
    const char *json = NULL;
    while (!json && fgets(line, sizeof line, f))
        json = strstr(line, "TF_REATTACH_PROVIDERS='");
    assert_non_null(json);
    assert_non_null(strstr(json, "\"registry.terraform.io/xacct/xacct\":{\"Protocol\":\"grpc\","
                                 "\"ProtocolVersion\":6"));
    assert_non_null(strstr(json, "\"Test\":true"));
    assert_non_null(strstr(json, "\"registry.opentofu.org/xacct/xacct\":{\"Protocol\":\"grpc\","));
    const char *pid_at = strstr(json, "\"Pid\":");
    const char *path_at = strstr(json, "\"String\":\"");
    assert_non_null(pid_at);
    assert_non_null(path_at);
    pid_t pid = (pid_t)atol(pid_at + 6);
    char path[1024];
    snprintf(path, sizeof path, "%s", path_at + 10);
    *strchr(path, '"') = '\0';
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(kill(pid, SIGINT), 0);      /* debug mode: Ctrl-C stops it */
    int status = pclose(f);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake_unix_protocol6),
        cmocka_unit_test(handshake_unix_protocol5),
        cmocka_unit_test(handshake_order_6_5_picks_6),
        cmocka_unit_test(handshake_tcp),
        cmocka_unit_test(handshake_without_tls),
        cmocka_unit_test(wrong_client_certificate_is_refused),
        cmocka_unit_test(sigint_is_ignored_sigterm_stops),
        cmocka_unit_test(sighup_stops_and_removes_the_socket),
        cmocka_unit_test(no_cookie_prints_message_and_exits_1),
        cmocka_unit_test(no_common_protocol_is_an_error),
        cmocka_unit_test(socket_group_is_applied),
        cmocka_unit_test(version_and_help_print_and_exit_0),
        cmocka_unit_test(debug_mode_prints_reattach_and_stops_on_signal),
    };
    return cmocka_run_group_tests_name("e2e_protocol_handshake", tests, NULL, NULL);
}
