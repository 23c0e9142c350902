/* aws/restjson.c - the request/response plumbing API Gateway and Lambda share.
 *
 * Labels are URI-encoded into the path here (the signer encodes the path once more for
 * the canonical URI), so a hostile or mistyped id cannot change which resource a request
 * names; an empty label is refused rather than sent as "//". Query values are
 * URI-encoded too. An answer that is not a JSON object is an AWS-side failure (XA_EAWS)
 * carrying the HTTP status, so that callers never read members of something else.
 */
#include "aws/restjson.h"

#include <stdio.h>
#include <string.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "util/alloc.h"
#include "util/buf.h"

static void set_operation(struct aws_error *err, const struct rj_service *svc, const char *op)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", svc->name, op);
    aws_error_set_operation(err, name);
}

enum xa_status rj_fail(struct aws_error *err, const struct rj_service *svc, const char *op,
                       const char *msg)
{
    set_operation(err, svc, op);
    aws_error_set_message(err, msg);
    return XA_EINVAL;
}

/* tmpl with each "{}" replaced by the next label, URI-encoded. */
static enum xa_status build_path(struct xbuf *p, const char *tmpl, const char *const *labels)
{
    enum xa_status st = XA_OK;
    size_t n = 0;
    for (const char *s = tmpl; st == XA_OK && *s;) {
        const char *hole = strstr(s, "{}");
        size_t len = hole ? (size_t)(hole - s) : strlen(s);
        st = xbuf_append(p, s, len);
        if (st == XA_OK && hole) {
            const char *label = n < RJ_MAX_LABELS ? labels[n++] : NULL;
            st = label && *label ? aws_http_uri_encode(p, label) : XA_EINVAL;
        }
        s += len + (hole ? 2 : 0);
    }
    return st;
}

static enum xa_status build_query(struct xbuf *q, const struct rj_request *req)
{
    enum xa_status st = XA_OK;
    for (size_t i = 0; st == XA_OK && i < RJ_MAX_PARAMS; i++) {
        const char *value = req->query[i].value;
        if (!req->query[i].name || !value || !*value)
            continue;
        st = xbuf_appendf(q, "%s%s=", q->len ? "&" : "", req->query[i].name);
        if (st == XA_OK)
            st = aws_http_uri_encode(q, value);
    }
    return st;
}

static json_t *parse_object(const struct aws_http_response *resp, const struct rj_service *svc,
                            const char *op, struct aws_error *err)
{
    json_t *o = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        set_operation(err, svc, op);
        aws_error_set_messagef(err, "%s answered HTTP %ld with a body that is not a JSON "
                               "object", svc->name, resp->status);
        err->http_status = resp->status;
        return NULL;
    }
    return o;
}

enum xa_status rj_call(struct aws_client *c, const char *region, const struct rj_service *svc,
                       const struct rj_request *req, json_t **out, struct aws_error *err)
{
    if (out)
        *out = NULL;
    struct xbuf path, query;
    xbuf_init(&path);
    xbuf_init(&query);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = build_path(&path, req->path, req->labels);
    if (st == XA_EINVAL)
        st = rj_fail(err, svc, req->op, req->bad_label);
    if (st == XA_OK)
        st = build_query(&query, req);
    if (st == XA_OK) {
        struct aws_service_request sr = {
            .operation = req->op, .service = svc->id, .method = req->method,
            .path = xbuf_cstr(&path), .query = query.len ? xbuf_cstr(&query) : NULL,
            .content_type = req->body ? "application/json" : NULL, .body = req->body,
            .body_len = req->body ? strlen(req->body) : 0,
        };
        st = aws_client_send(c, region, &sr, &resp, err);
    }
    if (st == XA_OK && out) {
        *out = parse_object(&resp, svc, req->op, err);
        if (!*out)
            st = XA_EAWS;
    }
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&path);
    xbuf_cleanup(&query);
    return st;
}

char *rj_str(bool *oom, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    char *s = xa_strdup(json_string_value(v));
    if (!s)
        *oom = true;
    return s;
}
