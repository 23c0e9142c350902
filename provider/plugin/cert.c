/* plugin/cert.c - the AutoMTLS server certificate and the base64 form of the handshake.
 *
 * Mirrors go-plugin's mtls.go generateCert so that Go's crypto/x509, which verifies the
 * certificate against a pool holding only itself, accepts it: ECDSA P-521, a positive
 * random serial below 2^128, SAN DNS localhost (Go ignores the CN), CA bit, both EKUs,
 * valid from 30 s ago for 262980 hours. The key PEM is wiped when freed.
 * Not here: TLS itself (gRPC core does it, see rpc/server.c).
 */
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "plugin/plugin.h"
#include "util/alloc.h"

static char *bio_to_string(BIO *bio)
{
    char *mem = NULL;
    long n = BIO_get_mem_data(bio, &mem);
    if (n <= 0 || !mem)
        return NULL;
    return xa_strndup(mem, (size_t)n);
}

static bool add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return false;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1;
}

static bool random_serial(X509 *x)
{
    unsigned char bytes[16];
    bool ok = false;
    BIGNUM *bn = NULL;
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        goto out;
    bytes[0] &= 0x7f;           /* below 2^127 keeps it positive in every encoding */
    bytes[15] |= 1;             /* and never zero */
    bn = BN_bin2bn(bytes, sizeof bytes, NULL);
    ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
out:
    BN_free(bn);
    return ok;
}

static bool fill_certificate(X509 *x, EVP_PKEY *key)
{
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_set_version(x, 2) != 1 || !random_serial(x))
        return false;
    if (!X509_gmtime_adj(X509_getm_notBefore(x), -30) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), 0, 262980L * 3600 - 30, NULL))
        return false;
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"HashiCorp",
                                   -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                                   -1, -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key) != 1)
        return false;
    if (!add_ext(x, NID_basic_constraints, "critical,CA:TRUE") ||
        !add_ext(x, NID_key_usage,
                 "critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign") ||
        !add_ext(x, NID_ext_key_usage, "clientAuth,serverAuth") ||
        !add_ext(x, NID_subject_key_identifier, "hash") ||
        !add_ext(x, NID_subject_alt_name, "DNS:localhost"))
        return false;
    return X509_sign(x, key, EVP_sha512()) > 0;
}

enum xa_status plugin_cert_generate(struct plugin_cert *c)
{
    enum xa_status st = XA_ECRYPTO;
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    BIO *cert_bio = NULL, *key_bio = NULL;
    unsigned char *der = NULL;
    memset(c, 0, sizeof *c);

    key = EVP_EC_gen("P-521");
    x = X509_new();
    if (!key || !x || !fill_certificate(x, key))
        goto out;
    cert_bio = BIO_new(BIO_s_mem());
    key_bio = BIO_new(BIO_s_secmem());
    if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio, x) != 1 ||
        PEM_write_bio_PrivateKey(key_bio, key, NULL, NULL, 0, NULL, NULL) != 1)
        goto out;
    int n = i2d_X509(x, &der);
    if (n <= 0)
        goto out;
    st = XA_ENOMEM;
    c->cert_pem = bio_to_string(cert_bio);
    c->key_pem = bio_to_string(key_bio);
    c->der = xa_malloc((size_t)n);
    if (!c->cert_pem || !c->key_pem || !c->der) {
        plugin_cert_cleanup(c);
        goto out;
    }
    memcpy(c->der, der, (size_t)n);
    c->der_len = (size_t)n;
    st = XA_OK;
out:
    OPENSSL_free(der);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    X509_free(x);
    EVP_PKEY_free(key);
    return st;
}

void plugin_cert_cleanup(struct plugin_cert *c)
{
    if (c->key_pem)
        OPENSSL_cleanse(c->key_pem, strlen(c->key_pem));
    xa_free(c->key_pem);
    xa_free(c->cert_pem);
    xa_free(c->der);
    memset(c, 0, sizeof *c);
}

unsigned char *plugin_pem_to_der(const char *pem, size_t *len)
{
    unsigned char *out = NULL, *der = NULL;
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    int n = x ? i2d_X509(x, &der) : -1;
    if (n > 0 && (out = xa_malloc((size_t)n)) != NULL) {
        memcpy(out, der, (size_t)n);
        *len = (size_t)n;
    }
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(bio);
    return out;
}

/* ---- base64 RawStd ------------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

enum xa_status plugin_base64_raw(const unsigned char *p, size_t n, struct xbuf *out)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        size_t k = n - i >= 3 ? 4 : n - i + 1;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        q[0] = b64[(v >> 18) & 63];
        q[1] = b64[(v >> 12) & 63];
        q[2] = b64[(v >> 6) & 63];
        q[3] = b64[v & 63];
        if (xbuf_append(out, q, k) != XA_OK)
            return XA_ENOMEM;
    }
    return XA_OK;
}

unsigned char *plugin_base64_raw_decode(const char *s, size_t *len)
{
    size_t n = strlen(s), o = 0;
    unsigned acc = 0;
    int bits = 0;
    unsigned char *out = xa_malloc(n * 3 / 4 + 1);
    if (!out || n % 4 == 1)
        goto bad;
    for (size_t i = 0; i < n; i++) {
        const char *pos = s[i] ? strchr(b64, s[i]) : NULL;
        if (!pos)
            goto bad;
        acc = (acc << 6) | (unsigned)(pos - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    if (acc & ((1u << bits) - 1))   /* non-zero trailing bits: not canonical */
        goto bad;
    *len = o;
    return out;
bad:
    xa_free(out);
    return NULL;
}
