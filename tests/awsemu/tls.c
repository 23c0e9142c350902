/* awsemu/tls.c - certificate generation for --tls (tls.h). */
#include "tls.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/alloc.h"

static EVP_PKEY *new_key(void)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
    EVP_PKEY *k = NULL;
    if (c != NULL && EVP_PKEY_keygen_init(c) == 1 &&
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(c, NID_X9_62_prime256v1) == 1)
        EVP_PKEY_keygen(c, &k);
    EVP_PKEY_CTX_free(c);
    return k;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* A certificate for key named cn, signed by issuer_key (self-signed when issuer NULL). */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                      bool ca)
{
    X509 *c = X509_new();
    unsigned char serial[8];
    if (c == NULL || RAND_bytes(serial, sizeof serial) != 1)
        goto fail;
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
    BN_free(bn);
    X509_set_version(c, 2);
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), 86400);
    X509_set_pubkey(c, key);
    X509_NAME *name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"xacct awsemu",
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    X509 *iss = issuer ? issuer : c;
    int rc = ca ? add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE") |
                      add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign") |
                      add_ext(c, iss, NID_subject_key_identifier, "hash")
                : add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE") |
                      add_ext(c, iss, NID_key_usage, "critical,digitalSignature") |
                      add_ext(c, iss, NID_ext_key_usage, "serverAuth") |
                      add_ext(c, iss, NID_subject_alt_name,
                              "DNS:localhost,IP:127.0.0.1,IP:::1") |
                      add_ext(c, iss, NID_authority_key_identifier, "keyid:always");
    if (rc != 0 || X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) == 0)
        goto fail;
    return c;
fail:
    X509_free(c);
    return NULL;
}

static char *pem_of(int (*write)(BIO *, void *), void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *out = NULL, *data = NULL;
    if (b != NULL && write(b, obj) == 1) {
        long n = BIO_get_mem_data(b, &data);
        out = xa_strndup(data, (size_t)n);
    }
    BIO_free(b);
    return out;
}

static int write_cert(BIO *b, void *c)
{
    return PEM_write_bio_X509(b, c);
}

static int write_key(BIO *b, void *k)
{
    return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

int tls_generate(struct tls_material *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    EVP_PKEY *ca_key = new_key(), *key = new_key();
    X509 *ca = ca_key ? new_cert(ca_key, "xacct awsemu test CA", NULL, NULL, true) : NULL;
    X509 *cert = ca && key ? new_cert(key, "localhost", ca, ca_key, false) : NULL;
    int rc = -1;
    if (cert != NULL) {
        out->ca_pem = pem_of(write_cert, ca);
        out->cert_pem = pem_of(write_cert, cert);
        out->key_pem = pem_of(write_key, key);
        rc = out->ca_pem && out->cert_pem && out->key_pem ? 0 : -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot generate the TLS certificate (OpenSSL)");
        tls_material_cleanup(out);
    }
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return rc;
}

void tls_material_cleanup(struct tls_material *m)
{
    xa_free(m->ca_pem);
    xa_free(m->cert_pem);
    if (m->key_pem != NULL)
        OPENSSL_cleanse(m->key_pem, strlen(m->key_pem));
    xa_free(m->key_pem);
    memset(m, 0, sizeof *m);
}
