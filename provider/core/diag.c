/* core/diag.c - attribute paths and diagnostic lists.
 *
 * Adding a diagnostic must never lose an error, even when memory runs out: the list
 * keeps one spare slot after every successful add, and on allocation failure it stores a
 * static "out of memory" diagnostic (static strings, never freed) in that slot, or, for
 * an empty list, points at a static one-element array. Cleanup recognises both.
 */
#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

static const char oom_summary[] = "Out of memory";
static const char oom_detail[] =
    "The xacct provider could not allocate memory while reporting a problem.";

static struct diag oom_array[1] = {
    {.severity = DIAG_ERROR, .summary = (char *)oom_summary, .detail = (char *)oom_detail},
};

/* ---- paths ------------------------------------------------------------------------ */

void attr_path_init(struct attr_path *p)
{
    p->steps = NULL;
    p->len = 0;
}

void attr_path_cleanup(struct attr_path *p)
{
    for (size_t i = 0; i < p->len; i++)
        xa_free(p->steps[i].name);
    xa_free(p->steps);
    attr_path_init(p);
}

static bool push(struct attr_path *p, struct path_step s)
{
    struct path_step *n = xa_realloc(p->steps, (p->len + 1) * sizeof *n);
    if (!n) {
        xa_free(s.name);
        return false;
    }
    p->steps = n;
    p->steps[p->len++] = s;
    return true;
}

bool attr_path_push_attr(struct attr_path *p, const char *name)
{
    char *n = xa_strdup(name ? name : "");
    return n && push(p, (struct path_step){.kind = PATH_ATTR, .name = n});
}

bool attr_path_push_key(struct attr_path *p, const char *key)
{
    char *n = xa_strdup(key ? key : "");
    return n && push(p, (struct path_step){.kind = PATH_KEY_STRING, .name = n});
}

bool attr_path_push_index(struct attr_path *p, int64_t i)
{
    return push(p, (struct path_step){.kind = PATH_KEY_INT, .index = i});
}

void attr_path_pop(struct attr_path *p)
{
    if (p->len == 0)
        return;
    p->len--;
    xa_free(p->steps[p->len].name);
    if (p->len == 0) {
        xa_free(p->steps);
        p->steps = NULL;
    }
}

bool attr_path_copy(struct attr_path *dst, const struct attr_path *src)
{
    attr_path_init(dst);
    if (!src || src->len == 0)
        return true;
    dst->steps = xa_calloc(src->len, sizeof *dst->steps);
    if (!dst->steps)
        return false;
    for (size_t i = 0; i < src->len; i++) {
        dst->steps[i] = src->steps[i];
        dst->steps[i].name = NULL;
        dst->len = i + 1;
        if (src->steps[i].name && !(dst->steps[i].name = xa_strdup(src->steps[i].name))) {
            attr_path_cleanup(dst);
            return false;
        }
    }
    return true;
}

char *attr_path_str(const struct attr_path *p)
{
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = XA_OK;
    for (size_t i = 0; p && i < p->len && st == XA_OK; i++) {
        const struct path_step *s = &p->steps[i];
        if (s->kind == PATH_ATTR) {
            if (i > 0)
                st = xbuf_append_char(&b, '.');
            if (st == XA_OK)
                st = xbuf_append_str(&b, s->name);
        } else if (s->kind == PATH_KEY_INT) {
            st = xbuf_appendf(&b, "[%lld]", (long long)s->index);
        } else {
            st = xbuf_append_str(&b, "[\"");
            for (const char *c = s->name; *c && st == XA_OK; c++) {
                if (*c == '"' || *c == '\\')
                    st = xbuf_append_char(&b, '\\');
                if (st == XA_OK)
                    st = xbuf_append_char(&b, *c);
            }
            if (st == XA_OK)
                st = xbuf_append_str(&b, "\"]");
        }
    }
    if (st != XA_OK) {
        xbuf_cleanup(&b);
        return NULL;
    }
    return xbuf_take(&b);
}

void path_list_init(struct path_list *l)
{
    l->items = NULL;
    l->len = 0;
}

void path_list_cleanup(struct path_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        attr_path_cleanup(&l->items[i]);
    xa_free(l->items);
    path_list_init(l);
}

bool path_list_add(struct path_list *l, const struct attr_path *p)
{
    struct attr_path copy;
    if (!attr_path_copy(&copy, p))
        return false;
    struct attr_path *n = xa_realloc(l->items, (l->len + 1) * sizeof *n);
    if (!n) {
        attr_path_cleanup(&copy);
        return false;
    }
    l->items = n;
    l->items[l->len++] = copy;
    return true;
}

bool path_list_add_attr(struct path_list *l, const char *top_level_attr)
{
    struct attr_path p;
    attr_path_init(&p);
    bool ok = attr_path_push_attr(&p, top_level_attr) && path_list_add(l, &p);
    attr_path_cleanup(&p);
    return ok;
}

/* ---- diagnostics ------------------------------------------------------------------ */

void diags_init(struct diags *d)
{
    d->items = NULL;
    d->len = 0;
    d->cap = 0;
}

static bool is_oom(const struct diag *g) { return g->summary == oom_summary; }

static void diag_cleanup(struct diag *g)
{
    if (!is_oom(g)) {
        xa_free(g->summary);
        xa_free(g->detail);
        attr_path_cleanup(&g->path);
    }
}

void diags_cleanup(struct diags *d)
{
    for (size_t i = 0; i < d->len; i++)
        diag_cleanup(&d->items[i]);
    if (d->items != oom_array)
        xa_free(d->items);
    diags_init(d);
}

bool diags_has_error(const struct diags *d)
{
    for (size_t i = 0; d && i < d->len; i++)
        if (d->items[i].severity == DIAG_ERROR)
            return true;
    return false;
}

/* Makes room for `extra` more entries; the static array counts as having no room. */
static bool reserve(struct diags *d, size_t extra)
{
    if (d->items != oom_array && d->cap >= d->len + extra)
        return true;
    size_t ncap = d->len + extra + (d->len + extra) / 2 + 2;
    struct diag *n = d->items == oom_array ? xa_malloc(ncap * sizeof *n)
                                           : xa_realloc(d->items, ncap * sizeof *n);
    if (!n)
        return false;
    if (d->items == oom_array)
        memcpy(n, oom_array, d->len * sizeof *n);
    d->items = n;
    d->cap = ncap;
    return true;
}

static void add_oom(struct diags *d)
{
    if (d->len > 0 && is_oom(&d->items[d->len - 1]))
        return;
    if (d->len == 0) {
        d->items = oom_array;
        d->len = 1;
        d->cap = 0;
        return;
    }
    if (d->items == oom_array)
        return;
    if (d->cap > d->len) {
        d->items[d->len++] = oom_array[0];
        return;
    }
    diag_cleanup(&d->items[d->len - 1]);   /* no spare slot: the newest entry yields */
    d->items[d->len - 1] = oom_array[0];
}

static void append(struct diags *d, struct diag g)
{
    if (!reserve(d, 1)) {
        diag_cleanup(&g);
        add_oom(d);
        return;
    }
    d->items[d->len++] = g;
    (void)reserve(d, 1);    /* keep a spare slot for a later out-of-memory error */
}

void diags_move(struct diags *dst, struct diags *src)
{
    if (src->len == 0)
        return;
    if (!reserve(dst, src->len)) {
        diags_cleanup(src);
        add_oom(dst);
        return;
    }
    memcpy(dst->items + dst->len, src->items, src->len * sizeof *src->items);
    dst->len += src->len;
    if (src->items != oom_array)
        xa_free(src->items);
    diags_init(src);
    (void)reserve(dst, 1);
}

static void vadd(struct diags *d, enum diag_severity sev, const struct attr_path *path,
                 const char *summary, const char *prefix, const char *fmt, va_list ap)
{
    struct diag g = {.severity = sev};
    struct xbuf b;
    xbuf_init(&b);
    attr_path_init(&g.path);
    bool ok = xbuf_append_str(&b, prefix) == XA_OK && xbuf_vappendf(&b, fmt, ap) == XA_OK;
    g.detail = ok ? xbuf_take(&b) : NULL;
    g.summary = xa_strdup(summary ? summary : "");
    g.has_path = path && path->len > 0;
    if (!g.detail || !g.summary || (g.has_path && !attr_path_copy(&g.path, path))) {
        xbuf_cleanup(&b);
        xa_free(g.detail);
        xa_free(g.summary);
        add_oom(d);
        return;
    }
    append(d, g);
}

void diag_add(struct diags *d, enum diag_severity sev, const struct attr_path *path,
              const char *summary, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, sev, path, summary, "", fmt, ap);
    va_end(ap);
}

void diag_error(struct diags *d, const char *summary, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, DIAG_ERROR, NULL, summary, "", fmt, ap);
    va_end(ap);
}

static void vadd_attr(struct diags *d, enum diag_severity sev, const char *attr,
                      const char *summary, const char *fmt, va_list ap)
{
    struct attr_path p;
    attr_path_init(&p);
    if (attr && !attr_path_push_attr(&p, attr)) {
        add_oom(d);
        return;
    }
    vadd(d, sev, &p, summary, "", fmt, ap);
    attr_path_cleanup(&p);
}

void diag_error_attr(struct diags *d, const char *attr, const char *summary, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd_attr(d, DIAG_ERROR, attr, summary, fmt, ap);
    va_end(ap);
}

void diag_warning_attr(struct diags *d, const char *attr, const char *summary,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd_attr(d, DIAG_WARNING, attr, summary, fmt, ap);
    va_end(ap);
}

void diag_bug(struct diags *d, const char *summary, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, DIAG_ERROR, NULL, summary,
         "This is a bug in the xacct provider, please report it. ", fmt, ap);
    va_end(ap);
}
