/* awsemu/emu.c - request accessors, response builders and AWS-shaped error bodies shared
 * by every handler of the emulator (see emu.h). Error shapes follow what each service
 * sends: API Gateway {"message"} with a coral-style x-amzn-ErrorType, Lambda
 * {"Type","message"}, STS an <ErrorResponse> XML document.
 */
#include "emu.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "util/alloc.h"

/* ------------------------------------------------------------------ requests */

const char *emu_req_header(const struct emu_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool emu_url_decode(const char *s, size_t n, bool plus_space, struct xbuf *out)
{
    xbuf_clear(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexval((unsigned char)s[i + 1]);
            int l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return false;
            c = (char)(h * 16 + l);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (xbuf_append_char(out, c) != XA_OK)
            return false;
    }
    if (out->data == NULL && xbuf_append(out, "", 0) != XA_OK)
        return false;
    return true;
}

bool emu_form_get(const char *form, const char *name, struct xbuf *out)
{
    size_t nlen = strlen(name);
    const char *p = form;
    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        struct xbuf key;
        xbuf_init(&key);
        bool match = emu_url_decode(p, klen, true, &key) && key.len == nlen &&
                     memcmp(key.data, name, nlen) == 0;
        xbuf_cleanup(&key);
        if (match) {
            if (eq == NULL)
                return emu_url_decode("", 0, true, out);
            return emu_url_decode(eq + 1, len - klen - 1, true, out);
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

bool emu_req_query(const struct emu_req *r, const char *name, struct xbuf *out)
{
    return r->query != NULL && emu_form_get(r->query, name, out);
}

int emu_path_segments(const char *path, char **segs, int max)
{
    int n = 0;
    const char *p = path;
    if (*p == '/')
        p++;
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        struct xbuf seg;
        xbuf_init(&seg);
        if (n == max || !emu_url_decode(p, len, false, &seg)) {
            xbuf_cleanup(&seg);
            emu_segments_free(segs, n);
            return -1;
        }
        segs[n++] = xbuf_take(&seg);
        if (segs[n - 1] == NULL) {
            emu_segments_free(segs, n - 1);
            return -1;
        }
        if (slash == NULL)
            break;
        p = slash + 1;
        if (*p == '\0') {   /* trailing slash: an empty last segment */
            if (n == max) {
                emu_segments_free(segs, n);
                return -1;
            }
            segs[n++] = xa_strdup("");
        }
    }
    return n;
}

void emu_segments_free(char **segs, int n)
{
    for (int i = 0; i < n; i++)
        xa_free(segs[i]);
}

/* ----------------------------------------------------------------- responses */

void emu_resp_init(struct emu_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    xbuf_init(&resp->body);
    resp->status = 500;
}

void emu_resp_cleanup(struct emu_resp *resp)
{
    xbuf_cleanup(&resp->body);
    for (size_t i = 0; i < resp->nheaders; i++) {
        xa_free(resp->headers[i].name);
        xa_free(resp->headers[i].value);
    }
    resp->nheaders = 0;
}

void emu_resp_header(struct emu_resp *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0) {
            char *v = xa_strdup(value);
            if (v != NULL) {
                xa_free(resp->headers[i].value);
                resp->headers[i].value = v;
            }
            return;
        }
    }
    if (resp->nheaders == EMU_MAX_HEADERS)
        return;
    struct emu_kv kv = {.name = xa_strdup(name), .value = xa_strdup(value)};
    if (kv.name == NULL || kv.value == NULL) {
        xa_free(kv.name);
        xa_free(kv.value);
        return;
    }
    resp->headers[resp->nheaders++] = kv;
}

void emu_resp_text(struct emu_resp *resp, int status, const char *content_type,
                   const char *text)
{
    resp->status = status;
    xbuf_clear(&resp->body);
    xbuf_append_str(&resp->body, text);
    snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type);
}

void emu_resp_json(struct emu_resp *resp, int status, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    emu_resp_text(resp, status, "application/json", s ? s : "{}");
    free(s);
}

/* API Gateway's own errors carry the control plane's coral namespace after the code; the
 * front door's (signature, throttling at the edge) the generic one. */
static bool apigw_service_error(const char *code)
{
    static const char *const own[] = {"BadRequestException", "NotFoundException",
                                      "ConflictException", "LimitExceededException",
                                      "TooManyRequestsException", "UnauthorizedException"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        if (strcmp(code, own[i]) == 0)
            return true;
    }
    return false;
}

static bool auth_error(const char *code)
{
    return strstr(code, "Signature") != NULL || strstr(code, "Token") != NULL ||
           strcmp(code, "UnrecognizedClientException") == 0;
}

void emu_error(struct emu_resp *resp, const struct emu_req *r, int status, const char *code,
               const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    resp->status = status;
    xbuf_clear(&resp->body);
    if (strcmp(r->service, "sts") == 0) {
        xbuf_append_str(&resp->body, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
                                     "2011-06-15/\">\n  <Error>\n    <Type>");
        xbuf_append_str(&resp->body, status >= 500 ? "Receiver" : "Sender");
        xbuf_append_str(&resp->body, "</Type>\n    <Code>");
        emu_xml_escape(&resp->body, code);
        xbuf_append_str(&resp->body, "</Code>\n    <Message>");
        emu_xml_escape(&resp->body, msg);
        xbuf_appendf(&resp->body, "</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n"
                                  "</ErrorResponse>\n", r->request_id);
        snprintf(resp->content_type, sizeof resp->content_type, "text/xml");
        return;
    }
    json_t *body = json_object();
    char type[256];
    if (strcmp(r->service, "apigateway") == 0) {
        snprintf(type, sizeof type, "%s:http://internal.amazon.com/coral/%s/", code,
                 apigw_service_error(code) ? "com.amazonaws.backplane.controlplane"
                                           : "com.amazon.coral.service");
        json_object_set_new(body, "message", json_string(msg));
        emu_resp_header(resp, "x-amzn-ErrorType", type);
    } else if (strcmp(r->service, "lambda") == 0) {
        if (!auth_error(code))
            json_object_set_new(body, "Type", json_string(status >= 500 ? "Service" : "User"));
        json_object_set_new(body, "message", json_string(msg));
        emu_resp_header(resp, "x-amzn-ErrorType", code);
    } else {
        json_object_set_new(body, "error", json_string(code));
        json_object_set_new(body, "message", json_string(msg));
    }
    emu_resp_json(resp, status, body);
    json_decref(body);
}

/* -------------------------------------------------------------- small values */

void emu_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        memset(b, 0x5a, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

void emu_random_alnum(char *out, size_t n, const char *alphabet)
{
    size_t alen = strlen(alphabet);
    unsigned char b[256];
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < sizeof b ? n - done : sizeof b;
        if (RAND_bytes(b, (int)chunk) != 1)
            memset(b, 7, chunk);
        for (size_t i = 0; i < chunk; i++)
            out[done + i] = alphabet[b[i] % alen];
        done += chunk;
    }
    out[n] = '\0';
}

void emu_iso8601(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void emu_iso8601_ms(int64_t t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S.000+0000", &tm);
}

void emu_xml_escape(struct xbuf *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '<': xbuf_append_str(out, "&lt;"); break;
        case '>': xbuf_append_str(out, "&gt;"); break;
        case '&': xbuf_append_str(out, "&amp;"); break;
        case '"': xbuf_append_str(out, "&quot;"); break;
        case '\'': xbuf_append_str(out, "&apos;"); break;
        default: xbuf_append_char(out, *s); break;
        }
    }
}

static _Atomic int64_t clock_offset;

int64_t emu_clock_now(void)
{
    return (int64_t)time(NULL) + atomic_load(&clock_offset);
}

void emu_clock_set_offset(int64_t seconds)
{
    atomic_store(&clock_offset, seconds);
}

int64_t emu_clock_offset(void)
{
    return atomic_load(&clock_offset);
}
