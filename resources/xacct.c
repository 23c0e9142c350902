/* resources/xacct.c - helpers the resource files share: reaching the configured client,
 * setting attributes of a state object, and generating statement ids. (Function names
 * and ARNs are read with aws/arn.h.)
 * Ownership: nothing here keeps state except the counter behind xacct_unique_id.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/arn.h"
#include "aws/client.h"
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

bool xacct_string_refs(const struct value *v, const char ***out, size_t *n)
{
    size_t len = value_is_known(v) ? value_length(v) : 0;
    *out = NULL;
    *n = 0;
    if (len == 0)
        return true;
    if (!(*out = xa_calloc(len, sizeof **out)))
        return false;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = value_get_string(value_index(v, i));
    *n = len;
    return true;
}

bool xacct_kv_refs(const struct value *map, struct aws_kv_ref **out, size_t *n)
{
    size_t len = value_is_known(map) ? value_length(map) : 0;
    *out = NULL;
    *n = 0;
    if (len == 0)
        return true;
    if (!(*out = xa_calloc(len, sizeof **out)))
        return false;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = (struct aws_kv_ref){.key = value_map_key(map, i),
                                        .value = value_get_string(value_index(map, i))};
    *n = len;
    return true;
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

/* A 12-digit stand-in for a "*" account around arn.h's calls, which accept digits only. */
#define WILDCARD_STANDIN "000000000000"

/* Offset of the account field (after the fourth ':') of an ARN, or -1. */
static long account_offset(const char *s)
{
    const char *p = s;
    for (int i = 0; i < 4 && p; i++) {
        p = strchr(p, ':');
        p = p ? p + 1 : NULL;
    }
    return p ? p - s : -1;
}

enum xa_status xacct_execute_api_parse(const char *s, struct arn_execute_api *out,
                                       const char **why)
{
    long at = s ? account_offset(s) : -1;
    if (at < 0 || strncmp(s + at, "*:", 2) != 0)
        return arn_execute_api_parse(s, out, why);
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = xbuf_appendf(&b, "%.*s" WILDCARD_STANDIN "%s", (int)at, s, s + at + 1);
    if (st == XA_OK)
        st = arn_execute_api_parse(xbuf_cstr(&b), out, why);
    else
        arn_execute_api_init(out);
    if (st == XA_OK)
        out->account = "*";
    xbuf_cleanup(&b);
    return st;
}

enum xa_status xacct_execute_api_build(const char *partition, const char *region,
                                       const char *account, const char *api_id,
                                       const char *method, const char *path, struct xbuf *out)
{
    bool wildcard = !account || !account[0] || strcmp(account, "*") == 0;
    if (!wildcard)
        return arn_execute_api_build(partition, region, account, api_id, NULL, method, path, out);
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = arn_execute_api_build(partition, region, WILDCARD_STANDIN, api_id, NULL,
                                              method, path, &b);
    long at = st == XA_OK ? account_offset(xbuf_cstr(&b)) : -1;
    if (st == XA_OK)
        st = at < 0 ? XA_EINVAL
                    : xbuf_appendf(out, "%.*s*%s", (int)at, xbuf_cstr(&b),
                                   xbuf_cstr(&b) + at + strlen(WILDCARD_STANDIN));
    xbuf_cleanup(&b);
    return st;
}

bool xacct_move_from_aws(const char *ours, const char *type, const char *source_provider,
                         const char *source_type, struct diags *d)
{
    static const char aws[] = "hashicorp/aws";
    size_t plen = source_provider ? strlen(source_provider) : 0, alen = sizeof aws - 1;
    if (source_type && strcmp(source_type, type) == 0 && plen >= alen &&
        strcmp(source_provider + plen - alen, aws) == 0)
        return true;
    diag_error(d, "Unsupported move",
               "%s can adopt the state of hashicorp/aws's %s only, not %s's %s.", ours, type,
               source_provider ? source_provider : "?", source_type ? source_type : "?");
    return false;
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
