/* aws/sigv4.c - AWS Signature Version 4, one stage per function.
 *
 * Stages, in the order a signature is built:
 *   canonical URI     - normalise the wire path (drop "." and "..", collapse "//"), then
 *                       URI-encode every byte but '/' and the unreserved set once more
 *                       (non-S3 rule: "%3A" in the wire path is signed as "%253A");
 *   canonical query   - decode each name and value, encode once, sort by encoded name
 *                       then value (never by the joined "k=v");
 *   canonical headers - lower-case names, trim and collapse values, join repeats with ','
 *                       in arrival order, sort by name; headers intermediaries rewrite are
 *                       never signed;
 *   string to sign    - algorithm, X-Amz-Date, scope, hex SHA-256 of the canonical request;
 *   signature         - HMAC chain from "AWS4"+secret; every derived key is wiped with
 *                       OPENSSL_cleanse before its storage is released.
 * Rules are those of shared/spec/PROTOCOL-FACTS.md section 8; tests/unit/test_sigv4.c
 * checks each stage against AWS's vectors in tests/data/sigv4/.
 */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "util/alloc.h"

#ifdef XA_TESTING
#define XA_TESTABLE
/* Reached by tests/unit/test_sigv4.c; prefixed because test builds export it. */
enum xa_status sigv4_derive_signing_key(const char *secret, const struct sigv4_params *p,
                                        unsigned char key[32]);
#else
#define XA_TESTABLE static
#endif

#define ALGORITHM "AWS4-HMAC-SHA256"

/* Headers never signed: rewritten or added by proxies and HTTP stacks, or the signature
 * itself (aws-c-auth's skip list plus botocore's). */
static const char *const skipped_headers[] = {
    "authorization", "connection", "expect", "transfer-encoding", "user-agent",
    "x-amzn-trace-id", NULL,
};

static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

/* ---- small helpers ------------------------------------------------------------------ */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

/* Appends n bytes of s URI-encoded; '/' stays when keep_slash. */
static enum xa_status append_encoded(struct xbuf *out, const char *s, size_t n, bool keep_slash)
{
    enum xa_status st = xbuf_reserve(out, n);
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            st = xbuf_append_char(out, (char)c);
        } else {
            char esc[3] = {'%', hex_upper[c >> 4], hex_upper[c & 15]};
            st = xbuf_append(out, esc, 3);
        }
    }
    return st;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends the percent-decoded form of n bytes of s; XA_EINVAL on a broken escape. */
static enum xa_status append_decoded(struct xbuf *out, const char *s, size_t n)
{
    enum xa_status st = XA_OK;
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        if (s[i] != '%') {
            st = xbuf_append_char(out, s[i]);
            continue;
        }
        if (i + 2 >= n)
            return XA_EINVAL;
        int hi = hex_value((unsigned char)s[i + 1]);
        int lo = hi >= 0 ? hex_value((unsigned char)s[i + 2]) : -1;
        if (hi < 0 || lo < 0)
            return XA_EINVAL;
        st = xbuf_append_char(out, (char)(hi << 4 | lo));
        i += 2;
    }
    return st;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_lower[in[i] >> 4];
        out[2 * i + 1] = hex_lower[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data ? data : (const void *)"", data ? len : 0, md);
    to_hex(md, sizeof md, out);
}

void sigv4_amz_date(int64_t unix_time, char out[17])
{
    /* Clamp to years 1970..9999 so the format always fits. */
    if (unix_time < 0)
        unix_time = 0;
    if (unix_time > INT64_C(253402300799))
        unix_time = INT64_C(253402300799);
    time_t t = (time_t)unix_time;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        memcpy(out, "19700101T000000Z", 17);
}

/* A scope part (region, service, access key id) must be non-empty and must not break the
 * "a/b/c/d" credential scope or the header it goes into. */
static bool valid_scope_part(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s == '/' || *s == ',' || *s == '=' || (unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

static bool valid_params(const struct sigv4_params *p)
{
    return p && valid_scope_part(p->region) && valid_scope_part(p->service);
}

/* ---- canonical URI ------------------------------------------------------------------ */

struct seg {
    const char *p;
    size_t n;
};

/* Removes "." and ".." segments and empty segments ("//"). As botocore and aws-c-auth
 * do, the result ends in '/' only when the path itself does: "/a/." is "/a". */
enum xa_status sigv4_normalize_path(const char *path, struct xbuf *out)
{
    size_t len = strlen(path), nseg = 1;
    for (size_t i = 0; i < len; i++)
        nseg += path[i] == '/';
    struct seg *segs = xa_malloc(nseg * sizeof *segs);
    if (!segs)
        return XA_ENOMEM;
    size_t top = 0;
    bool trailing = len > 0 && path[len - 1] == '/';
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (top > 0)
                top--;
        } else if (n > 0 && !(n == 1 && path[i] == '.')) {
            segs[top++] = (struct seg){.p = path + i, .n = n};
        }
        i = j + 1;
    }
    enum xa_status st = xbuf_append_char(out, '/');
    for (size_t k = 0; st == XA_OK && k < top; k++) {
        st = xbuf_append(out, segs[k].p, segs[k].n);
        if (st == XA_OK && (k + 1 < top || trailing))
            st = xbuf_append_char(out, '/');
    }
    xa_free(segs);
    return st;
}

enum xa_status sigv4_canonical_uri(const char *wire_path, const struct sigv4_params *p,
                                   struct xbuf *out)
{
    if (!wire_path || !*wire_path)
        wire_path = "/";
    if (wire_path[0] != '/')
        return XA_EINVAL;
    size_t mark = out->len;
    struct xbuf norm;
    xbuf_init(&norm);
    enum xa_status st = XA_OK;
    const char *path = wire_path;
    if (p->normalize_path) {
        st = sigv4_normalize_path(wire_path, &norm);
        path = xbuf_cstr(&norm);
    }
    if (st == XA_OK)
        st = p->double_encode_path ? append_encoded(out, path, strlen(path), true)
                                   : xbuf_append_str(out, path);
    xbuf_cleanup(&norm);
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}

/* ---- canonical query ---------------------------------------------------------------- */

struct qparam {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    size_t name_off, value_off;   /* into the encoded buffer, until it stops moving */
};

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* By encoded name, then by encoded value: never by the joined "k=v". */
static int cmp_qparam(const void *va, const void *vb)
{
    const struct qparam *a = va, *b = vb;
    int c = cmp_bytes(a->name, a->name_len, b->name, b->name_len);
    return c ? c : cmp_bytes(a->value, a->value_len, b->value, b->value_len);
}

/* Decodes s[0..n) into tmp, then appends it encoded to enc; returns the encoded length. */
static enum xa_status reencode(struct xbuf *tmp, struct xbuf *enc, const char *s, size_t n,
                               size_t *len_out)
{
    xbuf_clear(tmp);
    size_t start = enc->len;
    enum xa_status st = append_decoded(tmp, s, n);
    if (st == XA_OK)
        st = append_encoded(enc, tmp->data ? tmp->data : "", tmp->len, false);
    *len_out = enc->len - start;
    return st;
}

/* Splits the wire query into encoded parameters stored in enc. */
static enum xa_status split_query(const char *q, struct qparam *params, size_t *count,
                                  struct xbuf *enc)
{
    struct xbuf tmp;
    xbuf_init(&tmp);
    enum xa_status st = XA_OK;
    size_t n = 0;
    while (st == XA_OK && *q) {
        size_t plen = strcspn(q, "&");
        if (plen > 0) {
            size_t nlen = strcspn(q, "=&");
            const char *val = nlen < plen ? q + nlen + 1 : q + plen;
            size_t vlen = nlen < plen ? plen - nlen - 1 : 0;
            struct qparam *qp = &params[n++];
            qp->name_off = enc->len;
            st = reencode(&tmp, enc, q, nlen, &qp->name_len);
            if (st == XA_OK) {
                qp->value_off = enc->len;
                st = reencode(&tmp, enc, val, vlen, &qp->value_len);
            }
        }
        q += plen + (q[plen] == '&');
    }
    xbuf_cleanup(&tmp);
    *count = n;
    return st;
}

enum xa_status sigv4_canonical_query(const char *wire_query, struct xbuf *out)
{
    if (!wire_query || !*wire_query)
        return XA_OK;
    size_t cap = 1;
    for (const char *s = wire_query; *s; s++)
        cap += *s == '&';
    struct qparam *params = xa_calloc(cap, sizeof *params);
    struct xbuf enc;
    xbuf_init(&enc);
    size_t n = 0, mark = out->len;
    enum xa_status st = params ? split_query(wire_query, params, &n, &enc) : XA_ENOMEM;
    if (st == XA_OK) {
        const char *base = xbuf_cstr(&enc);
        for (size_t i = 0; i < n; i++) {
            params[i].name = base + params[i].name_off;
            params[i].value = base + params[i].value_off;
        }
        qsort(params, n, sizeof *params, cmp_qparam);
        for (size_t i = 0; st == XA_OK && i < n; i++) {
            if (i > 0)
                st = xbuf_append_char(out, '&');
            if (st == XA_OK)
                st = xbuf_append(out, params[i].name, params[i].name_len);
            if (st == XA_OK)
                st = xbuf_append_char(out, '=');
            if (st == XA_OK)
                st = xbuf_append(out, params[i].value, params[i].value_len);
        }
    }
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    xa_free(params);
    xbuf_cleanup(&enc);
    return st;
}

/* ---- canonical headers -------------------------------------------------------------- */

struct chdr {
    size_t name_off, name_len;    /* lower-case name in the work buffer */
    size_t value_off, value_len;  /* trimmed, collapsed value in the work buffer */
    size_t order;                 /* arrival order, so repeats join unsorted */
    const char *base;
};

static int cmp_chdr(const void *va, const void *vb)
{
    const struct chdr *a = va, *b = vb;
    int c = cmp_bytes(a->base + a->name_off, a->name_len, b->base + b->name_off, b->name_len);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static bool valid_header_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c >= 0x7f || c == ':')
            return false;
    }
    return true;
}

/* Whether a lower-case name is in a ';'-separated list. */
static bool in_signed_list(const char *list, const char *name, size_t n)
{
    while (*list) {
        size_t len = strcspn(list, ";");
        if (len == n && memcmp(list, name, n) == 0)
            return true;
        list += len + (list[len] == ';');
    }
    return false;
}

static bool is_skipped(const char *name, size_t n)
{
    for (size_t i = 0; skipped_headers[i]; i++)
        if (strlen(skipped_headers[i]) == n && memcmp(skipped_headers[i], name, n) == 0)
            return true;
    return false;
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Appends value trimmed, with every inner run of white space collapsed to one space. */
static enum xa_status append_collapsed(struct xbuf *out, const char *v)
{
    enum xa_status st = XA_OK;
    bool pending_space = false, any = false;
    for (; st == XA_OK && *v; v++) {
        if (is_ws(*v)) {
            pending_space = any;
            continue;
        }
        if (pending_space)
            st = xbuf_append_char(out, ' ');
        if (st == XA_OK)
            st = xbuf_append_char(out, *v);
        pending_space = false;
        any = true;
    }
    return st;
}

/* Lower-cases, filters and canonicalises the headers into work; fills hdrs. */
static enum xa_status collect_headers(const struct sigv4_request *r, const struct sigv4_params *p,
                                      struct chdr *hdrs, size_t *count, struct xbuf *work)
{
    enum xa_status st = XA_OK;
    size_t n = 0;
    for (size_t i = 0; st == XA_OK && i < r->nheaders; i++) {
        const struct sigv4_header *h = &r->headers[i];
        if (!valid_header_name(h->name) || !h->value)
            return XA_EINVAL;
        struct chdr *c = &hdrs[n];
        c->name_off = work->len;
        c->name_len = strlen(h->name);
        for (size_t k = 0; st == XA_OK && k < c->name_len; k++)
            st = xbuf_append_char(work, (char)tolower((unsigned char)h->name[k]));
        if (st != XA_OK)
            break;
        const char *lname = work->data + c->name_off;
        bool keep = p->signed_headers ? in_signed_list(p->signed_headers, lname, c->name_len)
                                      : !is_skipped(lname, c->name_len);
        if (!keep) {
            work->len = c->name_off;   /* drop the name again */
            continue;
        }
        c->value_off = work->len;
        st = append_collapsed(work, h->value);
        c->value_len = work->len - c->value_off;
        c->order = i;
        n++;
    }
    *count = n;
    return st;
}

/* Writes "name:v1,v2\n" lines and the ';'-joined names. */
static enum xa_status write_headers(const struct chdr *h, size_t n, struct xbuf *out,
                                    struct xbuf *names)
{
    enum xa_status st = XA_OK;
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        bool repeat = i > 0 && cmp_bytes(h[i].base + h[i].name_off, h[i].name_len,
                                         h[i - 1].base + h[i - 1].name_off,
                                         h[i - 1].name_len) == 0;
        if (repeat) {
            st = xbuf_append_char(out, ',');
        } else {
            if (i > 0)
                st = xbuf_append_char(out, '\n');
            if (st == XA_OK)
                st = xbuf_append(out, h[i].base + h[i].name_off, h[i].name_len);
            if (st == XA_OK)
                st = xbuf_append_char(out, ':');
            if (st == XA_OK && names->len > 0)
                st = xbuf_append_char(names, ';');
            if (st == XA_OK)
                st = xbuf_append(names, h[i].base + h[i].name_off, h[i].name_len);
        }
        if (st == XA_OK)
            st = xbuf_append(out, h[i].base + h[i].value_off, h[i].value_len);
    }
    if (st == XA_OK && n > 0)
        st = xbuf_append_char(out, '\n');
    return st;
}

/* The canonical header block (each line ends in '\n') and the signed header list. */
enum xa_status sigv4_canonical_headers(const struct sigv4_request *r,
                                       const struct sigv4_params *p, struct xbuf *out,
                                       struct xbuf *names)
{
    struct chdr *hdrs = xa_calloc(r->nheaders ? r->nheaders : 1, sizeof *hdrs);
    struct xbuf work;
    xbuf_init(&work);
    size_t n = 0;
    enum xa_status st = hdrs ? collect_headers(r, p, hdrs, &n, &work) : XA_ENOMEM;
    if (st == XA_OK) {
        for (size_t i = 0; i < n; i++)
            hdrs[i].base = xbuf_cstr(&work);
        qsort(hdrs, n, sizeof *hdrs, cmp_chdr);
        st = write_headers(hdrs, n, out, names);
    }
    xa_free(hdrs);
    xbuf_cleanup_secret(&work);   /* holds the session token value */
    return st;
}

/* ---- canonical request -------------------------------------------------------------- */

static bool valid_method(const char *m)
{
    if (!m || !*m)
        return false;
    for (; *m; m++)
        if (!isupper((unsigned char)*m) && *m != '-' && *m != '_')
            return false;
    return true;
}

enum xa_status sigv4_canonical_request(const struct sigv4_request *r, const struct sigv4_params *p,
                                       struct xbuf *out, struct xbuf *signed_headers_out)
{
    struct xbuf names;
    xbuf_init(&names);
    size_t mark = out->len;
    char hash[65];
    enum xa_status st = r && p && valid_method(r->method) ? XA_OK : XA_EINVAL;
    if (st == XA_OK && r->payload_sha256_hex && strlen(r->payload_sha256_hex) != 64 &&
        strcmp(r->payload_sha256_hex, "UNSIGNED-PAYLOAD") != 0)
        st = XA_EINVAL;
    if (st == XA_OK)
        st = xbuf_appendf(out, "%s\n", r->method);
    if (st == XA_OK)
        st = sigv4_canonical_uri(r->path, p, out);
    if (st == XA_OK)
        st = xbuf_append_char(out, '\n');
    if (st == XA_OK)
        st = sigv4_canonical_query(r->query, out);
    if (st == XA_OK)
        st = xbuf_append_char(out, '\n');
    if (st == XA_OK)
        st = sigv4_canonical_headers(r, p, out, &names);
    if (st == XA_OK) {
        if (r->payload_sha256_hex)
            snprintf(hash, sizeof hash, "%s", r->payload_sha256_hex);
        else
            sigv4_sha256_hex(r->payload, r->payload_len, hash);
        st = xbuf_appendf(out, "\n%s\n%s", xbuf_cstr(&names), hash);
    }
    if (st == XA_OK && signed_headers_out)
        st = xbuf_append(signed_headers_out, xbuf_cstr(&names), names.len);
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    xbuf_cleanup(&names);
    return st;
}

/* ---- string to sign and signature --------------------------------------------------- */

/* "20150830/us-east-1/service/aws4_request" */
static enum xa_status append_scope(struct xbuf *out, const struct sigv4_params *p)
{
    char date[17];
    sigv4_amz_date(p->unix_time, date);
    return xbuf_appendf(out, "%.8s/%s/%s/aws4_request", date, p->region, p->service);
}

enum xa_status sigv4_string_to_sign(const char *canonical_request, size_t len,
                                    const struct sigv4_params *p, struct xbuf *out)
{
    if (!canonical_request || !valid_params(p))
        return XA_EINVAL;
    char date[17], hash[65];
    sigv4_amz_date(p->unix_time, date);
    sigv4_sha256_hex(canonical_request, len, hash);
    size_t mark = out->len;
    enum xa_status st = xbuf_appendf(out, ALGORITHM "\n%s\n", date);
    if (st == XA_OK)
        st = append_scope(out, p);
    if (st == XA_OK)
        st = xbuf_appendf(out, "\n%s", hash);
    if (st != XA_OK && out->data) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}

/* out = HMAC-SHA256(key, msg); false when OpenSSL fails. */
static bool hmac(const unsigned char *key, size_t key_len, const void *msg, size_t msg_len,
                 unsigned char out[32])
{
    unsigned int n = 32;
    return HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &n) != NULL && n == 32;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request") */
XA_TESTABLE enum xa_status sigv4_derive_signing_key(const char *secret,
                                                    const struct sigv4_params *p,
                                                    unsigned char key[32])
{
    size_t slen = strlen(secret);
    unsigned char *k0 = xa_malloc(slen + 4);
    if (!k0)
        return XA_ENOMEM;
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, slen);
    char date[17];
    sigv4_amz_date(p->unix_time, date);
    unsigned char k1[32], k2[32], k3[32];
    bool ok = hmac(k0, slen + 4, date, 8, k1) &&
              hmac(k1, 32, p->region, strlen(p->region), k2) &&
              hmac(k2, 32, p->service, strlen(p->service), k3) &&
              hmac(k3, 32, "aws4_request", 12, key);
    OPENSSL_cleanse(k0, slen + 4);
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(k2, sizeof k2);
    OPENSSL_cleanse(k3, sizeof k3);
    xa_free(k0);
    if (!ok)
        OPENSSL_cleanse(key, 32);
    return ok ? XA_OK : XA_ECRYPTO;
}

enum xa_status sigv4_signature(const struct sigv4_credentials *c, const struct sigv4_params *p,
                               const char *string_to_sign, char out_hex[65])
{
    out_hex[0] = '\0';
    if (!c || !c->secret_access_key || !string_to_sign || !valid_params(p))
        return XA_EINVAL;
    unsigned char key[32], sig[32];
    enum xa_status st = sigv4_derive_signing_key(c->secret_access_key, p, key);
    if (st == XA_OK)
        st = hmac(key, sizeof key, string_to_sign, strlen(string_to_sign), sig) ? XA_OK
                                                                                 : XA_ECRYPTO;
    if (st == XA_OK)
        to_hex(sig, sizeof sig, out_hex);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(sig, sizeof sig);
    return st;
}

/* ---- all stages --------------------------------------------------------------------- */

void sigv4_result_init(struct sigv4_result *r)
{
    xbuf_init(&r->canonical_request);
    xbuf_init(&r->string_to_sign);
    xbuf_init(&r->authorization);
    r->signature[0] = '\0';
}

void sigv4_result_cleanup(struct sigv4_result *r)
{
    /* The canonical request carries the session token: wipe, not just free. */
    xbuf_cleanup_secret(&r->canonical_request);
    xbuf_cleanup_secret(&r->string_to_sign);
    xbuf_cleanup_secret(&r->authorization);
    OPENSSL_cleanse(r->signature, sizeof r->signature);
    r->signature[0] = '\0';
}

/* The X-Amz-Date header, when sent, must name the instant being signed: a caller that
 * pre-set a different one would produce a signature AWS rejects as mismatched. */
static bool date_header_matches(const struct sigv4_request *r, const struct sigv4_params *p)
{
    char date[17];
    sigv4_amz_date(p->unix_time, date);
    for (size_t i = 0; i < r->nheaders; i++)
        if (r->headers[i].name && strcasecmp(r->headers[i].name, "x-amz-date") == 0 &&
            (!r->headers[i].value || strcmp(r->headers[i].value, date) != 0))
            return false;
    return true;
}

/* AWS requires Host among the signed headers; a signer without one is a caller bug. */
static bool has_host(const struct sigv4_request *r, const struct sigv4_params *p)
{
    if (p->signed_headers)
        return true;   /* the verifier signs what the client listed */
    for (size_t i = 0; i < r->nheaders; i++)
        if (r->headers[i].name && strcasecmp(r->headers[i].name, "host") == 0)
            return true;
    return false;
}

enum xa_status sigv4_sign(const struct sigv4_request *r, const struct sigv4_params *p,
                          const struct sigv4_credentials *c, struct sigv4_result *out)
{
    struct xbuf names;
    xbuf_init(&names);
    sigv4_result_cleanup(out);
    sigv4_result_init(out);
    enum xa_status st = XA_OK;
    if (!r || !valid_params(p) || !c || !valid_scope_part(c->access_key_id) ||
        !c->secret_access_key || !date_header_matches(r, p) || !has_host(r, p))
        st = XA_EINVAL;
    if (st == XA_OK)
        st = sigv4_canonical_request(r, p, &out->canonical_request, &names);
    if (st == XA_OK)
        st = sigv4_string_to_sign(xbuf_cstr(&out->canonical_request), out->canonical_request.len,
                                  p, &out->string_to_sign);
    if (st == XA_OK)
        st = sigv4_signature(c, p, xbuf_cstr(&out->string_to_sign), out->signature);
    if (st == XA_OK)
        st = xbuf_appendf(&out->authorization, ALGORITHM " Credential=%s/", c->access_key_id);
    if (st == XA_OK)
        st = append_scope(&out->authorization, p);
    if (st == XA_OK)
        st = xbuf_appendf(&out->authorization, ", SignedHeaders=%s, Signature=%s",
                          xbuf_cstr(&names), out->signature);
    if (st != XA_OK) {
        sigv4_result_cleanup(out);
        sigv4_result_init(out);
    }
    xbuf_cleanup(&names);
    return st;
}
