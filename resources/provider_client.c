/* resources/provider_client.c - the provider block to a configured struct aws_client.
 *
 * Reads every hashicorp/aws argument the schema declares into struct aws_client_config
 * (borrowing strings from the block's typed model for the duration of aws_client_new), builds
 * the client, and remembers the region and account id resources need at plan time.
 * Unknown values (an argument that depends on a resource not created yet) do not fail
 * configure: no client is built, the meta records which argument was unknown, and every
 * resource call that needs AWS answers with that reason, as terraform-plugin-framework
 * providers do ("unknown at configure time"). Validation and planning of known values
 * keep working meanwhile.
 * Stop during configure: core publishes the meta only once configure returns, so the
 * client under construction is registered here (a list under a mutex) between
 * aws_client_create and the end of aws_client_connect; provider_client_stop stops every
 * registered client as well as the configured one. A stop counter read at the start of
 * configure closes the window before registration: a StopProvider that arrives after
 * configure began always reaches its client.
 */
#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/errors.h"
#include "core/model.h"
#include "resources/caches.h"
#include "resources/quotas.h"
#include "resources/meta.h"
#include "resources/provider_schema.h"
#include "resources/provider_client.h"
#include "resources/requests.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- Clients under construction ---------------------------------------------------- */

struct building {
    struct aws_client *client;
    struct building *next;
};

static pthread_mutex_t building_mu = PTHREAD_MUTEX_INITIALIZER;
static struct building *building_list;   /* configures in flight, newest first */
static unsigned long stops;               /* provider_client_stop calls so far */

static unsigned long stops_so_far(void)
{
    pthread_mutex_lock(&building_mu);
    unsigned long n = stops;
    pthread_mutex_unlock(&building_mu);
    return n;
}

/* Makes b->client reachable by provider_client_stop; stops it at once when a stop came
 * after configure began (stops_at). */
static void building_add(struct building *b, unsigned long stops_at)
{
    pthread_mutex_lock(&building_mu);
    b->next = building_list;
    building_list = b;
    if (stops != stops_at)
        aws_client_stop(b->client);
    pthread_mutex_unlock(&building_mu);
}

static void building_remove(struct building *b)
{
    pthread_mutex_lock(&building_mu);
    for (struct building **p = &building_list; *p; p = &(*p)->next) {
        if (*p == b) {
            *p = b->next;
            break;
        }
    }
    pthread_mutex_unlock(&building_mu);
}

/* "1h30m", "900s", "15m" to seconds; -1 when malformed. */
static int duration_seconds(const char *s)
{
    if (!s)
        return 0;
    double total = 0;
    while (*s) {
        char *end;
        double x = strtod(s, &end);
        if (end == s)
            return -1;
        if (strncmp(end, "ms", 2) == 0) { x /= 1000; end += 2; }
        else if (*end == 'h') { x *= 3600; end++; }
        else if (*end == 'm') { x *= 60; end++; }
        else if (*end == 's') { end++; }
        else return -1;
        total += x;
        s = end;
    }
    return total > 43200 ? -1 : (int)total;
}

static bool is_true(const struct model_bool *f)
{
    return f->state == MODEL_KNOWN && f->value;
}

/* The first element of a block with at most one, or NULL. */
#define FIRST_BLOCK(f) ((f).n > 0 ? &(f).items[0] : NULL)

/* The arrays a struct aws_client_config borrows while aws_client_new runs; the strings in
 * them are the config model's. */
struct borrowed_role {
    const char **policies, **tkeys;
    struct aws_kv_ref *tags;
};

struct borrowed {
    struct aws_assume_role_config *roles;   /* the assume_role chain, in block order */
    struct borrowed_role *role_lists;
    size_t nroles;
    struct aws_assume_role_web_identity_config web;
    const char **config_files, **credentials_files, **allowed, **forbidden;
    const char **web_policies;
};

/* The top-level arguments, named as the client's fields; false on allocation failure. */
static bool fill_args(struct aws_client_config *c, struct borrowed *b,
                      const struct provider_block_model *m)
{
    c->region = m->region.value;
    c->sts_region = m->sts_region.value;
    c->access_key = m->access_key.value;
    c->secret_key = m->secret_key.value;
    c->token = m->token.value;
    c->profile = m->profile.value;
    c->custom_ca_bundle = m->custom_ca_bundle.value;
    c->http_proxy = m->http_proxy.value;
    c->https_proxy = m->https_proxy.value;
    c->no_proxy = m->no_proxy.value;
    c->insecure = is_true(&m->insecure);
    c->skip_credentials_validation = is_true(&m->skip_credentials_validation);
    c->skip_requesting_account_id = is_true(&m->skip_requesting_account_id);
    c->skip_metadata_api_check = is_true(&m->skip_metadata_api_check);
    c->skip_region_validation = is_true(&m->skip_region_validation);
    bool ok = request_strings(&m->shared_config_files, &b->config_files,
                              &c->nshared_config_files) &&
              request_strings(&m->shared_credentials_files, &b->credentials_files,
                              &c->nshared_credentials_files) &&
              request_strings(&m->allowed_account_ids, &b->allowed, &c->nallowed_account_ids) &&
              request_strings(&m->forbidden_account_ids, &b->forbidden,
                              &c->nforbidden_account_ids);
    c->shared_config_files = b->config_files;
    c->shared_credentials_files = b->credentials_files;
    c->allowed_account_ids = b->allowed;
    c->forbidden_account_ids = b->forbidden;
    if (m->max_retries.state == MODEL_KNOWN)
        c->max_retries = (int)m->max_retries.value;
    const char *mode = m->retry_mode.value;
    c->retry_mode = mode && strcmp(mode, "adaptive") == 0 ? AWS_RETRY_ADAPTIVE : AWS_RETRY_STANDARD;
    return ok;
}

XA_TESTABLE void provider_client_borrowed_free(struct borrowed *b)
{
    if (!b)
        return;
    for (size_t i = 0; b->role_lists && i < b->nroles; i++) {
        xa_free(b->role_lists[i].policies);
        xa_free(b->role_lists[i].tkeys);
        xa_free(b->role_lists[i].tags);
    }
    xa_free(b->roles);
    xa_free(b->role_lists);
    xa_free(b->config_files);
    xa_free(b->credentials_files);
    xa_free(b->allowed);
    xa_free(b->forbidden);
    xa_free(b->web_policies);
    xa_free(b);
}

/* One assume_role block to one hop of the chain; false on allocation failure. A bad
 * duration adds an error naming the block (assume_role[i].duration). */
static bool fill_role(struct aws_assume_role_config *r, struct borrowed_role *l,
                      const struct provider_assume_role_model *ar, size_t i, struct diags *d)
{
    *r = (struct aws_assume_role_config){
        .role_arn = ar->role_arn.value,
        .session_name = ar->session_name.value,
        .external_id = ar->external_id.value,
        .duration_seconds = duration_seconds(ar->duration.value),
        .policy = ar->policy.value,
        .source_identity = ar->source_identity.value,
    };
    bool ok = request_strings(&ar->policy_arns, &l->policies, &r->npolicy_arns);
    ok &= request_strings(&ar->transitive_tag_keys, &l->tkeys, &r->ntransitive_tag_keys);
    ok &= request_kvs(&ar->tags, &l->tags, &r->ntags);
    r->policy_arns = l->policies;
    r->transitive_tag_keys = l->tkeys;
    r->tags = l->tags;
    if (r->duration_seconds < 0)
        ok &= provider_schema_diag(d, PROVIDER_NAME(assume_role), i,
                                   PROVIDER_ROLE_NAME(duration), "Invalid assume_role duration",
                                   "The duration must be like \"1h\" or \"15m\", at most 12h.");
    return ok;
}

/* Every assume_role block with a role_arn, in order: one hop each (the chain). */
static bool fill_roles(struct aws_client_config *c, struct borrowed *b,
                       const struct provider_block_model *m, struct diags *d)
{
    size_t n = m->assume_role.n;
    if (n == 0)
        return true;
    b->roles = xa_calloc(n, sizeof *b->roles);
    b->role_lists = xa_calloc(n, sizeof *b->role_lists);
    if (!b->roles || !b->role_lists)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const struct provider_assume_role_model *ar = &m->assume_role.items[i];
        if (!ar->role_arn.value)
            continue;
        ok &= fill_role(&b->roles[b->nroles], &b->role_lists[b->nroles], ar, i, d);
        b->nroles++;
    }
    c->assume_role = b->roles;
    c->nassume_role = b->nroles;
    return ok;
}

static bool fill_web_identity(struct aws_client_config *c, struct borrowed *b,
                              const struct provider_web_identity_model *wi)
{
    if (!wi || !wi->role_arn.value)
        return true;
    b->web = (struct aws_assume_role_web_identity_config){
        .role_arn = wi->role_arn.value,
        .session_name = wi->session_name.value,
        .web_identity_token = wi->web_identity_token.value,
        .web_identity_token_file = wi->web_identity_token_file.value,
        .duration_seconds = duration_seconds(wi->duration.value),
        .policy = wi->policy.value,
    };
    bool ok = request_strings(&wi->policy_arns, &b->web_policies, &b->web.npolicy_arns);
    b->web.policy_arns = b->web_policies;
    if (b->web.duration_seconds < 0)
        b->web.duration_seconds = 0;
    c->assume_role_with_web_identity = &b->web;
    return ok;
}

XA_TESTABLE bool provider_client_fill(struct aws_client_config *c, struct borrowed **out,
                                      const struct provider_block_model *m, struct diags *d)
{
    struct borrowed *b = *out = xa_calloc(1, sizeof *b);
    bool ok = b != NULL;
    if (ok) {
        ok &= fill_args(c, b, m);
        ok &= fill_roles(c, b, m, d);
        ok &= fill_web_identity(c, b, FIRST_BLOCK(m->assume_role_with_web_identity));
    }
    const struct provider_endpoints_model *ep = FIRST_BLOCK(m->endpoints);
    if (ep) {
        c->endpoint_apigateway = ep->apigateway.value;
        c->endpoint_lambda = ep->lambda.value;
        c->endpoint_sts = ep->sts.value;
    }
    if (!ok)
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
    return ok;
}

/* aws_client_create, then aws_client_connect while the client is registered for
 * StopProvider. On failure m->client stays NULL, err says why, and the status is
 * XA_ECANCELED when a stop ended the work. */
static enum xa_status build_client(struct xacct_meta *m, const struct aws_client_config *c,
                                   unsigned long stops_at, struct aws_error *err)
{
    struct building b = {0};
    enum xa_status st = aws_client_create(c, &b.client, err);
    if (st != XA_OK)
        return st;
    building_add(&b, stops_at);
    st = aws_client_connect(b.client, err);
    building_remove(&b);
    if (st != XA_OK) {
        if (aws_client_stopped(b.client))
            st = XA_ECANCELED;
        aws_client_free(b.client);
        return st;
    }
    m->client = b.client;
    return XA_OK;
}

bool provider_client_configure(struct xacct_meta *m, const struct provider_block_model *config,
                               const char *terraform_version, struct diags *d)
{
    bool ok = false;
    struct aws_client_config c;
    struct borrowed *b = NULL;
    struct aws_error err;
    struct xbuf reason;
    xbuf_init(&reason);
    aws_client_config_init(&c);
    aws_error_init(&err);
    unsigned long stops_at = stops_so_far();
    if (!(m->partition = xa_strdup("aws")) || !caches_new(m) || !quotas_new(m)) {
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
        goto out;
    }

    const char *unknown = model_first_unknown(&provider_schema.block, config);
    if (unknown) {
        /* Keep what is known for planning; refuse AWS calls with the reason. */
        const char *region = config->region.value;
        m->region = region ? xa_strdup(region) : NULL;
        if (xbuf_appendf(&reason,
                         "the provider argument \"%s\" was unknown when the provider was "
                         "configured (it depends on a resource that is not created yet). Apply "
                         "that resource first, e.g. with -target, or set the argument to a known "
                         "value.", unknown) == XA_OK)
            m->unusable_reason = xbuf_take(&reason);
        ok = m->unusable_reason != NULL;
        goto out;
    }
    if (!provider_client_fill(&c, &b, config, d) || diags_has_error(d))
        goto out;
    enum xa_status st = build_client(m, &c, stops_at, &err);
    if (st != XA_OK) {
        meta_aws_diag(d, NULL, "Cannot configure the xacct provider", &err,
                      st == XA_ECANCELED
                          ? "The provider was stopped (Ctrl-C or StopProvider) while it was "
                            "configuring."
                          : "Check the provider block's credentials, region and endpoints.");
        goto out;
    }
    m->region = xa_strdup(aws_client_region(m->client));
    m->account_id = xa_strdup(aws_client_account_id(m->client));
    xa_free(m->partition);
    m->partition = xa_strdup(aws_client_partition(m->client, NULL));
    ok = m->region && m->account_id && m->partition;
    if (!ok)
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
out:
    provider_client_borrowed_free(b);
    aws_error_cleanup(&err);
    xbuf_cleanup(&reason);
    return ok;
}

void provider_client_stop(struct xacct_meta *m)
{
    pthread_mutex_lock(&building_mu);
    stops++;
    for (struct building *b = building_list; b; b = b->next)
        aws_client_stop(b->client);
    pthread_mutex_unlock(&building_mu);
    if (m && m->client)
        aws_client_stop(m->client);
}

void provider_client_free(struct xacct_meta *m)
{
    if (!m)
        return;
    if (m->client)
        aws_client_free(m->client);
    caches_free(m);
    quotas_free(m);
    xa_free(m->region);
    xa_free(m->account_id);
    xa_free(m->partition);
    xa_free(m->unusable_reason);
    xa_free(m);
}
