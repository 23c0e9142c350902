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

/* Canonical decimal text of a number written as [+-]digits[.digits][(e|E)[+-]digits] (or
 * [+-]Inf): no leading or trailing zeros, "-0" is "0", integers in plain digits up to
 * 64 digits, fractions in plain form unless more than 20 zeros follow the point, else
 * d.ddde<exp>. NULL when the text is not a number or on allocation failure. */
char *number_text_canon(const char *s, size_t n)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (n - i == 3 && (strncmp(s + i, "Inf", 3) == 0 || strncmp(s + i, "inf", 3) == 0))
        return xa_strdup(neg ? "-Inf" : "+Inf");
    char *digits = xa_malloc(n + 1);
    char *out = NULL;
    if (!digits)
        return NULL;
    size_t nd = 0, nfrac = 0, nseen = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, nseen++)
        digits[nd++] = s[i];
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nseen++, nfrac++)
            digits[nd++] = s[i];
    }
    long exp = 0;
    if (nseen == 0)
        goto done;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        if (i >= n || s[i] < '0' || s[i] > '9')
            goto done;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (exp < 10 * NUMBER_MAX_EXP)
                exp = exp * 10 + (s[i] - '0');
        }
        if (eneg)
            exp = -exp;
    }
    if (i != n)
        goto done;
    size_t lead = 0;
    while (lead < nd && digits[lead] == '0')
        lead++;
    if (lead == nd) {
        out = xa_strdup("0");
        goto done;
    }
    char *d = digits + lead;
    nd -= lead;
    exp -= (long)nfrac;
    while (nd > 0 && d[nd - 1] == '0') {
        nd--;
        exp++;
    }
    /* value = d * 10^exp; p = digits before the decimal point */
    long p = (long)nd + exp;
    if (p > NUMBER_MAX_EXP || p < -NUMBER_MAX_EXP)
        goto done;
    size_t cap = nd + 64 + (exp > 0 && exp <= 64 ? (size_t)exp : 0);
    out = xa_malloc(cap);
    if (!out)
        goto done;
    size_t o = 0;
    if (neg)
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
done:
    xa_free(digits);
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

