/* aws/credentials_remote.c - sources that ask something: the container endpoint, EC2
 * IMDSv2, web identity and AssumeRole; and the JSON and times their answers (and
 * credential_process's, aws/credentials_process.c) are written in.
 *
 * Container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is appended to http://169.254.170.2;
 * AWS_CONTAINER_CREDENTIALS_FULL_URI is used as is (http only to loopback, the ECS and
 * EKS link-local hosts, or https). The Authorization header comes from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read each time) or _TOKEN.
 * IMDSv2: PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 21600), then GET
 * /latest/meta-data/iam/security-credentials/ for the role name and GET .../<role>;
 * one-second timeouts and no retries, so a laptop learns quickly there is no metadata.
 */
#include "aws/credentials_sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/credentials_provider.h"
#include "aws/errors.h"
#include "aws/http.h"
#include "aws/sts.h"
#include "util/alloc.h"
#include "util/file.h"

#define TOKEN_MAX_BYTES (1u << 20)
#define IMDS_TIMEOUT_MS 1000

/* ------------------------------------------------------------------------- parsing */

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum xa_status creds_parse_json(const char *json, size_t len, const char *source,
                                struct aws_credentials *out, struct xbuf *why)
{
    json_error_t jerr;
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    enum xa_status st = XA_EINVAL;
    if (!json_is_object(o)) {
        xbuf_appendf(why, "%s did not answer with a JSON object", source);
        goto done;
    }
    json_t *ver = json_object_get(o, "Version");
    if (ver && !(json_is_integer(ver) && json_integer_value(ver) == 1)) {
        xbuf_appendf(why, "%s answered Version other than 1", source);
        goto done;
    }
    const char *ak = jstr(o, "AccessKeyId"), *sk = jstr(o, "SecretAccessKey");
    const char *tok = jstr(o, "Token") ? jstr(o, "Token") : jstr(o, "SessionToken");
    const char *exp = jstr(o, "Expiration");
    const char *code = jstr(o, "Code");
    if (code && strcmp(code, "Success") != 0) {
        xbuf_appendf(why, "%s answered Code \"%.64s\"", source, code);
        goto done;
    }
    if (!ak || !*ak || !sk || !*sk) {
        xbuf_appendf(why, "%s answer lacks AccessKeyId or SecretAccessKey", source);
        goto done;
    }
    int64_t expiration = 0;
    if (exp && aws_credentials_parse_time(exp, &expiration) != XA_OK) {
        xbuf_appendf(why, "%s answered an unreadable Expiration", source);
        goto done;
    }
    st = aws_credentials_set(out, ak, sk, tok, expiration, source);
done:
    if (o) {
        /* Wipe the secret strings jansson holds before it frees them. */
        const char *keys[] = {"SecretAccessKey", "Token", "SessionToken"};
        for (size_t i = 0; i < 3; i++) {
            json_t *v = json_object_get(o, keys[i]);
            if (json_is_string(v))
                OPENSSL_cleanse((void *)json_string_value(v), json_string_length(v));
        }
        json_decref(o);
    }
    return st;
}

/* ------------------------------------------------------------------------- container */

static bool container_host_allowed(const char *uri)
{
    if (strncmp(uri, "https://", 8) == 0)
        return true;
    static const char *const ok[] = {"http://127.0.0.1", "http://localhost", "http://[::1]",
                                     "http://169.254.170.2", "http://169.254.170.23",
                                     "http://[fd00:ec2::23]"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t n = strlen(ok[i]);
        if (strncmp(uri, ok[i], n) == 0 && (uri[n] == ':' || uri[n] == '/' || !uri[n]))
            return true;
    }
    return false;
}

/* A token file (web identity, container authorization): a regular file of at most
 * TOKEN_MAX_BYTES, trailing line breaks and blanks dropped. A missing file is XA_EIO
 * here (a source that is configured but fails), XA_ENOTFOUND for a check. */
static enum xa_status token_file(const char *path, const char *what, struct xbuf *out,
                                 struct xbuf *why)
{
    enum xa_status st = xa_file_read(path, TOKEN_MAX_BYTES, what, out, why);
    if (st == XA_ENOTFOUND)
        xbuf_appendf(why, "The %s %s does not exist.", what, path);
    return st;
}

static enum xa_status read_token_file(const char *path, const char *what, struct xbuf *out,
                                      struct xbuf *why)
{
    enum xa_status st = token_file(path, what, out, why);
    if (st == XA_ENOTFOUND)
        st = XA_EIO;
    while (st == XA_OK && out->len && (out->data[out->len - 1] == '\n' ||
                                       out->data[out->len - 1] == '\r' ||
                                       out->data[out->len - 1] == ' '))
        out->data[--out->len] = '\0';
    return st;
}

enum xa_status creds_token_file_check(const char *path, const char *what, struct xbuf *why)
{
    struct xbuf token;
    xbuf_init(&token);
    enum xa_status st = token_file(path, what, &token, why);
    xbuf_cleanup_secret(&token);
    return st;
}

static enum xa_status fetch_json_creds(const struct creds_ctx *ctx, const char *url,
                                       const struct aws_http_header *h, size_t nh,
                                       const char *source, long timeout_ms,
                                       struct aws_credentials *out, struct xbuf *why)
{
    struct aws_http_response resp;
    struct aws_error err;
    aws_http_response_init(&resp);
    aws_error_init(&err);
    struct aws_http_request req = {.method = "GET", .url = url, .headers = h, .nheaders = nh,
                                   .timeout_ms = timeout_ms, .connect_timeout_ms = timeout_ms,
                                   .bypass_proxy = true};
    enum xa_status st = aws_http_perform(ctx->env->http, &req, &resp, &err);
    if (st != XA_OK) {
        xbuf_appendf(why, "%s unreachable: %s", source,
                     err.transport_detail ? err.transport_detail : xa_status_str(st));
    } else if (resp.status != 200) {
        st = XA_EIO;
        xbuf_appendf(why, "%s answered HTTP %ld", source, resp.status);
    } else {
        st = creds_parse_json(xbuf_cstr(&resp.body), resp.body.len, source, out, why);
    }
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
    return st;
}

enum xa_status creds_from_container(const struct creds_ctx *ctx, struct aws_credentials *out,
                                    struct xbuf *why)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if ((!rel || !*rel) && (!full || !*full))
        return XA_ENOTFOUND;
    struct xbuf url, token;
    xbuf_init(&url);
    xbuf_init(&token);
    enum xa_status st;
    if (rel && *rel) {
        st = xbuf_appendf(&url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
    } else if (!container_host_allowed(full)) {
        xbuf_append_str(why, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a "
                             "loopback/container host");
        st = XA_EINVAL;
        goto done;
    } else {
        st = xbuf_append_str(&url, full);
    }
    const char *tfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (st == XA_OK && tfile && *tfile)
        st = read_token_file(tfile, "container authorization token file", &token, why);
    else if (st == XA_OK && tok && *tok)
        st = xbuf_append_str(&token, tok);
    if (st == XA_OK && token.len && (strchr(token.data, '\r') || strchr(token.data, '\n'))) {
        xbuf_append_str(why, "the container authorization token contains a line break");
        st = XA_EINVAL;
    }
    if (st != XA_OK)
        goto done;
    struct aws_http_header h = {.name = "Authorization", .value = xbuf_cstr(&token)};
    st = fetch_json_creds(ctx, xbuf_cstr(&url), &h, token.len ? 1 : 0, "container endpoint",
                          2000, out, why);
    if (st == XA_ENOTFOUND)
        st = XA_EIO;
done:
    xbuf_cleanup(&url);
    xbuf_cleanup_secret(&token);
    return st;
}

/* ------------------------------------------------------------------------- IMDSv2 */

/* IMDSv2's session token into token; *v1 when the endpoint speaks only IMDSv1 and that is
 * allowed (no token then). XA_ENOTFOUND when no metadata service answers. */
static enum xa_status imds_token(const struct creds_ctx *ctx, const char *base, size_t blen,
                                 struct xbuf *token, bool *v1, struct xbuf *why)
{
    struct xbuf url;
    struct aws_http_response resp;
    struct aws_error err;
    xbuf_init(&url);
    aws_http_response_init(&resp);
    aws_error_init(&err);
    enum xa_status st = xbuf_appendf(&url, "%.*s/latest/api/token", (int)blen, base);
    struct aws_http_header ttl = {.name = "X-aws-ec2-metadata-token-ttl-seconds", .value = "21600"};
    struct aws_http_request req = {.method = "PUT", .url = xbuf_cstr(&url), .headers = &ttl,
                                   .nheaders = 1, .timeout_ms = IMDS_TIMEOUT_MS,
                                   .connect_timeout_ms = IMDS_TIMEOUT_MS, .bypass_proxy = true};
    if (st == XA_OK)
        st = aws_http_perform(ctx->env->http, &req, &resp, &err);
    if (st != XA_OK) {
        xbuf_appendf(why, "no metadata service at %.*s (%s)", (int)blen, base,
                     err.transport_detail ? err.transport_detail : xa_status_str(st));
        st = st == XA_ENOMEM || st == XA_ECANCELED ? st : XA_ENOTFOUND;
        goto done;
    }
    /* As the SDKs do: 403/404/405 on the token means an IMDSv1-only endpoint, which is
     * used unless AWS_EC2_METADATA_V1_DISABLED forbids it. */
    const char *v1off = getenv("AWS_EC2_METADATA_V1_DISABLED");
    *v1 = (resp.status == 403 || resp.status == 404 || resp.status == 405) &&
          !(v1off && strcasecmp(v1off, "true") == 0);
    if (!*v1 && (resp.status != 200 || resp.body.len == 0)) {
        xbuf_appendf(why, "IMDSv2 token request answered HTTP %ld", resp.status);
        st = XA_ENOTFOUND;
    } else if (!*v1) {
        st = xbuf_append(token, resp.body.data, resp.body.len);
    }
done:
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
    xbuf_cleanup(&url);
    return st;
}

enum xa_status creds_from_imds(const struct creds_ctx *ctx, struct aws_credentials *out,
                               struct xbuf *why)
{
    const char *base = ctx->cfg->endpoint_ec2_metadata;
    if (!base || !*base)
        base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!base || !*base)
        base = "http://169.254.169.254";
    size_t blen = strlen(base);
    while (blen && base[blen - 1] == '/')
        blen--;
    struct xbuf url, token, role;
    xbuf_init(&url);
    xbuf_init(&token);
    xbuf_init(&role);
    struct aws_http_response resp;
    struct aws_error err;
    aws_http_response_init(&resp);
    aws_error_init(&err);
    bool v1 = false;
    enum xa_status st = imds_token(ctx, base, blen, &token, &v1, why);
    if (st != XA_OK)
        goto done;
    struct aws_http_header th = {.name = "X-aws-ec2-metadata-token", .value = xbuf_cstr(&token)};
    size_t nth = v1 ? 0 : 1;
    st = xbuf_appendf(&url, "%.*s/latest/meta-data/iam/security-credentials/", (int)blen, base);
    struct aws_http_request req = {.method = "GET", .url = xbuf_cstr(&url), .headers = &th,
                                   .nheaders = nth, .timeout_ms = IMDS_TIMEOUT_MS,
                                   .connect_timeout_ms = IMDS_TIMEOUT_MS, .bypass_proxy = true};
    if (st == XA_OK)
        st = aws_http_perform(ctx->env->http, &req, &resp, &err);
    if (st == XA_OK && (resp.status != 200 || resp.body.len == 0)) {
        xbuf_appendf(why, "the instance has no IAM role (HTTP %ld)", resp.status);
        st = XA_ENOTFOUND;
        goto done;
    }
    if (st != XA_OK) {
        xbuf_appendf(why, "metadata role listing failed: %s", xa_status_str(st));
        goto done;
    }
    size_t rl = strcspn(resp.body.data, "\r\n");
    st = xbuf_append(&role, resp.body.data, rl);
    xbuf_clear(&url);
    if (st == XA_OK)
        st = xbuf_appendf(&url, "%.*s/latest/meta-data/iam/security-credentials/", (int)blen, base);
    if (st == XA_OK)
        st = aws_http_uri_encode(&url, xbuf_cstr(&role));
    if (st == XA_OK)
        st = fetch_json_creds(ctx, xbuf_cstr(&url), &th, nth, "EC2 instance metadata",
                              IMDS_TIMEOUT_MS, out, why);
done:
    aws_http_response_cleanup(&resp);
    aws_error_cleanup(&err);
    xbuf_cleanup(&url);
    xbuf_cleanup_secret(&token);
    xbuf_cleanup(&role);
    return st;
}

/* ------------------------------------------------------------------------- STS-based */

/* Ends one STS call of the chain: moves the credentials it returned into out, labelled
 * with source, or explains the failure in why. Releases r and err either way. */
static enum xa_status take_assumed(enum xa_status st, struct sts_assume_role_result *r,
                                   struct aws_error *err, const char *source,
                                   struct aws_credentials *out, struct xbuf *why)
{
    if (st == XA_OK) {
        *out = r->credentials;
        aws_credentials_init(&r->credentials);
        xa_free(out->source);
        out->source = xa_strdup(source);
    } else {
        struct xbuf d;
        xbuf_init(&d);
        if (aws_error_describe(err, &d) == XA_OK)
            xbuf_append(why, d.data ? d.data : "", d.len);
        xbuf_cleanup(&d);
    }
    sts_assume_role_result_cleanup(r);
    aws_error_cleanup(err);
    return st;
}

static bool sts_ready(const struct creds_ctx *ctx, struct xbuf *why)
{
    if (!ctx->env->http || !ctx->env->sts_endpoint || !ctx->env->sts_region) {
        xbuf_append_str(why, "no STS endpoint is configured (set region or sts_region)");
        return false;
    }
    return true;
}

enum xa_status creds_web_identity(const struct creds_ctx *ctx,
                                  const struct aws_assume_role_web_identity_config *wi,
                                  struct aws_credentials *out, struct xbuf *why)
{
    if (!sts_ready(ctx, why))
        return XA_EINVAL;
    struct xbuf token;
    xbuf_init(&token);
    enum xa_status st = XA_OK;
    if (wi->web_identity_token && *wi->web_identity_token)
        st = xbuf_append_str(&token, wi->web_identity_token);
    else if (wi->web_identity_token_file && *wi->web_identity_token_file)
        st = read_token_file(wi->web_identity_token_file, "web identity token file", &token,
                             why);
    else {
        xbuf_append_str(why, "neither web_identity_token nor web_identity_token_file is set");
        st = XA_EINVAL;
    }
    if (st == XA_OK && token.len == 0) {
        xbuf_append_str(why, "the web identity token is empty");
        st = XA_EINVAL;
    }
    if (st == XA_OK) {
        struct sts_target t = {.http = ctx->env->http, .endpoint = ctx->env->sts_endpoint,
                               .region = ctx->env->sts_region};
        struct sts_assume_role_result r;
        struct aws_error err;
        aws_error_init(&err);
        st = sts_assume_role_with_web_identity_with(&t, wi, xbuf_cstr(&token), &r, &err);
        st = take_assumed(st, &r, &err, "web identity", out, why);
    }
    xbuf_cleanup_secret(&token);
    return st;
}

enum xa_status creds_assume_role(const struct creds_ctx *ctx,
                                 const struct aws_assume_role_config *ar,
                                 const struct aws_credentials *source,
                                 struct aws_credentials *out, struct xbuf *why)
{
    if (!sts_ready(ctx, why))
        return XA_EINVAL;
    if (!ar->role_arn || !*ar->role_arn) {
        xbuf_append_str(why, "role_arn is empty");
        return XA_EINVAL;
    }
    struct sts_target t = {.http = ctx->env->http, .endpoint = ctx->env->sts_endpoint,
                           .region = ctx->env->sts_region};
    struct sts_assume_role_result r;
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st = sts_assume_role_with(&t, source, ar, &r, &err);
    return take_assumed(st, &r, &err, "assumed role", out, why);
}
