/* tests/integration/emu_client.c - the client the integration tests drive the emulator
 * with (emu_client.h): process control, libcurl requests, SigV4 signing with aws/sigv4.h,
 * request-log counts and a TCP relay (test_aws_client_faults.c). */
#include "emu_client.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "aws/sigv4.h"

/* ------------------------------------------------------------- the process */

int tc_spawn(struct tc_emu *e, const char *seed, bool tls, const char *faults)
{
    int fds[2];
    memset(e, 0, sizeof *e);
    e->tls = tls;
    if (pipe(fds) != 0)
        return -1;
    char seed_path[512];
    /* An absolute seed path (a seed a test generated) is taken as it is. */
    snprintf(seed_path, sizeof seed_path, "%s%s%s", seed[0] == '/' ? "" : AWSEMU_SEEDS,
             seed[0] == '/' ? "" : "/", seed);
    snprintf(e->ca_path, sizeof e->ca_path, "/tmp/awsemu-test-ca-%d.pem", (int)getpid());
    e->pid = fork();
    if (e->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        const char *argv[12] = {"awsemu", "--seed", seed_path, "--port", "0"};
        int n = 5;
        if (tls) {
            argv[n++] = "--tls";
            argv[n++] = "--ca-out";
            argv[n++] = e->ca_path;
        }
        if (faults != NULL) {
            argv[n++] = "--faults";
            argv[n++] = faults;
        }
        execv(AWSEMU_PATH, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = "";
    FILE *f = fdopen(fds[0], "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
        if (f != NULL)
            fclose(f);
        tc_kill(e);
        return -1;
    }
    fclose(f);
    e->port = atoi(line);
    return e->port > 0 ? 0 : -1;
}

void tc_kill(struct tc_emu *e)
{
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        waitpid(e->pid, NULL, 0);
        e->pid = 0;
    }
}

/* ------------------------------------------------------------ HTTP helpers */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    xbuf_append(ud, p, size * n);
    return size * n;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    if (len > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
        const char *v = line + nl + 1;
        while (*v == ' ')
            v++;
        size_t vl = (size_t)(line + len - v);
        while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(out, n, "%.*s", (int)vl, v);
    }
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct tc_reply *r = ud;
    header_value(p, size * n, "x-amzn-ErrorType", r->error_type, sizeof r->error_type);
    header_value(p, size * n, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
    header_value(p, size * n, "Retry-After", r->retry_after, sizeof r->retry_after);
    header_value(p, size * n, "x-awsemu-reason", r->reason, sizeof r->reason);
    return size * n;
}

void tc_reply_init(struct tc_reply *r)
{
    memset(r, 0, sizeof *r);
    xbuf_init(&r->body);
}

void tc_reply_cleanup(struct tc_reply *r)
{
    xbuf_cleanup(&r->body);
}

void tc_send(const struct tc_emu *e, const char *method, const char *path_query,
                     const char *body, struct curl_slist *headers, struct tc_reply *out)
{
    char url[2048];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", e->tls ? "https" : "http", e->port,
             path_query);
    CURL *c = curl_easy_init();
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (e->tls)
        curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_path);
    out->curl = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &out->seconds);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
}

void tc_aws(const struct tc_emu *e, const struct tc_call *k, struct tc_reply *out)
{
    char host[64], date[17], hdr[4096], pq[2048];
    int64_t t = (int64_t)time(NULL) + k->skew;
    snprintf(host, sizeof host, "127.0.0.1:%d", e->port);
    sigv4_amz_date(t, date);
    const char *ctype = strcmp(k->service, "sts") == 0 ? "application/x-www-form-urlencoded"
                                                       : "application/json";
    struct sigv4_header hs[4] = {{"Host", host}, {"X-Amz-Date", date}, {"Content-Type", ctype}};
    size_t nh = 3;
    if (k->creds->token != NULL)
        hs[nh++] = (struct sigv4_header){"X-Amz-Security-Token", k->creds->token};
    const char *body = k->body ? k->body : "";
    const struct sigv4_request req = {.method = k->method, .path = k->path, .query = k->query,
                                      .headers = hs, .nheaders = nh, .payload = body,
                                      .payload_len = strlen(body)};
    const struct sigv4_params p = {.region = k->region, .service = k->service, .unix_time = t,
                                   .double_encode_path = true, .normalize_path = true};
    const struct sigv4_credentials c = {.access_key_id = k->creds->akid,
                                        .secret_access_key = k->creds->secret,
                                        .session_token = k->creds->token};
    struct sigv4_result sr;
    sigv4_result_init(&sr);
    assert_int_equal(sigv4_sign(&req, &p, &c, &sr), XA_OK);
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < nh; i++) {
        snprintf(hdr, sizeof hdr, "%s: %s", hs[i].name, hs[i].value);
        l = curl_slist_append(l, hdr);
    }
    snprintf(hdr, sizeof hdr, "Authorization: %s", xbuf_cstr(&sr.authorization));
    if (k->bad_signature)
        hdr[strlen(hdr) - 1] = hdr[strlen(hdr) - 1] == '0' ? '1' : '0';
    l = curl_slist_append(l, hdr);
    sigv4_result_cleanup(&sr);
    snprintf(pq, sizeof pq, "%s%s%s", k->path, k->query ? "?" : "", k->query ? k->query : "");
    tc_send(e, k->method, pq, k->body, l, out);
}

void tc_ctl(const struct tc_emu *e, const char *method, const char *path,
                const char *body, struct tc_reply *out)
{
    tc_send(e, method, path, body, curl_slist_append(NULL, "Content-Type: application/json"),
             out);
}

json_t *tc_json(const struct tc_reply *r)
{
    json_t *j = json_loads(xbuf_cstr(&r->body), 0, NULL);
    if (j == NULL)
        fail_msg("not JSON: %s", xbuf_cstr(&r->body));
    return j;
}

const char *tc_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The text between <tag> and </tag> in an XML body, into out. */
const char *tc_xml(const struct tc_reply *r, const char *tag, char *out, size_t n)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(xbuf_cstr(&r->body), open), *b = a ? strstr(a, close) : NULL;
    out[0] = '\0';
    if (a != NULL && b != NULL)
        snprintf(out, n, "%.*s", (int)(b - a - strlen(open)), a + strlen(open));
    return out;
}


int tc_log_count(const struct tc_emu *e, const char *operation, long status, const char *fault)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(e, "GET", "/_emu/log", NULL, &r);
    int n = r.status == 200 ? 0 : -1;
    char *save = NULL;
    for (char *line = n == 0 ? strtok_r(r.body.data, "\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *o = json_loads(line, 0, NULL);
        if (o != NULL && strcmp(tc_str(o, "operation"), operation) == 0 &&
            (status < 0 || json_integer_value(json_object_get(o, "status")) == status) &&
            (fault == NULL || strcmp(tc_str(o, "fault"), fault) == 0))
            n++;
        json_decref(o);
    }
    tc_reply_cleanup(&r);
    return n;
}

/* ----------------------------------------------------------------- the relay */

#define RELAY_PAIRS 16

struct tc_relay {
    int emu_port;
    int listen_fd;
    int port;
    int wake[2];
    pthread_t thread;
    tc_relay_fn on_answer;
    void *ctx;
    int fds[RELAY_PAIRS][2];     /* [client side, emulator side]; -1 when free */
};

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int connect_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void relay_close_pair(struct tc_relay *r, int i)
{
    close(r->fds[i][0]);
    close(r->fds[i][1]);
    r->fds[i][0] = r->fds[i][1] = -1;
}

static void relay_accept(struct tc_relay *r)
{
    int cfd = accept(r->listen_fd, NULL, NULL);
    int efd = cfd >= 0 ? connect_port(r->emu_port) : -1;
    int slot = -1;
    for (int i = 0; i < RELAY_PAIRS && slot < 0; i++)
        if (r->fds[i][0] < 0)
            slot = i;
    if (cfd >= 0 && efd >= 0 && slot >= 0) {
        r->fds[slot][0] = cfd;
        r->fds[slot][1] = efd;
        return;
    }
    if (cfd >= 0)
        close(cfd);
    if (efd >= 0)
        close(efd);
}

/* One poll loop for every connection; a write to `wake` ends it. */
static void *relay_main(void *arg)
{
    struct tc_relay *r = arg;
    char buf[65536];
    for (;;) {
        struct pollfd p[2 + 2 * RELAY_PAIRS];
        int idx[2 + 2 * RELAY_PAIRS];
        nfds_t n = 0;
        p[n++] = (struct pollfd){.fd = r->wake[0], .events = POLLIN};
        p[n++] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
        for (int i = 0; i < RELAY_PAIRS; i++) {
            for (int side = 0; side < 2 && r->fds[i][0] >= 0; side++) {
                idx[n] = i * 2 + side;
                p[n++] = (struct pollfd){.fd = r->fds[i][side], .events = POLLIN};
            }
        }
        if (poll(p, n, 1000) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (p[1].revents & POLLIN)
            relay_accept(r);
        for (nfds_t k = 2; k < n; k++) {
            int i = idx[k] / 2, side = idx[k] % 2;
            if (!p[k].revents || r->fds[i][side] < 0)
                continue;
            ssize_t got = read(r->fds[i][side], buf, sizeof buf);
            if (got <= 0) {
                relay_close_pair(r, i);
                continue;
            }
            if (side == 1 && r->on_answer != NULL)
                r->on_answer(r->ctx, buf, (size_t)got);
            if (!write_all(r->fds[i][1 - side], buf, (size_t)got))
                relay_close_pair(r, i);
        }
    }
    return NULL;
}

struct tc_relay *tc_relay_start(const struct tc_emu *e, tc_relay_fn on_answer, void *ctx)
{
    struct tc_relay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    *r = (struct tc_relay){.emu_port = e->port, .listen_fd = -1, .wake = {-1, -1},
                           .on_answer = on_answer, .ctx = ctx};
    for (int i = 0; i < RELAY_PAIRS; i++)
        r->fds[i][0] = r->fds[i][1] = -1;
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->listen_fd < 0 || bind(r->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(r->listen_fd, 16) != 0 ||
        getsockname(r->listen_fd, (struct sockaddr *)&a, &len) != 0 || pipe(r->wake) != 0 ||
        pthread_create(&r->thread, NULL, relay_main, r) != 0) {
        if (r->listen_fd >= 0)
            close(r->listen_fd);
        if (r->wake[0] >= 0) {
            close(r->wake[0]);
            close(r->wake[1]);
        }
        free(r);
        return NULL;
    }
    r->port = ntohs(a.sin_port);
    return r;
}

int tc_relay_port(const struct tc_relay *r)
{
    return r->port;
}

void tc_relay_stop(struct tc_relay *r)
{
    if (r == NULL)
        return;
    if (write(r->wake[1], "x", 1) == 1)
        pthread_join(r->thread, NULL);
    for (int i = 0; i < RELAY_PAIRS; i++)
        if (r->fds[i][0] >= 0)
            relay_close_pair(r, i);
    close(r->listen_fd);
    close(r->wake[0]);
    close(r->wake[1]);
    free(r);
}
