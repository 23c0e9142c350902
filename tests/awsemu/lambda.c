/* awsemu/lambda.c - the Lambda operations the provider uses: GetFunction, AddPermission
 * (201), GetPolicy and RemovePermission (204), with Qualifier and RevisionId honoured.
 * AddPermission refuses $LATEST (InvalidParameterValueException) and a policy that would
 * pass 20 KB (PolicyLengthExceededException), as Lambda does.
 *
 * A function may be named by name, partial ARN (ACCOUNT:function:NAME) or full ARN, each
 * optionally with ":QUALIFIER". An ARN naming another account is refused with
 * AccessDeniedException (these are not cross-account APIs); another region's ARN is not
 * reachable from this region. Each qualifier ("" = unqualified, a version or an alias)
 * has its own policy and RevisionId, as in AWS.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "world.h"

/* A function's resource policy may hold 20 KB ("Lambda quotas"). */
#define POLICY_MAX_BYTES 20480

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ----------------------------------------------------------- naming a function */

struct fn_ref {
    json_t *fn;
    json_t *qual;              /* the qualifier's policy holder */
    char qualifier[130];       /* "" when unqualified */
    char arn[640];             /* qualified when a qualifier was given */
};

static bool valid_name(const char *s)
{
    if (*s == '\0' || strlen(s) > 64)
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    }
    return true;
}

/* Splits name (as in the path) into account, region, function name and qualifier. */
static bool parse_name(const char *in, char *account, char *region, char *name, char *qual)
{
    char buf[512], *f[8];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", in);
    char *p = buf;
    f[n++] = p;
    while ((p = strchr(p, ':')) != NULL && n < 8) {
        *p++ = '\0';
        f[n++] = p;
    }
    qual[0] = account[0] = region[0] = '\0';
    int at = 0;
    if (n >= 7 && strcmp(f[0], "arn") == 0 && strcmp(f[2], "lambda") == 0 &&
        strcmp(f[5], "function") == 0) {
        snprintf(region, 32, "%s", f[3]);
        snprintf(account, 16, "%s", f[4]);
        at = 6;
    } else if (n >= 3 && strcmp(f[1], "function") == 0) {
        snprintf(account, 16, "%s", f[0]);
        at = 2;
    }
    if (n - at > 2 || (at == 0 && n > 2))
        return false;
    snprintf(name, 65, "%s", f[at]);
    if (n - at == 2)
        snprintf(qual, 129, "%s", f[at + 1]);
    return valid_name(name) && (n - at == 1 || qual[0] != '\0');
}

/* Finds the function and qualifier of the request; false with resp filled. */
static bool resolve(struct emu_server *s, const struct emu_req *r, const char *param,
                    const char *op, struct fn_ref *out, struct emu_resp *resp)
{
    char account[16], region[32], name[65], qual[130];
    if (!parse_name(param, account, region, name, qual)) {
        emu_error(resp, r, 400, "ValidationException",
                  "1 validation error detected: Value '%s' at 'functionName' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-"
                  "Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-"
                  "zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", param);
        return false;
    }
    if (account[0] == '\0')
        snprintf(account, sizeof account, "%s", r->account);
    if (region[0] == '\0')
        snprintf(region, sizeof region, "%s", r->region);
    char arn[512];
    snprintf(arn, sizeof arn, "arn:aws:lambda:%s:%s:function:%s", region, account, name);
    if (strcmp(account, r->account) != 0) {
        emu_error(resp, r, 403, "AccessDeniedException",
                  "User: %s is not authorized to perform: lambda:%s on resource: %s because no "
                  "resource-based policy allows the lambda:%s action", r->caller_arn, op, arn,
                  op);
        return false;
    }
    if (strcmp(region, r->region) != 0) {
        emu_error(resp, r, 404, "ResourceNotFoundException",
                  "Functions from '%s' are not reachable in this region ('%s')", region,
                  r->region);
        return false;
    }
    struct xbuf q;
    xbuf_init(&q);
    bool have_q = emu_req_query(r, "Qualifier", &q);
    bool ok = false;
    if (have_q && qual[0] != '\0' && strcmp(qual, xbuf_cstr(&q)) != 0) {
        emu_error(resp, r, 400, "InvalidParameterValueException",
                  "The derived qualifier from the function name does not match the specified "
                  "qualifier.");
        goto done;
    }
    if (have_q)
        snprintf(qual, sizeof qual, "%s", xbuf_cstr(&q));
    out->fn = world_function(s->world, account, region, name);
    snprintf(out->arn, sizeof out->arn, "%s%s%s", arn, qual[0] ? ":" : "", qual);
    if (out->fn == NULL) {
        emu_error(resp, r, 404, "ResourceNotFoundException", "Function not found: %s", out->arn);
        goto done;
    }
    snprintf(out->qualifier, sizeof out->qualifier, "%s", qual);
    out->qual = json_object_get(json_object_get(out->fn, "quals"),
                                strcmp(qual, "$LATEST") == 0 ? "" : qual);
    if (out->qual == NULL) {
        emu_error(resp, r, 404, "ResourceNotFoundException", "Function not found: %s", out->arn);
        goto done;
    }
    ok = true;
done:
    xbuf_cleanup(&q);
    return ok;
}

/* ------------------------------------------------------------------ GetFunction */

static void get_function(struct emu_server *s, struct emu_req *r, char *const *p,
                         struct emu_resp *resp)
{
    struct fn_ref f;
    if (!resolve(s, r, p[0], "GetFunction", &f, resp))
        return;
    const char *version = "$LATEST";
    json_t *alias = json_object_get(json_object_get(f.fn, "aliases"), f.qualifier);
    if (alias != NULL)
        version = json_string_value(alias);
    else if (f.qualifier[0] != '\0')
        version = f.qualifier;
    char sha[65], location[256];
    snprintf(sha, sizeof sha, "%s", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    snprintf(location, sizeof location, "https://awslambda-%s-tasks.s3.%s.amazonaws.com/"
             "snapshots/%s/%s", jstr(f.fn, "region"), jstr(f.fn, "region"),
             jstr(f.fn, "account"), jstr(f.fn, "name"));
    json_t *out = json_pack(
        "{s:{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:O,s:O,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],"
        "s:{s:i}},s:{s:s,s:s},s:{}}",
        "Configuration", "FunctionName", jstr(f.fn, "name"), "FunctionArn", f.arn, "Runtime",
        jstr(f.fn, "runtime"), "Role", jstr(f.fn, "role"), "Handler", jstr(f.fn, "handler"),
        "CodeSize", 299, "Description", jstr(f.fn, "description"), "Timeout",
        json_object_get(f.fn, "timeout"), "MemorySize", json_object_get(f.fn, "memory_size"),
        "LastModified", jstr(f.fn, "last_modified"), "CodeSha256", sha, "Version", version,
        "RevisionId", jstr(f.qual, "revision_id"), "State", "Active", "LastUpdateStatus",
        "Successful", "PackageType", "Zip", "Architectures", "x86_64", "EphemeralStorage",
        "Size", 512, "Code", "RepositoryType", "S3", "Location", location, "Tags");
    emu_resp_json(resp, 200, out);
    json_decref(out);
}

/* ------------------------------------------------------------------- policies */

static json_t *principal_json(const char *p)
{
    if (strcmp(p, "*") == 0)
        return json_string("*");
    bool digits = strlen(p) == 12;
    for (const char *c = p; digits && *c; c++)
        digits = isdigit((unsigned char)*c);
    char arn[256];
    if (digits) {
        snprintf(arn, sizeof arn, "arn:aws:iam::%s:root", p);
        return json_pack("{s:s}", "AWS", arn);
    }
    if (strncmp(p, "arn:", 4) == 0)
        return json_pack("{s:s}", "AWS", p);
    size_t n = strlen(p);
    if ((n > 14 && strcmp(p + n - 14, ".amazonaws.com") == 0) ||
        (n > 11 && strcmp(p + n - 11, ".amazon.com") == 0))
        return json_pack("{s:s}", "Service", p);
    return NULL;
}

static bool valid_sid(const char *s)
{
    if (*s == '\0' || strlen(s) > 100)
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    }
    return true;
}

/* The policy document of a qualifier, as GetPolicy returns it (a JSON string). */
static char *policy_document(const json_t *statements)
{
    json_t *doc = json_pack("{s:s,s:s,s:O}", "Version", "2012-10-17", "Id", "default",
                            "Statement", statements);
    char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return s;
}

static bool revision_matches(const struct emu_req *r, const json_t *qual, const char *given,
                             struct emu_resp *resp)
{
    if (given == NULL || strcmp(given, jstr(qual, "revision_id")) == 0)
        return true;
    emu_error(resp, r, 412, "PreconditionFailedException",
              "The Revision Id provided does not match the latest Revision Id. Call the "
              "GetPolicy API to retrieve the latest Revision Id");
    return false;
}

static void add_condition(json_t *cond, const char *op, const char *key, const char *value)
{
    if (value == NULL)
        return;
    json_t *o = json_object_get(cond, op);
    if (o == NULL) {
        o = json_object();
        json_object_set_new(cond, op, o);
    }
    json_object_set_new(o, key, json_string(value));
}

static void add_permission(struct emu_server *s, struct emu_req *r, char *const *p,
                           struct emu_resp *resp)
{
    struct fn_ref f;
    if (!resolve(s, r, p[0], "AddPermission", &f, resp))
        return;
    json_error_t je;
    json_t *in = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
    json_t *principal = NULL, *cond = NULL;
    const char *sid = jstr(in, "StatementId"), *action = jstr(in, "Action"),
               *who = jstr(in, "Principal");
    if (!json_is_object(in)) {
        emu_error(resp, r, 400, "InvalidRequestContentException",
                  "Could not parse request body into json: %s", je.text);
        goto done;
    }
    const char *missing = sid == NULL ? "statementId" : action == NULL ? "action"
                          : who == NULL ? "principal" : NULL;
    if (missing != NULL) {
        emu_error(resp, r, 400, "ValidationException",
                  "1 validation error detected: Value null at '%s' failed to satisfy "
                  "constraint: Member must not be null", missing);
        goto done;
    }
    if (!valid_sid(sid)) {
        emu_error(resp, r, 400, "ValidationException",
                  "1 validation error detected: Value '%s' at 'statementId' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: "
                  "([a-zA-Z0-9-_.]+)", sid);
        goto done;
    }
    if (strncmp(action, "lambda:", 7) != 0) {
        emu_error(resp, r, 400, "InvalidParameterValueException",
                  "The action %s is not a Lambda action.", action);
        goto done;
    }
    principal = principal_json(who);
    if (principal == NULL) {
        emu_error(resp, r, 400, "InvalidParameterValueException",
                  "The provided principal was invalid. Please check the principal and try "
                  "again.");
        goto done;
    }
    if (strcmp(f.qualifier, "$LATEST") == 0) {
        emu_error(resp, r, 400, "InvalidParameterValueException",
                  "We currently do not support adding policies for $LATEST.");
        goto done;
    }
    if (!revision_matches(r, f.qual, jstr(in, "RevisionId"), resp))
        goto done;
    json_t *statements = json_object_get(f.qual, "statements"), *st;
    size_t i;
    json_array_foreach(statements, i, st) {
        if (jstr(st, "Sid") != NULL && strcmp(jstr(st, "Sid"), sid) == 0) {
            emu_error(resp, r, 409, "ResourceConflictException",
                      "The statement id (%s) provided already exists. Please choose a new "
                      "statement id, or remove the existing statement.", sid);
            goto done;
        }
    }
    cond = json_object();
    add_condition(cond, "StringEquals", "AWS:SourceAccount", jstr(in, "SourceAccount"));
    add_condition(cond, "StringEquals", "aws:PrincipalOrgID", jstr(in, "PrincipalOrgID"));
    add_condition(cond, "StringEquals", "lambda:EventSourceToken", jstr(in, "EventSourceToken"));
    add_condition(cond, "StringEquals", "lambda:FunctionUrlAuthType",
                  jstr(in, "FunctionUrlAuthType"));
    add_condition(cond, "ArnLike", "AWS:SourceArn", jstr(in, "SourceArn"));
    st = json_pack("{s:s,s:s,s:O,s:s,s:s}", "Sid", sid, "Effect", "Allow", "Principal",
                   principal, "Action", action, "Resource", f.arn);
    if (json_object_size(cond) > 0)
        json_object_set(st, "Condition", cond);
    json_array_append(statements, st);
    char *doc = policy_document(statements);
    size_t size = doc ? strlen(doc) : 0;
    free(doc);
    if (size > POLICY_MAX_BYTES) {
        json_array_remove(statements, json_array_size(statements) - 1);
        emu_error(resp, r, 400, "PolicyLengthExceededException",
                  "The final policy size (%zu) is bigger than the limit (%d).", size,
                  POLICY_MAX_BYTES);
        json_decref(st);
        goto done;
    }
    world_new_revision(f.qual);
    char *text = json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_t *out = json_pack("{s:s}", "Statement", text ? text : "{}");
    emu_resp_json(resp, 201, out);
    json_decref(out);
    json_decref(st);
    free(text);
done:
    json_decref(cond);
    json_decref(principal);
    json_decref(in);
}

static void get_policy(struct emu_server *s, struct emu_req *r, char *const *p,
                       struct emu_resp *resp)
{
    struct fn_ref f;
    if (!resolve(s, r, p[0], "GetPolicy", &f, resp))
        return;
    json_t *statements = json_object_get(f.qual, "statements");
    if (json_array_size(statements) == 0) {
        emu_error(resp, r, 404, "ResourceNotFoundException",
                  "The resource you requested does not exist.");
        return;
    }
    char *doc = policy_document(statements);
    json_t *out = json_pack("{s:s,s:s}", "Policy", doc ? doc : "{}", "RevisionId",
                            jstr(f.qual, "revision_id"));
    emu_resp_json(resp, 200, out);
    json_decref(out);
    free(doc);
}

static void remove_permission(struct emu_server *s, struct emu_req *r, char *const *p,
                              struct emu_resp *resp)
{
    struct fn_ref f;
    if (!resolve(s, r, p[0], "RemovePermission", &f, resp))
        return;
    struct xbuf rev;
    xbuf_init(&rev);
    bool have_rev = emu_req_query(r, "RevisionId", &rev);
    json_t *statements = json_object_get(f.qual, "statements"), *st;
    size_t i, found = (size_t)-1;
    json_array_foreach(statements, i, st) {
        if (jstr(st, "Sid") != NULL && strcmp(jstr(st, "Sid"), p[1]) == 0)
            found = i;
    }
    if (found == (size_t)-1) {
        emu_error(resp, r, 404, "ResourceNotFoundException",
                  "Statement %s is not found in resource policy.", p[1]);
    } else if (revision_matches(r, f.qual, have_rev ? xbuf_cstr(&rev) : NULL, resp)) {
        json_array_remove(statements, found);
        world_new_revision(f.qual);
        emu_resp_text(resp, 204, "", "");
    }
    xbuf_cleanup(&rev);
}

/* -------------------------------------------------------------------- table */

static const struct route routes[] = {
    {.method = "GET", .pattern = "/2015-03-31/functions/*", .operation = "GetFunction",
     .fn = get_function},
    {.method = "POST", .pattern = "/2015-03-31/functions/*/policy", .operation = "AddPermission",
     .fn = add_permission},
    {.method = "GET", .pattern = "/2015-03-31/functions/*/policy", .operation = "GetPolicy",
     .fn = get_policy},
    {.method = "DELETE", .pattern = "/2015-03-31/functions/*/policy/*",
     .operation = "RemovePermission", .fn = remove_permission},
};

const struct route_table lambda_route_table = {
    .service = "lambda",
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
};
