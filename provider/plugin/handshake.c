/* plugin/handshake.c - options from argv and the environment, protocol negotiation and
 * the texts a provider prints on stdout: go-plugin's handshake line (managed mode),
 * terraform-plugin-go's TF_REATTACH_PROVIDERS banner (debug mode), and the -version and
 * -help texts (the version is CMake's project version).
 *
 * PLUGIN_PROTOCOL_VERSIONS arrives as "5,6" or "6,5" (Terraform iterates a Go map), so it
 * is parsed as a list and the highest version we serve wins. Nothing in this file writes
 * to a stream: main.c prints what it builds, once, and flushes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/plugin.h"
#include "util/alloc.h"

int plugin_negotiate(const char *versions)
{
    int best = 0;
    const char *p = versions ? versions : "";
    while (*p) {
        char *end = NULL;
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p) {             /* not a number: skip to the next comma */
            while (*p && *p != ',')
                p++;
            continue;
        }
        if (errno == 0 && (v == 5 || v == 6) && v > best)
            best = (int)v;
        p = end;
    }
    return best;
}

static int env_int(const char *name, int fallback)
{
    const char *s = getenv(name);
    char *end = NULL;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 0 || v > 65535)
        return fallback;
    return (int)v;
}

static enum xa_status dup_env(const char *name, char **out)
{
    const char *s = getenv(name);
    *out = NULL;
    if (!s || !*s)
        return XA_OK;
    *out = xa_strdup(s);
    return *out ? XA_OK : XA_ENOMEM;
}

static const char version_text[] = "terraform-provider-xacct " XACCT_VERSION
                                   " (plugin protocol versions 5 and 6)\n";
static const char help_text[] =
    "terraform-provider-xacct " XACCT_VERSION " - the xacct provider for Terraform and OpenTofu:\n"
    "an API Gateway REST API method calling a Lambda function in another AWS account.\n"
    "\n"
    "terraform or tofu starts this program; install it where the CLI looks for providers\n"
    "(see the README) and require it with source = \"xacct/xacct\".\n"
    "\n"
    "  -debug     serve in the foreground for a debugger and print the TF_REATTACH_PROVIDERS\n"
    "             value to run terraform or tofu with; one debug process serves one provider\n"
    "             configuration\n"
    "  -version   print the version\n"
    "  -help      print this text\n";

static bool is_flag(const char *arg, const char *name)
{
    return (arg[0] == '-' && !strcmp(arg + 1, name)) ||
           (arg[0] == '-' && arg[1] == '-' && !strcmp(arg + 2, name));
}

enum xa_status plugin_options_init(struct plugin_options *o, int argc, char **argv,
                                   struct xbuf *why)
{
    *o = (struct plugin_options){.protocol = 6, .min_port = 10000, .max_port = 25000};
    for (int i = 1; i < argc; i++) {
        if (is_flag(argv[i], "version")) {
            o->print_and_exit = version_text;
            return XA_OK;
        } else if (is_flag(argv[i], "help") || is_flag(argv[i], "h")) {
            o->print_and_exit = help_text;
            return XA_OK;
        } else if (is_flag(argv[i], "debug")) {
            o->debug = true;
        } else {
            xbuf_appendf(why, "unknown argument %s; terraform-provider-xacct -help lists the "
                              "flags\n", argv[i]);
            return XA_EINVAL;
        }
    }
    const char *mux = getenv("PLUGIN_MULTIPLEX_GRPC");
    o->mux_asked = mux && *mux;
    const char *net = getenv("XACCT_PLUGIN_NETWORK");
    o->tcp = net && !strcmp(net, "tcp");
    o->min_port = env_int("PLUGIN_MIN_PORT", 10000);
    o->max_port = env_int("PLUGIN_MAX_PORT", 25000);
    if (o->max_port < o->min_port)
        o->max_port = o->min_port;

    enum xa_status st = XA_OK;
    if (dup_env("PLUGIN_UNIX_SOCKET_DIR", &o->socket_dir) != XA_OK ||
        dup_env("PLUGIN_UNIX_SOCKET_GROUP", &o->socket_group) != XA_OK) {
        st = XA_ENOMEM;
        goto fail;
    }
    if (!o->socket_dir) {
        const char *tmp = getenv("TMPDIR");
        o->socket_dir = xa_strdup(tmp && *tmp ? tmp : "/tmp");
        if (!o->socket_dir) {
            st = XA_ENOMEM;
            goto fail;
        }
    }
    if (o->debug)
        return XA_OK;           /* reattach clients dial plaintext and speak version 6 */

    const char *cookie = getenv(PLUGIN_COOKIE_KEY);
    if (!cookie || strcmp(cookie, PLUGIN_COOKIE_VALUE) != 0) {
        xbuf_append_str(why, PLUGIN_COOKIE_MESSAGE);
        st = XA_EINVAL;
        goto fail;
    }
    const char *versions = getenv("PLUGIN_PROTOCOL_VERSIONS");
    o->protocol = plugin_negotiate(versions);
    if (!o->protocol) {
        xbuf_appendf(why, "xacct: none of the plugin protocol versions offered by the client "
                          "(PLUGIN_PROTOCOL_VERSIONS=\"%s\") is supported; this provider "
                          "speaks protocol 5 and 6 (Terraform 0.12 and later)\n",
                     versions ? versions : "");
        st = XA_EINVAL;
        goto fail;
    }
    if (dup_env("PLUGIN_CLIENT_CERT", &o->client_cert_pem) != XA_OK) {
        st = XA_ENOMEM;
        goto fail;
    }
    return XA_OK;
fail:
    plugin_options_cleanup(o);
    return st;
}

void plugin_options_cleanup(struct plugin_options *o)
{
    xa_free(o->client_cert_pem);
    xa_free(o->socket_dir);
    xa_free(o->socket_group);
    *o = (struct plugin_options){0};
}

enum xa_status plugin_handshake_line(const struct plugin_options *o,
                                     const struct plugin_listener *l,
                                     const struct plugin_cert *cert, struct xbuf *out)
{
    if (xbuf_appendf(out, "1|%d|%s|%s|grpc|", o->protocol, l->is_unix ? "unix" : "tcp",
                     l->address) != XA_OK)
        return XA_ENOMEM;
    if (cert && plugin_base64_raw(cert->der, cert->der_len, out) != XA_OK)
        return XA_ENOMEM;
    if (o->mux_asked && xbuf_append_str(out, "|false") != XA_OK)
        return XA_ENOMEM;
    return xbuf_append_char(out, '\n');
}

enum xa_status plugin_reattach_text(const struct plugin_options *o,
                                    const struct plugin_listener *l, long pid,
                                    struct xbuf *out)
{
    /* Socket paths come from TMPDIR: escape what JSON and the single quotes need. */
    struct xbuf addr, entry;
    enum xa_status st = XA_OK;
    xbuf_init(&addr);
    xbuf_init(&entry);
    for (const char *p = l->address; *p && st == XA_OK; p++) {
        if (*p == '"' || *p == '\\')
            st = xbuf_append_char(&addr, '\\');
        if (st == XA_OK && *p == '\'')
            st = xbuf_append_str(&addr, "'\\''");
        else if (st == XA_OK)
            st = xbuf_append_char(&addr, *p);
    }
    if (st == XA_OK)
        st = xbuf_appendf(&entry, "{\"Protocol\":\"grpc\",\"ProtocolVersion\":%d,\"Pid\":%ld,"
                                  "\"Test\":true,\"Addr\":{\"Network\":\"%s\",\"String\":\"%s\"}}",
                          o->protocol, pid, l->is_unix ? "unix" : "tcp", xbuf_cstr(&addr));
    if (st == XA_OK)
        st = xbuf_appendf(out,
                          "Provider started. To attach Terraform CLI, set the "
                          "TF_REATTACH_PROVIDERS environment variable with the following:\n\n"
                          "\tTF_REATTACH_PROVIDERS='{\"%s\":%s,\"%s\":%s}'\n\n",
                          PLUGIN_PROVIDER_ADDRESS, xbuf_cstr(&entry),
                          PLUGIN_PROVIDER_ADDRESS_OPENTOFU, xbuf_cstr(&entry));
    xbuf_cleanup(&entry);
    xbuf_cleanup(&addr);
    return st;
}
