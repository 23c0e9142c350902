/* test_plugin - plugin/: protocol negotiation, options from the environment, the
 * AutoMTLS certificate's shape (what Go's crypto/x509 insists on), RawStd base64, the
 * handshake line and the reattach banner, the listener. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "plugin/plugin.h"
#include "util/alloc.h"

static void plugin_negotiate_picks_highest_common(void **state)
{
    (void)state;
    static const struct { const char *name, *in; int want; } cases[] = {
        {"both", "5,6", 6},        {"reversed", "6,5", 6},   {"five only", "5", 5},
        {"six only", "6", 6},      {"none", "3,4", 0},       {"empty", "", 0},
        {"spaces", " 5 , 6 ", 6},  {"garbage first", "x,5", 5}, {"seven", "7,5", 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (plugin_negotiate(cases[i].in) != cases[i].want)
            fail_msg("case %s", cases[i].name);
    }
    assert_int_equal(plugin_negotiate(NULL), 0);
}

static void plugin_base64_raw_matches_go(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } v[] = {
        {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
        {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "+/8"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct xbuf b;
        size_t n = 0;
        xbuf_init(&b);
        assert_int_equal(plugin_base64_raw((const unsigned char *)v[i].in, strlen(v[i].in), &b),
                         XA_OK);
        assert_string_equal(xbuf_cstr(&b), v[i].out);
        unsigned char *back = plugin_base64_raw_decode(v[i].out, &n);
        assert_non_null(back);
        assert_int_equal(n, strlen(v[i].in));
        assert_memory_equal(back, v[i].in, n);
        xa_free(back);
        xbuf_cleanup(&b);
    }
    size_t n;
    assert_null(plugin_base64_raw_decode("Zm8=", &n));   /* padding is rejected, as Go does */
    assert_null(plugin_base64_raw_decode("Z", &n));
    assert_null(plugin_base64_raw_decode("Zm9*", &n));
}

static void plugin_cert_has_go_plugin_shape(void **state)
{
    (void)state;
    struct plugin_cert c;
    assert_int_equal(plugin_cert_generate(&c), XA_OK);
    BIO *bio = BIO_new_mem_buf(c.cert_pem, -1);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    assert_non_null(x);

    /* DER in the handshake = the PEM's certificate. */
    size_t der_len = 0;
    unsigned char *der = plugin_pem_to_der(c.cert_pem, &der_len);
    assert_non_null(der);
    assert_int_equal(der_len, c.der_len);
    assert_memory_equal(der, c.der, der_len);
    xa_free(der);

    EVP_PKEY *pub = X509_get0_pubkey(x);
    char group[64];
    size_t glen = 0;
    assert_int_equal(EVP_PKEY_get_group_name(pub, group, sizeof group, &glen), 1);
    assert_string_equal(group, "secp521r1");

    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    assert_false(BN_is_negative(serial));
    assert_false(BN_is_zero(serial));
    assert_true(BN_num_bits(serial) <= 128);
    BN_free(serial);

    assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
    assert_int_equal(X509_check_ca(x), 1);
    uint32_t eku = X509_get_extended_key_usage(x);
    assert_true(eku & XKU_SSL_SERVER);
    assert_true(eku & XKU_SSL_CLIENT);
    uint32_t ku = X509_get_key_usage(x);
    assert_true(ku & KU_DIGITAL_SIGNATURE);
    assert_true(ku & KU_KEY_CERT_SIGN);
    assert_true(ku & KU_KEY_ENCIPHERMENT);
    assert_true(ku & KU_KEY_AGREEMENT);

    int days = 0, secs = 0;
    assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)), 1);
    assert_true(days >= 365 * 29 && days <= 365 * 31);
    assert_true(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);

    BIO *kbio = BIO_new_mem_buf(c.key_pem, -1);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(kbio, NULL, NULL, NULL);
    assert_non_null(key);
    assert_int_equal(X509_check_private_key(x, key), 1);
    EVP_PKEY_free(key);
    BIO_free(kbio);
    X509_free(x);
    BIO_free(bio);
    plugin_cert_cleanup(&c);
    assert_null(c.key_pem);
}

static void plugin_handshake_line_format(void **state)
{
    (void)state;
    struct plugin_options o = {.protocol = 6};
    struct plugin_listener l = {.is_unix = true, .address = "/tmp/plugin123"};
    struct plugin_cert c = {.der = (unsigned char *)"foobar", .der_len = 6};
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(plugin_handshake_line(&o, &l, &c, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "1|6|unix|/tmp/plugin123|grpc|Zm9vYmFy\n");
    xbuf_clear(&b);
    o.protocol = 5;
    l = (struct plugin_listener){.is_unix = false, .address = "127.0.0.1:10000"};
    assert_int_equal(plugin_handshake_line(&o, &l, NULL, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "1|5|tcp|127.0.0.1:10000|grpc|\n");
    xbuf_clear(&b);
    o.mux_asked = true;
    assert_int_equal(plugin_handshake_line(&o, &l, NULL, &b), XA_OK);
    assert_string_equal(xbuf_cstr(&b), "1|5|tcp|127.0.0.1:10000|grpc||false\n");
    o.mux_asked = false;
    xbuf_clear(&b);
    o.protocol = 6;
    l = (struct plugin_listener){.is_unix = true, .address = "/tmp/plugin9"};
    assert_int_equal(plugin_reattach_text(&o, &l, 42, &b), XA_OK);
#define ENTRY "{\"Protocol\":\"grpc\",\"ProtocolVersion\":6,\"Pid\":42,\"Test\":true," \
              "\"Addr\":{\"Network\":\"unix\",\"String\":\"/tmp/plugin9\"}}"
    assert_non_null(strstr(xbuf_cstr(&b),
                           "TF_REATTACH_PROVIDERS='{\"registry.terraform.io/xacct/xacct\":" ENTRY
                           ",\"registry.opentofu.org/xacct/xacct\":" ENTRY "}'"));
#undef ENTRY
    xbuf_cleanup(&b);
}

static void plugin_options_require_cookie(void **state)
{
    (void)state;
    struct plugin_options o;
    struct xbuf why;
    char *argv[] = {"prog", NULL};
    xbuf_init(&why);
    unsetenv(PLUGIN_COOKIE_KEY);
    assert_int_equal(plugin_options_init(&o, 1, argv, &why), XA_EINVAL);
    assert_non_null(strstr(xbuf_cstr(&why), "This binary is a plugin"));
    xbuf_clear(&why);

    setenv(PLUGIN_COOKIE_KEY, PLUGIN_COOKIE_VALUE, 1);
    setenv("PLUGIN_PROTOCOL_VERSIONS", "4", 1);
    assert_int_equal(plugin_options_init(&o, 1, argv, &why), XA_EINVAL);
    assert_non_null(strstr(xbuf_cstr(&why), "PLUGIN_PROTOCOL_VERSIONS=\"4\""));
    xbuf_clear(&why);

    setenv("PLUGIN_PROTOCOL_VERSIONS", "6,5", 1);
    setenv("PLUGIN_CLIENT_CERT", "PEM", 1);
    setenv("PLUGIN_UNIX_SOCKET_DIR", "/var/tmp", 1);
    assert_int_equal(plugin_options_init(&o, 1, argv, &why), XA_OK);
    assert_int_equal(o.protocol, 6);
    assert_string_equal(o.client_cert_pem, "PEM");
    assert_string_equal(o.socket_dir, "/var/tmp");
    assert_false(o.debug);
    plugin_options_cleanup(&o);

    char *dbg[] = {"prog", "-debug", NULL};
    unsetenv(PLUGIN_COOKIE_KEY);
    assert_int_equal(plugin_options_init(&o, 2, dbg, &why), XA_OK);
    assert_true(o.debug);
    assert_int_equal(o.protocol, 6);
    plugin_options_cleanup(&o);

    char *bad[] = {"prog", "--frobnicate", NULL};
    assert_int_equal(plugin_options_init(&o, 2, bad, &why), XA_EINVAL);
    assert_non_null(strstr(xbuf_cstr(&why), "-help"));
    unsetenv("PLUGIN_CLIENT_CERT");
    unsetenv("PLUGIN_UNIX_SOCKET_DIR");
    xbuf_cleanup(&why);
}

/* -version and -help need no cookie and print, whatever else is on the command line. */
static void plugin_options_version_and_help(void **state)
{
    (void)state;
    struct plugin_options o;
    struct xbuf why;
    xbuf_init(&why);
    unsetenv(PLUGIN_COOKIE_KEY);
    char *version[] = {"prog", "-version", NULL}, *version2[] = {"prog", "--version", NULL};
    char *help[] = {"prog", "-debug", "--help", NULL}, *h[] = {"prog", "-h", NULL};
    assert_int_equal(plugin_options_init(&o, 2, version, &why), XA_OK);
    assert_string_equal(o.print_and_exit, "terraform-provider-xacct " XACCT_VERSION
                                          " (plugin protocol versions 5 and 6)\n");
    assert_int_equal(plugin_options_init(&o, 2, version2, &why), XA_OK);
    assert_non_null(strstr(o.print_and_exit, XACCT_VERSION));
    assert_int_equal(plugin_options_init(&o, 3, help, &why), XA_OK);
    assert_non_null(strstr(o.print_and_exit, "provider for Terraform and OpenTofu"));
    assert_non_null(strstr(o.print_and_exit, "-debug"));
    assert_int_equal(plugin_options_init(&o, 2, h, &why), XA_OK);
    assert_non_null(strstr(o.print_and_exit, "-version"));
    assert_int_equal(why.len, 0);
    plugin_options_cleanup(&o);
    xbuf_cleanup(&why);
}

static void plugin_listener_unix_and_tcp(void **state)
{
    (void)state;
    struct plugin_options o = {.socket_dir = "/tmp", .min_port = 10000, .max_port = 25000};
    struct plugin_listener l;
    struct xbuf why;
    xbuf_init(&why);
    assert_int_equal(plugin_listener_init(&l, &o, &why), XA_OK);
    assert_true(l.is_unix);
    assert_int_equal(strncmp(l.address, "/tmp/plugin", 11), 0);
    assert_int_equal(strncmp(l.grpc_address, "unix:/tmp/plugin", 16), 0);
    assert_int_not_equal(access(l.address, F_OK), 0);      /* reserved, not left behind */
    plugin_listener_cleanup(&l);

    o.tcp = true;
    assert_int_equal(plugin_listener_init(&l, &o, &why), XA_OK);
    assert_false(l.is_unix);
    assert_int_equal(strncmp(l.address, "127.0.0.1:", 10), 0);
    int port = atoi(l.address + 10);
    assert_true(port >= 10000 && port <= 25000);
    plugin_listener_cleanup(&l);

    o.tcp = false;
    o.socket_dir = "/nonexistent-dir-for-xacct";
    assert_int_equal(plugin_listener_init(&l, &o, &why), XA_EIO);
    assert_non_null(strstr(xbuf_cstr(&why), "/nonexistent-dir-for-xacct"));
    xbuf_cleanup(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plugin_negotiate_picks_highest_common),
        cmocka_unit_test(plugin_base64_raw_matches_go),
        cmocka_unit_test(plugin_cert_has_go_plugin_shape),
        cmocka_unit_test(plugin_handshake_line_format),
        cmocka_unit_test(plugin_options_require_cookie),
        cmocka_unit_test(plugin_options_version_and_help),
        cmocka_unit_test(plugin_listener_unix_and_tcp),
    };
    return cmocka_run_group_tests_name("plugin", tests, NULL, NULL);
}
