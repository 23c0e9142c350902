/* awsemu/auth.c - SigV4 verification (see auth.h). The order of the checks follows what
 * AWS answers when several things are wrong at once: a malformed header first, then an
 * unknown key, then the session token, then the clock, then the signature itself.
 */
#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "aws/sigv4.h"
#include "util/alloc.h"
#include "world.h"

#define SKEW_SECONDS 300

struct auth_parts {
    char akid[129];
    char date[9];
    char region[32];
    char service[32];
    char signed_headers[1024];
    char signature[65];
};

/* Copies the value of "Name=value" (up to ',' or end) found in the header. */
static bool param(const char *h, const char *name, char *out, size_t n)
{
    const char *p = strstr(h, name);
    if (p == NULL)
        return false;
    p += strlen(name);
    size_t len = strcspn(p, ", ");
    if (len == 0 || len >= n)
        return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

static bool parse_scope(const char *cred, struct auth_parts *a)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", cred);
    char *fields[5];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, "/", &save); t != NULL && n < 5; t = strtok_r(NULL, "/", &save))
        fields[n++] = t;
    if (n != 5 || strcmp(fields[4], "aws4_request") != 0 || strlen(fields[1]) != 8)
        return false;
    snprintf(a->akid, sizeof a->akid, "%s", fields[0]);
    snprintf(a->date, sizeof a->date, "%s", fields[1]);
    snprintf(a->region, sizeof a->region, "%s", fields[2]);
    snprintf(a->service, sizeof a->service, "%s", fields[3]);
    return true;
}

static bool parse_authorization(const char *h, struct auth_parts *a)
{
    char cred[512];
    memset(a, 0, sizeof *a);
    return strncmp(h, "AWS4-HMAC-SHA256 ", 17) == 0 &&
           param(h, "Credential=", cred, sizeof cred) && parse_scope(cred, a) &&
           param(h, "SignedHeaders=", a->signed_headers, sizeof a->signed_headers) &&
           param(h, "Signature=", a->signature, sizeof a->signature);
}

bool auth_scope_service(const char *authorization, char *out, size_t n)
{
    struct auth_parts a;
    if (authorization == NULL || !parse_authorization(authorization, &a))
        return false;
    snprintf(out, n, "%s", a.service);
    return true;
}

static bool parse_amz_date(const char *s, int64_t *out)
{
    struct tm tm = {0};
    if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}

static bool is_sts(const struct emu_req *r)
{
    return strcmp(r->service, "sts") == 0;
}

/* The canonical request with the session token's value masked: the message may end up in
 * a provider diagnostic, and a token must never reach one. */
static void redact_token(const char *canonical, struct xbuf *out)
{
    static const char name[] = "x-amz-security-token:";
    const char *p = strstr(canonical, name);
    if (p == NULL) {
        xbuf_append_str(out, canonical);
        return;
    }
    const char *eol = strchr(p, '\n');
    xbuf_append(out, canonical, (size_t)(p - canonical) + sizeof name - 1);
    xbuf_append_str(out, "<redacted>");
    xbuf_append_str(out, eol ? eol : "");
}

static void refuse_signature(struct emu_resp *resp, const struct emu_req *r,
                             const struct sigv4_result *sr)
{
    const char *msg = "The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method. Consult "
                      "the service documentation for details.";
    if (is_sts(r)) {
        emu_error(resp, r, 403, "SignatureDoesNotMatch", "%s", msg);
        return;
    }
    struct xbuf canonical;
    xbuf_init(&canonical);
    redact_token(xbuf_cstr(&sr->canonical_request), &canonical);
    emu_error(resp, r, 403, "InvalidSignatureException",
              "%s\n\nThe Canonical String for this request should have been\n'%s'\n\n"
              "The String-to-Sign should have been\n'%s'\n", msg, xbuf_cstr(&canonical),
              xbuf_cstr(&sr->string_to_sign));
    xbuf_cleanup(&canonical);
}

/* Recomputes the signature with the key's secret; true when it matches. */
static bool signature_matches(const struct emu_req *r, const struct auth_parts *a,
                              const char *secret, const char *token, int64_t t,
                              struct sigv4_result *sr)
{
    struct sigv4_header *hs = xa_calloc(r->nheaders ? r->nheaders : 1, sizeof *hs);
    if (hs == NULL)
        return false;
    for (size_t i = 0; i < r->nheaders; i++)
        hs[i] = (struct sigv4_header){.name = r->headers[i].name, .value = r->headers[i].value};
    const struct sigv4_request req = {
        .method = r->method,
        .path = r->path,
        .query = r->query,
        .headers = hs,
        .nheaders = r->nheaders,
        .payload = r->body.data ? r->body.data : "",
        .payload_len = r->body.len,
    };
    const struct sigv4_params p = {
        .region = a->region,
        .service = a->service,
        .unix_time = t,
        .double_encode_path = true,
        .normalize_path = true,
        .signed_headers = a->signed_headers,
    };
    const struct sigv4_credentials c = {
        .access_key_id = a->akid,
        .secret_access_key = secret,
        .session_token = token,
    };
    bool ok = sigv4_sign(&req, &p, &c, sr) == XA_OK &&
              CRYPTO_memcmp(sr->signature, a->signature, 64) == 0 && strlen(a->signature) == 64;
    xa_free(hs);
    return ok;
}

static void skew_message(char *out, size_t n, int64_t t, int64_t now)
{
    char req[17], bound[17], cur[17];
    sigv4_amz_date(t, req);
    sigv4_amz_date(now, cur);
    if (t < now) {
        sigv4_amz_date(now - SKEW_SECONDS, bound);
        snprintf(out, n, "Signature expired: %s is now earlier than %s (%s - 5 min.)", req, bound,
                 cur);
    } else {
        sigv4_amz_date(now + SKEW_SECONDS, bound);
        snprintf(out, n, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
                 req, bound, cur);
    }
}

bool auth_verify(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    const char *h = emu_req_header(r, "Authorization");
    struct auth_parts a;
    if (h == NULL) {
        if (is_sts(r))
            emu_error(resp, r, 403, "MissingAuthenticationToken",
                      "Request is missing Authentication Token");
        else
            emu_error(resp, r, 403, "MissingAuthenticationTokenException",
                      "Missing Authentication Token");
        return false;
    }
    if (!parse_authorization(h, &a)) {
        emu_error(resp, r, 400, is_sts(r) ? "IncompleteSignature" : "IncompleteSignatureException",
                  "Authorization header requires 'Credential', 'Signature' and "
                  "'SignedHeaders' parameters of a valid AWS4-HMAC-SHA256 header.");
        return false;
    }
    int64_t t = 0;
    if (!parse_amz_date(emu_req_header(r, "X-Amz-Date"), &t)) {
        emu_error(resp, r, 400, is_sts(r) ? "IncompleteSignature" : "IncompleteSignatureException",
                  "Authorization header requires existence of either a 'X-Amz-Date' or a "
                  "'Date' header.");
        return false;
    }
    snprintf(r->region, sizeof r->region, "%s", a.region);
    snprintf(r->access_key, sizeof r->access_key, "%s", a.akid);

    /* Copy what is needed out of the world so the signature work runs unlocked. */
    char secret[128] = "", token[512] = "", account[16] = "", arn[256] = "", uid[160] = "";
    int64_t expiration = 0;
    bool known = false, is_session = false;
    world_lock(s->world);
    json_t *k = world_key(s->world, a.akid);
    if (k != NULL) {
        known = true;
        snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(k, "secret")));
        const char *tok = json_string_value(json_object_get(k, "session_token"));
        is_session = tok != NULL;
        snprintf(token, sizeof token, "%s", tok ? tok : "");
        snprintf(account, sizeof account, "%s", json_string_value(json_object_get(k, "account")));
        snprintf(arn, sizeof arn, "%s", json_string_value(json_object_get(k, "arn")));
        snprintf(uid, sizeof uid, "%s", json_string_value(json_object_get(k, "user_id")));
        expiration = json_integer_value(json_object_get(k, "expiration"));
    }
    world_unlock(s->world);

    const char *sent_token = emu_req_header(r, "X-Amz-Security-Token");
    bool ok = false;
    struct sigv4_result sr;
    sigv4_result_init(&sr);
    if (!known || (is_session && (sent_token == NULL || strcmp(sent_token, token) != 0)) ||
        (!is_session && sent_token != NULL)) {
        emu_error(resp, r, 403, is_sts(r) ? "InvalidClientTokenId" : "UnrecognizedClientException",
                  "The security token included in the request is invalid.");
    } else if (is_session && expiration <= r->now) {
        emu_error(resp, r, 403, is_sts(r) ? "ExpiredToken" : "ExpiredTokenException",
                  "The security token included in the request is expired");
    } else if (t < r->now - SKEW_SECONDS || t > r->now + SKEW_SECONDS) {
        char msg[256];
        skew_message(msg, sizeof msg, t, r->now);
        emu_error(resp, r, 403, is_sts(r) ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                  "%s", msg);
    } else if (strncmp(emu_req_header(r, "X-Amz-Date"), a.date, 8) != 0) {
        emu_error(resp, r, 403, is_sts(r) ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                  "date from HTTP: '%s' != '%.8s'", a.date, emu_req_header(r, "X-Amz-Date"));
    } else if (strstr(a.signed_headers, "host") == NULL) {
        emu_error(resp, r, 403, is_sts(r) ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                  "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    } else if (!signature_matches(r, &a, secret, is_session ? token : NULL, t, &sr)) {
        refuse_signature(resp, r, &sr);
    } else {
        snprintf(r->account, sizeof r->account, "%s", account);
        snprintf(r->caller_arn, sizeof r->caller_arn, "%s", arn);
        snprintf(r->caller_user_id, sizeof r->caller_user_id, "%s", uid);
        ok = true;
    }
    sigv4_result_cleanup(&sr);
    OPENSSL_cleanse(secret, sizeof secret);
    OPENSSL_cleanse(token, sizeof token);
    return ok;
}
