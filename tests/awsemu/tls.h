/* awsemu/tls.h - a throwaway certificate authority and server certificate for --tls.
 *
 * Generates (OpenSSL, EC P-256) a CA certificate and a server certificate it signs, for
 * localhost, 127.0.0.1 and ::1, valid for a day. The CA PEM is what a client trusts
 * (the provider's custom_ca_bundle); the server's chain and key feed libmicrohttpd.
 * Ownership: the three strings are heap PEM text freed by tls_material_cleanup.
 */
#ifndef XA_AWSEMU_TLS_H
#define XA_AWSEMU_TLS_H

#include <stddef.h>

struct tls_material {
    char *ca_pem;
    char *cert_pem;
    char *key_pem;
};

/* 0, or -1 with err filled. */
int tls_generate(struct tls_material *out, char *err, size_t errlen);
void tls_material_cleanup(struct tls_material *m);

#endif
