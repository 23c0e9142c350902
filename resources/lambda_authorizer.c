/* resources/lambda_authorizer.c - xacct_lambda_authorizer: a REST API's Lambda authorizer
 * (TOKEN or REQUEST) whose function may live in another account and region, managed with
 * the API account's provider.
 *
 * AWS object: the API's authorizer calling
 * arn:aws:apigateway:{function region}:lambda:path/2015-03-31/functions/{function ARN}/
 * invocations. The function's account grants it with xacct_lambda_permission and this
 * resource's source_arn, arn:aws:execute-api:{region}:{API account}:{API id}/authorizers/
 * {id}, whose region is the FUNCTION's when the two regions differ (AWS's rule for
 * cross-region, cross-account authorizers, aws/arn.h). Methods use it through
 * xacct_lambda_integration's authorizer_id.
 * Calls: Create -> GetAuthorizers (a name already taken is refused, with the import ID),
 * CreateAuthorizer, then GetAuthorizers again; Read -> GetAuthorizer (not found: gone);
 * Update -> UpdateAuthorizer patch operations; Delete -> DeleteAuthorizer (not found is
 * success). Argument names are hashicorp/aws's aws_api_gateway_authorizer's.
 * Lost answers: CreateAuthorizer is not idempotent, and a request retried after its answer
 * was lost makes a second authorizer. Names are unique per API among xacct's (create
 * refuses a taken one, and the creates of one API are serialised in the process), so the
 * second look after a create deletes any other authorizer of this name made since the
 * first look; a create whose outcome stays unknown (no answer after the retries, or
 * StopProvider) adopts the authorizer by name, or keeps the object without id so that the
 * next refresh adopts it by name.
 * ID: the authorizer id. Import: REST-API-ID/AUTHORIZER-ID (hashicorp/aws's). Identity:
 * account_id, region, rest_api_id, authorizer_id (import by identity needs the last two).
 * MoveResourceState accepts aws_api_gateway_authorizer (authorizer_migrate.c);
 * authorizer_list.c lists a REST API's Lambda authorizers.
 */
#include <stdio.h>
#include <string.h>

#include "aws/apigateway.h"
#include "aws/arn.h"
#include "aws/errors.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/resource.h"
#include "resources/authorizer_internal.h"
#include "resources/caches.h"
#include "resources/function_arn.h"
#include "resources/meta.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- Schema ------------------------------------------------------------------------ */

static const char *const authorizer_types[] = {"TOKEN", "REQUEST", NULL};

#define F(member) MODEL_FIELD(struct authorizer_model, member)
#define F_KEEP (ATTR_COMPUTED | ATTR_KEEP_STATE_WHEN_UNKNOWN)

static const struct schema_attribute authorizer_attrs[] = {
    {.name = "api_account_id", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(api_account_id),
     .description = "Account of the REST API (the provider's account), known at plan time."},
    {.name = "arn", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(arn),
     .description = "ARN of the authorizer (`arn:aws:apigateway:REGION::/restapis/ID/"
                    "authorizers/ID`)."},
    {.name = "authorizer_credentials", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(authorizer_credentials),
     .description = "IAM role API Gateway assumes to invoke the function; without it the "
                    "function's resource policy must grant `source_arn`."},
    {.name = "authorizer_result_ttl_in_seconds", .type = &type_number,
     .flags = ATTR_OPTIONAL | ATTR_COMPUTED, .default_json = "300",
     .validator = {.kind = VALIDATE_INT_RANGE, .min = 0, .max = 3600,
                   .message = "must be between 0 and 3600 seconds"},
     .field = F(authorizer_result_ttl_in_seconds),
     .description = "How long API Gateway caches the authorizer's answer; 0 turns caching off."},
    {.name = "authorizer_uri", .type = &type_string, .flags = ATTR_COMPUTED,
     .field = F(authorizer_uri),
     .description = "The invocation URI API Gateway calls, in the function's region; known "
                    "at plan time."},
    {.name = "function_arn", .type = &type_string, .flags = ATTR_REQUIRED,
     .field = F(function_arn),
     .description = "Full ARN of the authorizer function, possibly in another account and "
                    "region. Changes in place."},
    {.name = "id", .type = &type_string, .flags = F_KEEP, .field = F(id),
     .description = "The authorizer's id, for `xacct_lambda_integration.authorizer_id`."},
    {.name = "identity_source", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "\"method.request.header.Authorization\"", .field = F(identity_source),
     .description = "Where the identity comes from: for TOKEN one header "
                    "(`method.request.header.NAME`), for REQUEST a comma-separated list."},
    {.name = "identity_validation_expression", .type = &type_string, .flags = ATTR_OPTIONAL,
     .field = F(identity_validation_expression),
     .description = "TOKEN only: a regular expression the token must match before API "
                    "Gateway calls the function."},
    {.name = "name", .type = &type_string, .flags = ATTR_REQUIRED, .field = F(name),
     .description = "Name of the authorizer, unique in the API."},
    {.name = "region", .type = &type_string,
     .flags = ATTR_OPTIONAL | F_KEEP | ATTR_REQUIRES_REPLACE, .field = F(region),
     .description = "Region of the REST API; the provider's region by default."},
    {.name = "rest_api_id", .type = &type_string, .flags = ATTR_REQUIRED | ATTR_REQUIRES_REPLACE,
     .field = F(rest_api_id), .description = "ID of the REST API."},
    {.name = "source_arn", .type = &type_string, .flags = ATTR_COMPUTED, .field = F(source_arn),
     .description = "The execute-api ARN API Gateway calls the function with, for "
                    "`xacct_lambda_permission.source_arn` in the function's account. Its "
                    "region is the function's when the API is in another region."},
    {.name = "type", .type = &type_string, .flags = ATTR_OPTIONAL | ATTR_COMPUTED,
     .default_json = "\"TOKEN\"",
     .validator = {.kind = VALIDATE_ONE_OF, .one_of = authorizer_types,
                   .message = "must be TOKEN or REQUEST"},
     .field = F(type), .description = "`TOKEN` (default) or `REQUEST`."},
};

static const struct schema authorizer_schema = {
    .version = 0,
    .block = {
        .attrs = authorizer_attrs,
        .nattrs = sizeof authorizer_attrs / sizeof authorizer_attrs[0],
        .description = "A REST API Lambda authorizer whose function may be in another "
                       "account and region. Use the API account's provider.",
        .model_size = sizeof(struct authorizer_model),
    },
};

#define NAME(member) MODEL_NAME(&authorizer_schema.block, struct authorizer_model, member)

/* ---- Identity ---------------------------------------------------------------------- */

/* The authorizer as its import ID names it (REST-API-ID/AUTHORIZER-ID), in the API's
 * account and region, derived by core from these rows (core/identity.h). */
static const struct identity_attribute authorizer_identity_attrs[] = {
    {.name = "account_id", .value = identity_account,
     .description = "Account of the REST API: the provider's."},
    {.name = "authorizer_id", .required_for_import = true, .field = F(id),
     .description = "The authorizer's id."},
    {.name = "region", .field = F(region), .value = identity_region,
     .description = "Region of the REST API; the provider's by default."},
    {.name = "rest_api_id", .required_for_import = true, .field = F(rest_api_id),
     .description = "ID of the REST API."},
};

static const struct identity_schema authorizer_identity = {
    .version = 0,
    .attrs = authorizer_identity_attrs,
    .nattrs = sizeof authorizer_identity_attrs / sizeof authorizer_identity_attrs[0],
};

/* ---- Conversions ------------------------------------------------------------------- */

static const char *api_region(const struct xacct_meta *meta, const struct authorizer_model *m)
{
    return m->region.value ? m->region.value : (meta ? meta->region : NULL);
}

/* authorizer_uri from function_arn; source_arn and arn once the id is known. */
static bool compute(struct authorizer_model *m, const char *partition)
{
    bool ok = function_arn_invoke_uri(&m->function_arn, false, &m->authorizer_uri);
    struct arn_lambda_function f;
    struct xbuf b;
    arn_lambda_function_init(&f);
    xbuf_init(&b);
    const char *fn = m->function_arn.value, *id = m->id.value, *api = m->rest_api_id.value;
    const char *region = m->region.value, *acct = m->api_account_id.value;
    bool fn_ok = fn && arn_lambda_function_parse(fn, &f, NULL) == XA_OK && f.region;
    const char *part = f.partition ? f.partition : partition ? partition : "aws";
    if (id && api && region && acct && fn_ok &&
        arn_authorizer_source_arn(part, arn_source_arn_region(ARN_SOURCE_AUTHORIZER, region,
                                                              f.region),
                                  acct, api, id, &b) == XA_OK)
        ok &= model_set_string(&m->source_arn, xbuf_cstr(&b));
    else if (m->function_arn.state == MODEL_UNKNOWN || !id || !acct)
        model_set_unknown(&m->source_arn);
    else
        model_take_string(&m->source_arn, NULL);
    if (id && api && region)
        ok &= model_set_stringf(&m->arn, "arn:%s:apigateway:%s::/restapis/%s/authorizers/%s",
                                part, region, api, id);
    else
        model_set_unknown(&m->arn);
    xbuf_cleanup(&b);
    arn_lambda_function_cleanup(&f);
    return ok;
}

/* The state from AWS's authorizer, in place of the model (create, read, update, list). */
bool authorizer_state_read(struct authorizer_model *m, const struct apigw_authorizer *a,
                           const struct xacct_meta *meta)
{
    struct arn_invoke_uri u;
    enum xa_status st = arn_invoke_uri_parse(a->authorizer_uri, &u, NULL);
    bool ok = st != XA_ENOMEM && model_set_string(&m->id, a->id) &&
              model_set_string(&m->name, a->name) && model_set_string(&m->type, a->type) &&
              model_set_string(&m->identity_source, a->identity_source) &&
              model_set_string(&m->identity_validation_expression,
                               a->identity_validation_expression) &&
              model_set_string(&m->authorizer_credentials, a->authorizer_credentials) &&
              /* A URI that is not a Lambda function's is kept whole, so the drift shows. */
              model_set_string(&m->function_arn, st == XA_OK ? u.function_arn
                                                             : a->authorizer_uri);
    model_set_int64(&m->authorizer_result_ttl_in_seconds,
                    a->ttl_seconds >= 0 ? a->ttl_seconds : 300);
    if (!m->region.value && meta)
        ok &= model_set_string(&m->region, meta->region);
    if (!m->api_account_id.value)
        ok &= model_set_string(&m->api_account_id,
                               meta && meta->account_id ? meta->account_id : "");
    ok = ok && compute(m, meta ? meta->partition : NULL);
    if (ok && a->authorizer_uri &&
        (!m->authorizer_uri.value || strcmp(m->authorizer_uri.value, a->authorizer_uri) != 0))
        ok &= model_set_string(&m->authorizer_uri, a->authorizer_uri);
    model_unknowns_to_null(&authorizer_schema.block, m);
    arn_invoke_uri_cleanup(&u);
    return ok;
}

static bool listed(const struct apigw_authorizer_list *l, const char *id)
{
    for (size_t i = 0; l && id && i < l->count; i++)
        if (l->items[i].id && strcmp(l->items[i].id, id) == 0)
            return true;
    return false;
}

/* The authorizer named `name` in l that is not in before (NULL: any), or NULL. */
static const struct apigw_authorizer *find_name(const struct apigw_authorizer_list *l,
                                                const char *name,
                                                const struct apigw_authorizer_list *before)
{
    for (size_t i = 0; name && i < l->count; i++)
        if (!listed(before, l->items[i].id) && l->items[i].name &&
            strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

static void authorizer_diag(struct diags *d, const char *summary, const struct aws_error *err)
{
    const char *remedy = NULL;
    if (aws_error_is(err, "ConflictException"))
        remedy = "A method still uses this authorizer: remove authorizer_id from its "
                 "xacct_lambda_integration (Terraform does that first when both are in this "
                 "configuration) or set the method's authorization by hand.";
    else if (aws_error_is(err, "NotFoundException"))
        remedy = "Check rest_api_id and that this provider is configured for the API's "
                 "account and region.";
    else if (aws_error_is(err, "BadRequestException"))
        remedy = "API Gateway refused the authorizer's settings; check type, "
                 "identity_source and function_arn.";
    meta_aws_diag(d, NULL, summary, err, remedy);
}

/* ---- Lifecycle --------------------------------------------------------------------- */

static void authorizer_validate(const void *config, struct diags *d)
{
    const struct authorizer_model *c = config;
    function_arn_validate(&c->function_arn, NAME(function_arn), d);
    const char *type = c->type.value ? c->type.value : "TOKEN", *src = c->identity_source.value;
    if (strcmp(type, "TOKEN") == 0 && src &&
        (strncmp(src, "method.request.header.", 22) != 0 || !src[22] || strchr(src, ',')))
        diag_error_attr(d, NAME(identity_source), "Invalid identity source",
                        "A TOKEN authorizer reads one header: identity_source must be "
                        "\"method.request.header.NAME\", e.g. "
                        "\"method.request.header.Authorization\"; \"%s\" is not. Use type = "
                        "\"REQUEST\" for other or several sources.", src);
}

static void authorizer_plan(void *meta, const void *prior_model, const void *config_model,
                            void *planned_model, struct path_list *rr, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct authorizer_model *prior = prior_model, *config = config_model;
    struct authorizer_model *p = planned_model;
    bool ok = true;
    if (config->region.state == MODEL_NULL && m && m->region) {
        ok &= model_set_string(&p->region, m->region);
        if (prior && prior->region.value && strcmp(prior->region.value, m->region) != 0)
            ok &= path_list_add_attr(rr, NAME(region));
    }
    if (m && m->account_id && m->account_id[0])
        ok &= model_set_string(&p->api_account_id, m->account_id);
    else if (!prior)
        model_set_unknown(&p->api_account_id);
    if (!ok || !compute(p, m ? m->partition : NULL))
        diag_error(d, "Cannot plan the authorizer", "Out of memory.");
}

/* Deletes the authorizers named like s's that a retried CreateAuthorizer made beside s
 * (not in before): the name was free before this create. */
static void drop_duplicates(struct xacct_meta *m, const struct authorizer_model *s,
                            const struct apigw_authorizer_list *before, struct diags *d)
{
    struct apigw_authorizer_list now = {0};
    struct aws_error err;
    aws_error_init(&err);
    const char *region = api_region(m, s), *api = s->rest_api_id.value;
    if (apigw_get_authorizers(m->client, region, api, &now, &err) != XA_OK)
        goto out;
    for (size_t i = 0; i < now.count; i++) {
        const struct apigw_authorizer *a = &now.items[i];
        if (!a->id || strcmp(a->id, s->id.value) == 0 || listed(before, a->id) || !a->name ||
            strcmp(a->name, s->name.value) != 0)
            continue;
        aws_error_reset(&err);
        if (apigw_delete_authorizer(m->client, region, api, a->id, &err) == XA_OK)
            diag_add(d, DIAG_WARNING, NULL, "Duplicate authorizer removed",
                     "A retried CreateAuthorizer had made a second authorizer named \"%s\" "
                     "(%s); it was deleted, %s is the one in the state.", a->name, a->id,
                     s->id.value);
    }
out:
    apigw_authorizer_list_cleanup(&now);
    aws_error_cleanup(&err);
}

/* A create whose answer never came: adopt the authorizer by name when it can be looked up,
 * else keep the object without id (the next refresh looks it up by name). */
static void adopt_lost(struct xacct_meta *m, struct authorizer_model *s,
                       const struct apigw_authorizer_list *before, struct diags *d)
{
    struct apigw_authorizer_list now = {0};
    struct aws_error err;
    aws_error_init(&err);
    const struct apigw_authorizer *a = NULL;
    if (apigw_get_authorizers(m->client, api_region(m, s), s->rest_api_id.value, &now,
                              &err) == XA_OK)
        a = find_name(&now, s->name.value, before);
    if (a && authorizer_state_read(s, a, m)) {
        diag_add(d, DIAG_WARNING, NULL, "Authorizer adopted",
                 "CreateAuthorizer's answer was lost; authorizer %s named \"%s\" was found "
                 "and is recorded in the state.", s->id.value, s->name.value);
        drop_duplicates(m, s, before, d);   /* the attempts before the last one */
    } else {
        model_take_string(&s->id, NULL);
        model_unknowns_to_null(&authorizer_schema.block, s);
        diag_add(d, DIAG_WARNING, NULL, "The authorizer may exist",
                 "No answer came back from CreateAuthorizer. The authorizer named \"%s\" is "
                 "kept in the state without id; the next refresh looks it up by name.",
                 s->name.value);
    }
    apigw_authorizer_list_cleanup(&now);
    aws_error_cleanup(&err);
}

static bool outcome_unknown(enum xa_status st, const struct aws_error *err)
{
    return (st == XA_EIO || st == XA_ETIMEDOUT || st == XA_ECANCELED) && err->attempts > 0;
}

/* CreateAuthorizer with the lookups around it; the caller holds the API's lock. */
static bool create_locked(struct xacct_meta *m, struct authorizer_model *s, struct diags *d)
{
    struct apigw_authorizer_list before = {0};
    struct apigw_authorizer out = {.ttl_seconds = -1};
    struct aws_error err;
    bool created = false;
    aws_error_init(&err);
    const char *region = api_region(m, s), *api = s->rest_api_id.value;
    enum xa_status st = apigw_get_authorizers(m->client, region, api, &before, &err);
    const struct apigw_authorizer *taken = st == XA_OK ? find_name(&before, s->name.value, NULL)
                                                       : NULL;
    if (st != XA_OK) {
        authorizer_diag(d, "Cannot read the API's authorizers", &err);
        goto out;
    }
    if (taken) {
        diag_error_attr(d, NAME(name), "Authorizer name taken",
                        "REST API %s already has an authorizer named \"%s\" (id %s). Import it "
                        "(import { to = ..., id = \"%s/%s\" }) or choose another name.", api,
                        taken->name, taken->id, api, taken->id);
        goto out;
    }
    const struct apigw_authorizer_req req = {
        .rest_api_id = api, .name = s->name.value, .type = s->type.value,
        .authorizer_uri = s->authorizer_uri.value, .identity_source = s->identity_source.value,
        .identity_validation_expression = s->identity_validation_expression.value,
        .authorizer_credentials = s->authorizer_credentials.value,
        .ttl_seconds = (int)s->authorizer_result_ttl_in_seconds.value,
    };
    aws_error_reset(&err);
    st = apigw_create_authorizer(m->client, region, &req, &out, &err);
    if (st == XA_OK) {
        created = true;
        if (!authorizer_state_read(s, &out, m))
            diag_error(d, "Cannot record the authorizer",
                       "Out of memory after authorizer %s was created.", out.id);
        else
            drop_duplicates(m, s, &before, d);
    } else if (outcome_unknown(st, &err)) {
        created = true;
        authorizer_diag(d, "Cannot create the authorizer", &err);
        adopt_lost(m, s, &before, d);
    } else {
        authorizer_diag(d, "Cannot create the authorizer", &err);
    }
out:
    apigw_authorizer_list_cleanup(&before);
    apigw_authorizer_cleanup(&out);
    aws_error_cleanup(&err);
    return created;
}

static bool authorizer_create(void *meta, const void *config, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct authorizer_model *s = state;
    if (!meta_client(m, "create the authorizer", d))
        return false;
    char lock[160];
    snprintf(lock, sizeof lock, "authorizers of %s", s->rest_api_id.value);
    caches_function_lock(m, api_region(m, s), lock);
    bool created = create_locked(m, s, d);
    caches_function_unlock(m, api_region(m, s), lock);
    return created;
}

/* The authorizer of s from AWS: by id, or by name when a lost create left no id.
 * XA_ENOTFOUND when it is gone. */
static enum xa_status fetch(struct xacct_meta *m, const struct authorizer_model *s,
                            struct apigw_authorizer *out, struct aws_error *err)
{
    *out = (struct apigw_authorizer){.ttl_seconds = -1};
    const char *region = api_region(m, s), *api = s->rest_api_id.value;
    if (s->id.value) {
        enum xa_status st = apigw_get_authorizer(m->client, region, api, s->id.value, out, err);
        return st == XA_EAWS && aws_error_is(err, "NotFoundException") ? XA_ENOTFOUND : st;
    }
    struct apigw_authorizer_list l = {0};
    enum xa_status st = apigw_get_authorizers(m->client, region, api, &l, err);
    const struct apigw_authorizer *a = st == XA_OK ? find_name(&l, s->name.value, NULL) : NULL;
    if (a) {
        *out = *a;   /* moved out of the list */
        *(struct apigw_authorizer *)a = (struct apigw_authorizer){.ttl_seconds = -1};
    } else if (st == XA_OK || (st == XA_EAWS && aws_error_is(err, "NotFoundException"))) {
        st = XA_ENOTFOUND;
    }
    apigw_authorizer_list_cleanup(&l);
    return st;
}

static bool authorizer_read(void *meta, void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    struct authorizer_model *s = state;
    struct apigw_authorizer a = {.ttl_seconds = -1};
    struct aws_error err;
    bool found = false;
    aws_error_init(&err);
    if (!meta_client(m, "read the authorizer", d))
        goto out;
    enum xa_status st = fetch(m, s, &a, &err);
    if (st == XA_ENOTFOUND)
        goto out;   /* gone: null state, Terraform plans to create it again */
    if (st != XA_OK)
        authorizer_diag(d, "Cannot read the authorizer", &err);
    else if (!(found = authorizer_state_read(s, &a, m)))
        diag_error(d, "Cannot read the authorizer", "Out of memory.");
out:
    apigw_authorizer_cleanup(&a);
    aws_error_cleanup(&err);
    return found;
}

/* ---- update, delete, import, move ---- */

/* Appends a "replace" of path to ops when the field changed (null: the value ""). */
static void patch(struct apigw_patch_op *ops, size_t *n, const struct model_string *prior,
                  const struct model_string *next, const char *path)
{
    if (!model_string_equal(prior, next) && next->state != MODEL_UNKNOWN)
        ops[(*n)++] = (struct apigw_patch_op){.op = "replace", .path = path,
                                              .value = next->value ? next->value : ""};
}

static bool authorizer_update(void *meta, const void *prior_model, const void *config,
                              void *state, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct authorizer_model *prior = prior_model;
    struct authorizer_model *s = state;
    struct apigw_authorizer out = {.ttl_seconds = -1};
    struct apigw_patch_op ops[8];
    struct aws_error err;
    char ttl[24];
    size_t n = 0;
    bool updated = false;
    aws_error_init(&err);
    patch(ops, &n, &prior->name, &s->name, "/name");
    patch(ops, &n, &prior->type, &s->type, "/type");
    patch(ops, &n, &prior->authorizer_uri, &s->authorizer_uri, "/authorizerUri");
    patch(ops, &n, &prior->identity_source, &s->identity_source, "/identitySource");
    patch(ops, &n, &prior->identity_validation_expression, &s->identity_validation_expression,
          "/identityValidationExpression");
    patch(ops, &n, &prior->authorizer_credentials, &s->authorizer_credentials,
          "/authorizerCredentials");
    if (!model_int64_equal(&prior->authorizer_result_ttl_in_seconds,
                           &s->authorizer_result_ttl_in_seconds)) {
        snprintf(ttl, sizeof ttl, "%lld", (long long)s->authorizer_result_ttl_in_seconds.value);
        ops[n++] = (struct apigw_patch_op){.op = "replace",
                                           .path = "/authorizerResultTtlInSeconds", .value = ttl};
    }
    if (!meta_client(m, "update the authorizer", d))
        goto out;
    enum xa_status st = n ? apigw_update_authorizer(m->client, api_region(m, s),
                                                    s->rest_api_id.value, prior->id.value, ops,
                                                    n, &out, &err)
                          : apigw_get_authorizer(m->client, api_region(m, s),
                                                 s->rest_api_id.value, prior->id.value, &out,
                                                 &err);
    if (st != XA_OK) {
        authorizer_diag(d, "Cannot update the authorizer", &err);
        goto out;
    }
    updated = true;
    if (!authorizer_state_read(s, &out, m))
        diag_error(d, "Cannot record the authorizer", "Out of memory.");
out:
    apigw_authorizer_cleanup(&out);
    aws_error_cleanup(&err);
    return updated;
}

static void authorizer_delete(void *meta, const void *prior_model, struct diags *d)
{
    struct xacct_meta *m = meta;
    const struct authorizer_model *prior = prior_model;
    struct aws_error err;
    aws_error_init(&err);
    if (meta_client(m, "delete the authorizer", d) && prior->id.value) {
        enum xa_status st = apigw_delete_authorizer(m->client, api_region(m, prior),
                                                    prior->rest_api_id.value, prior->id.value,
                                                    &err);
        if (st != XA_OK && !(st == XA_EAWS && aws_error_is(&err, "NotFoundException")))
            authorizer_diag(d, "Cannot delete the authorizer", &err);
    }
    aws_error_cleanup(&err);
}

static bool authorizer_import(void *meta, const char *id, void *state, struct diags *d)
{
    struct authorizer_model *s = state;
    const char *slash = id ? strchr(id, '/') : NULL;
    bool ok = slash && slash != id && slash[1] && !strchr(slash + 1, '/');
    char *api = ok ? xa_strndup(id, (size_t)(slash - id)) : NULL;
    ok = ok && api && model_set_string(&s->rest_api_id, api) &&
         model_set_string(&s->id, slash + 1);
    xa_free(api);
    if (!ok)
        diag_error(d, "Invalid import ID",
                   "\"%s\" is not an authorizer ID. Expected REST-API-ID/AUTHORIZER-ID, e.g. "
                   "\"a1b2c3d4e5/abc123\".", id ? id : "");
    return ok;
}

static bool authorizer_move(const char *json, size_t len, void *state, struct diags *d)
{
    return authorizer_move_json(json, len, state, d);
}

/* ---- The table --------------------------------------------------------------------- */

const struct resource_type xacct_lambda_authorizer_type = {
    .name = "xacct_lambda_authorizer",
    .schema = &authorizer_schema,
    .validate = authorizer_validate,
    .plan = authorizer_plan,
    .create = authorizer_create,
    .read = authorizer_read,
    .update = authorizer_update,
    .delete_ = authorizer_delete,
    .import = authorizer_import,
    .identity = &authorizer_identity,
    .move_from = {.provider = "hashicorp/aws", .type = "aws_api_gateway_authorizer"},
    .move = authorizer_move,
};
