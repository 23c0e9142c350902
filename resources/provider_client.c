/* resources/provider_client.c - the provider block to a configured struct aws_client.
 *
 * Reads every hashicorp/aws argument the schema declares into struct aws_client_config
 * (borrowing strings from the config value for the duration of aws_client_new), builds
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/errors.h"
#include "resources/provider_client.h"
#include "util/alloc.h"

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

static bool attr_bool(const struct value *obj, const char *name)
{
    bool b = false;
    value_get_bool(value_attr(obj, name), &b);
    return b;
}

/* The first top-level argument or block of config holding an unknown value, or NULL. */
static const char *first_unknown(const struct value *config)
{
    const struct type *t = value_type(config);
    for (size_t i = 0; t && i < t->nattrs; i++)
        if (!value_is_wholly_known(value_attr(config, t->attrs[i].name)))
            return t->attrs[i].name;
    return NULL;
}

static const struct value *first_block(const struct value *config, const char *name)
{
    const struct value *b = value_attr(config, name);
    return value_is_known(b) && value_length(b) > 0 ? value_index(b, 0) : NULL;
}

/* The arrays a struct aws_client_config borrows while aws_client_new runs; the strings in
 * them are the config value's. */
struct borrowed_role {
    const char **policies, **tkeys;
    struct aws_kv_ref *tags;
};

struct borrowed {
    struct aws_assume_role_config *roles;   /* the assume_role chain, in block order */
    struct borrowed_role *role_lists;
    size_t nroles;
    struct aws_assume_role_web_identity_config web;
    const char **lists[4];                  /* list_args' arrays, in table order */
    const char **web_policies;
};

/* Top-level arguments the client takes as they are; each is named like its field. */
struct config_arg {
    const char *name;
    size_t off;             /* of the field (the array's, for lists) */
    size_t count_off;       /* lists: of the element count */
};
#define ARG(f) {.name = #f, .off = offsetof(struct aws_client_config, f)}
#define LIST_ARG(f) {.name = #f, .off = offsetof(struct aws_client_config, f), \
                     .count_off = offsetof(struct aws_client_config, n##f)}
static const struct config_arg string_args[] = {
    ARG(region), ARG(sts_region), ARG(access_key), ARG(secret_key), ARG(token), ARG(profile),
    ARG(custom_ca_bundle), ARG(http_proxy), ARG(https_proxy), ARG(no_proxy),
};
static const struct config_arg bool_args[] = {
    ARG(insecure), ARG(skip_credentials_validation), ARG(skip_requesting_account_id),
    ARG(skip_metadata_api_check), ARG(skip_region_validation),
};
static const struct config_arg list_args[] = {
    LIST_ARG(shared_config_files), LIST_ARG(shared_credentials_files),
    LIST_ARG(allowed_account_ids), LIST_ARG(forbidden_account_ids),
};
#undef ARG
#undef LIST_ARG

/* Copies the table-driven arguments of config into c; false on allocation failure. */
static bool fill_args(struct aws_client_config *c, struct borrowed *b, const struct value *config)
{
    char *base = (char *)c;
    for (size_t i = 0; i < sizeof string_args / sizeof string_args[0]; i++) {
        const struct config_arg *a = &string_args[i];
        *(const char **)(base + a->off) = value_attr_string(config, a->name);
    }
    for (size_t i = 0; i < sizeof bool_args / sizeof bool_args[0]; i++)
        *(bool *)(base + bool_args[i].off) = attr_bool(config, bool_args[i].name);
    bool ok = true;
    for (size_t i = 0; i < sizeof list_args / sizeof list_args[0]; i++) {
        ok &= xacct_string_refs(value_attr(config, list_args[i].name), &b->lists[i],
                                (size_t *)(base + list_args[i].count_off));
        *(const char *const **)(base + list_args[i].off) = b->lists[i];
    }
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
    for (size_t i = 0; i < sizeof b->lists / sizeof b->lists[0]; i++)
        xa_free(b->lists[i]);
    xa_free(b->web_policies);
    xa_free(b);
}

bool provider_block_diag(struct diags *d, const char *block, size_t i, const char *attr,
                         const char *summary, const char *detail)
{
    struct attr_path p;
    attr_path_init(&p);
    bool ok = attr_path_push_attr(&p, block) && attr_path_push_index(&p, (int64_t)i) &&
              attr_path_push_attr(&p, attr);
    if (ok)
        diag_add(d, DIAG_ERROR, &p, summary, "%s", detail);
    attr_path_cleanup(&p);
    return ok;
}

/* One assume_role block to one hop of the chain; false on allocation failure. A bad
 * duration adds an error naming the block (assume_role[i].duration). */
static bool fill_role(struct aws_assume_role_config *r, struct borrowed_role *l,
                      const struct value *ar, size_t i, struct diags *d)
{
    *r = (struct aws_assume_role_config){
        .role_arn = value_attr_string(ar, "role_arn"),
        .session_name = value_attr_string(ar, "session_name"),
        .external_id = value_attr_string(ar, "external_id"),
        .duration_seconds = duration_seconds(value_attr_string(ar, "duration")),
        .policy = value_attr_string(ar, "policy"),
        .source_identity = value_attr_string(ar, "source_identity"),
    };
    bool ok = xacct_string_refs(value_attr(ar, "policy_arns"), &l->policies, &r->npolicy_arns);
    ok &= xacct_string_refs(value_attr(ar, "transitive_tag_keys"), &l->tkeys,
                            &r->ntransitive_tag_keys);
    ok &= xacct_kv_refs(value_attr(ar, "tags"), &l->tags, &r->ntags);
    r->policy_arns = l->policies;
    r->transitive_tag_keys = l->tkeys;
    r->tags = l->tags;
    if (r->duration_seconds < 0)
        ok &= provider_block_diag(d, "assume_role", i, "duration", "Invalid assume_role duration",
                                  "The duration must be like \"1h\" or \"15m\", at most 12h.");
    return ok;
}

/* Every assume_role block with a role_arn, in order: one hop each (the chain). */
static bool fill_roles(struct aws_client_config *c, struct borrowed *b, const struct value *config,
                       struct diags *d)
{
    const struct value *list = value_attr(config, "assume_role");
    size_t n = value_is_known(list) ? value_length(list) : 0;
    if (n == 0)
        return true;
    b->roles = xa_calloc(n, sizeof *b->roles);
    b->role_lists = xa_calloc(n, sizeof *b->role_lists);
    if (!b->roles || !b->role_lists)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const struct value *ar = value_index(list, i);
        if (value_attr_string(ar, "role_arn"))
            ok &= fill_role(&b->roles[b->nroles], &b->role_lists[b->nroles], ar, i, d);
        b->nroles += value_attr_string(ar, "role_arn") ? 1 : 0;
    }
    c->assume_role = b->roles;
    c->nassume_role = b->nroles;
    return ok;
}

XA_TESTABLE bool provider_client_fill(struct aws_client_config *c, struct borrowed **out,
                                      const struct value *config, struct diags *d)
{
    struct borrowed *b = *out = xa_calloc(1, sizeof *b);
    bool ok = b != NULL;
    if (!ok)
        goto out;
    ok &= fill_args(c, b, config);
    ok &= fill_roles(c, b, config, d);
    const struct value *wi = first_block(config, "assume_role_with_web_identity");
    if (wi && value_attr_string(wi, "role_arn")) {
        b->web = (struct aws_assume_role_web_identity_config){
            .role_arn = value_attr_string(wi, "role_arn"),
            .session_name = value_attr_string(wi, "session_name"),
            .web_identity_token = value_attr_string(wi, "web_identity_token"),
            .web_identity_token_file = value_attr_string(wi, "web_identity_token_file"),
            .duration_seconds = duration_seconds(value_attr_string(wi, "duration")),
            .policy = value_attr_string(wi, "policy"),
        };
        ok &= xacct_string_refs(value_attr(wi, "policy_arns"), &b->web_policies,
                                &b->web.npolicy_arns);
        b->web.policy_arns = b->web_policies;
        if (b->web.duration_seconds < 0)
            b->web.duration_seconds = 0;
        c->assume_role_with_web_identity = &b->web;
    }
    const struct value *ep = first_block(config, "endpoints");
    if (ep) {
        c->endpoint_apigateway = value_attr_string(ep, "apigateway");
        c->endpoint_lambda = value_attr_string(ep, "lambda");
        c->endpoint_sts = value_attr_string(ep, "sts");
    }
    int64_t retries;
    if (value_attr_int64(config, "max_retries", &retries))
        c->max_retries = (int)retries;
    const char *mode = value_attr_string(config, "retry_mode");
    c->retry_mode = mode && strcmp(mode, "adaptive") == 0 ? AWS_RETRY_ADAPTIVE : AWS_RETRY_STANDARD;
out:
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

bool provider_client_configure(struct xacct_meta *m, const struct value *config,
                               const char *terraform_version, struct diags *d)
{
    bool ok = false;
    struct aws_client_config c;
    struct borrowed *b = NULL;
    struct aws_error err;
    char reason[256];
    aws_client_config_init(&c);
    aws_error_init(&err);
    unsigned long stops_at = stops_so_far();
    if (!(m->partition = xa_strdup("aws")) || !xacct_caches_new(m)) {
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
        goto out;
    }

    const char *unknown = first_unknown(config);
    if (unknown) {
        /* Keep what is known for planning; refuse AWS calls with the reason. */
        const char *region = value_attr_string(config, "region");
        m->region = region ? xa_strdup(region) : NULL;
        snprintf(reason, sizeof reason,
                 "the provider argument \"%s\" was unknown when the provider was configured "
                 "(it depends on a resource that is not created yet). Apply that resource "
                 "first, e.g. with -target, or set the argument to a known value.", unknown);
        m->unusable_reason = xa_strdup(reason);
        ok = m->unusable_reason != NULL;
        goto out;
    }
    if (!provider_client_fill(&c, &b, config, d) || diags_has_error(d))
        goto out;
    enum xa_status st = build_client(m, &c, stops_at, &err);
    if (st != XA_OK) {
        xacct_aws_diag(d, NULL, "Cannot configure the xacct provider", &err,
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
    xacct_caches_free(m);
    xa_free(m->region);
    xa_free(m->account_id);
    xa_free(m->partition);
    xa_free(m->unusable_reason);
    xa_free(m);
}
