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
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/errors.h"
#include "resources/provider_client.h"
#include "util/alloc.h"

/* Borrowed string views of a list/set of strings; *out freed by the caller. */
static bool string_list(const struct value *v, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t len = value_is_known(v) ? value_length(v) : 0;
    if (len == 0)
        return true;
    const char **a = xa_calloc(len, sizeof *a);
    if (!a)
        return false;
    for (size_t i = 0; i < len; i++)
        a[i] = value_get_string(value_index(v, i));
    *out = a;
    *n = len;
    return true;
}

static bool kv_list(const struct value *v, struct aws_kv_ref **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t len = value_is_known(v) ? value_length(v) : 0;
    if (len == 0)
        return true;
    struct aws_kv_ref *a = xa_calloc(len, sizeof *a);
    if (!a)
        return false;
    for (size_t i = 0; i < len; i++)
        a[i] = (struct aws_kv_ref){.key = value_map_key(v, i),
                                   .value = value_get_string(value_index(v, i))};
    *out = a;
    *n = len;
    return true;
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

struct borrowed {
    struct aws_assume_role_config role;
    struct aws_assume_role_web_identity_config web;
    const char **scf, **scr, **allowed, **forbidden, **role_policies, **role_tkeys, **web_policies;
    struct aws_kv_ref *role_tags;
};

static void borrowed_cleanup(struct borrowed *b)
{
    xa_free(b->scf);
    xa_free(b->scr);
    xa_free(b->allowed);
    xa_free(b->forbidden);
    xa_free(b->role_policies);
    xa_free(b->role_tkeys);
    xa_free(b->web_policies);
    xa_free(b->role_tags);
}

static bool fill_config(struct aws_client_config *c, struct borrowed *b, const struct value *config,
                        struct diags *d)
{
    bool ok = true;
    c->region = value_attr_string(config, "region");
    c->sts_region = value_attr_string(config, "sts_region");
    c->access_key = value_attr_string(config, "access_key");
    c->secret_key = value_attr_string(config, "secret_key");
    c->token = value_attr_string(config, "token");
    c->profile = value_attr_string(config, "profile");
    ok &= string_list(value_attr(config, "shared_config_files"), &b->scf, &c->nshared_config_files);
    c->shared_config_files = b->scf;
    ok &= string_list(value_attr(config, "shared_credentials_files"), &b->scr,
                      &c->nshared_credentials_files);
    c->shared_credentials_files = b->scr;
    ok &= string_list(value_attr(config, "allowed_account_ids"), &b->allowed,
                      &c->nallowed_account_ids);
    c->allowed_account_ids = b->allowed;
    ok &= string_list(value_attr(config, "forbidden_account_ids"), &b->forbidden,
                      &c->nforbidden_account_ids);
    c->forbidden_account_ids = b->forbidden;

    const struct value *ar = first_block(config, "assume_role");
    if (ar && value_attr_string(ar, "role_arn")) {
        b->role = (struct aws_assume_role_config){
            .role_arn = value_attr_string(ar, "role_arn"),
            .session_name = value_attr_string(ar, "session_name"),
            .external_id = value_attr_string(ar, "external_id"),
            .duration_seconds = duration_seconds(value_attr_string(ar, "duration")),
            .policy = value_attr_string(ar, "policy"),
            .source_identity = value_attr_string(ar, "source_identity"),
        };
        ok &= string_list(value_attr(ar, "policy_arns"), &b->role_policies, &b->role.npolicy_arns);
        b->role.policy_arns = b->role_policies;
        ok &= string_list(value_attr(ar, "transitive_tag_keys"), &b->role_tkeys,
                          &b->role.ntransitive_tag_keys);
        b->role.transitive_tag_keys = b->role_tkeys;
        ok &= kv_list(value_attr(ar, "tags"), &b->role_tags, &b->role.ntags);
        b->role.tags = b->role_tags;
        if (b->role.duration_seconds < 0)
            diag_error(d, "Invalid assume_role duration",
                       "assume_role.duration must be like \"1h\" or \"15m\", at most 12h.");
        c->assume_role = &b->role;
        c->nassume_role = 1;
    }
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
        ok &= string_list(value_attr(wi, "policy_arns"), &b->web_policies, &b->web.npolicy_arns);
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
    c->custom_ca_bundle = value_attr_string(config, "custom_ca_bundle");
    c->insecure = attr_bool(config, "insecure");
    c->http_proxy = value_attr_string(config, "http_proxy");
    c->https_proxy = value_attr_string(config, "https_proxy");
    c->no_proxy = value_attr_string(config, "no_proxy");
    c->skip_credentials_validation = attr_bool(config, "skip_credentials_validation");
    c->skip_requesting_account_id = attr_bool(config, "skip_requesting_account_id");
    c->skip_metadata_api_check = attr_bool(config, "skip_metadata_api_check");
    c->skip_region_validation = attr_bool(config, "skip_region_validation");
    if (!ok)
        diag_error(d, "Cannot configure the xacct provider", "Out of memory.");
    return ok;
}

bool provider_client_configure(struct xacct_meta *m, const struct value *config,
                               const char *terraform_version, struct diags *d)
{
    bool ok = false;
    struct aws_client_config c;
    struct borrowed b = {0};
    struct aws_error err;
    char reason[256];
    aws_client_config_init(&c);
    aws_error_init(&err);
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
    if (!fill_config(&c, &b, config, d) || diags_has_error(d))
        goto out;
    if (aws_client_new(&c, &m->client, &err) != XA_OK) {
        xacct_aws_diag(d, NULL, "Cannot configure the xacct provider", &err,
                       "Check the provider block's credentials, region and endpoints.");
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
    borrowed_cleanup(&b);
    aws_error_cleanup(&err);
    return ok;
}

void provider_client_stop(struct xacct_meta *m)
{
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
