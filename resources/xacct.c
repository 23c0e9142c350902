/* resources/xacct.c - helpers the resource files share: reaching the configured client,
 * setting attributes of a state object, and reading the forms in which users name Lambda
 * functions and API Gateway execute-api ARNs.
 *
 * The name parser accepts exactly AWS's forms (see aws_lambda_permission's docs) so that
 * validation, planning and import agree on what "the same function" means.
 * Ownership: nothing here keeps state except the counter behind xacct_unique_id.
 */
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/errors.h"
#include "resources/xacct.h"
#include "util/alloc.h"
#include "util/buf.h"

struct aws_client *xacct_client(void *meta, const char *what, struct diags *d)
{
    struct xacct_meta *m = meta;
    if (!m) {
        diag_error(d, "Provider not configured",
                   "Cannot %s: the xacct provider has not been configured.", what);
        return NULL;
    }
    if (m->unusable_reason || !m->client) {
        diag_error(d, "Provider configuration not usable",
                   "Cannot %s: %s", what,
                   m->unusable_reason ? m->unusable_reason : "no AWS client was configured.");
        return NULL;
    }
    return m->client;
}

void xacct_aws_diag(struct diags *d, const char *attr, const char *summary,
                    const struct aws_error *err, const char *remedy)
{
    struct xbuf b;
    xbuf_init(&b);
    if (aws_error_describe(err, &b) != XA_OK)
        xbuf_clear(&b);
    if (remedy)
        xbuf_appendf(&b, "%s%s", b.len ? " " : "", remedy);
    const char *text = b.len ? xbuf_cstr(&b) : "The AWS call failed (no details).";
    if (attr)
        diag_error_attr(d, attr, summary, "%s", text);
    else
        diag_error(d, summary, "%s", text);
    xbuf_cleanup(&b);
}

/* ---- Values ------------------------------------------------------------------------ */

static const struct type *attr_type(const struct value *obj, const char *name)
{
    const struct type *t = value_type(obj);
    long i = t ? type_attr_index(t, name) : -1;
    return i < 0 ? NULL : t->attrs[i].type;
}

bool xacct_set_string(struct value *obj, const char *name, const char *s)
{
    if (!s)
        return xacct_set_null(obj, name);
    return value_object_set_string(obj, name, s);
}

bool xacct_set_unknown(struct value *obj, const char *name)
{
    const struct type *t = attr_type(obj, name);
    struct value *v = t ? value_new_unknown(t) : NULL;
    return v && value_object_set(obj, name, v);
}

bool xacct_set_null(struct value *obj, const char *name)
{
    const struct type *t = attr_type(obj, name);
    struct value *v = t ? value_new_null(t) : NULL;
    return v && value_object_set(obj, name, v);
}

bool xacct_set_int(struct value *obj, const char *name, int64_t n)
{
    struct value *v = value_new_int(n);
    return v && value_object_set(obj, name, v);
}

bool xacct_attr_unknown(const struct value *obj, const char *name)
{
    return value_is_unknown(value_attr(obj, name));
}

void xacct_path_list_remove(struct path_list *l, const char *attr)
{
    size_t j = 0;
    for (size_t i = 0; i < l->len; i++) {
        struct attr_path *p = &l->items[i];
        if (p->len == 1 && p->steps[0].kind == PATH_ATTR && strcmp(p->steps[0].name, attr) == 0) {
            attr_path_cleanup(p);
            continue;
        }
        l->items[j++] = *p;
    }
    l->len = j;
}

/* ---- Names ------------------------------------------------------------------------- */

/* Copies field [s, s+n) into dst (size cap); false when too long or empty. */
static bool copy_field(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

static bool all_chars(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
            return false;
    return true;
}

static bool is_account(const char *s)
{
    size_t n = strlen(s);
    if (n != 12)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Splits s on ':' into at most max fields; returns the count (max+1 when there are more). */
static size_t split_colon(const char *s, const char **f, size_t *len, size_t max)
{
    size_t n = 0;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == ':' || *p == '\0') {
            if (n == max)
                return max + 1;
            f[n] = start;
            len[n] = (size_t)(p - start);
            n++;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return n;
}

bool function_ref_parse(const char *s, struct function_ref *out, const char **why)
{
    const char *f[9];
    size_t len[9];
    const char *reason = "must be a function name, a partial ARN (ACCOUNT:function:NAME) or a "
                         "full Lambda function ARN, each with an optional :QUALIFIER";
    memset(out, 0, sizeof *out);
    size_t n = s ? split_colon(s, f, len, 8) : 0;
    size_t name_at, qual_at = 0;
    if (n >= 7 && len[0] == 3 && memcmp(f[0], "arn", 3) == 0) {
        if (n > 8 || !(len[2] == 6 && memcmp(f[2], "lambda", 6) == 0) ||
            !(len[5] == 8 && memcmp(f[5], "function", 8) == 0) ||
            !copy_field(out->partition, sizeof out->partition, f[1], len[1]) ||
            !copy_field(out->region, sizeof out->region, f[3], len[3]) ||
            !copy_field(out->account, sizeof out->account, f[4], len[4]))
            goto bad;
        out->is_arn = true;
        name_at = 6;
        qual_at = n == 8 ? 7 : 0;
    } else if ((n == 3 || n == 4) && len[1] == 8 && memcmp(f[1], "function", 8) == 0) {
        if (!copy_field(out->account, sizeof out->account, f[0], len[0]))
            goto bad;
        out->is_partial = true;
        name_at = 2;
        qual_at = n == 4 ? 3 : 0;
    } else if (n == 1 || n == 2) {
        name_at = 0;
        qual_at = n == 2 ? 1 : 0;
    } else {
        goto bad;
    }
    if (!copy_field(out->name, sizeof out->name, f[name_at], len[name_at]) ||
        !all_chars(out->name, "-_"))
        goto bad;
    if (qual_at && (!copy_field(out->qualifier, sizeof out->qualifier, f[qual_at], len[qual_at]) ||
                    !all_chars(out->qualifier, "-_$"))) {
        reason = "has an empty or malformed qualifier after the last \":\"";
        goto bad;
    }
    if ((out->is_arn || out->is_partial) && !is_account(out->account)) {
        reason = "names an account that is not 12 digits";
        goto bad;
    }
    if (why)
        *why = NULL;
    return true;
bad:
    if (why)
        *why = reason;
    return false;
}

bool execute_api_arn_parse(const char *s, struct execute_api_arn *out)
{
    const char *f[7];
    size_t len[7];
    memset(out, 0, sizeof *out);
    if (!s || split_colon(s, f, len, 6) != 6)
        return false;
    if (!(len[0] == 3 && memcmp(f[0], "arn", 3) == 0) ||
        !(len[2] == 11 && memcmp(f[2], "execute-api", 11) == 0) ||
        !copy_field(out->partition, sizeof out->partition, f[1], len[1]) ||
        !copy_field(out->region, sizeof out->region, f[3], len[3]) ||
        !copy_field(out->account, sizeof out->account, f[4], len[4]))
        return false;
    const char *slash = memchr(f[5], '/', len[5]);
    size_t idlen = slash ? (size_t)(slash - f[5]) : len[5];
    if (!copy_field(out->api_id, sizeof out->api_id, f[5], idlen))
        return false;
    out->rest = slash ? slash + 1 : NULL;
    return true;
}

char *xacct_unique_id(const char *prefix)
{
    /* hashicorp/aws's id.PrefixedUniqueId: a UTC timestamp to the 100 ns and a process-wide
     * counter, so ids sort by creation and never collide inside one process. */
    static atomic_uint counter;
    char buf[200];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    unsigned c = atomic_fetch_add(&counter, 1) + 1;
    snprintf(buf, sizeof buf, "%s%04d%02d%02d%02d%02d%02d%07ld%08x", prefix ? prefix : "terraform-",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             ts.tv_nsec / 100, c);
    return xa_strdup(buf);
}
