/* tests/tools/http_request_file.c - reading AWS's SigV4 suite cases and signing them.
 *
 * A small, strict reader for request.txt (request line, headers with folded continuation
 * lines, blank line, body) and context.json, plus the suite's signing conventions, so
 * that the unit test and the sigv4-sign tool cannot disagree about what a case means.
 * See http_request_file.h.
 */
#define _GNU_SOURCE 1   /* timegm */
#include "http_request_file.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "util/alloc.h"

/* ---- request.txt -------------------------------------------------------------------- */

void http_request_file_init(struct http_request_file *f) { *f = (struct http_request_file){0}; }

void http_request_file_cleanup(struct http_request_file *f)
{
    xa_free(f->method);
    xa_free(f->target);
    xa_free(f->path);
    xa_free(f->query);
    xa_free(f->version);
    for (size_t i = 0; i < f->nheaders; i++) {
        xa_free(f->names[i]);
        xa_free(f->values[i]);
    }
    xa_free(f->names);
    xa_free(f->values);
    xa_free(f->body);
    http_request_file_init(f);
}

/* Length of the line at p (without its '\n'), bounded by end. */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* "METHOD target HTTP/1.1": the suite's targets may hold spaces ("/example space/"),
 * so the target runs from the first space to the last. */
static enum xa_status parse_request_line(const char *p, size_t n, struct http_request_file *f)
{
    const char *sp1 = memchr(p, ' ', n);
    const char *sp2 = sp1 ? memrchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p)) : NULL;
    if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1)
        return XA_EINVAL;
    f->method = xa_strndup(p, (size_t)(sp1 - p));
    f->target = xa_strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    f->version = xa_strndup(sp2 + 1, n - (size_t)(sp2 + 1 - p));
    if (!f->method || !f->target || !f->version)
        return XA_ENOMEM;
    const char *q = strchr(f->target, '?');
    f->path = xa_strndup(f->target, q ? (size_t)(q - f->target) : strlen(f->target));
    if (!f->path || (q && !(f->query = xa_strdup(q + 1))))
        return XA_ENOMEM;
    return XA_OK;
}

static enum xa_status add_header(struct http_request_file *f, const char *p, size_t n)
{
    const char *colon = memchr(p, ':', n);
    if (!colon || colon == p)
        return XA_EINVAL;
    char **names = xa_realloc(f->names, (f->nheaders + 1) * sizeof *names);
    if (!names)
        return XA_ENOMEM;
    f->names = names;
    char **values = xa_realloc(f->values, (f->nheaders + 1) * sizeof *values);
    if (!values)
        return XA_ENOMEM;
    f->values = values;
    char *name = xa_strndup(p, (size_t)(colon - p));
    char *value = xa_strndup(colon + 1, n - (size_t)(colon + 1 - p));
    if (!name || !value) {
        xa_free(name);
        xa_free(value);
        return XA_ENOMEM;
    }
    f->names[f->nheaders] = name;
    f->values[f->nheaders] = value;
    f->nheaders++;
    return XA_OK;
}

/* A folded line continues the previous value; it is kept with its '\n' so that the
 * request can be written back as read. */
static enum xa_status continue_header(struct http_request_file *f, const char *p, size_t n)
{
    if (f->nheaders == 0)
        return XA_EINVAL;
    char *old = f->values[f->nheaders - 1];
    size_t olen = strlen(old);
    char *v = xa_realloc(old, olen + 1 + n + 1);
    if (!v)
        return XA_ENOMEM;
    v[olen] = '\n';
    memcpy(v + olen + 1, p, n);
    v[olen + 1 + n] = '\0';
    f->values[f->nheaders - 1] = v;
    return XA_OK;
}

enum xa_status http_request_file_parse(const char *data, size_t len, struct http_request_file *f)
{
    const char *p = data, *end = data + len;
    size_t n = line_len(p, end);
    enum xa_status st = parse_request_line(p, n, f);
    p += n + (p + n < end);
    while (st == XA_OK && p < end) {
        n = line_len(p, end);
        if (n == 0) {
            p++;    /* the blank line: the body follows */
            break;
        }
        st = (*p == ' ' || *p == '\t') ? continue_header(f, p, n) : add_header(f, p, n);
        p += n + (p + n < end);
    }
    if (st == XA_OK) {
        f->body_len = p < end ? (size_t)(end - p) : 0;
        f->body = xa_strndup(p < end ? p : "", f->body_len);
        if (!f->body)
            st = XA_ENOMEM;
    }
    return st;
}

enum xa_status http_file_read(const char *path, struct xbuf *out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return XA_EIO;
    enum xa_status st = XA_OK;
    char chunk[4096];
    size_t n;
    while (st == XA_OK && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        st = xbuf_append(out, chunk, n);
    if (st == XA_OK && ferror(fp))
        st = XA_EIO;
    fclose(fp);
    return st;
}

enum xa_status http_request_file_load(const char *path, struct http_request_file *f)
{
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = http_file_read(path, &b);
    if (st == XA_OK)
        st = http_request_file_parse(xbuf_cstr(&b), b.len, f);
    xbuf_cleanup(&b);
    return st;
}

/* ---- context.json ------------------------------------------------------------------- */

void sigv4_case_context_init(struct sigv4_case_context *c)
{
    *c = (struct sigv4_case_context){.expiration_in_seconds = 3600};
}

void sigv4_case_context_cleanup(struct sigv4_case_context *c)
{
    xa_free(c->access_key_id);
    xa_free(c->secret_access_key);
    xa_free(c->token);
    xa_free(c->region);
    xa_free(c->service);
    sigv4_case_context_init(c);
}

static enum xa_status dup_json_str(json_t *obj, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? XA_EINVAL : XA_OK;
    if (!json_is_string(v))
        return XA_EINVAL;
    *out = xa_strdup(json_string_value(v));
    return *out ? XA_OK : XA_ENOMEM;
}

/* "2015-08-30T12:36:00Z" -> unix time. */
static enum xa_status parse_timestamp(const char *s, int64_t *out)
{
    struct tm tm = {0};
    char z = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
        return XA_EINVAL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return XA_OK;
}

static enum xa_status read_context(json_t *root, struct sigv4_case_context *c)
{
    json_t *cred = json_object_get(root, "credentials");
    if (!json_is_object(cred))
        return XA_EINVAL;
    enum xa_status st = dup_json_str(cred, "access_key_id", true, &c->access_key_id);
    if (st == XA_OK)
        st = dup_json_str(cred, "secret_access_key", true, &c->secret_access_key);
    if (st == XA_OK)
        st = dup_json_str(cred, "token", false, &c->token);
    if (st == XA_OK)
        st = dup_json_str(root, "region", true, &c->region);
    if (st == XA_OK)
        st = dup_json_str(root, "service", true, &c->service);
    json_t *ts = json_object_get(root, "timestamp");
    if (st == XA_OK)
        st = json_is_string(ts) ? parse_timestamp(json_string_value(ts), &c->unix_time)
                                : XA_EINVAL;
    c->normalize = json_is_true(json_object_get(root, "normalize"));
    c->sign_body = json_is_true(json_object_get(root, "sign_body"));
    c->omit_session_token = json_is_true(json_object_get(root, "omit_session_token"));
    json_t *exp = json_object_get(root, "expiration_in_seconds");
    if (json_is_integer(exp))
        c->expiration_in_seconds = (long)json_integer_value(exp);
    return st;
}

enum xa_status sigv4_case_context_load(const char *path, struct sigv4_case_context *c)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    enum xa_status st = json_is_object(root) ? read_context(root, c) : XA_EINVAL;
    json_decref(root);
    return st;
}

/* ---- signing per the suite's conventions -------------------------------------------- */

#define MAX_ADDED 3

struct case_headers {
    struct sigv4_header *all;   /* file headers, then the added ones */
    size_t nfile, nall;
    size_t token_at;            /* index of X-Amz-Security-Token in all, or nall */
    char date[17];
    char body_hash[65];
};

static void case_headers_cleanup(struct case_headers *h) { xa_free(h->all); }

/* Builds the header list: the file's, then X-Amz-Security-Token, X-Amz-Date and, with
 * sign_body, x-amz-content-sha256 (the expected files' order, omit_session_token too). */
static enum xa_status case_headers_build(const struct http_request_file *f,
                                         const struct sigv4_case_context *c, bool add,
                                         struct case_headers *h)
{
    *h = (struct case_headers){0};
    h->all = xa_calloc(f->nheaders + MAX_ADDED, sizeof *h->all);
    if (!h->all)
        return XA_ENOMEM;
    for (size_t i = 0; i < f->nheaders; i++)
        h->all[i] = (struct sigv4_header){.name = f->names[i], .value = f->values[i]};
    h->nfile = h->nall = f->nheaders;
    sigv4_amz_date(c->unix_time, h->date);
    sigv4_sha256_hex(f->body, f->body_len, h->body_hash);
    h->token_at = SIZE_MAX;
    if (!add)
        return XA_OK;
    if (c->token && *c->token) {
        h->token_at = h->nall;
        h->all[h->nall++] = (struct sigv4_header){"X-Amz-Security-Token", c->token};
    }
    h->all[h->nall++] = (struct sigv4_header){"X-Amz-Date", h->date};
    if (c->sign_body)
        h->all[h->nall++] = (struct sigv4_header){"x-amz-content-sha256", h->body_hash};
    return XA_OK;
}

static void case_params(const struct sigv4_case_context *c, struct sigv4_params *p)
{
    *p = (struct sigv4_params){
        .region = c->region,
        .service = c->service,
        .unix_time = c->unix_time,
        .double_encode_path = true,
        .normalize_path = c->normalize,
    };
}

/* Request line, headers, an empty line, the body. */
static enum xa_status write_request(const struct http_request_file *f, const char *target,
                                    const struct sigv4_header *h, size_t n, const char *auth,
                                    struct xbuf *out)
{
    enum xa_status st = xbuf_appendf(out, "%s %s %s\n", f->method, target, f->version);
    for (size_t i = 0; st == XA_OK && i < n; i++)
        st = xbuf_appendf(out, "%s:%s\n", h[i].name, h[i].value);
    if (st == XA_OK && auth)
        st = xbuf_appendf(out, "Authorization:%s\n", auth);
    if (st == XA_OK)
        st = xbuf_append_char(out, '\n');
    if (st == XA_OK)
        st = xbuf_append(out, f->body, f->body_len);
    return st;
}

enum xa_status sigv4_case_sign(const struct http_request_file *f,
                               const struct sigv4_case_context *c, struct sigv4_result *out,
                               struct xbuf *signed_request)
{
    struct case_headers h;
    enum xa_status st = case_headers_build(f, c, true, &h);
    struct sigv4_params p;
    case_params(c, &p);
    struct sigv4_credentials cred = {.access_key_id = c->access_key_id,
                                     .secret_access_key = c->secret_access_key,
                                     .session_token = c->token};
    /* omit_session_token: the token travels but is not signed. */
    struct sigv4_header *signed_h = xa_calloc(h.nall + 1, sizeof *signed_h);
    size_t nsigned = 0;
    for (size_t i = 0; signed_h && i < h.nall; i++)
        if (i != h.token_at || !c->omit_session_token)
            signed_h[nsigned++] = h.all[i];
    if (st == XA_OK && !signed_h)
        st = XA_ENOMEM;
    struct sigv4_request r = {
        .method = f->method, .path = f->path, .query = f->query, .headers = signed_h,
        .nheaders = nsigned, .payload = f->body, .payload_len = f->body_len,
    };
    if (st == XA_OK)
        st = sigv4_sign(&r, &p, &cred, out);
    xa_free(signed_h);
    if (st == XA_OK && signed_request)
        st = write_request(f, f->target, h.all, h.nall, xbuf_cstr(&out->authorization),
                           signed_request);
    case_headers_cleanup(&h);
    return st;
}

/* Appends "&name=" + value URI-encoded (nothing kept) to q. */
static enum xa_status add_query_param(struct xbuf *q, const char *name, const char *value)
{
    enum xa_status st = xbuf_appendf(q, "%s%s=", q->len ? "&" : "", name);
    for (const unsigned char *v = (const unsigned char *)value; st == XA_OK && *v; v++) {
        bool keep = (*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
                    (*v >= '0' && *v <= '9') || *v == '-' || *v == '_' || *v == '.' || *v == '~';
        st = keep ? xbuf_append_char(q, (char)*v) : xbuf_appendf(q, "%%%02X", *v);
    }
    return st;
}

/* The X-Amz-* query parameters of a presigned URL, after the request's own; the token
 * only with_token. */
static enum xa_status presign_query(const struct http_request_file *f,
                                    const struct sigv4_case_context *c, const char *date,
                                    const char *signed_names, bool with_token, struct xbuf *q)
{
    struct xbuf cred;
    xbuf_init(&cred);
    enum xa_status st = xbuf_appendf(&cred, "%s/%.8s/%s/%s/aws4_request", c->access_key_id, date,
                                     c->region, c->service);
    if (st == XA_OK && f->query && *f->query)
        st = xbuf_append_str(q, f->query);
    if (st == XA_OK)
        st = add_query_param(q, "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    if (st == XA_OK)
        st = add_query_param(q, "X-Amz-Credential", xbuf_cstr(&cred));
    if (st == XA_OK)
        st = add_query_param(q, "X-Amz-Date", date);
    if (st == XA_OK)
        st = add_query_param(q, "X-Amz-SignedHeaders", signed_names);
    if (st == XA_OK)
        st = xbuf_appendf(q, "&X-Amz-Expires=%ld", c->expiration_in_seconds);
    if (st == XA_OK && with_token && c->token && *c->token)
        st = add_query_param(q, "X-Amz-Security-Token", c->token);
    xbuf_cleanup(&cred);
    return st;
}

enum xa_status sigv4_case_presign(const struct http_request_file *f,
                                  const struct sigv4_case_context *c, struct sigv4_result *out,
                                  struct xbuf *signed_request)
{
    struct case_headers h;
    struct xbuf names, signed_q, query, target;
    xbuf_init(&names);
    xbuf_init(&signed_q);
    xbuf_init(&query);
    xbuf_init(&target);
    struct sigv4_params p;
    case_params(c, &p);
    struct sigv4_credentials cred = {.access_key_id = c->access_key_id,
                                     .secret_access_key = c->secret_access_key};
    struct sigv4_request r = {.method = f->method, .path = f->path, .payload = f->body,
                              .payload_len = f->body_len};
    sigv4_result_cleanup(out);
    sigv4_result_init(out);
    enum xa_status st = case_headers_build(f, c, false, &h);
    r.headers = h.all;
    r.nheaders = h.nall;
    /* The signed header names are known before the query they go into. */
    if (st == XA_OK) {
        struct xbuf scratch;
        xbuf_init(&scratch);
        st = sigv4_canonical_headers(&r, &p, &scratch, &names);
        xbuf_cleanup(&scratch);
    }
    /* omit_session_token: the token travels in the URL but is not signed. */
    if (st == XA_OK)
        st = presign_query(f, c, h.date, xbuf_cstr(&names), !c->omit_session_token, &signed_q);
    if (st == XA_OK)
        st = presign_query(f, c, h.date, xbuf_cstr(&names), true, &query);
    r.query = xbuf_cstr(&signed_q);
    if (st == XA_OK)
        st = sigv4_canonical_request(&r, &p, &out->canonical_request, NULL);
    if (st == XA_OK)
        st = sigv4_string_to_sign(xbuf_cstr(&out->canonical_request), out->canonical_request.len,
                                  &p, &out->string_to_sign);
    if (st == XA_OK)
        st = sigv4_signature(&cred, &p, xbuf_cstr(&out->string_to_sign), out->signature);
    if (st == XA_OK)
        st = xbuf_appendf(&target, "%s?%s&X-Amz-Signature=%s", f->path, xbuf_cstr(&query),
                          out->signature);
    if (st == XA_OK && signed_request)
        st = write_request(f, xbuf_cstr(&target), h.all, h.nfile, NULL, signed_request);
    case_headers_cleanup(&h);
    xbuf_cleanup(&names);
    xbuf_cleanup(&signed_q);
    xbuf_cleanup(&query);
    xbuf_cleanup(&target);
    return st;
}
