/* tests/unit/fake_aws_server.c - a tiny HTTP/1.1 server on 127.0.0.1 for aws/ unit tests.
 *
 * Included (#include "fake_aws_server.c") by the tests that need it, so that no CMake
 * change is needed. One thread accepts; each connection gets its own thread and may carry
 * several requests (curl keeps connections alive). Requests are recorded; answers come
 * from a handler callback or, without one, from a scripted queue (the last entry repeats).
 * An answer can be delayed, or "dropped": the connection is closed without a response.
 * Everything is plain libc + pthreads; nothing here is production code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FAKE_MAX_REQS 256
#define FAKE_MAX_SCRIPT 64
#define FAKE_MAX_CONNS 128
#define FAKE_MAX_HEADERS 32

struct fake_header {
    char *name;
    char *value;
};

struct fake_request {
    char method[16];
    char *path;       /* wire path, still percent-encoded */
    char *query;      /* without '?', "" when none */
    struct fake_header headers[FAKE_MAX_HEADERS];
    size_t nheaders;
    char *body;
    size_t body_len;
};

struct fake_response {
    int status;
    const char *headers;   /* extra header lines, each ending "\r\n"; may be NULL */
    const char *body;      /* may be NULL */
    int delay_ms;
    bool drop;             /* close the connection without answering */
};

typedef struct fake_response (*fake_handler)(void *ctx, const struct fake_request *req);

struct fake_server {
    int fd;
    int port;
    char url[64];
    pthread_t acceptor;
    atomic_bool stop;
    pthread_mutex_t mu;
    struct fake_request reqs[FAKE_MAX_REQS];
    size_t nreqs;
    struct fake_response script[FAKE_MAX_SCRIPT];
    size_t nscript, next;
    fake_handler handler;
    void *handler_ctx;
    pthread_t conns[FAKE_MAX_CONNS];
    int conn_fds[FAKE_MAX_CONNS];
    size_t nconns;
};

static __attribute__((unused)) const char *fake_req_header(const struct fake_request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static __attribute__((unused)) void fake_request_free(struct fake_request *r)
{
    free(r->path);
    free(r->query);
    free(r->body);
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    memset(r, 0, sizeof *r);
}

/* Reads more bytes into buf; false on EOF, error or stop. */
static __attribute__((unused)) bool fake_fill(struct fake_server *s, int fd, char **buf, size_t *len, size_t *cap)
{
    for (;;) {
        if (atomic_load(&s->stop))
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, 100);
        if (rc == 0)
            continue;
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return false;
        if (*len + 4096 + 1 > *cap) {
            *cap = (*cap ? *cap * 2 : 8192) + 4096;
            *buf = realloc(*buf, *cap);
        }
        ssize_t n = read(fd, *buf + *len, 4096);
        if (n <= 0)
            return false;
        *len += (size_t)n;
        (*buf)[*len] = '\0';
        return true;
    }
}

static __attribute__((unused)) void fake_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static __attribute__((unused)) struct fake_response fake_pick(struct fake_server *s, const struct fake_request *req)
{
    if (s->handler)
        return s->handler(s->handler_ctx, req);
    pthread_mutex_lock(&s->mu);
    struct fake_response r = {.status = 500, .body = "{\"message\":\"no scripted answer\"}"};
    if (s->nscript) {
        r = s->script[s->next < s->nscript ? s->next : s->nscript - 1];
        s->next++;
    }
    pthread_mutex_unlock(&s->mu);
    return r;
}

struct fake_conn_arg {
    struct fake_server *s;
    int fd;
};

static __attribute__((unused)) void *fake_conn_main(void *arg)
{
    struct fake_conn_arg a = *(struct fake_conn_arg *)arg;
    free(arg);
    struct fake_server *s = a.s;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        char *end;
        while (!(end = buf ? strstr(buf, "\r\n\r\n") : NULL))
            if (!fake_fill(s, a.fd, &buf, &len, &cap))
                goto out;
        struct fake_request req;
        memset(&req, 0, sizeof req);
        size_t head = (size_t)(end - buf) + 4;
        char *line_end = strstr(buf, "\r\n");
        char target[8192] = "";
        sscanf(buf, "%15s %8191s", req.method, target);
        char *q = strchr(target, '?');
        req.query = strdup(q ? q + 1 : "");
        if (q)
            *q = '\0';
        req.path = strdup(target);
        size_t content_length = 0;
        for (char *l = line_end + 2; l < end && req.nheaders < FAKE_MAX_HEADERS;) {
            char *le = strstr(l, "\r\n");
            char *colon = memchr(l, ':', (size_t)(le - l));
            if (colon) {
                char *v = colon + 1;
                while (*v == ' ')
                    v++;
                req.headers[req.nheaders].name = strndup(l, (size_t)(colon - l));
                req.headers[req.nheaders].value = strndup(v, (size_t)(le - v));
                if (strcasecmp(req.headers[req.nheaders].name, "Content-Length") == 0)
                    content_length = strtoul(req.headers[req.nheaders].value, NULL, 10);
                req.nheaders++;
            }
            l = le + 2;
        }
        while (len < head + content_length)
            if (!fake_fill(s, a.fd, &buf, &len, &cap)) {
                fake_request_free(&req);
                goto out;
            }
        req.body = strndup(buf + head, content_length);
        req.body_len = content_length;
        memmove(buf, buf + head + content_length, len - head - content_length);
        len -= head + content_length;
        buf[len] = '\0';

        struct fake_response r = fake_pick(s, &req);
        pthread_mutex_lock(&s->mu);
        if (s->nreqs < FAKE_MAX_REQS)
            s->reqs[s->nreqs++] = req;
        else
            fake_request_free(&req);
        size_t seq = s->nreqs;
        pthread_mutex_unlock(&s->mu);
        for (int waited = 0; waited < r.delay_ms && !atomic_load(&s->stop); waited += 10)
            usleep(10000);
        if (r.drop || atomic_load(&s->stop))
            goto out;
        const char *body = r.body ? r.body : "";
        char hdr[1024];
        int n = snprintf(hdr, sizeof hdr,
                         "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nx-amzn-RequestId: req-%zu\r\n%s\r\n",
                         r.status, strlen(body), seq, r.headers ? r.headers : "");
        fake_write_all(a.fd, hdr, (size_t)n);
        fake_write_all(a.fd, body, strlen(body));
    }
out:
    free(buf);
    shutdown(a.fd, SHUT_RDWR);
    return NULL;
}

static __attribute__((unused)) void *fake_accept_main(void *arg)
{
    struct fake_server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        pthread_mutex_lock(&s->mu);
        if (s->nconns >= FAKE_MAX_CONNS) {
            pthread_mutex_unlock(&s->mu);
            close(c);
            continue;
        }
        struct fake_conn_arg *a = malloc(sizeof *a);
        a->s = s;
        a->fd = c;
        s->conn_fds[s->nconns] = c;
        pthread_create(&s->conns[s->nconns], NULL, fake_conn_main, a);
        s->nconns++;
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

static __attribute__((unused)) struct fake_server *fake_server_start(void)
{
    struct fake_server *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(s->fd, (struct sockaddr *)&addr, sizeof addr);
    listen(s->fd, 64);
    socklen_t alen = sizeof addr;
    getsockname(s->fd, (struct sockaddr *)&addr, &alen);
    s->port = ntohs(addr.sin_port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    pthread_create(&s->acceptor, NULL, fake_accept_main, s);
    return s;
}

static __attribute__((unused)) void fake_server_script(struct fake_server *s, const struct fake_response *r, size_t n)
{
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < n && i < FAKE_MAX_SCRIPT; i++)
        s->script[i] = r[i];
    s->nscript = n;
    s->next = 0;
    pthread_mutex_unlock(&s->mu);
}

static __attribute__((unused)) size_t fake_server_count(struct fake_server *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->nreqs;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static __attribute__((unused)) void fake_server_reset(struct fake_server *s)
{
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nreqs; i++)
        fake_request_free(&s->reqs[i]);
    s->nreqs = 0;
    s->nscript = 0;
    s->next = 0;
    pthread_mutex_unlock(&s->mu);
}

static __attribute__((unused)) void fake_server_stop(struct fake_server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->acceptor, NULL);
    for (size_t i = 0; i < s->nconns; i++) {
        pthread_join(s->conns[i], NULL);
        close(s->conn_fds[i]);
    }
    close(s->fd);
    fake_server_reset(s);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* ---- SigV4 verification as AWS would do it, from the recorded request ---- */
#include "aws/sigv4.h"

/* Returns 0 when the Authorization header verifies with secret; else a negative code
 * saying which part did not match (printed by the caller). */
static __attribute__((unused)) int fake_verify_sigv4(const struct fake_request *r, const char *secret,
                             const char *region, const char *service)
{
    const char *auth = fake_req_header(r, "Authorization");
    const char *date = fake_req_header(r, "X-Amz-Date");
    if (!auth || !date)
        return -1;
    char ak[128], scope_date[16], scope_region[64], scope_service[64], signed_headers[512],
        signature[80];
    if (sscanf(auth,
               "AWS4-HMAC-SHA256 Credential=%127[^/]/%15[^/]/%63[^/]/%63[^/]/aws4_request, "
               "SignedHeaders=%511[^,], Signature=%79s",
               ak, scope_date, scope_region, scope_service, signed_headers, signature) != 6)
        return -2;
    if (strcmp(scope_region, region) != 0 || strcmp(scope_service, service) != 0 ||
        strncmp(scope_date, date, 8) != 0)
        return -3;
    struct tm tm = {0};
    if (sscanf(date, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -4;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    struct sigv4_header h[FAKE_MAX_HEADERS];
    for (size_t i = 0; i < r->nheaders; i++)
        h[i] = (struct sigv4_header){.name = r->headers[i].name, .value = r->headers[i].value};
    struct sigv4_request sr = {.method = r->method, .path = r->path,
                               .query = r->query[0] ? r->query : NULL, .headers = h,
                               .nheaders = r->nheaders, .payload = r->body,
                               .payload_len = r->body_len};
    struct sigv4_params sp = {.region = region, .service = service, .unix_time = timegm(&tm),
                              .double_encode_path = true, .normalize_path = true,
                              .signed_headers = signed_headers};
    struct sigv4_credentials sc = {.access_key_id = ak, .secret_access_key = secret,
                                   .session_token = fake_req_header(r, "X-Amz-Security-Token")};
    struct sigv4_result res;
    sigv4_result_init(&res);
    int rc = sigv4_sign(&sr, &sp, &sc, &res) == XA_OK ? 0 : -5;
    if (rc == 0 && strcmp(res.signature, signature) != 0)
        rc = -6;
    sigv4_result_cleanup(&res);
    return rc;
}

#ifdef FAKE_WITH_CLIENT
/* ---- A client pointed at the fake server with static keys ---- */
#include "aws/client.h"
#include "aws/errors.h"

#define FAKE_SECRET "fakeSecretKey/EXAMPLE/0123456789abcdef0123"

static __attribute__((unused)) struct aws_client *fake_client_new(struct fake_server *s,
                                                                  const char *region)
{
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    cfg.region = region;
    cfg.access_key = "AKIDFAKE";
    cfg.secret_key = FAKE_SECRET;
    cfg.endpoint_apigateway = s->url;
    cfg.endpoint_lambda = s->url;
    cfg.endpoint_sts = s->url;
    cfg.skip_requesting_account_id = true;
    cfg.skip_credentials_validation = true;
    cfg.max_retries = 2;
    cfg.retry_time_scale = 0.001;
    struct aws_client *c = NULL;
    struct aws_error err;
    aws_error_init(&err);
    if (aws_client_new(&cfg, &c, &err) != XA_OK)
        fprintf(stderr, "fake_client_new: %s\n", err.message ? err.message : "?");
    aws_error_cleanup(&err);
    return c;
}

/* The fixture of the typed-call tests: a fake server, a client in `region` pointed at it
 * (endpoint variables of the environment cleared), and an error to fill. */
struct fake_fixture {
    struct fake_server *srv;
    struct aws_client *c;
    struct aws_error err;
};

static __attribute__((unused)) struct fake_fixture *fake_fixture_new(const char *region)
{
    static const char *const endpoint_vars[] = {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_API_GATEWAY",
                                                "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_STS"};
    for (size_t i = 0; i < sizeof endpoint_vars / sizeof endpoint_vars[0]; i++)
        unsetenv(endpoint_vars[i]);
    struct fake_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->srv = fake_server_start();
    f->c = fake_client_new(f->srv, region);
    aws_error_init(&f->err);
    return f;
}

static __attribute__((unused)) void fake_fixture_free(struct fake_fixture *f)
{
    if (!f)
        return;
    aws_client_free(f->c);
    fake_server_stop(f->srv);
    aws_error_cleanup(&f->err);
    free(f);
}

/* cmocka setup/teardown around the two above. */
#define FAKE_FIXTURE_HOOKS(region)                                                           \
    static int setup(void **state)                                                           \
    {                                                                                        \
        struct fake_fixture *f = fake_fixture_new(region);                                   \
        *state = f;                                                                          \
        return f && f->c ? 0 : -1;                                                           \
    }                                                                                        \
    static int teardown(void **state)                                                        \
    {                                                                                        \
        fake_fixture_free(*state);                                                           \
        return 0;                                                                            \
    }

/* The one request the server saw: its method, path and query, signed for `service`. */
static __attribute__((unused)) struct fake_request *
fake_only_request(struct fake_fixture *f, const char *service, const char *region,
                  const char *method, const char *path, const char *query)
{
    assert_int_equal(fake_server_count(f->srv), 1);
    struct fake_request *r = &f->srv->reqs[0];
    assert_string_equal(r->method, method);
    assert_string_equal(r->path, path);
    assert_string_equal(r->query, query);
    assert_int_equal(fake_verify_sigv4(r, FAKE_SECRET, region, service), 0);
    return r;
}
#endif
