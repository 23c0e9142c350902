/* core/value_number.c - canonical decimal text of cty numbers.
 *
 * Values keep numbers as text so that integers of any size are exact and equal numbers
 * have equal text; this file turns any decimal spelling into that canonical form and
 * orders two canonical texts numerically. Pure functions on strings: no value internals.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value_priv.h"
#include "util/alloc.h"

/* Numbers whose decimal exponent is beyond this are refused: big.Float handles them,
 * but no AWS argument does and unbounded exponents would let input choose memory use. */
#define NUMBER_MAX_EXP 100000L

/* A number's spelling taken apart: value = (-1)^neg * d[0..nd) * 10^exp, with no leading
 * or trailing zero digits (nd 0 for zero). d points into the caller's buffer. */
struct number_parts {
    bool neg;
    const char *d;
    size_t nd;
    long exp;
};

/* Reads [+-]digits[.digits][(e|E)[+-]digits] of n bytes, copying the digits to buf (n + 1
 * bytes). false when the text is not such a number. */
static bool parse_parts(const char *s, size_t n, char *buf, struct number_parts *np)
{
    size_t i = 0, nd = 0, nfrac = 0, nseen = 0;
    long exp = 0;
    *np = (struct number_parts){0};
    if (i < n && (s[i] == '-' || s[i] == '+'))
        np->neg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, nseen++)
        buf[nd++] = s[i];
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nseen++, nfrac++)
            buf[nd++] = s[i];
    }
    if (nseen == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        if (i >= n || s[i] < '0' || s[i] > '9')
            return false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (exp < 10 * NUMBER_MAX_EXP)
                exp = exp * 10 + (s[i] - '0');
        }
        if (eneg)
            exp = -exp;
    }
    if (i != n)
        return false;
    size_t lead = 0;
    while (lead < nd && buf[lead] == '0')
        lead++;
    np->d = buf + lead;
    np->nd = nd - lead;
    np->exp = exp - (long)nfrac;
    while (np->nd > 0 && np->d[np->nd - 1] == '0') {
        np->nd--;
        np->exp++;
    }
    return true;
}

/* The canonical text of the parts; NULL when the exponent is out of bounds or on
 * allocation failure. */
static char *format_parts(const struct number_parts *np)
{
    if (np->nd == 0)
        return xa_strdup("0");
    const char *d = np->d;
    size_t nd = np->nd;
    long exp = np->exp, p = (long)nd + exp;   /* p: digits before the decimal point */
    if (p > NUMBER_MAX_EXP || p < -NUMBER_MAX_EXP)
        return NULL;
    size_t cap = nd + 64 + (exp > 0 && exp <= 64 ? (size_t)exp : 0), o = 0;
    char *out = xa_malloc(cap);
    if (!out)
        return NULL;
    if (np->neg)
        out[o++] = '-';
    if (exp >= 0 && p <= 64) {
        memcpy(out + o, d, nd);
        o += nd;
        for (long z = 0; z < exp; z++)
            out[o++] = '0';
    } else if (exp < 0 && p > 0) {
        memcpy(out + o, d, (size_t)p);
        o += (size_t)p;
        out[o++] = '.';
        memcpy(out + o, d + p, nd - (size_t)p);
        o += nd - (size_t)p;
    } else if (exp < 0 && p > -20) {
        out[o++] = '0';
        out[o++] = '.';
        for (long z = 0; z < -p; z++)
            out[o++] = '0';
        memcpy(out + o, d, nd);
        o += nd;
    } else {
        out[o++] = d[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, d + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, cap - o, "e%ld", p - 1);
    }
    out[o] = '\0';
    return out;
}

/* Canonical decimal text of a number written as [+-]digits[.digits][(e|E)[+-]digits] (or
 * [+-]Inf): no leading or trailing zeros, "-0" is "0", integers in plain digits up to
 * 64 digits, fractions in plain form unless more than 20 zeros follow the point, else
 * d.ddde<exp>. NULL when the text is not a number or on allocation failure. */
char *number_text_canon(const char *s, size_t n)
{
    size_t sign = n > 0 && (s[0] == '-' || s[0] == '+');
    if (n - sign == 3 && (strncmp(s + sign, "Inf", 3) == 0 || strncmp(s + sign, "inf", 3) == 0))
        return xa_strdup(sign && s[0] == '-' ? "-Inf" : "+Inf");
    struct number_parts np;
    char *buf = xa_malloc(n + 1);
    char *out = buf && parse_parts(s, n, buf, &np) ? format_parts(&np) : NULL;
    xa_free(buf);
    return out;
}

/* Numeric order of canonical texts: infinities, then sign, then magnitude via strtold
 * with the text as a tiebreak so distinct numbers never compare equal. */
int number_text_cmp(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 0;
    long double x = strtold(strstr(a, "Inf") ? (a[0] == '-' ? "-inf" : "inf") : a, NULL);
    long double y = strtold(strstr(b, "Inf") ? (b[0] == '-' ? "-inf" : "inf") : b, NULL);
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    return strcmp(a, b) < 0 ? -1 : 1;
}

