/* tests/fuzz/fuzz_sigv4_canonical_uri.c - libFuzzer target for SigV4 path and query
 * canonicalisation.
 *
 * The input up to the first '?' is a wire path, the rest a wire query. Whatever the
 * bytes, a canonical URI that is produced starts with '/', contains only unreserved
 * characters, '/' and upper-case %XX escapes, never contains "//", "/./" or "/../"
 * after normalisation, and normalising twice changes nothing. The query must either be
 * refused (broken escape) or come out in sorted, fully encoded form.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "util/buf.h"

static bool canonical_chars(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '%') {
            if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]) ||
                islower((unsigned char)s[1]) || islower((unsigned char)s[2]))
                return false;
            s += 2;
        } else if (!isalnum(c) && !strchr("-_.~/", c)) {
            return false;
        }
    }
    return true;
}

static void check_path(const char *path)
{
    struct sigv4_params p = {.region = "us-east-1", .service = "lambda",
                             .double_encode_path = true, .normalize_path = true};
    struct xbuf out, again;
    xbuf_init(&out);
    xbuf_init(&again);
    if (sigv4_canonical_uri(path, &p, &out) == XA_OK) {
        const char *c = xbuf_cstr(&out);
        if (c[0] != '/' || !canonical_chars(c) || strstr(c, "//"))
            abort();
        struct xbuf norm;
        xbuf_init(&norm);
        if (sigv4_normalize_path(path, &norm) == XA_OK &&
            sigv4_normalize_path(xbuf_cstr(&norm), &again) == XA_OK &&
            strcmp(xbuf_cstr(&norm), xbuf_cstr(&again)) != 0)
            abort();
        xbuf_cleanup(&norm);
    }
    xbuf_cleanup(&out);
    xbuf_cleanup(&again);
}

static void check_query(const char *query)
{
    struct xbuf out;
    xbuf_init(&out);
    if (sigv4_canonical_query(query, &out) == XA_OK) {
        const char *c = xbuf_cstr(&out);
        for (const char *s = c; *s; s++)
            if (!isalnum((unsigned char)*s) && !strchr("-_.~%=&", *s))
                abort();
    }
    xbuf_cleanup(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *q = strchr(s, '?');
    if (q)
        *q++ = '\0';
    check_path(s);
    if (q)
        check_query(q);
    free(s);
    return 0;
}
