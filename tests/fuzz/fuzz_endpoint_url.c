/* tests/fuzz/fuzz_endpoint_url.c - endpoint URLs from endpoints { ... } and
 * AWS_ENDPOINT_URL*, read with libxml2's URI parser (RFC 3986) and checked by xacct.
 *
 * A URL that is accepted gives an http(s) origin, a Host header without user info, white
 * space or control characters, and a path prefix without a trailing '/'; resolving it as
 * an override gives exactly origin + path. A refused URL is explained without repeating
 * the URL (it may hold a password).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/endpoints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    if (!url)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0';
    struct aws_endpoint_parts e;
    aws_endpoint_parts_init(&e);
    struct xbuf why, out;
    xbuf_init(&why);
    xbuf_init(&out);
    enum xa_status st = aws_endpoint_split(url, &e, &why);
    if (st == XA_OK) {
        if (strncmp(e.origin, "http://", 7) != 0 && strncmp(e.origin, "https://", 8) != 0)
            abort();
        if (!*e.host || strchr(e.host, '@'))
            abort();
        check_printable(e.host);
        check_printable(e.origin);
        size_t pl = strlen(e.path);
        if (pl && e.path[pl - 1] == '/')
            abort();
    }
    enum xa_status rs = aws_endpoint_resolve("sts", "us-east-1", url, &out, &why);
    if (*url && (rs == XA_OK) != (st == XA_OK))
        abort();
    if (rs == XA_OK && *url) {
        size_t ol = strlen(e.origin);
        if (strncmp(out.data, e.origin, ol) != 0 || strcmp(out.data + ol, e.path) != 0)
            abort();
    }
    if (rs == XA_EINVAL && strstr(url, "://") && strlen(url) > 12 && strstr(why.data, url))
        abort();
    aws_endpoint_parts_cleanup(&e);
    xbuf_cleanup(&why);
    xbuf_cleanup(&out);
    free(url);
    return 0;
}
