/* awsemu/http.c - the libmicrohttpd front (see http.h).
 *
 * The raw request URI is taken from MHD's URI log callback, before MHD decodes anything,
 * because the signature covers the path exactly as sent (Lambda ARNs arrive as %3A).
 * That callback's return value becomes the connection's per-request context.
 */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "reqlog.h"
#include "util/alloc.h"

#define MAX_BODY (1024 * 1024)
#define MAX_REQ_HEADERS 64

struct http_server {
    struct MHD_Daemon *daemon;
    struct emu_server *emu;
};

struct conn_ctx {
    struct emu_req req;
    bool started;
    bool too_big;
    struct timespec start;
};

static void ctx_free(struct conn_ctx *c)
{
    if (c == NULL)
        return;
    xa_free(c->req.path);
    xa_free(c->req.query);
    for (size_t i = 0; i < c->req.nheaders; i++) {
        xa_free(c->req.headers[i].name);
        xa_free(c->req.headers[i].value);
    }
    xa_free(c->req.headers);
    xbuf_cleanup(&c->req.body);
    xa_free(c);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    struct conn_ctx *c = xa_calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    xbuf_init(&c->req.body);
    const char *q = strchr(uri, '?');
    c->req.path = q ? xa_strndup(uri, (size_t)(q - uri)) : xa_strdup(uri);
    c->req.query = q ? xa_strdup(q + 1) : NULL;
    c->req.headers = xa_calloc(MAX_REQ_HEADERS, sizeof *c->req.headers);
    if (c->req.path == NULL || (q != NULL && c->req.query == NULL) || c->req.headers == NULL) {
        ctx_free(c);
        return NULL;
    }
    return c;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    ctx_free(*con_cls);
    *con_cls = NULL;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct emu_req *r = cls;
    if (r->nheaders == MAX_REQ_HEADERS)
        return MHD_NO;
    r->headers[r->nheaders].name = xa_strdup(key);
    r->headers[r->nheaders].value = xa_strdup(value ? value : "");
    if (r->headers[r->nheaders].name == NULL || r->headers[r->nheaders].value == NULL) {
        xa_free(r->headers[r->nheaders].name);
        xa_free(r->headers[r->nheaders].value);
        return MHD_NO;
    }
    r->nheaders++;
    return MHD_YES;
}

/* Drops the connection; with reset, as an RST (SO_LINGER 0) rather than a FIN. */
static enum MHD_Result drop(struct MHD_Connection *con, bool reset)
{
    if (reset) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci != NULL) {
            struct linger lg = {.l_onoff = 1, .l_linger = 0};
            setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
    }
    return MHD_NO;
}

static void log_request(struct http_server *h, struct conn_ctx *c, const struct emu_resp *resp)
{
    if (strncmp(c->req.path, "/_emu/", 6) == 0 &&
        strncmp(c->req.path, "/_emu/execute-api/", 18) != 0)
        return;   /* test control stays out of the log it serves */
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - c->start.tv_nsec) / 1e6;
    const struct reqlog_entry e = {
        .method = c->req.method,
        .path = c->req.path,
        .service = c->req.service[0] ? c->req.service : NULL,
        .operation = c->req.operation,
        .account = c->req.account[0] ? c->req.account : NULL,
        .status = resp->drop ? 0 : resp->status,
        .latency_ms = ms,
        .fault = resp->fault,
    };
    reqlog_add(h->emu->log, &e);
}

static enum MHD_Result send_response(struct MHD_Connection *con, const struct emu_req *r,
                                     const struct emu_resp *resp)
{
    struct MHD_Response *m = MHD_create_response_from_buffer(
        resp->body.len, resp->body.data ? resp->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (m == NULL)
        return MHD_NO;
    if (resp->content_type[0] != '\0')
        MHD_add_response_header(m, "Content-Type", resp->content_type);
    if (r->request_id[0] != '\0')
        MHD_add_response_header(m, "x-amzn-RequestId", r->request_id);
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(m, resp->headers[i].name, resp->headers[i].value);
    enum MHD_Result rc = MHD_queue_response(con, (unsigned)resp->status, m);
    MHD_destroy_response(m);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct http_server *h = cls;
    struct conn_ctx *c = *con_cls;
    if (c == NULL)
        return MHD_NO;
    if (!c->started) {
        c->started = true;
        snprintf(c->req.method, sizeof c->req.method, "%s", method);
        MHD_get_connection_values(con, MHD_HEADER_KIND, collect_header, &c->req);
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        if (c->req.body.len + *upload_data_size > MAX_BODY)
            c->too_big = true;
        else if (xbuf_append(&c->req.body, upload_data, *upload_data_size) != XA_OK)
            c->too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct emu_resp resp;
    emu_resp_init(&resp);
    if (c->too_big)
        emu_resp_text(&resp, 413, "application/json",
                      "{\"message\":\"Request must be smaller than 1048576 bytes\"}");
    else
        dispatch_request(h->emu, &c->req, &resp);
    log_request(h, c, &resp);
    enum MHD_Result rc = resp.drop ? drop(con, resp.reset) : send_response(con, &c->req, &resp);
    emu_resp_cleanup(&resp);
    return rc;
}

struct http_server *http_start(struct emu_server *s, const struct http_options *o,
                               uint16_t *port_out, char *err, size_t errlen)
{
    struct http_server *h = xa_calloc(1, sizeof *h);
    if (h == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->emu = s;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(o->port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool tls = o->cert_pem != NULL && o->key_pem != NULL;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | (tls ? MHD_USE_TLS : 0);
    if (tls) {
        h->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, h, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_SOCK_ADDR, &addr,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)120, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
            MHD_OPTION_HTTPS_MEM_CERT, o->cert_pem, MHD_OPTION_HTTPS_MEM_KEY, o->key_pem,
            MHD_OPTION_END);
    } else {
        h->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, h, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_SOCK_ADDR, &addr,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)120, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512, MHD_OPTION_END);
    }
    if (h->daemon == NULL) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u%s", o->port,
                 tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES
                     ? " (this libmicrohttpd has no TLS)" : "");
        xa_free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = di ? di->port : o->port;
    return h;
}

void http_stop(struct http_server *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->daemon);
    xa_free(h);
}
