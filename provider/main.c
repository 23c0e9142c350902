/* main.c - the provider process: go-plugin handshake, serve, orderly shutdown.
 *
 * Managed mode (started by Terraform through go-plugin): check the magic cookie, pick
 * the protocol, listen, print the one handshake line on stdout and serve until
 * GRPCController.Shutdown, SIGTERM or SIGHUP. SIGINT is ignored: Terraform's Ctrl-C reaches the
 * whole process group, and Terraform turns it into StopProvider itself.
 * Debug mode (-debug): no cookie, plaintext, print TF_REATTACH_PROVIDERS and serve in
 * the foreground until SIGINT, SIGTERM or SIGHUP, one provider configuration only (every
 * configuration of the provider reaches this one process).
 * -version and -help print their text on stdout and exit 0.
 * Shutdown: provider_stop() makes in-flight AWS waits return, then rpc_server_free()
 * drains gRPC, then the socket file is removed and the process exits 0.
 * Nothing but the handshake line (or the -version and -help texts) is ever written to
 * stdout; logs go to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/provider.h"
#include "plugin/plugin.h"
#include "resources/registry.h"
#include "rpc/server.h"
#include "util/log.h"

/* Written by the signal handler and by the Shutdown callback; read by main. */
static int wake_fds[2] = {-1, -1};

static void wake(void)
{
    char b = 1;
    ssize_t n;
    do {
        n = write(wake_fds[1], &b, 1);
    } while (n < 0 && errno == EINTR);
}

static void on_signal(int sig)
{
    int saved = errno;
    (void)sig;
    wake();
    errno = saved;
}

static void on_shutdown_rpc(void *ctx)
{
    (void)ctx;
    wake();
}

static int setup_signals(bool debug)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (pipe(wake_fds) != 0)
        return -1;
    fcntl(wake_fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(wake_fds[1], F_SETFD, FD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    /* SIGHUP (the terminal or session went away) is an orderly stop as well. */
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGHUP, &sa, NULL) != 0)
        return -1;
    if (debug)
        return sigaction(SIGINT, &sa, NULL);
    signal(SIGINT, SIG_IGN);
    return 0;
}

static void wait_for_wake(void)
{
    char b;
    ssize_t n;
    do {
        n = read(wake_fds[0], &b, 1);
    } while (n < 0 && errno == EINTR);
}

static bool announce(const struct plugin_options *o, const struct plugin_listener *l,
                     const struct plugin_cert *cert)
{
    struct xbuf line;
    xbuf_init(&line);
    enum xa_status st = o->debug ? plugin_reattach_text(o, l, (long)getpid(), &line)
                                 : plugin_handshake_line(o, l, cert, &line);
    bool ok = st == XA_OK && fwrite(line.data, 1, line.len, stdout) == line.len &&
              fflush(stdout) == 0;
    xbuf_cleanup(&line);
    return ok;
}

int main(int argc, char **argv)
{
    struct plugin_options opts;
    struct plugin_listener listener = {0};
    struct plugin_cert cert = {0};
    struct provider *provider = NULL;
    struct rpc_server *server = NULL;
    struct xbuf why;
    int rc = 1;

    log_init_from_env();
    xbuf_init(&why);
    if (plugin_options_init(&opts, argc, argv, &why) != XA_OK) {
        fputs(xbuf_cstr(&why), stderr);
        xbuf_cleanup(&why);
        return 1;
    }
    if (opts.print_and_exit) {
        fputs(opts.print_and_exit, stdout);
        plugin_options_cleanup(&opts);
        xbuf_cleanup(&why);
        return 0;
    }
    if (setup_signals(opts.debug) != 0) {
        xbuf_appendf(&why, "cannot install signal handlers: %s", strerror(errno));
        goto out;
    }
    if (plugin_listener_init(&listener, &opts, &why) != XA_OK)
        goto out;
    bool tls = opts.client_cert_pem && !opts.debug;
    if (tls && plugin_cert_generate(&cert) != XA_OK) {
        xbuf_append_str(&why, "cannot generate the AutoMTLS server certificate");
        goto out;
    }
    provider = provider_new(&xacct_provider_type);
    if (!provider) {
        xbuf_append_str(&why, "cannot create the provider (out of memory)");
        goto out;
    }
    if (opts.debug)
        provider_serve_one_configuration(provider);
    rpc_log_init();
    struct rpc_server_config cfg = {
        .address = listener.grpc_address,
        .client_ca_pem = tls ? opts.client_cert_pem : NULL,
        .cert_pem = cert.cert_pem,
        .key_pem = cert.key_pem,
        .provider = provider,
        .on_shutdown = on_shutdown_rpc,
    };
    server = rpc_server_new(&cfg, &why);
    if (!server || plugin_listener_bound(&listener, &opts, &why) != XA_OK)
        goto out;
    if (!announce(&opts, &listener, tls ? &cert : NULL)) {
        xbuf_append_str(&why, "cannot write the handshake line to stdout");
        goto out;
    }
    log_kv(LOG_INFO, "xacct", "serving", "address", listener.address, NULL);
    wait_for_wake();
    log_msg(LOG_INFO, "xacct", "shutting down");
    rc = 0;
out:
    if (rc != 0)
        log_msg(LOG_ERROR, "xacct", "%s", xbuf_cstr(&why));
    if (rc != 0 && !log_enabled(LOG_ERROR))
        fprintf(stderr, "xacct: %s\n", xbuf_cstr(&why));
    if (provider)
        provider_stop(provider);
    rpc_server_free(server);
    provider_free(provider);
    plugin_listener_cleanup(&listener);
    plugin_cert_cleanup(&cert);
    plugin_options_cleanup(&opts);
    xbuf_cleanup(&why);
    return rc;
}
