/* aws/arn.c - strict ARN parsing and exact ARN building.
 *
 * Every parser copies its input once into a "storage" string, cuts it in place at the
 * separators and checks each part against the shapes AWS documents; parsed structs point
 * into that storage. Input is hostile: lengths are bounded before anything is copied,
 * bytes outside printable ASCII are refused, and every refusal comes with a static
 * sentence a diagnostic can quote. See arn.h for the forms accepted.
 */
#include "aws/arn.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"


static const char *const http_methods[] = {
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", NULL,
};

/* ---- character classes and part checks ---------------------------------------------- */

/* Records why the input was refused; always returns false. */
static bool fail(const char **reason, const char *msg)
{
    if (reason)
        *reason = msg;
    return false;
}

static bool all_match(const char *s, size_t n, int (*ok)(int c))
{
    for (size_t i = 0; i < n; i++)
        if (!ok((unsigned char)s[i]))
            return false;
    return true;
}

static int is_lower_digit_dash(int c) { return islower(c) || isdigit(c) || c == '-'; }
static int is_name_char(int c) { return isalnum(c) || c == '-' || c == '_'; }
static int is_lower_alnum(int c) { return islower(c) || isdigit(c); }
static int is_digit(int c) { return isdigit(c); }
static int is_lower(int c) { return islower(c); }

/* Printable ASCII without white space, at most max bytes. */
static bool check_input(const char *s, size_t max, const char **reason)
{
    if (!s || !*s)
        return fail(reason, "the value is empty");
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return fail(reason, "the value is too long");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return fail(reason, "the value contains white space, control or non-ASCII characters");
    return true;
}

/* Checks s and copies it into the storage a parser cuts in place. */
static enum xa_status copy_input(const char *s, size_t max, char **copy, const char **reason)
{
    *copy = NULL;
    if (!check_input(s, max, reason))
        return XA_EINVAL;
    *copy = xa_strdup(s);
    return *copy ? XA_OK : XA_ENOMEM;
}

/* The region and (unless NULL) account of an ARN that must name both. */
static bool check_scope(const char *region, const char *account, const char **reason)
{
    if (!arn_valid_region(region))
        return fail(reason, "the region is not valid (expected e.g. us-east-1)");
    if (account && !arn_valid_account(account))
        return fail(reason, "the account ID must be 12 digits");
    return true;
}

bool arn_valid_partition(const char *p)
{
    if (!p || strncmp(p, "aws", 3) != 0)
        return false;
    p += 3;
    while (*p) {            /* (-[a-z]+)* */
        if (*p++ != '-' || !islower((unsigned char)*p))
            return false;
        while (islower((unsigned char)*p))
            p++;
    }
    return true;
}

/* [a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9] */
bool arn_valid_region(const char *r)
{
    if (!r || !islower((unsigned char)r[0]) || !islower((unsigned char)r[1]) || r[2] != '-')
        return false;
    const char *p = r + 3;
    size_t n = strcspn(p, "-");
    bool optional = (n == 3 && strncmp(p, "gov", 3) == 0) ||
                    (n >= 3 && strncmp(p, "iso", 3) == 0 && all_match(p, n, is_lower));
    if (optional && p[n] == '-') {
        /* Only an optional part if a "[a-z]+-digit" still follows. */
        const char *q = p + n + 1;
        size_t m = strcspn(q, "-");
        if (m > 0 && all_match(q, m, is_lower) && q[m] == '-' && isdigit((unsigned char)q[m + 1]))
            p = q;
    }
    n = strcspn(p, "-");
    return n > 0 && all_match(p, n, is_lower) && p[n] == '-' &&
           isdigit((unsigned char)p[n + 1]) && p[n + 2] == '\0';
}

bool arn_valid_account(const char *a)
{
    return a && strlen(a) == 12 && all_match(a, 12, is_digit);
}

const char *arn_partition_for_region(const char *region)
{
    if (!region)
        return "aws";
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    if (strncmp(region, "us-iso-", 7) == 0)
        return "aws-iso";
    if (strncmp(region, "us-isob-", 8) == 0)
        return "aws-iso-b";
    if (strncmp(region, "eu-isoe-", 8) == 0)
        return "aws-iso-e";
    if (strncmp(region, "us-isof-", 8) == 0)
        return "aws-iso-f";
    return "aws";
}

/* ---- generic ARNs --------------------------------------------------------------------- */

void arn_init(struct arn *a) { *a = (struct arn){0}; }

void arn_cleanup(struct arn *a)
{
    xa_free(a->storage);
    arn_init(a);
}

/* Cuts s at its first five ':' into parts[0..5]; false when there are fewer. */
static bool split6(char *s, char *parts[6])
{
    parts[0] = s;
    for (int i = 1; i < 6; i++) {
        char *c = strchr(parts[i - 1], ':');
        if (!c)
            return false;
        *c = '\0';
        parts[i] = c + 1;
    }
    return true;
}

/* Checks the parts every ARN shares: "arn", partition, service. */
static bool check_head(char *parts[6], const char **reason)
{
    if (strcmp(parts[0], "arn") != 0)
        return fail(reason, "an ARN starts with \"arn:\"");
    if (!arn_valid_partition(parts[1]))
        return fail(reason, "the partition is not valid (expected aws, aws-cn, aws-us-gov, ...)");
    if (!*parts[2] || !all_match(parts[2], strlen(parts[2]), is_lower_digit_dash))
        return fail(reason, "the service part is empty or not valid");
    return true;
}

enum xa_status arn_parse(const char *s, struct arn *out, const char **reason)
{
    arn_init(out);
    char *copy;
    enum xa_status st = copy_input(s, ARN_MAX_LEN, &copy, reason);
    if (st != XA_OK)
        return st;
    char *parts[6];
    st = XA_EINVAL;
    if (!split6(copy, parts))
        fail(reason, "an ARN has six ':'-separated parts: "
                     "arn:partition:service:region:account:resource");
    else if (!check_head(parts, reason))
        ;
    else if (*parts[3] && !arn_valid_region(parts[3]))
        fail(reason, "the region is not valid (expected e.g. us-east-1)");
    else if (*parts[4] && !arn_valid_account(parts[4]) && strcmp(parts[4], "aws") != 0)
        fail(reason, "the account ID must be 12 digits");
    else if (!*parts[5])
        fail(reason, "the resource part is empty");
    else
        st = XA_OK;
    if (st != XA_OK) {
        xa_free(copy);
        return st;
    }
    *out = (struct arn){.partition = parts[1], .service = parts[2], .region = parts[3],
                        .account = parts[4], .resource = parts[5], .storage = copy};
    return XA_OK;
}

/* ---- Lambda function references ------------------------------------------------------- */

bool arn_lambda_valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 0 && n <= ARN_LAMBDA_NAME_MAX && all_match(name, n, is_name_char);
}

enum arn_qualifier_kind arn_lambda_qualifier_kind(const char *q)
{
    if (!q || !*q)
        return ARN_QUALIFIER_NONE;
    if (strcmp(q, "$LATEST") == 0)
        return ARN_QUALIFIER_LATEST;
    size_t n = strlen(q);
    if (n > ARN_LAMBDA_QUALIFIER_MAX || !all_match(q, n, is_name_char))
        return ARN_QUALIFIER_INVALID;
    return all_match(q, n, is_digit) ? ARN_QUALIFIER_VERSION : ARN_QUALIFIER_ALIAS;
}

void arn_lambda_function_init(struct arn_lambda_function *f)
{
    *f = (struct arn_lambda_function){0};
}

void arn_lambda_function_cleanup(struct arn_lambda_function *f)
{
    xa_free(f->storage);
    arn_lambda_function_init(f);
}

/* Cuts s at every ':' into at most max parts; returns the count, or max + 1 for more. */
static size_t split_colons(char *s, char **parts, size_t max)
{
    size_t n = 0;
    for (char *p = s;; p++) {
        if (n == max)
            return max + 1;
        parts[n++] = p;
        p = strchr(p, ':');
        if (!p)
            return n;
        *p = '\0';
    }
}

static bool check_name_qualifier(struct arn_lambda_function *f, const char **reason)
{
    if (!arn_lambda_valid_name(f->name))
        return fail(reason, "the function name must be 1 to 64 letters, digits, '-' or '_'");
    if (f->qualifier && (arn_lambda_qualifier_kind(f->qualifier) == ARN_QUALIFIER_INVALID ||
                         arn_lambda_qualifier_kind(f->qualifier) == ARN_QUALIFIER_NONE))
        return fail(reason, "the qualifier must be $LATEST, a version number or an alias name "
                            "(letters, digits, '-' or '_')");
    return true;
}

/* arn:partition:lambda:region:account:function:name[:qualifier] */
static bool parse_full(char **parts, size_t n, struct arn_lambda_function *f,
                       const char **reason)
{
    if (n < 7 || n > 8)
        return fail(reason, "a function ARN looks like "
                            "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]");
    if (!arn_valid_partition(parts[1]))
        return fail(reason, "the partition is not valid (expected aws, aws-cn, aws-us-gov, ...)");
    if (strcmp(parts[2], "lambda") != 0)
        return fail(reason, "the ARN is not a Lambda ARN");
    if (!check_scope(parts[3], parts[4], reason))
        return false;
    if (strcmp(parts[5], "function") != 0)
        return fail(reason, "the ARN does not name a function (expected \":function:\")");
    *f = (struct arn_lambda_function){.partition = parts[1], .region = parts[3],
                                      .account = parts[4], .name = parts[6],
                                      .qualifier = n == 8 ? parts[7] : NULL};
    return true;
}

/* name | name:qualifier | account:function:name[:qualifier] */
static bool parse_short(char **parts, size_t n, struct arn_lambda_function *f,
                        const char **reason)
{
    if (n <= 2) {
        *f = (struct arn_lambda_function){.name = parts[0], .qualifier = n == 2 ? parts[1] : NULL};
        return true;
    }
    if (n > 4 || strcmp(parts[1], "function") != 0)
        return fail(reason, "expected a function name, NAME:QUALIFIER, "
                            "ACCOUNT:function:NAME[:QUALIFIER] or a function ARN");
    if (!arn_valid_account(parts[0]))
        return fail(reason, "the account ID must be 12 digits");
    *f = (struct arn_lambda_function){.account = parts[0], .name = parts[2],
                                      .qualifier = n == 4 ? parts[3] : NULL};
    return true;
}

enum xa_status arn_lambda_function_parse(const char *ref, struct arn_lambda_function *out,
                                         const char **reason)
{
    arn_lambda_function_init(out);
    char *copy;
    enum xa_status st = copy_input(ref, ARN_LAMBDA_REF_MAX, &copy, reason);
    if (st != XA_OK)
        return st;
    char *parts[8];
    size_t n = split_colons(copy, parts, 8);
    struct arn_lambda_function f = {0};
    bool ok = strcmp(parts[0], "arn") == 0 ? parse_full(parts, n, &f, reason)
                                           : parse_short(parts, n, &f, reason);
    if (ok)
        ok = check_name_qualifier(&f, reason);
    if (!ok) {
        xa_free(copy);
        return XA_EINVAL;
    }
    f.storage = copy;
    *out = f;
    return XA_OK;
}

enum xa_status arn_lambda_function_arn(const char *partition, const char *region,
                                       const char *account, const char *name,
                                       const char *qualifier, struct xbuf *out)
{
    bool has_q = qualifier && *qualifier;
    if (!arn_valid_partition(partition) || !arn_valid_region(region) ||
        !arn_valid_account(account) || !arn_lambda_valid_name(name) ||
        (has_q && arn_lambda_qualifier_kind(qualifier) == ARN_QUALIFIER_INVALID))
        return XA_EINVAL;
    return xbuf_appendf(out, "arn:%s:lambda:%s:%s:function:%s%s%s", partition, region, account,
                        name, has_q ? ":" : "", has_q ? qualifier : "");
}

/* ---- Lambda integration URI ----------------------------------------------------------- */

#define INVOKE_PREFIX "path/2015-03-31/functions/"
#define INVOKE_SUFFIX "/invocations"
#define STREAMING_PREFIX "path/2021-11-15/functions/"
#define STREAMING_SUFFIX "/response-streaming-invocations"

/* arn:{partition}:apigateway:{region}:lambda:{path}{function_arn}{suffix} */
static enum xa_status invoke_uri(const char *partition, const char *region,
                                 const char *function_arn, const char *path, const char *suffix,
                                 struct xbuf *out)
{
    if (!arn_valid_partition(partition) || !arn_valid_region(region) || !function_arn ||
        strncmp(function_arn, "arn:", 4) != 0)
        return XA_EINVAL;
    struct arn_lambda_function f;
    enum xa_status st = arn_lambda_function_parse(function_arn, &f, NULL);
    arn_lambda_function_cleanup(&f);
    if (st != XA_OK)
        return st;
    return xbuf_appendf(out, "arn:%s:apigateway:%s:lambda:%s%s%s", partition, region, path,
                        function_arn, suffix);
}

enum xa_status arn_lambda_invoke_uri(const char *partition, const char *region,
                                     const char *function_arn, struct xbuf *out)
{
    return invoke_uri(partition, region, function_arn, INVOKE_PREFIX, INVOKE_SUFFIX, out);
}

enum xa_status arn_lambda_streaming_invoke_uri(const char *partition, const char *region,
                                               const char *function_arn, struct xbuf *out)
{
    return invoke_uri(partition, region, function_arn, STREAMING_PREFIX, STREAMING_SUFFIX, out);
}

enum xa_status arn_lambda_invoke_uri_for_function(const struct arn_lambda_function *f,
                                                  struct xbuf *out)
{
    if (!f || !f->partition || !f->region || !f->account)
        return XA_EINVAL;
    struct xbuf fa;
    xbuf_init(&fa);
    enum xa_status st = arn_lambda_function_arn(f->partition, f->region, f->account, f->name,
                                                f->qualifier, &fa);
    if (st == XA_OK)
        st = arn_lambda_invoke_uri(f->partition, f->region, xbuf_cstr(&fa), out);
    xbuf_cleanup(&fa);
    return st;
}

void arn_invoke_uri_init(struct arn_invoke_uri *u)
{
    *u = (struct arn_invoke_uri){0};
    arn_lambda_function_init(&u->function);
}

void arn_invoke_uri_cleanup(struct arn_invoke_uri *u)
{
    arn_lambda_function_cleanup(&u->function);
    xa_free(u->storage);
    arn_invoke_uri_init(u);
}

/* The two Lambda integration URI paths: buffered invocations and response streaming. */
static const struct {
    const char *prefix, *suffix;
} invoke_forms[] = {{INVOKE_PREFIX, INVOKE_SUFFIX},
                    {STREAMING_PREFIX, STREAMING_SUFFIX}};

/* Checks the generic parts of an invoke URI and cuts out the function ARN. */
static bool split_invoke_uri(char *copy, struct arn_invoke_uri *u, const char **reason)
{
    char *parts[6];
    if (!split6(copy, parts) || !check_head(parts, reason))
        return fail(reason, "an integration URI looks like arn:aws:apigateway:REGION:lambda:"
                            "path/2015-03-31/functions/FUNCTION_ARN/invocations");
    if (strcmp(parts[2], "apigateway") != 0 || strcmp(parts[4], "lambda") != 0)
        return fail(reason, "the URI is not an API Gateway Lambda integration URI");
    if (!check_scope(parts[3], NULL, reason))
        return false;
    size_t n = strlen(parts[5]);
    for (size_t i = 0; i < sizeof invoke_forms / sizeof invoke_forms[0]; i++) {
        size_t plen = strlen(invoke_forms[i].prefix), slen = strlen(invoke_forms[i].suffix);
        if (n <= plen + slen || strncmp(parts[5], invoke_forms[i].prefix, plen) != 0 ||
            strcmp(parts[5] + n - slen, invoke_forms[i].suffix) != 0)
            continue;
        parts[5][n - slen] = '\0';
        u->partition = parts[1];
        u->region = parts[3];
        u->function_arn = parts[5] + plen;
        u->streaming = i == 1;
        return true;
    }
    return fail(reason, "the URI path must be path/2015-03-31/functions/FUNCTION_ARN/invocations "
                        "(or, streaming, path/2021-11-15/functions/FUNCTION_ARN/"
                        "response-streaming-invocations)");
}

enum xa_status arn_invoke_uri_parse(const char *uri, struct arn_invoke_uri *out,
                                    const char **reason)
{
    arn_invoke_uri_init(out);
    char *copy;
    enum xa_status st = copy_input(uri, ARN_MAX_LEN, &copy, reason);
    if (st != XA_OK)
        return st;
    struct arn_invoke_uri u;
    arn_invoke_uri_init(&u);
    st = split_invoke_uri(copy, &u, reason) ? XA_OK : XA_EINVAL;
    if (st == XA_OK && strncmp(u.function_arn, "arn:", 4) != 0) {
        fail(reason, "the integration URI must carry a full function ARN");
        st = XA_EINVAL;
    }
    if (st == XA_OK)
        st = arn_lambda_function_parse(u.function_arn, &u.function, reason);
    if (st != XA_OK) {
        xa_free(copy);
        return st;
    }
    u.storage = copy;
    *out = u;
    return XA_OK;
}

/* ---- execute-api ARNs ----------------------------------------------------------------- */

void arn_execute_api_init(struct arn_execute_api *x) { *x = (struct arn_execute_api){0}; }

void arn_execute_api_cleanup(struct arn_execute_api *x)
{
    xa_free(x->storage);
    arn_execute_api_init(x);
}

static bool valid_api_id(const char *s)
{
    size_t n = strlen(s);
    return strcmp(s, "*") == 0 || (n > 0 && n <= 64 && all_match(s, n, is_lower_alnum));
}

static bool valid_stage(const char *s)
{
    size_t n = strlen(s);
    return strcmp(s, "*") == 0 || (n > 0 && n <= 128 && all_match(s, n, is_name_char));
}

static bool valid_method(const char *s)
{
    if (strcmp(s, "*") == 0)
        return true;
    for (size_t i = 0; http_methods[i]; i++)
        if (strcmp(s, http_methods[i]) == 0)
            return true;
    return false;
}

/* api_id[/stage[/METHOD[/path]]] cut in place. */
static bool split_execute_resource(char *res, struct arn_execute_api *x, const char **reason)
{
    char *slots[3] = {NULL, NULL, NULL};
    char *p = res;
    for (int i = 0; i < 3 && p; i++) {
        p = strchr(p, '/');
        if (p) {
            *p++ = '\0';
            slots[i] = p;
        }
    }
    x->api_id = res;
    x->stage = slots[0];
    x->method = slots[1];
    x->path = slots[2];
    if (!valid_api_id(x->api_id))
        return fail(reason, "the API ID must be lower-case letters and digits, or *");
    /* api_id/authorizers/ID: an authorizer's source ARN (IDs are lower case, methods not) */
    if (x->stage && strcmp(x->stage, "authorizers") == 0 && x->method && !x->path &&
        !valid_method(x->method)) {
        x->authorizer_id = x->method;
        x->stage = x->method = NULL;
        if (!valid_api_id(x->authorizer_id) || strcmp(x->authorizer_id, "*") == 0)
            return fail(reason, "the authorizer ID must be lower-case letters and digits");
        return true;
    }
    if (x->stage && !valid_stage(x->stage))
        return fail(reason, "the stage must be letters, digits, '-' or '_', or *");
    if (x->method && !valid_method(x->method))
        return fail(reason, "the method must be an upper-case HTTP method, ANY or *");
    return true;
}

enum xa_status arn_execute_api_parse(const char *s, struct arn_execute_api *out,
                                     const char **reason)
{
    arn_execute_api_init(out);
    char *copy;
    enum xa_status st = copy_input(s, ARN_MAX_LEN, &copy, reason);
    if (st != XA_OK)
        return st;
    char *parts[6];
    struct arn_execute_api x = {0};
    bool ok = false;
    if (!split6(copy, parts))
        fail(reason, "an execute-api ARN looks like "
                     "arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/"
          "METHOD/PATH");
    else if (!check_head(parts, reason))
        ;
    else if (strcmp(parts[2], "execute-api") != 0)
        fail(reason, "the ARN is not an execute-api ARN");
    /* ArnLike: a "*" region matches every region (Lambda compares SourceArn so). */
    else if (strcmp(parts[3], "*") != 0 &&
             !check_scope(parts[3], strcmp(parts[4], "*") == 0 ? NULL : parts[4], reason))
        ;
    else if (strcmp(parts[3], "*") == 0 && strcmp(parts[4], "*") != 0 &&
             !arn_valid_account(parts[4]))
        fail(reason, "the account ID must be 12 digits");
    else
        ok = split_execute_resource(parts[5], &x, reason);
    if (!ok) {
        xa_free(copy);
        return XA_EINVAL;
    }
    x.partition = parts[1];
    x.region = parts[3];
    x.account = parts[4];
    x.storage = copy;
    *out = x;
    return XA_OK;
}

/* "*" for a NULL, empty or "*" account; NULL when the account is not valid. */
static const char *account_or_wildcard(const char *account)
{
    if (!account || !*account || strcmp(account, "*") == 0)
        return "*";
    return arn_valid_account(account) ? account : NULL;
}

/* Are the parts every execute-api ARN has valid? account must be account_or_wildcard's. */
static bool execute_api_scope(const char *partition, const char *region, const char *account,
                              const char *api_id)
{
    return account && arn_valid_partition(partition) && arn_valid_region(region) && api_id &&
           valid_api_id(api_id);
}

enum xa_status arn_execute_api_build(const char *partition, const char *region,
                                     const char *account, const char *api_id,
                                     const char *stage, const char *method,
                                     const char *path, struct xbuf *out)
{
    char m[16];
    size_t mlen = method ? strlen(method) : 0;
    if (method && mlen < sizeof m) {
        for (size_t i = 0; i <= mlen; i++)
            m[i] = (char)toupper((unsigned char)method[i]);
    }
    if (path && *path == '/')
        path++;
    account = account_or_wildcard(account);
    if (!execute_api_scope(partition, region, account, api_id) ||
        (stage && !valid_stage(stage)) || (method && (mlen >= sizeof m || !valid_method(m))) ||
        (path && *path && !check_input(path, ARN_MAX_LEN, NULL)))
        return XA_EINVAL;
    return xbuf_appendf(out, "arn:%s:execute-api:%s:%s:%s/%s/%s/%s", partition, region, account,
                        api_id, stage ? stage : "*", method ? m : "*", path ? path : "*");
}

enum xa_status arn_integration_source_arn(const char *partition, const char *region,
                                          const char *account, const char *api_id,
                                          const char *method, const char *resource_path,
                                          struct xbuf *out)
{
    if (!resource_path || resource_path[0] != '/')
        return XA_EINVAL;
    /* Path parameters ("{id}", "{proxy+}") match any segment: a call's ARN carries the
     * actual path. */
    struct xbuf path;
    xbuf_init(&path);
    enum xa_status st = XA_OK;
    for (const char *p = resource_path; *p && st == XA_OK; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        st = xbuf_append_char(&path, close ? '*' : *p);
        p = close ? close : p;
    }
    bool any = method && strcasecmp(method, "ANY") == 0;
    if (st == XA_OK)
        st = arn_execute_api_build(partition, region, account, api_id, NULL, any ? NULL : method,
                                   xbuf_cstr(&path), out);
    xbuf_cleanup(&path);
    return st;
}

enum xa_status arn_api_source_arn(const char *partition, const char *region,
                                  const char *account, const char *api_id, struct xbuf *out)
{
    account = account_or_wildcard(account);
    if (!execute_api_scope(partition, region, account, api_id) || strcmp(api_id, "*") == 0)
        return XA_EINVAL;
    return xbuf_appendf(out, "arn:%s:execute-api:%s:%s:%s/*", partition, region, account,
                        api_id);
}

enum xa_status arn_authorizer_source_arn(const char *partition, const char *region,
                                         const char *account, const char *api_id,
                                         const char *authorizer_id, struct xbuf *out)
{
    account = account_or_wildcard(account);
    if (!execute_api_scope(partition, region, account, api_id) || strcmp(api_id, "*") == 0 ||
        !authorizer_id || !valid_api_id(authorizer_id) || strcmp(authorizer_id, "*") == 0)
        return XA_EINVAL;
    return xbuf_appendf(out, "arn:%s:execute-api:%s:%s:%s/authorizers/%s", partition, region,
                        account, api_id, authorizer_id);
}

/* ---- principals ------------------------------------------------------------------------- */

/* The account of "arn:PARTITION:iam::ACCOUNT:root", or NULL (into buf of 13 bytes). */
static const char *root_account(const char *s, char buf[13])
{
    struct arn a;
    bool root = arn_parse(s, &a, NULL) == XA_OK && strcmp(a.service, "iam") == 0 &&
                !*a.region && arn_valid_account(a.account) && strcmp(a.resource, "root") == 0;
    if (root)
        memcpy(buf, a.account, 13);
    arn_cleanup(&a);
    return root ? buf : NULL;
}

bool arn_same_principal(const char *a, const char *b)
{
    char ra[13], rb[13];
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return true;
    const char *acct_a = arn_valid_account(a) ? a : root_account(a, ra);
    const char *acct_b = arn_valid_account(b) ? b : root_account(b, rb);
    return acct_a && acct_b && strcmp(acct_a, acct_b) == 0;
}

/* ---- region of a permission's source ARN ---------------------------------------------- */

const char *arn_source_arn_region(enum arn_source_kind kind, const char *api_region,
                                  const char *function_region)
{
    if (kind == ARN_SOURCE_AUTHORIZER && function_region)
        return function_region;
    return api_region ? api_region : function_region;
}
