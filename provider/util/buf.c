/* util/buf.c - growable NUL-terminated byte buffer. */
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/alloc.h"

void xbuf_init(struct xbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void xbuf_cleanup(struct xbuf *b)
{
    xa_free(b->data);
    xbuf_init(b);
}

void xbuf_cleanup_secret(struct xbuf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    xbuf_cleanup(b);
}

void xbuf_clear(struct xbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

enum xa_status xbuf_reserve(struct xbuf *b, size_t extra)
{
    if (extra > ((size_t)-1) / 2 - b->len)
        return XA_ENOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return XA_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = xa_realloc(b->data, cap);
    if (!p)
        return XA_ENOMEM;
    b->data = p;
    b->cap = cap;
    return XA_OK;
}

enum xa_status xbuf_append(struct xbuf *b, const void *p, size_t n)
{
    if (xbuf_reserve(b, n) != XA_OK)
        return XA_ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return XA_OK;
}

enum xa_status xbuf_append_str(struct xbuf *b, const char *s)
{
    return xbuf_append(b, s, strlen(s));
}

enum xa_status xbuf_append_char(struct xbuf *b, char c) { return xbuf_append(b, &c, 1); }

enum xa_status xbuf_vappendf(struct xbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || xbuf_reserve(b, (size_t)n) != XA_OK) {
        va_end(again);
        return n < 0 ? XA_EINVAL : XA_ENOMEM;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
    return XA_OK;
}

enum xa_status xbuf_appendf(struct xbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum xa_status s = xbuf_vappendf(b, fmt, ap);
    va_end(ap);
    return s;
}

const char *xbuf_cstr(const struct xbuf *b) { return b->data ? b->data : ""; }

char *xbuf_take(struct xbuf *b)
{
    char *p = b->data ? b->data : xa_strdup("");
    xbuf_init(b);
    return p;
}
