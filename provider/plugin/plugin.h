/* plugin/plugin.h - the go-plugin contract: what a Terraform provider process must do
 * before it serves gRPC.
 *
 * Terraform starts the provider through hashicorp/go-plugin: it sets a magic cookie, the
 * protocol versions it speaks and, with AutoMTLS, its one-off client certificate in the
 * environment, then reads one handshake line from our stdout
 * (CORE|APP|NETWORK|ADDRESS|grpc|SERVERCERT) and dials back with mutual TLS.
 * This module decides everything that line says: the protocol version, the listening
 * address (unix socket by default, TCP with XACCT_PLUGIN_NETWORK=tcp), the server
 * certificate (ECDSA P-521, shaped like go-plugin's), and the debug mode that prints
 * TF_REATTACH_PROVIDERS instead. See shared/spec/PROTOCOL-FACTS.md sections 1 and 2.
 * Not here: gRPC itself (rpc/), signal handling and the serve loop (main.c).
 * Ownership: struct plugin_options, plugin_listener and plugin_cert are caller storage
 * with _cleanup; every string inside is owned by the struct.
 */
#ifndef XA_PLUGIN_PLUGIN_H
#define XA_PLUGIN_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define PLUGIN_COOKIE_KEY "TF_PLUGIN_MAGIC_COOKIE"
#define PLUGIN_COOKIE_VALUE "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
/* What go-plugin servers print when started by hand. */
#define PLUGIN_COOKIE_MESSAGE                                                              \
    "This binary is a plugin. These are not meant to be executed directly.\n"             \
    "Please execute the program that consumes these plugins, which will\n"                \
    "load any plugins automatically\n"
/* `source = "xacct/xacct"` as Terraform and OpenTofu resolve it (TF_REATTACH_PROVIDERS keys). */
#define PLUGIN_PROVIDER_ADDRESS "registry.terraform.io/xacct/xacct"
#define PLUGIN_PROVIDER_ADDRESS_OPENTOFU "registry.opentofu.org/xacct/xacct"

/* ---- options: environment and command line ----------------------------------------- */

struct plugin_options {
    const char *print_and_exit; /* -version or -help: this text goes to stdout, exit 0 */
    bool debug;             /* -debug: no cookie, plaintext, TF_REATTACH_PROVIDERS line */
    int protocol;           /* 5 or 6 */
    bool tcp;               /* listen on 127.0.0.1 instead of a unix socket */
    int min_port, max_port;
    char *client_cert_pem;  /* PLUGIN_CLIENT_CERT; NULL = TLS off */
    char *socket_dir;       /* PLUGIN_UNIX_SOCKET_DIR, else $TMPDIR, else /tmp */
    char *socket_group;     /* PLUGIN_UNIX_SOCKET_GROUP or NULL */
    bool mux_asked;         /* PLUGIN_MULTIPLEX_GRPC set: answer field 7 ("false") */
};

/* Reads argv and the environment. Returns XA_OK, or XA_EINVAL with a human sentence in
 * *why (missing cookie: PLUGIN_COOKIE_MESSAGE; no common protocol; bad argument).
 * -version and -help return XA_OK at once with only print_and_exit set. */
enum xa_status plugin_options_init(struct plugin_options *o, int argc, char **argv,
                                   struct xbuf *why);
void plugin_options_cleanup(struct plugin_options *o);

/* Highest of 5 and 6 in a comma list such as "5,6"; 0 when neither is offered. */
int plugin_negotiate(const char *versions);

/* ---- listener ---------------------------------------------------------------------- */

struct plugin_listener {
    bool is_unix;
    char *address;          /* handshake field 4: socket path or 127.0.0.1:PORT */
    char *grpc_address;     /* what grpc_server_add_http2_port wants */
};

/* Picks a fresh socket path (go-plugin's "plugin<random>") or a free TCP port. Nothing is
 * bound yet: rpc/ binds grpc_address. XA_EIO with a sentence in *why on failure. */
enum xa_status plugin_listener_init(struct plugin_listener *l, const struct plugin_options *o,
                                    struct xbuf *why);
/* After binding: applies PLUGIN_UNIX_SOCKET_GROUP (chown + 0660). */
enum xa_status plugin_listener_bound(const struct plugin_listener *l,
                                     const struct plugin_options *o, struct xbuf *why);
/* Removes the socket file (if any) and frees. */
void plugin_listener_cleanup(struct plugin_listener *l);

/* ---- AutoMTLS certificate ---------------------------------------------------------- */

struct plugin_cert {
    char *cert_pem;
    char *key_pem;          /* secret: wiped on cleanup */
    unsigned char *der;
    size_t der_len;
};

/* go-plugin's generateCert: ECDSA P-521, positive random 128-bit serial, CN localhost,
 * O HashiCorp, SAN DNS localhost, CA, KU digitalSignature|keyEncipherment|keyAgreement|
 * keyCertSign, EKU clientAuth+serverAuth, valid from now-30s for 30 years.
 * XA_ECRYPTO / XA_ENOMEM on failure (c left empty). */
enum xa_status plugin_cert_generate(struct plugin_cert *c);
void plugin_cert_cleanup(struct plugin_cert *c);
/* DER of the first certificate in a PEM text; NULL on failure. Caller xa_free's. */
unsigned char *plugin_pem_to_der(const char *pem, size_t *len);

/* Go's base64.RawStdEncoding: standard alphabet, no '=' padding. */
enum xa_status plugin_base64_raw(const unsigned char *p, size_t n, struct xbuf *out);
/* Decodes RawStd (rejects '='); NULL on malformed input. Caller xa_free's. */
unsigned char *plugin_base64_raw_decode(const char *s, size_t *len);

/* ---- what goes on stdout ----------------------------------------------------------- */

/* "1|6|unix|/tmp/plugin123|grpc|MIIB...\n"; cert may be NULL (TLS off: empty field).
 * Field 7 ("|false": no broker multiplexing) only when the client asked for it: older
 * go-plugin clients glue an unrequested 7th field onto the certificate. */
enum xa_status plugin_handshake_line(const struct plugin_options *o,
                                     const struct plugin_listener *l,
                                     const struct plugin_cert *cert, struct xbuf *out);
/* Debug mode: the terraform-plugin-go style banner with TF_REATTACH_PROVIDERS='...',
 * which names the process under both registry hosts so that terraform and tofu find it. */
enum xa_status plugin_reattach_text(const struct plugin_options *o,
                                    const struct plugin_listener *l, long pid,
                                    struct xbuf *out);

#endif
