/* util/utf8.c - strict UTF-8 (see utf8.h). */
#include "util/utf8.h"

#include <string.h>

size_t utf8_char_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0], cp;
    size_t len;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void utf8_repair(char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0;
    while (i < n) {
        size_t len = utf8_char_len((const unsigned char *)s + i, n - i);
        if (len == 0) {
            s[i] = '?';
            len = 1;
        }
        i += len;
    }
}
