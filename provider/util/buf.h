/* util/buf.h - a growable byte buffer that is always NUL-terminated.
 *
 * struct xbuf is caller storage: xbuf_init, append, then xbuf_cleanup or xbuf_take.
 * data is NULL until the first append; xbuf_cstr() is never NULL.
 * Append functions return XA_OK or XA_ENOMEM; on failure the buffer keeps what it had.
 * xbuf_cleanup_secret wipes the bytes before freeing (for key material).
 */
#ifndef XA_UTIL_BUF_H
#define XA_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/status.h"

struct xbuf {
    char *data;
    size_t len;
    size_t cap;
};

void xbuf_init(struct xbuf *b);
void xbuf_cleanup(struct xbuf *b);
void xbuf_cleanup_secret(struct xbuf *b);
void xbuf_clear(struct xbuf *b);                  /* len = 0, keeps the allocation */
enum xa_status xbuf_reserve(struct xbuf *b, size_t extra);
enum xa_status xbuf_append(struct xbuf *b, const void *p, size_t n);
enum xa_status xbuf_append_str(struct xbuf *b, const char *s);
enum xa_status xbuf_append_char(struct xbuf *b, char c);
enum xa_status xbuf_appendf(struct xbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum xa_status xbuf_vappendf(struct xbuf *b, const char *fmt, va_list ap);
const char *xbuf_cstr(const struct xbuf *b);
/* Hands the NUL-terminated bytes to the caller (free with xa_free) and empties b.
 * Returns an empty heap string for an empty buffer; NULL only on allocation failure. */
char *xbuf_take(struct xbuf *b);

#endif
