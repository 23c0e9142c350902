/* util/utf8.h - strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 *
 * Terraform decodes every tfplugin string field with protobuf-go, which refuses a whole
 * answer whose strings are not valid UTF-8; text xacct cuts to a length ("%.400s" of a
 * body) or copies from outside must be made valid before it goes out (utf8_repair).
 */
#ifndef XA_UTIL_UTF8_H
#define XA_UTIL_UTF8_H

#include <stddef.h>

/* The length (1-4) of the valid character that starts the n bytes at s, or 0 when they
 * start none (n == 0 included). U+0000 is a valid character of length 1. */
size_t utf8_char_len(const unsigned char *s, size_t n);

/* Replaces, in place, every byte of the NUL-terminated s that starts no valid character
 * with '?'; s keeps its length. NULL is fine. */
void utf8_repair(char *s);

#endif
