/* aws/client.c - building the configured client and routing service calls through it.
 *
 * aws_client_new: deep-copies the configuration (secret strings are wiped when the client
 * is freed), settles the region (argument, AWS_REGION, AWS_DEFAULT_REGION, the profile's
 * `region`), validates it, creates the transport, the credential chain and, unless
 * skipped, asks STS once for the account ID and checks allowed/forbidden_account_ids.
 * aws_client_send: endpoint for (service, region), current credentials, aws_http_call.
 */
#include "aws/client.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/credentials_provider.h"
#include "aws/credentials_sources.h"
#include "aws/endpoints.h"
#include "aws/errors.h"
#include "aws/http.h"
#include "aws/sts.h"
#include "util/alloc.h"
#include "util/file.h"
#include "util/log.h"

/* The system bundle is about 200 KiB; a custom one is usually a few certificates. */
#define CA_BUNDLE_MAX (8u << 20)

struct owned {
    void *p;
    size_t len;
};

struct aws_client {
    struct aws_client_config cfg;   /* deep copy; every pointer is in `owned` */
    struct owned *owned;
    size_t nowned;
    bool oom;
    char *region;
    char *sts_region;
    char *sts_endpoint;
    char *account_id;
    struct aws_http *http;
    struct aws_credentials_provider *creds;
};

/* ------------------------------------------------------------------------- config copy */

static void *keep(struct aws_client *c, void *p, size_t len)
{
    if (!p) {
        c->oom = true;
        return NULL;
    }
    struct owned *o = xa_realloc(c->owned, (c->nowned + 1) * sizeof *o);
    if (!o) {
        xa_free(p);
        c->oom = true;
        return NULL;
    }
    c->owned = o;
    c->owned[c->nowned++] = (struct owned){.p = p, .len = len};
    return p;
}

static const char *cp_str(struct aws_client *c, const char *s)
{
    return s ? keep(c, xa_strdup(s), strlen(s)) : NULL;
}

static const char *const *cp_strv(struct aws_client *c, const char *const *v, size_t n)
{
    if (!v || !n)
        return NULL;
    const char **out = keep(c, xa_calloc(n, sizeof *out), n * sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        out[i] = cp_str(c, v[i]);
    return out;
}

static void copy_config(struct aws_client *c, const struct aws_client_config *in)
{
    struct aws_client_config *o = &c->cfg;
    *o = *in;
    const char **strs[] = {&o->region, &o->sts_region, &o->access_key, &o->secret_key,
                           &o->token, &o->profile, &o->endpoint_apigateway, &o->endpoint_lambda,
                           &o->endpoint_sts, &o->endpoint_ec2_metadata, &o->custom_ca_bundle,
                           &o->http_proxy, &o->https_proxy, &o->no_proxy, &o->user_agent_extra};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        *strs[i] = cp_str(c, *strs[i]);
    o->shared_config_files = cp_strv(c, in->shared_config_files, in->nshared_config_files);
    o->shared_credentials_files =
        cp_strv(c, in->shared_credentials_files, in->nshared_credentials_files);
    o->allowed_account_ids = cp_strv(c, in->allowed_account_ids, in->nallowed_account_ids);
    o->forbidden_account_ids = cp_strv(c, in->forbidden_account_ids, in->nforbidden_account_ids);
    if (in->nassume_role && in->assume_role) {
        size_t n = in->nassume_role;
        struct aws_assume_role_config *ar = keep(c, xa_calloc(n, sizeof *ar), n * sizeof *ar);
        for (size_t i = 0; ar && i < n; i++) {
            const struct aws_assume_role_config *s = &in->assume_role[i];
            ar[i] = *s;
            ar[i].role_arn = cp_str(c, s->role_arn);
            ar[i].session_name = cp_str(c, s->session_name);
            ar[i].external_id = cp_str(c, s->external_id);
            ar[i].policy = cp_str(c, s->policy);
            ar[i].source_identity = cp_str(c, s->source_identity);
            ar[i].policy_arns = cp_strv(c, s->policy_arns, s->npolicy_arns);
            ar[i].transitive_tag_keys = cp_strv(c, s->transitive_tag_keys, s->ntransitive_tag_keys);
            if (s->ntags && s->tags) {
                struct aws_kv_ref *t = keep(c, xa_calloc(s->ntags, sizeof *t), s->ntags * sizeof *t);
                for (size_t k = 0; t && k < s->ntags; k++) {
                    t[k].key = cp_str(c, s->tags[k].key);
                    t[k].value = cp_str(c, s->tags[k].value);
                }
                ar[i].tags = t;
            } else {
                ar[i].tags = NULL;
                ar[i].ntags = 0;
            }
        }
        o->assume_role = ar;
    } else {
        o->assume_role = NULL;
        o->nassume_role = 0;
    }
    if (in->assume_role_with_web_identity) {
        const struct aws_assume_role_web_identity_config *s = in->assume_role_with_web_identity;
        struct aws_assume_role_web_identity_config *w = keep(c, xa_calloc(1, sizeof *w), sizeof *w);
        if (w) {
            *w = *s;
            w->role_arn = cp_str(c, s->role_arn);
            w->session_name = cp_str(c, s->session_name);
            w->web_identity_token = cp_str(c, s->web_identity_token);
            w->web_identity_token_file = cp_str(c, s->web_identity_token_file);
            w->policy = cp_str(c, s->policy);
            w->policy_arns = cp_strv(c, s->policy_arns, s->npolicy_arns);
        }
        o->assume_role_with_web_identity = w;
    }
}

/* ------------------------------------------------------------------------- lifecycle */

void aws_client_config_init(struct aws_client_config *c)
{
    *c = (struct aws_client_config){.max_retries = -1, .retry_mode = AWS_RETRY_STANDARD};
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    aws_credentials_provider_free(c->creds);
    aws_http_free(c->http);
    for (size_t i = 0; i < c->nowned; i++) {
        OPENSSL_cleanse(c->owned[i].p, c->owned[i].len);
        xa_free(c->owned[i].p);
    }
    xa_free(c->owned);
    xa_free(c->region);
    xa_free(c->sts_region);
    xa_free(c->sts_endpoint);
    xa_free(c->account_id);
    xa_free(c);
}

static const char *first_env(const char *a, const char *b)
{
    const char *v = getenv(a);
    if (!v || !*v)
        v = getenv(b);
    return v && *v ? v : NULL;
}

/* Region from the configuration, the environment or the profile. */
static enum xa_status settle_region(struct aws_client *c, struct aws_error *err)
{
    const char *r = c->cfg.region && *c->cfg.region ? c->cfg.region
                                                    : first_env("AWS_REGION", "AWS_DEFAULT_REGION");
    struct creds_profiles pr = {0};
    struct xbuf why;
    xbuf_init(&why);
    enum xa_status st = XA_OK;
    if (!r && creds_profiles_load(&c->cfg, &pr, &why) == XA_OK) {
        const char *prof = c->cfg.profile && *c->cfg.profile ? c->cfg.profile : getenv("AWS_PROFILE");
        r = creds_profiles_get(&pr, prof && *prof ? prof : "default", "region");
    }
    if (!r) {
        aws_error_set_message(err, "The AWS region is not set. Set `region` in the provider "
                                   "block, or AWS_REGION, or `region` in the profile.");
        st = XA_EINVAL;
    } else if (!c->cfg.skip_region_validation && !aws_client_check_region(r, &why)) {
        aws_error_set_message(err, xbuf_cstr(&why));
        st = XA_EINVAL;
    } else {
        c->region = xa_strdup(r);
        const char *sr = c->cfg.sts_region && *c->cfg.sts_region ? c->cfg.sts_region : r;
        c->sts_region = xa_strdup(sr);
        st = c->region && c->sts_region ? XA_OK : XA_ENOMEM;
    }
    creds_profiles_cleanup(&pr);
    xbuf_cleanup(&why);
    return st;
}

static bool listed(const char *id, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && strcmp(v[i], id) == 0)
            return true;
    return false;
}

static enum xa_status learn_account(struct aws_client *c, struct aws_error *err)
{
    struct aws_credentials cr;
    aws_credentials_init(&cr);
    struct sts_caller_identity id = {0};
    enum xa_status st = aws_credentials_provider_get(c->creds, &cr, err);
    bool need_id = !c->cfg.skip_requesting_account_id || !c->cfg.skip_credentials_validation;
    if (st == XA_OK && need_id) {
        struct sts_target t = {.http = c->http, .endpoint = c->sts_endpoint,
                               .region = c->sts_region};
        st = sts_get_caller_identity_with(&t, &cr, &id, err);
        if (st == XA_OK) {
            c->account_id = xa_strdup(id.account);
            st = c->account_id ? XA_OK : XA_ENOMEM;
            log_kv(LOG_DEBUG, "xacct.aws", "AWS account identified", "account_id", id.account,
                   "caller_arn", id.arn ? id.arn : "", (const char *)NULL);
        }
    }
    if (st == XA_OK && !c->account_id)
        st = (c->account_id = xa_strdup("")) ? XA_OK : XA_ENOMEM;
    bool lists = c->cfg.nallowed_account_ids || c->cfg.nforbidden_account_ids;
    if (st == XA_OK && lists && !*c->account_id) {
        aws_error_set_message(err, "allowed_account_ids and forbidden_account_ids need the "
                                   "account ID; do not set skip_requesting_account_id with them.");
        st = XA_EINVAL;
    } else if (st == XA_OK && c->cfg.nallowed_account_ids &&
               !listed(c->account_id, c->cfg.allowed_account_ids, c->cfg.nallowed_account_ids)) {
        aws_error_set_messagef(err, "AWS account ID not allowed: %s (not in allowed_account_ids)",
                               c->account_id);
        st = XA_EINVAL;
    } else if (st == XA_OK &&
               listed(c->account_id, c->cfg.forbidden_account_ids, c->cfg.nforbidden_account_ids)) {
        aws_error_set_messagef(err, "AWS account ID not allowed: %s (in forbidden_account_ids)",
                               c->account_id);
        st = XA_EINVAL;
    }
    sts_caller_identity_cleanup(&id);
    aws_credentials_cleanup(&cr);
    return st;
}

/* A CA bundle: a regular file of at most CA_BUNDLE_MAX bytes, never a FIFO that would
 * block. why gets a sentence on every failure but XA_ENOMEM. */
static enum xa_status read_ca_file(const char *path, const char *what, struct xbuf *out,
                                   struct xbuf *why)
{
    enum xa_status st = xa_file_read(path, CA_BUNDLE_MAX, what, out, why);
    if (st == XA_ENOTFOUND)
        xbuf_appendf(why, "The %s %s does not exist.", what, path);
    return st;
}

/* custom_ca_bundle, else AWS_CA_BUNDLE: read once here, so that a bad path is a clear
 * error at configure rather than a TLS failure on the first call. */
static enum xa_status read_ca_bundle(const struct aws_client *c, struct xbuf *out,
                                     struct aws_error *err)
{
    const char *arg = c->cfg.custom_ca_bundle, *env = getenv("AWS_CA_BUNDLE");
    const char *path = arg && *arg ? arg : env && *env ? env : NULL;
    if (!path)
        return XA_OK;
    const char *what = path == arg ? "CA bundle (custom_ca_bundle)" : "CA bundle (AWS_CA_BUNDLE)";
    struct xbuf why;
    xbuf_init(&why);
    enum xa_status st = read_ca_file(path, what, out, &why);
    if (st != XA_OK && st != XA_ENOMEM) {
        aws_error_set_message(err, xbuf_cstr(&why));
        st = XA_EINVAL;
    }
    xbuf_cleanup(&why);
    return st;
}

/* The transport, the STS endpoint and the credential chain: everything but I/O. */
static enum xa_status build(struct aws_client *c, struct aws_error *err)
{
    struct xbuf ca;
    xbuf_init(&ca);
    enum xa_status st = c->oom ? XA_ENOMEM : settle_region(c, err);
    if (st == XA_OK)
        st = read_ca_bundle(c, &ca, err);
    if (st == XA_OK) {
        struct aws_http_config hc = {
            .ca_pem = ca.len ? ca.data : NULL, .ca_pem_len = ca.len, .insecure = c->cfg.insecure,
            .http_proxy = c->cfg.http_proxy, .https_proxy = c->cfg.https_proxy,
            .no_proxy = c->cfg.no_proxy, .connect_timeout_ms = c->cfg.connect_timeout_ms,
            .request_timeout_ms = c->cfg.request_timeout_ms, .max_retries = c->cfg.max_retries,
            .retry_mode = c->cfg.retry_mode, .user_agent_extra = c->cfg.user_agent_extra,
            .time_scale = c->cfg.retry_time_scale,
        };
        st = aws_http_new(&hc, &c->http);
        if (st != XA_OK)
            aws_error_set_message(err, "Cannot start the HTTP client (libcurl).");
    }
    xbuf_cleanup(&ca);
    if (st == XA_OK) {
        struct xbuf ep, why;
        xbuf_init(&ep);
        xbuf_init(&why);
        st = aws_endpoint_resolve("sts", c->sts_region, c->cfg.endpoint_sts, &ep, &why);
        if (st == XA_OK)
            c->sts_endpoint = xbuf_take(&ep);
        else if (st == XA_EINVAL)
            aws_error_set_message(err, xbuf_cstr(&why));
        xbuf_cleanup(&ep);
        xbuf_cleanup(&why);
        if (st == XA_OK && !c->sts_endpoint)
            st = XA_ENOMEM;
    }
    if (st == XA_OK) {
        struct aws_credentials_env env = {.http = c->http, .sts_endpoint = c->sts_endpoint,
                                          .sts_region = c->sts_region};
        st = aws_credentials_provider_new(&c->cfg, &env, &c->creds);
    }
    return st;
}

static enum xa_status oom_described(enum xa_status st, struct aws_error *err)
{
    if (st == XA_ENOMEM && !err->message)
        aws_error_set_message(err, "Out of memory while configuring the AWS client.");
    return st;
}

enum xa_status aws_client_create(const struct aws_client_config *config, struct aws_client **out,
                                 struct aws_error *err)
{
    *out = NULL;
    struct aws_client *c = xa_calloc(1, sizeof *c);
    if (!c)
        return oom_described(XA_ENOMEM, err);
    copy_config(c, config);
    enum xa_status st = build(c, err);
    if (st != XA_OK) {
        aws_client_free(c);
        return oom_described(st, err);
    }
    *out = c;
    return XA_OK;
}

enum xa_status aws_client_connect(struct aws_client *c, struct aws_error *err)
{
    return oom_described(learn_account(c, err), err);
}

enum xa_status aws_client_new(const struct aws_client_config *config, struct aws_client **out,
                              struct aws_error *err)
{
    enum xa_status st = aws_client_create(config, out, err);
    if (st == XA_OK && (st = aws_client_connect(*out, err)) != XA_OK) {
        aws_client_free(*out);
        *out = NULL;
    }
    return st;
}

const char *aws_client_account_id(const struct aws_client *c)
{
    return c->account_id ? c->account_id : "";
}

const char *aws_client_region(const struct aws_client *c) { return c->region; }

const char *aws_client_partition(const struct aws_client *c, const char *region)
{
    return aws_region_partition(region ? region : c->region);
}

void aws_client_stop(struct aws_client *c)
{
    if (c && c->http)
        aws_http_stop(c->http);
}

bool aws_client_stopped(const struct aws_client *c) { return aws_http_stopped(c->http); }

bool aws_client_wait_ms(struct aws_client *c, int64_t ms) { return aws_http_wait_ms(c->http, ms); }

/* ------------------------------------------------------------- configuration checks */

bool aws_client_check_region(const char *region, struct xbuf *why)
{
    if (aws_region_valid(region))
        return true;
    xbuf_appendf(why, "\"%.64s\" is not a valid AWS region name such as \"us-east-1\" (for a "
                 "region xacct does not know, set skip_region_validation = true).",
                 region ? region : "");
    return false;
}

bool aws_client_check_endpoint(const char *url, struct xbuf *why)
{
    struct aws_endpoint_parts parts;
    aws_endpoint_parts_init(&parts);
    struct xbuf problem;
    xbuf_init(&problem);
    enum xa_status st = aws_endpoint_split(url, &parts, &problem);
    if (st == XA_EINVAL)
        xbuf_appendf(why, "The endpoint URL %s.", xbuf_cstr(&problem));
    aws_endpoint_parts_cleanup(&parts);
    xbuf_cleanup(&problem);
    return st != XA_EINVAL;   /* out of memory: configure checks again */
}

enum xa_status aws_client_check_file(enum aws_config_file role, const char *path,
                                     struct xbuf *why)
{
    struct xbuf ca;
    xbuf_init(&ca);
    enum xa_status st = XA_EINVAL;
    switch (role) {
    case AWS_CONFIG_FILE_SHARED_CONFIG:
        st = creds_ini_check(path, "shared config file", why);
        break;
    case AWS_CONFIG_FILE_SHARED_CREDENTIALS:
        st = creds_ini_check(path, "shared credentials file", why);
        break;
    case AWS_CONFIG_FILE_CA_BUNDLE:
        st = read_ca_file(path, "CA bundle", &ca, why);
        break;
    case AWS_CONFIG_FILE_WEB_IDENTITY_TOKEN:
        st = creds_token_file_check(path, "web identity token file", why);
        break;
    }
    xbuf_cleanup(&ca);
    return st;
}

/* One STS call with the client's own credentials: the endpoint of region (NULL: the
 * client's) and the current credentials. sts_end releases them whatever begin said. */
struct sts_call {
    struct xbuf endpoint;
    struct sts_target target;
    struct aws_credentials creds;
};

static enum xa_status sts_begin(struct aws_client *c, const char *region, struct sts_call *s,
                                struct aws_error *err)
{
    const char *r = region && *region ? region : c->region;
    xbuf_init(&s->endpoint);
    aws_credentials_init(&s->creds);
    struct xbuf why;
    xbuf_init(&why);
    enum xa_status st = aws_endpoint_resolve("sts", r, c->cfg.endpoint_sts, &s->endpoint, &why);
    if (st == XA_EINVAL)
        aws_error_set_message(err, xbuf_cstr(&why));
    xbuf_cleanup(&why);
    if (st == XA_OK)
        st = aws_credentials_provider_get(c->creds, &s->creds, err);
    s->target = (struct sts_target){.http = c->http, .endpoint = xbuf_cstr(&s->endpoint),
                                    .region = r};
    return st;
}

static void sts_end(struct sts_call *s)
{
    aws_credentials_cleanup(&s->creds);
    xbuf_cleanup(&s->endpoint);
}

enum xa_status aws_client_caller_identity(struct aws_client *c, const char *region,
                                          struct sts_caller_identity *out, struct aws_error *err)
{
    struct sts_call s;
    *out = (struct sts_caller_identity){0};
    enum xa_status st = sts_begin(c, region, &s, err);
    if (st == XA_OK)
        st = sts_get_caller_identity_with(&s.target, &s.creds, out, err);
    sts_end(&s);
    return st;
}

enum xa_status aws_client_assume_role(struct aws_client *c, const char *region,
                                      const struct aws_assume_role_config *req,
                                      struct sts_assume_role_result *out, struct aws_error *err)
{
    struct sts_call s;
    *out = (struct sts_assume_role_result){0};
    enum xa_status st = sts_begin(c, region, &s, err);
    if (st == XA_OK)
        st = sts_assume_role_with(&s.target, &s.creds, req, out, err);
    sts_end(&s);
    return st;
}

/* ------------------------------------------------------------------------- calls */

struct service_info {
    const char *id;
    const char *display;
    const char *signing_name;
    enum aws_protocol protocol;
};

static const struct service_info service_table[] = {
    {.id = "apigateway", .display = "API Gateway", .signing_name = "apigateway",
     .protocol = AWS_PROTOCOL_REST_JSON},
    {.id = "lambda", .display = "Lambda", .signing_name = "lambda",
     .protocol = AWS_PROTOCOL_REST_JSON},
    {.id = "sts", .display = "STS", .signing_name = "sts", .protocol = AWS_PROTOCOL_QUERY},
};

static const char *endpoint_override(const struct aws_client *c, const char *service)
{
    if (strcmp(service, "apigateway") == 0)
        return c->cfg.endpoint_apigateway;
    if (strcmp(service, "lambda") == 0)
        return c->cfg.endpoint_lambda;
    return c->cfg.endpoint_sts;
}

enum xa_status aws_client_send(struct aws_client *c, const char *region,
                               const struct aws_service_request *req,
                               struct aws_http_response *resp, struct aws_error *err)
{
    const struct service_info *svc = NULL;
    for (size_t i = 0; i < sizeof service_table / sizeof service_table[0]; i++)
        if (strcmp(req->service, service_table[i].id) == 0)
            svc = &service_table[i];
    if (!svc)
        return XA_EINVAL;
    const char *r = region && *region ? region : c->region;
    struct xbuf ep, op;
    xbuf_init(&ep);
    xbuf_init(&op);
    struct aws_credentials cr;
    aws_credentials_init(&cr);
    enum xa_status st = xbuf_appendf(&op, "%s %s", svc->display, req->operation);
    if (st != XA_OK)
        goto done;
    aws_error_set_operation(err, xbuf_cstr(&op));
    if (aws_http_stopped(c->http)) {
        aws_error_set_transport(err, XA_ECANCELED, "the provider is stopping");
        st = XA_ECANCELED;
        goto done;
    }
    if (!c->cfg.skip_region_validation && !aws_region_valid(r)) {
        aws_error_set_messagef(err, "\"%.64s\" is not a valid AWS region name.", r);
        st = XA_EINVAL;
        goto done;
    }
    struct xbuf why;
    xbuf_init(&why);
    st = aws_endpoint_resolve(svc->id, r, endpoint_override(c, svc->id), &ep, &why);
    if (st == XA_EINVAL)
        aws_error_set_message(err, xbuf_cstr(&why));
    xbuf_cleanup(&why);
    if (st != XA_OK)
        goto done;
    if (!req->unsigned_request) {
        st = aws_credentials_provider_get(c->creds, &cr, err);
        if (st != XA_OK)
            goto done;
    }
    struct aws_http_call call = {
        .operation = req->operation, .service = svc->display, .protocol = svc->protocol,
        .endpoint = xbuf_cstr(&ep), .region = r, .signing_name = svc->signing_name,
        .method = req->method, .path = req->path, .query = req->query,
        .content_type = req->content_type, .body = req->body, .body_len = req->body_len,
        .credentials = req->unsigned_request ? NULL : &cr,
    };
    st = aws_http_call(c->http, &call, resp, err);
    if (st == XA_EAWS && cr.expiration != 0 &&
        (aws_error_is(err, "ExpiredToken") || aws_error_is(err, "ExpiredTokenException"))) {
        /* Temporary credentials died early (revoked session, clock drift): fetch fresh
         * ones once and try again. */
        aws_credentials_provider_invalidate(c->creds);
        aws_credentials_cleanup(&cr);
        aws_error_reset(err);
        st = aws_credentials_provider_get(c->creds, &cr, err);
        if (st == XA_OK) {
            aws_http_response_cleanup(resp);
            st = aws_http_call(c->http, &call, resp, err);
        }
    }
    if (st != XA_OK)
        aws_error_set_operation(err, xbuf_cstr(&op));
done:
    aws_credentials_cleanup(&cr);
    xbuf_cleanup(&ep);
    xbuf_cleanup(&op);
    return st;
}
