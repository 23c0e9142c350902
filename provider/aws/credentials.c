/* aws/credentials.c - the credential chain, its cache and the one error when all fail.
 *
 * Order (hashicorp/aws): provider arguments; environment; shared files for the profile;
 * web identity from the environment; container endpoint; EC2 IMDSv2. The first source
 * that is configured decides: a configured source that fails stops the chain (as the
 * SDK does for a broken profile) unless it is merely "not configured". Then
 * assume_role_with_web_identity (its own base) and the assume_role chain on top.
 * Cache: the result is kept until 5 minutes before its expiration; one thread refreshes
 * while others wait on a condition variable (single flight), then all share the result.
 */
#include "aws/credentials_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "aws/errors.h"
#include "util/alloc.h"
#include "util/log.h"

#define REFRESH_WINDOW_S 300

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        xa_free(s);
    }
}

void aws_credentials_init(struct aws_credentials *c) { *c = (struct aws_credentials){0}; }

void aws_credentials_cleanup(struct aws_credentials *c)
{
    xa_free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    xa_free(c->source);
    aws_credentials_init(c);
}

enum xa_status aws_credentials_set(struct aws_credentials *c, const char *access_key_id,
                                   const char *secret_access_key, const char *session_token,
                                   int64_t expiration, const char *source)
{
    aws_credentials_cleanup(c);
    c->access_key_id = xa_strdup(access_key_id);
    c->secret_access_key = xa_strdup(secret_access_key);
    c->session_token = session_token && *session_token ? xa_strdup(session_token) : NULL;
    c->source = xa_strdup(source ? source : "unknown");
    c->expiration = expiration;
    if ((access_key_id && !c->access_key_id) || (secret_access_key && !c->secret_access_key) ||
        (session_token && *session_token && !c->session_token) || !c->source) {
        aws_credentials_cleanup(c);
        return XA_ENOMEM;
    }
    return XA_OK;
}

enum xa_status aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src)
{
    return aws_credentials_set(dst, src->access_key_id, src->secret_access_key,
                               src->session_token, src->expiration, src->source);
}

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

/* The base credentials: the first configured source. */
static enum xa_status resolve_base(const struct creds_ctx *ctx, struct aws_credentials *out,
                                   struct xbuf *list)
{
    const struct aws_client_config *cfg = ctx->cfg;
    struct xbuf why;
    xbuf_init(&why);
    int n = 0;
    enum xa_status st = XA_ENOTFOUND;

    /* 1. provider arguments */
    if ((cfg->access_key && *cfg->access_key) || (cfg->secret_key && *cfg->secret_key)) {
        if (cfg->access_key && *cfg->access_key && cfg->secret_key && *cfg->secret_key) {
            st = aws_credentials_set(out, cfg->access_key, cfg->secret_key, cfg->token, 0,
                                     "provider arguments");
            goto done;
        }
        xbuf_append_str(&why, "access_key and secret_key must be set together");
        tried(list, &n, "provider arguments", &why);
        st = XA_EINVAL;
        goto done;
    }
    tried(list, &n, "provider arguments (access_key, secret_key)", &why);

    /* 2. environment */
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    if (ak && *ak && sk && *sk) {
        st = aws_credentials_set(out, ak, sk, getenv("AWS_SESSION_TOKEN"), 0, "environment");
        goto done;
    }
    xbuf_clear(&why);
    if ((ak && *ak) || (sk && *sk))
        xbuf_append_str(&why, "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
    tried(list, &n, "environment (AWS_ACCESS_KEY_ID)", &why);

    /* 3. shared files */
    xbuf_clear(&why);
    st = creds_from_profile(ctx, ctx->profile, 0, out, &why);
    if (st == XA_OK)
        goto done;
    {
        struct xbuf label;
        xbuf_init(&label);
        xbuf_appendf(&label, "shared config/credentials files, profile \"%s\"", ctx->profile);
        tried(list, &n, xbuf_cstr(&label), &why);
        xbuf_cleanup(&label);
    }
    /* A profile named explicitly must work; the default profile may be absent. */
    bool explicit_profile = (cfg->profile && *cfg->profile) || getenv("AWS_PROFILE");
    if (st != XA_ENOTFOUND || explicit_profile)
        goto done;

    /* 4. web identity from the environment */
    const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = getenv("AWS_ROLE_ARN");
    xbuf_clear(&why);
    if (wif && *wif && role && *role) {
        struct aws_assume_role_web_identity_config wi = {
            .role_arn = role, .session_name = getenv("AWS_ROLE_SESSION_NAME"),
            .web_identity_token_file = wif,
        };
        st = creds_web_identity(ctx, &wi, out, &why);
        if (st == XA_OK)
            goto done;
        tried(list, &n, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)", &why);
        goto done;
    }
    tried(list, &n, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)", &why);

    /* 5. container */
    xbuf_clear(&why);
    st = creds_from_container(ctx, out, &why);
    if (st == XA_OK)
        goto done;
    tried(list, &n, "container (AWS_CONTAINER_CREDENTIALS_*_URI)", &why);
    if (st != XA_ENOTFOUND)
        goto done;

    /* 6. IMDSv2 */
    xbuf_clear(&why);
    if (cfg->skip_metadata_api_check || env_is_true("AWS_EC2_METADATA_DISABLED")) {
        xbuf_append_str(&why, cfg->skip_metadata_api_check ? "skipped (skip_metadata_api_check)"
                                                           : "disabled by AWS_EC2_METADATA_DISABLED");
        st = XA_ENOTFOUND;
    } else {
        st = creds_from_imds(ctx, out, &why);
    }
    if (st == XA_OK)
        goto done;
    tried(list, &n, "EC2 instance metadata (IMDSv2)", &why);
    if (st == XA_ENOMEM || st == XA_ECANCELED)
        goto done;
    st = XA_ENOTFOUND;
done:
    xbuf_cleanup(&why);
    return st;
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
