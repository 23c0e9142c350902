/* aws/credentials_provider.c - the credential chain, its cache and the one error when
 * all fail.
 *
 * Order (hashicorp/aws): provider arguments; environment; shared files for the profile;
 * web identity from the environment; container endpoint; EC2 IMDSv2. The first source
 * that is configured decides: a configured source that fails stops the chain (as the
 * SDK does for a broken profile) unless it is merely "not configured". Then
 * assume_role_with_web_identity (its own base) and the assume_role chain on top.
 * Cache: the result is kept until 5 minutes before its expiration; one thread refreshes
 * while others wait on a condition variable (single flight), then all share the result.
 */
#include "aws/credentials_provider.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/credentials_sources.h"
#include "aws/errors.h"
#include "util/alloc.h"
#include "util/log.h"

#define REFRESH_WINDOW_S 300

/* ------------------------------------------------------------------------- provider */

struct aws_credentials_provider {
    /* Deep copies of what the chain reads. */
    struct aws_client_config cfg;
    struct aws_credentials_env env;
    char *profile;
    char *profile_region;
    char *sts_endpoint;
    char *sts_region;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool refreshing;
    bool have;
    struct aws_credentials cached;
};

static int64_t now_s(const struct aws_credentials_provider *p)
{
    return p->env.now ? p->env.now(p->env.now_ctx) : (int64_t)time(NULL);
}

enum xa_status aws_credentials_provider_new(const struct aws_client_config *config,
                                            const struct aws_credentials_env *env,
                                            struct aws_credentials_provider **out)
{
    *out = NULL;
    struct aws_credentials_provider *p = xa_calloc(1, sizeof *p);
    if (!p)
        return XA_ENOMEM;
    /* The client keeps its own deep copy of the config alive for the provider's whole
     * life (aws/client.c), so the nested arrays are borrowed from it. */
    p->cfg = *config;
    p->env = *env;
    const char *prof = config->profile && *config->profile ? config->profile : getenv("AWS_PROFILE");
    p->profile = xa_strdup(prof && *prof ? prof : "default");
    p->sts_endpoint = env->sts_endpoint ? xa_strdup(env->sts_endpoint) : NULL;
    p->sts_region = env->sts_region ? xa_strdup(env->sts_region) : NULL;
    p->env.sts_endpoint = p->sts_endpoint;
    p->env.sts_region = p->sts_region;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    aws_credentials_init(&p->cached);
    if (!p->profile || (env->sts_endpoint && !p->sts_endpoint) ||
        (env->sts_region && !p->sts_region)) {
        aws_credentials_provider_free(p);
        return XA_ENOMEM;
    }
    struct creds_profiles pr;
    struct xbuf why;
    xbuf_init(&why);
    if (creds_profiles_load(&p->cfg, &pr, &why) == XA_OK) {
        const char *r = creds_profiles_get(&pr, p->profile, "region");
        p->profile_region = r ? xa_strdup(r) : NULL;
        creds_profiles_cleanup(&pr);
    }
    xbuf_cleanup(&why);
    *out = p;
    return XA_OK;
}

void aws_credentials_provider_free(struct aws_credentials_provider *p)
{
    if (!p)
        return;
    aws_credentials_cleanup(&p->cached);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    xa_free(p->profile);
    xa_free(p->profile_region);
    xa_free(p->sts_endpoint);
    xa_free(p->sts_region);
    xa_free(p);
}

void aws_credentials_provider_invalidate(struct aws_credentials_provider *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->have && p->cached.expiration != 0) {
        aws_credentials_cleanup(&p->cached);
        p->have = false;
    }
    pthread_mutex_unlock(&p->mu);
}

const char *aws_credentials_provider_profile_region(struct aws_credentials_provider *p)
{
    return p->profile_region;
}

/* One line of the "what was tried" list. */
static void tried(struct xbuf *list, int *n, const char *source, const struct xbuf *why)
{
    xbuf_appendf(list, "\n  %d. %s: %s", ++*n, source,
                 why->len ? xbuf_cstr(why) : "not configured");
}

static bool env_is_true(const char *name)
{
    const char *v = getenv(name);
    return v && strcasecmp(v, "true") == 0;
}

/* The walk along the chain of base sources: each step tries one source and says whether
 * the chain ends there (st: the result) or goes on to the next source. */
struct chain {
    const struct creds_ctx *ctx;
    struct aws_credentials *out;
    struct xbuf *list;      /* what was tried, for the error message */
    struct xbuf why;
    int n;
    enum xa_status st;
};

static bool ends(struct chain *c, enum xa_status st)
{
    c->st = st;
    return true;
}

/* 1. provider arguments */
static bool from_arguments(struct chain *c)
{
    const struct aws_client_config *cfg = c->ctx->cfg;
    bool ak = cfg->access_key && *cfg->access_key, sk = cfg->secret_key && *cfg->secret_key;
    if (ak && sk)
        return ends(c, aws_credentials_set(c->out, cfg->access_key, cfg->secret_key, cfg->token,
                                           0, "provider arguments"));
    if (ak || sk) {
        xbuf_append_str(&c->why, "access_key and secret_key must be set together");
        tried(c->list, &c->n, "provider arguments", &c->why);
        return ends(c, XA_EINVAL);
    }
    tried(c->list, &c->n, "provider arguments (access_key, secret_key)", &c->why);
    return false;
}

/* 2. environment */
static bool from_environment(struct chain *c)
{
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    if (ak && *ak && sk && *sk)
        return ends(c, aws_credentials_set(c->out, ak, sk, getenv("AWS_SESSION_TOKEN"), 0,
                                           "environment"));
    if ((ak && *ak) || (sk && *sk))
        xbuf_append_str(&c->why, "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
    tried(c->list, &c->n, "environment (AWS_ACCESS_KEY_ID)", &c->why);
    return false;
}

/* 3. shared files. A profile named explicitly must work; the default one may be absent. */
static bool from_profile(struct chain *c)
{
    const struct creds_ctx *ctx = c->ctx;
    enum xa_status st = creds_from_profile(ctx, ctx->profile, 0, c->out, &c->why);
    if (st == XA_OK)
        return ends(c, st);
    struct xbuf label;
    xbuf_init(&label);
    xbuf_appendf(&label, "shared config/credentials files, profile \"%s\"", ctx->profile);
    tried(c->list, &c->n, xbuf_cstr(&label), &c->why);
    xbuf_cleanup(&label);
    bool explicit_profile = (ctx->cfg->profile && *ctx->cfg->profile) || getenv("AWS_PROFILE");
    return st != XA_ENOTFOUND || explicit_profile ? ends(c, st) : false;
}

/* 4. web identity from the environment */
static bool from_web_identity(struct chain *c)
{
    const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = getenv("AWS_ROLE_ARN");
    static const char label[] = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)";
    if (!(wif && *wif && role && *role)) {
        tried(c->list, &c->n, label, &c->why);
        return false;
    }
    struct aws_assume_role_web_identity_config wi = {
        .role_arn = role, .session_name = getenv("AWS_ROLE_SESSION_NAME"),
        .web_identity_token_file = wif,
    };
    enum xa_status st = creds_web_identity(c->ctx, &wi, c->out, &c->why);
    if (st != XA_OK)
        tried(c->list, &c->n, label, &c->why);
    return ends(c, st);
}

/* 5. container */
static bool from_container(struct chain *c)
{
    enum xa_status st = creds_from_container(c->ctx, c->out, &c->why);
    if (st == XA_OK)
        return ends(c, st);
    tried(c->list, &c->n, "container (AWS_CONTAINER_CREDENTIALS_*_URI)", &c->why);
    return st != XA_ENOTFOUND ? ends(c, st) : false;
}

/* 6. IMDSv2, the last source */
static bool from_imds(struct chain *c)
{
    const struct aws_client_config *cfg = c->ctx->cfg;
    enum xa_status st = XA_ENOTFOUND;
    if (cfg->skip_metadata_api_check || env_is_true("AWS_EC2_METADATA_DISABLED"))
        xbuf_append_str(&c->why, cfg->skip_metadata_api_check
                                     ? "skipped (skip_metadata_api_check)"
                                     : "disabled by AWS_EC2_METADATA_DISABLED");
    else
        st = creds_from_imds(c->ctx, c->out, &c->why);
    if (st == XA_OK)
        return ends(c, st);
    tried(c->list, &c->n, "EC2 instance metadata (IMDSv2)", &c->why);
    return ends(c, st == XA_ENOMEM || st == XA_ECANCELED ? st : XA_ENOTFOUND);
}

/* The base credentials: the first configured source. */
static enum xa_status resolve_base(const struct creds_ctx *ctx, struct aws_credentials *out,
                                   struct xbuf *list)
{
    static bool (*const steps[])(struct chain *) = {
        from_arguments, from_environment, from_profile, from_web_identity, from_container,
        from_imds,
    };
    struct chain c = {.ctx = ctx, .out = out, .list = list, .st = XA_ENOTFOUND};
    xbuf_init(&c.why);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        xbuf_clear(&c.why);
        if (steps[i](&c))
            break;
    }
    xbuf_cleanup(&c.why);
    return c.st;
}

static enum xa_status resolve(struct aws_credentials_provider *p, struct aws_credentials *out,
                              struct aws_error *err)
{
    struct creds_profiles pr;
    struct xbuf list, why;
    xbuf_init(&list);
    xbuf_init(&why);
    struct aws_credentials base;
    aws_credentials_init(&base);
    enum xa_status st = creds_profiles_load(&p->cfg, &pr, &why);
    if (st != XA_OK) {
        aws_error_set_message(err, xbuf_cstr(&why));
        goto out;
    }
    struct creds_ctx ctx = {.cfg = &p->cfg, .env = &p->env, .profiles = &pr,
                            .profile = p->profile, .now = now_s(p)};
    const struct aws_assume_role_web_identity_config *wi = p->cfg.assume_role_with_web_identity;
    if (wi && wi->role_arn && *wi->role_arn) {
        st = creds_web_identity(&ctx, wi, &base, &why);
        if (st != XA_OK)
            aws_error_set_messagef(err, "assume_role_with_web_identity failed: %s",
                                   xbuf_cstr(&why));
    } else {
        st = resolve_base(&ctx, &base, &list);
        if (st != XA_OK) {
            if (st == XA_ENOTFOUND)
                st = XA_EINVAL;
            aws_error_set_messagef(err, "No valid credential sources found. Tried, in order:%s",
                                   xbuf_cstr(&list));
        }
    }
    for (size_t i = 0; st == XA_OK && i < p->cfg.nassume_role; i++) {
        struct aws_credentials next;
        aws_credentials_init(&next);
        xbuf_clear(&why);
        st = creds_assume_role(&ctx, &p->cfg.assume_role[i], &base, &next, &why);
        if (st == XA_OK) {
            aws_credentials_cleanup(&base);
            base = next;
        } else {
            aws_error_set_messagef(err, "assume_role %zu of %zu (%s) failed, using credentials "
                                   "from %s: %s", i + 1, p->cfg.nassume_role,
                                   p->cfg.assume_role[i].role_arn ? p->cfg.assume_role[i].role_arn
                                                                  : "no role_arn",
                                   base.source ? base.source : "?", xbuf_cstr(&why));
        }
    }
    if (st == XA_OK) {
        *out = base;
        aws_credentials_init(&base);
        log_msg(LOG_DEBUG, "xacct.aws", "credentials resolved from %s",
                out->source ? out->source : "?");
    }
    creds_profiles_cleanup(&pr);
out:
    aws_credentials_cleanup(&base);
    xbuf_cleanup(&list);
    xbuf_cleanup(&why);
    return st;
}

static bool fresh(const struct aws_credentials_provider *p)
{
    return p->have && (p->cached.expiration == 0 ||
                       p->cached.expiration - REFRESH_WINDOW_S > now_s(p));
}

enum xa_status aws_credentials_provider_get(struct aws_credentials_provider *p,
                                            struct aws_credentials *out, struct aws_error *err)
{
    enum xa_status st = XA_OK;
    pthread_mutex_lock(&p->mu);
    while (!fresh(p) && p->refreshing)
        pthread_cond_wait(&p->cv, &p->mu);
    if (fresh(p)) {
        st = aws_credentials_copy(out, &p->cached);
        pthread_mutex_unlock(&p->mu);
        return st;
    }
    p->refreshing = true;
    pthread_mutex_unlock(&p->mu);

    struct aws_credentials got;
    aws_credentials_init(&got);
    st = resolve(p, &got, err);

    pthread_mutex_lock(&p->mu);
    if (st == XA_OK) {
        aws_credentials_cleanup(&p->cached);
        p->cached = got;
        p->have = true;
        st = aws_credentials_copy(out, &p->cached);
    } else if (p->have && p->cached.expiration > now_s(p)) {
        /* Refresh failed inside the window but the old ones still work: use them. */
        st = aws_credentials_copy(out, &p->cached);
        aws_error_reset(err);
    }
    p->refreshing = false;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return st;
}
