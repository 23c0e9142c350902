/* aws/http.c - libcurl transport with one shared connection pool, SigV4, retries, stop.
 *
 * Every request uses a fresh easy handle attached to the process's CURLSH, which shares
 * the connection cache, DNS cache and TLS sessions between threads; so connections are
 * reused across calls and threads without a handle pool to manage. The share's lock
 * callbacks take one mutex per curl_lock_data.
 * One send per attempt: libcurl by itself re-sends a request whose reused connection died
 * before any answer byte (POST included). That replay would escape the retry policy, so the
 * pre-request callback lets each easy handle send once and refuses a second send; the
 * refusal is reported as the connection error it is, and aws_http_call decides to retry.
 * Stop: `stopped` is checked by the xferinfo callback (curl calls it at least once a
 * second, aborting the transfer) and by the backoff wait, which sleeps on a condition
 * variable that aws_http_stop broadcasts; aws_http_stop also wakes the adaptive
 * limiter's waiters (retry_rate_stop).
 */
#include "aws/http.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/errors.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "util/alloc.h"
#include "util/log.h"

#define MAX_BODY (16u * 1024u * 1024u)
#define LOG_MODULE "xacct.aws"

struct aws_http {
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    atomic_bool stopped;
    pthread_mutex_t wait_mu;
    pthread_cond_t wait_cv;
    struct xbuf ca_pem;
    char *http_proxy;
    char *https_proxy;
    char *no_proxy;
    char *user_agent;
    bool insecure;
    long connect_timeout_ms;
    long request_timeout_ms;
    bool adaptive;
    struct retry_policy policy;
    struct retry_quota quota;
    struct retry_rate rate;
    int64_t (*now_unix)(void *ctx);
    void *clock_ctx;
    double time_scale;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init_once(void) { curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *user)
{
    struct aws_http *http = user;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&http->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *user)
{
    struct aws_http *http = user;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&http->share_locks[data]);
}

static char *dup_or_null(const char *s) { return s && *s ? xa_strdup(s) : NULL; }

static enum xa_status build_user_agent(struct aws_http *h, const char *extra)
{
    struct xbuf ua;
    xbuf_init(&ua);
    enum xa_status st = xbuf_append_str(&ua, "terraform-provider-xacct/" XACCT_VERSION);
    const char *app = getenv("TF_APPEND_USER_AGENT");
    if (st == XA_OK && app && *app)
        st = xbuf_appendf(&ua, " %s", app);
    if (st == XA_OK && extra && *extra)
        st = xbuf_appendf(&ua, " %s", extra);
    h->user_agent = st == XA_OK ? xbuf_take(&ua) : NULL;
    xbuf_cleanup(&ua);
    return h->user_agent ? XA_OK : XA_ENOMEM;
}

enum xa_status aws_http_new(const struct aws_http_config *cfg, struct aws_http **out)
{
    *out = NULL;
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_result != CURLE_OK)
        return XA_EIO;
    struct aws_http *h = xa_calloc(1, sizeof *h);
    if (!h)
        return XA_ENOMEM;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&h->share_locks[i], NULL);
    pthread_mutex_init(&h->wait_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wait_cv, &ca);
    pthread_condattr_destroy(&ca);
    retry_policy_init(&h->policy, cfg->max_retries);
    retry_quota_init(&h->quota, 0);
    atomic_init(&h->stopped, false);
    xbuf_init(&h->ca_pem);
    h->http_proxy = dup_or_null(cfg->http_proxy);
    h->https_proxy = dup_or_null(cfg->https_proxy);
    h->no_proxy = dup_or_null(cfg->no_proxy);
    h->insecure = cfg->insecure;
    h->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
    h->request_timeout_ms = cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms : 60000;
    h->adaptive = cfg->retry_mode == AWS_RETRY_ADAPTIVE;
    h->now_unix = cfg->now_unix;
    h->clock_ctx = cfg->clock_ctx;
    h->time_scale = cfg->time_scale > 0 ? cfg->time_scale : 1.0;
    retry_rate_init(&h->rate, NULL, h->time_scale);
    enum xa_status st = build_user_agent(h, cfg->user_agent_extra);
    if (st == XA_OK && cfg->ca_pem)
        st = xbuf_append(&h->ca_pem, cfg->ca_pem, cfg->ca_pem_len);
    h->share = curl_share_init();
    if (!h->share ||
        (cfg->http_proxy && *cfg->http_proxy && !h->http_proxy) ||
        (cfg->https_proxy && *cfg->https_proxy && !h->https_proxy) ||
        (cfg->no_proxy && *cfg->no_proxy && !h->no_proxy))
        st = XA_ENOMEM;
    if (st == XA_OK) {
        curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
        curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
        curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    }
    if (st != XA_OK) {
        aws_http_free(h);
        return st;
    }
    *out = h;
    return XA_OK;
}

void aws_http_free(struct aws_http *h)
{
    if (!h)
        return;
    if (h->share)
        curl_share_cleanup(h->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&h->share_locks[i]);
    pthread_mutex_destroy(&h->wait_mu);
    pthread_cond_destroy(&h->wait_cv);
    retry_quota_cleanup(&h->quota);
    retry_rate_cleanup(&h->rate);
    xbuf_cleanup(&h->ca_pem);
    xa_free(h->http_proxy);
    xa_free(h->https_proxy);
    xa_free(h->no_proxy);
    xa_free(h->user_agent);
    xa_free(h);
}

void aws_http_stop(struct aws_http *h)
{
    pthread_mutex_lock(&h->wait_mu);
    atomic_store(&h->stopped, true);
    pthread_cond_broadcast(&h->wait_cv);
    pthread_mutex_unlock(&h->wait_mu);
    retry_rate_stop(&h->rate);
}

bool aws_http_stopped(const struct aws_http *h)
{
    return atomic_load(&((struct aws_http *)h)->stopped);
}

void aws_http_response_init(struct aws_http_response *r)
{
    *r = (struct aws_http_response){0};
    xbuf_init(&r->body);
}

void aws_http_response_cleanup(struct aws_http_response *r)
{
    /* Bodies may hold credentials (STS, IMDS, container answers). */
    xbuf_cleanup_secret(&r->body);
    xa_free(r->request_id);
    xa_free(r->error_type);
    xa_free(r->retry_after);
    aws_http_response_init(r);
}

/* ------------------------------------------------------------------------- one exchange */

struct transfer {
    struct aws_http *http;
    struct aws_http_response *resp;
    char curl_error[CURL_ERROR_SIZE];   /* curl's detailed words for a failure */
    int sends;           /* requests libcurl started on this handle */
    bool replay_refused; /* a second send was stopped by on_prereq */
    bool too_big;
    bool oom;
};

/* Called right before libcurl sends the request, on every connection it tries. */
static int on_prereq(void *user, char *conn_primary_ip, char *conn_local_ip,
                     int conn_primary_port, int conn_local_port)
{
    struct transfer *t = user;
    if (++t->sends == 1)
        return CURL_PREREQFUNC_OK;
    t->replay_refused = true;
    return CURL_PREREQFUNC_ABORT;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct transfer *t = user;
    size_t len = size * n;
    if (t->resp->body.len + len > MAX_BODY) {
        t->too_big = true;
        return 0;
    }
    if (xbuf_append(&t->resp->body, data, len) != XA_OK) {
        t->oom = true;
        return 0;
    }
    return len;
}

static void keep_header(char **slot, const char *v, size_t len)
{
    len = strnlen(v, len);   /* a NUL byte ends the value (found by fuzz_http_headers) */
    while (len && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len && isspace((unsigned char)v[len - 1]))
        len--;
    xa_free(*slot);
    *slot = xa_strndup(v, len);
}

void aws_http_response_keep_header(struct aws_http_response *r, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return;
    size_t nlen = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vlen = len - nlen - 1;
    if ((nlen == 16 && strncasecmp(line, "x-amzn-RequestId", 16) == 0) ||
        (nlen == 16 && strncasecmp(line, "x-amz-request-id", 16) == 0))
        keep_header(&r->request_id, v, vlen);
    else if (nlen == 16 && strncasecmp(line, "x-amzn-ErrorType", 16) == 0)
        keep_header(&r->error_type, v, vlen);
    else if (nlen == 11 && strncasecmp(line, "Retry-After", 11) == 0)
        keep_header(&r->retry_after, v, vlen);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct transfer *t = user;
    aws_http_response_keep_header(t->resp, data, size * n);
    return size * n;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct transfer *t = user;
    return aws_http_stopped(t->http) ? 1 : 0;
}

static enum xa_status map_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return XA_ETIMEDOUT;
    case CURLE_ABORTED_BY_CALLBACK:
        return XA_ECANCELED;
    case CURLE_OUT_OF_MEMORY:
        return XA_ENOMEM;
    default:
        return XA_EIO;
    }
}

static void wipe_str(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
}

static bool is_https(const char *url) { return strncasecmp(url, "https://", 8) == 0; }

static enum xa_status set_options(CURL *e, struct aws_http *h, const struct aws_http_request *req,
                                  struct curl_slist *headers, struct transfer *t)
{
    CURLcode rc = CURLE_OK;
#define SET(opt, val) \
    if (rc == CURLE_OK) \
    rc = curl_easy_setopt(e, opt, val)
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_SHARE, h->share);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_USERAGENT, h->user_agent);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, t);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, t);
    SET(CURLOPT_PREREQFUNCTION, on_prereq);
    SET(CURLOPT_PREREQDATA, t);
    SET(CURLOPT_ERRORBUFFER, t->curl_error);
    SET(CURLOPT_CONNECTTIMEOUT_MS,
        req->connect_timeout_ms > 0 ? req->connect_timeout_ms : h->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : h->request_timeout_ms);
    SET(CURLOPT_SSL_VERIFYPEER, h->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, h->insecure ? 0L : 2L);
    if (h->ca_pem.len) {
        struct curl_blob ca = {.data = h->ca_pem.data, .len = h->ca_pem.len,
                               .flags = CURL_BLOB_NOCOPY};
        SET(CURLOPT_CAINFO_BLOB, &ca);
    }
    if (req->bypass_proxy) {
        SET(CURLOPT_PROXY, "");
        SET(CURLOPT_NOPROXY, "*");
    } else {
        const char *proxy = is_https(req->url) ? h->https_proxy : h->http_proxy;
        if (proxy)
            SET(CURLOPT_PROXY, proxy);
        if (h->no_proxy)
            SET(CURLOPT_NOPROXY, h->no_proxy);
    }
    const char *m = req->method ? req->method : "GET";
    if (strcmp(m, "GET") == 0) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else {
        SET(CURLOPT_CUSTOMREQUEST, m);
        if (req->body_len || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
            strcmp(m, "PATCH") == 0) {
            SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
            SET(CURLOPT_POSTFIELDS, req->body_len ? (const char *)req->body : "");
        }
    }
#undef SET
    return rc == CURLE_OK ? XA_OK : (rc == CURLE_OUT_OF_MEMORY ? XA_ENOMEM : XA_EINVAL);
}

enum xa_status aws_http_perform(struct aws_http *h, const struct aws_http_request *req,
                                struct aws_http_response *resp, struct aws_error *err)
{
    aws_http_response_cleanup(resp);
    if (aws_http_stopped(h)) {
        aws_error_set_transport(err, XA_ECANCELED, "the provider is stopping");
        return XA_ECANCELED;
    }
    struct transfer t = {.http = h, .resp = resp};
    struct curl_slist *headers = NULL;
    enum xa_status st = XA_OK;
    CURL *e = curl_easy_init();
    if (!e)
        st = XA_ENOMEM;
    /* No "Expect: 100-continue" round trip for small AWS bodies. */
    struct curl_slist *tmp = curl_slist_append(headers, "Expect:");
    if (!tmp)
        st = XA_ENOMEM;
    headers = tmp ? tmp : headers;
    struct xbuf line;
    xbuf_init(&line);
    for (size_t i = 0; st == XA_OK && i < req->nheaders; i++) {
        xbuf_clear(&line);
        st = xbuf_appendf(&line, "%s: %s", req->headers[i].name, req->headers[i].value);
        tmp = st == XA_OK ? curl_slist_append(headers, xbuf_cstr(&line)) : NULL;
        if (!tmp)
            st = XA_ENOMEM;
        else
            headers = tmp;
    }
    xbuf_cleanup_secret(&line);
    if (st == XA_OK)
        st = set_options(e, h, req, headers, &t);
    if (st == XA_OK) {
        CURLcode rc = curl_easy_perform(e);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
        } else if (t.too_big || t.oom) {
            st = t.oom ? XA_ENOMEM : XA_ERANGE;
            aws_error_set_transport(err, XA_EIO, t.oom ? "out of memory reading the answer"
                                                       : "the answer is larger than 16 MiB");
        } else if (t.replay_refused && !aws_http_stopped(h)) {
            st = XA_EIO;
            aws_error_set_transport(err, st, "the connection closed before the answer arrived");
        } else {
            st = aws_http_stopped(h) ? XA_ECANCELED : map_curl(rc);
            aws_error_set_transport(err, st, st == XA_ECANCELED ? "the provider is stopping"
                                             : t.curl_error[0] ? t.curl_error
                                                               : curl_easy_strerror(rc));
        }
    } else {
        aws_error_set_transport(err, st, "cannot prepare the HTTP request");
    }
    /* Header lines may carry a session token or signature: wipe before freeing. */
    for (struct curl_slist *s = headers; s; s = s->next)
        wipe_str(s->data);
    curl_slist_free_all(headers);
    if (e)
        curl_easy_cleanup(e);
    return st;
}

/* ------------------------------------------------------------------------- AWS calls */

enum xa_status aws_http_uri_encode(struct xbuf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum xa_status st = xbuf_reserve(out, strlen(s) * 3);
    for (const unsigned char *p = (const unsigned char *)s; st == XA_OK && *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            st = xbuf_append_char(out, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            st = xbuf_append(out, enc, 3);
        }
    }
    return st;
}

static int64_t now_unix(const struct aws_http *h)
{
    return h->now_unix ? h->now_unix(h->clock_ctx) : (int64_t)time(NULL);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms (scaled for tests) unless stopped first; false when stopped. */
static bool wait_ms(struct aws_http *h, int64_t ms)
{
    ms = (int64_t)((double)ms * h->time_scale);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&h->wait_mu);
    int rc = 0;
    while (!atomic_load(&h->stopped) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&h->wait_cv, &h->wait_mu, &until);
    bool stopped = atomic_load(&h->stopped);
    pthread_mutex_unlock(&h->wait_mu);
    return !stopped;
}

bool aws_http_wait_ms(struct aws_http *h, int64_t ms) { return wait_ms(h, ms); }

/* One attempt, signed with the clock read once so X-Amz-Date and the signature agree. */
static enum xa_status attempt_once(struct aws_http *h, const struct aws_http_call *call,
                                   const char *host, const char *path, const char *url,
                                   struct aws_http_response *resp, struct aws_error *err)
{
    int64_t now = now_unix(h);
    char amz_date[17];
    sigv4_amz_date(now, amz_date);
    const struct aws_credentials *cr = call->credentials;
    bool token = cr && cr->session_token && *cr->session_token;
    struct aws_http_header hdr[8];
    size_t n = 0;
    hdr[n++] = (struct aws_http_header){.name = "Host", .value = host};
    hdr[n++] = (struct aws_http_header){.name = "X-Amz-Date", .value = amz_date};
    if (call->content_type)
        hdr[n++] = (struct aws_http_header){.name = "Content-Type", .value = call->content_type};
    if (call->protocol == AWS_PROTOCOL_REST_JSON)
        hdr[n++] = (struct aws_http_header){.name = "Accept", .value = "application/json"};
    if (token)
        hdr[n++] = (struct aws_http_header){.name = "X-Amz-Security-Token",
                                            .value = cr->session_token};
    struct sigv4_result sig;
    sigv4_result_init(&sig);
    enum xa_status st = XA_OK;
    if (cr) {
        struct sigv4_header sh[8];
        for (size_t i = 0; i < n; i++)
            sh[i] = (struct sigv4_header){.name = hdr[i].name, .value = hdr[i].value};
        struct sigv4_request sr = {
            .method = call->method, .path = path, .query = call->query, .headers = sh,
            .nheaders = n, .payload = call->body, .payload_len = call->body_len,
        };
        struct sigv4_params sp = {
            .region = call->region, .service = call->signing_name, .unix_time = now,
            .double_encode_path = true, .normalize_path = true,
        };
        struct sigv4_credentials sc = {.access_key_id = cr->access_key_id,
                                       .secret_access_key = cr->secret_access_key,
                                       .session_token = cr->session_token};
        st = sigv4_sign(&sr, &sp, &sc, &sig);
        if (st == XA_OK)
            hdr[n++] = (struct aws_http_header){.name = "Authorization",
                                                .value = xbuf_cstr(&sig.authorization)};
        else
            aws_error_set_transport(err, st, "cannot sign the request");
    }
    if (st == XA_OK) {
        struct aws_http_request req = {
            .method = call->method, .url = url, .headers = hdr, .nheaders = n,
            .body = call->body, .body_len = call->body_len,
        };
        st = aws_http_perform(h, &req, resp, err);
    }
    xbuf_cleanup_secret(&sig.authorization);
    sigv4_result_cleanup(&sig);
    return st;
}

static void log_attempt(const struct aws_http_call *call, const char *url,
                        const struct aws_http_response *resp, enum xa_status st, int attempt,
                        int64_t latency)
{
    if (!log_enabled(LOG_TRACE))
        return;
    char status[24], att[16], lat[24];
    snprintf(status, sizeof status, "%ld", resp->status);
    snprintf(att, sizeof att, "%d", attempt);
    snprintf(lat, sizeof lat, "%lld", (long long)latency);
    log_kv(LOG_TRACE, LOG_MODULE, "AWS request", "operation", call->operation, "method",
           call->method, "url", url, "http_status", status, "request_id",
           resp->request_id ? resp->request_id : "", "attempt", att, "latency_ms", lat,
           "result", st == XA_OK ? "answered" : xa_status_str(st), (const char *)NULL);
}

/* Before each backoff wait. No answer at all (connection refused, DNS, timeout) is worth
 * a WARN line per attempt: at configure it is all a user sees for minutes (TF_LOG=WARN),
 * and it names the endpoint so a wrong one is spotted. AWS error answers stay at DEBUG. */
static void log_retry(const struct aws_http_call *call, const char *endpoint,
                      const struct aws_error *err, int attempt, int max_attempts, int64_t delay)
{
    bool unreachable = err->transport != XA_OK;
    if (!log_enabled(unreachable ? LOG_WARN : LOG_DEBUG))
        return;
    if (unreachable)
        log_msg(LOG_WARN, LOG_MODULE, "%s %s: cannot reach %s (%s); attempt %d of %d "
                "failed, retrying in %lld ms", call->service ? call->service : "AWS",
                call->operation, endpoint,
                err->transport_detail ? err->transport_detail : xa_status_str(err->transport),
                attempt, max_attempts, (long long)delay);
    else
        log_msg(LOG_DEBUG, LOG_MODULE, "%s: retrying after %lld ms (attempt %d of %d failed)",
                call->operation, (long long)delay, attempt, max_attempts);
}

static enum xa_status fill_aws_error(const struct aws_http_call *call,
                                     const struct aws_http_response *resp, struct aws_error *err)
{
    aws_error_reset(err);
    if (call->protocol == AWS_PROTOCOL_QUERY)
        return aws_error_parse_query_xml(err, resp->status, resp->request_id, resp->body.data,
                                         resp->body.len);
    return aws_error_parse_rest_json(err, resp->status, resp->error_type, resp->request_id,
                                     resp->body.data, resp->body.len);
}

enum xa_status aws_http_call(struct aws_http *h, const struct aws_http_call *call,
                             struct aws_http_response *resp, struct aws_error *err)
{
    struct aws_endpoint_parts ep;
    aws_endpoint_parts_init(&ep);
    struct xbuf path, url;
    xbuf_init(&path);
    xbuf_init(&url);
    /* The Host header comes from curl's own parse of the endpoint, never from raw text:
     * user info ("user:pass@") is refused there. */
    enum xa_status st = aws_endpoint_split(call->endpoint, &ep, NULL);
    if (st == XA_OK)
        st = xbuf_appendf(&path, "%s%s", ep.path, call->path && *call->path ? call->path : "/");
    if (st == XA_OK)
        st = xbuf_appendf(&url, "%s%s", ep.origin, xbuf_cstr(&path));
    /* What messages call the endpoint: as configured, without the request's path. */
    const char *endpoint = call->endpoint;
    if (st == XA_OK && call->query && *call->query)
        st = xbuf_appendf(&url, "?%s", call->query);
    if (st != XA_OK) {
        aws_error_set_transport(err, st, st == XA_EINVAL ? "the endpoint URL is not usable"
                                                         : "out of memory");
        goto done;
    }
    int cost = 0;
    for (int attempt = 1;; attempt++) {
        if (h->adaptive && !retry_rate_acquire(&h->rate)) {
            st = XA_ECANCELED;
            aws_error_set_transport(err, st, "the provider is stopping");
            break;
        }
        aws_error_reset(err);
        int64_t t0 = mono_ms();
        st = attempt_once(h, call, ep.host, xbuf_cstr(&path), xbuf_cstr(&url), resp, err);
        log_attempt(call, xbuf_cstr(&url), resp, st, attempt, mono_ms() - t0);
        if (st == XA_OK && resp->status >= 200 && resp->status < 300) {
            retry_quota_release(&h->quota, cost);
            if (h->adaptive)
                retry_rate_update(&h->rate, false);
            break;
        }
        if (st == XA_OK) {
            st = fill_aws_error(call, resp, err) == XA_OK ? XA_EAWS : XA_ENOMEM;
        }
        err->attempts = attempt;
        retry_mark(err);
        if (h->adaptive)
            retry_rate_update(&h->rate, err->throttled);
        if (st == XA_ECANCELED || st == XA_ENOMEM || aws_http_stopped(h) ||
            !retry_should_retry(&h->policy, err, attempt) ||
            !retry_quota_acquire(&h->quota, err, &cost))
            break;
        /* Adaptive: the limiter paces the retry at the rate the server accepts. */
        int64_t delay = retry_delay_ms(&h->policy, attempt, h->adaptive ? NULL : resp->retry_after,
                                       retry_jitter());
        log_retry(call, endpoint, err, attempt, h->policy.max_attempts, delay);
        if (!wait_ms(h, delay)) {
            st = XA_ECANCELED;
            aws_error_set_transport(err, st, "the provider is stopping");
            err->attempts = attempt;
            break;
        }
    }
    if (st != XA_OK && !err->endpoint)
        aws_error_set_endpoint(err, endpoint);
    if (st != XA_OK && !err->operation) {
        struct xbuf op;
        xbuf_init(&op);
        if (xbuf_appendf(&op, "%s %s", call->service ? call->service : "AWS",
                         call->operation ? call->operation : "call") == XA_OK)
            aws_error_set_operation(err, xbuf_cstr(&op));
        xbuf_cleanup(&op);
    }
done:
    aws_endpoint_parts_cleanup(&ep);
    xbuf_cleanup(&path);
    xbuf_cleanup(&url);
    return st;
}
