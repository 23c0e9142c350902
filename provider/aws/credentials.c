/* aws/credentials.c - the credentials value: copies whose secrets are wiped, and the
 * time format of their expiration. */
#include "aws/credentials.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/alloc.h"

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        xa_free(s);
    }
}

void aws_credentials_init(struct aws_credentials *c) { *c = (struct aws_credentials){0}; }

void aws_credentials_cleanup(struct aws_credentials *c)
{
    xa_free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    xa_free(c->source);
    aws_credentials_init(c);
}

enum xa_status aws_credentials_set(struct aws_credentials *c, const char *access_key_id,
                                   const char *secret_access_key, const char *session_token,
                                   int64_t expiration, const char *source)
{
    aws_credentials_cleanup(c);
    c->access_key_id = xa_strdup(access_key_id);
    c->secret_access_key = xa_strdup(secret_access_key);
    c->session_token = session_token && *session_token ? xa_strdup(session_token) : NULL;
    c->source = xa_strdup(source ? source : "unknown");
    c->expiration = expiration;
    if ((access_key_id && !c->access_key_id) || (secret_access_key && !c->secret_access_key) ||
        (session_token && *session_token && !c->session_token) || !c->source) {
        aws_credentials_cleanup(c);
        return XA_ENOMEM;
    }
    return XA_OK;
}

enum xa_status aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src)
{
    return aws_credentials_set(dst, src->access_key_id, src->secret_access_key,
                               src->session_token, src->expiration, src->source);
}

/* ------------------------------------------------------------------------- time */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Reads exactly n digits at *p into *out and moves *p past them; false (and *p left
 * alone) when any of them is not a digit, including the terminator. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Consumes the character c at *p; false when another one (or the end) is there. */
static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* Strict RFC 3339: every field has its exact width and every position is checked
 * before it is read, so no input moves the parser past its terminator. */
enum xa_status aws_credentials_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    const char *p = s;
    if (!p || !digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-') || !digits(&p, 2, &d) || !(expect(&p, 'T') || expect(&p, 't')) ||
        !digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
        !digits(&p, 2, &sec))
        return XA_EINVAL;
    if (expect(&p, '.')) {
        if (*p < '0' || *p > '9')
            return XA_EINVAL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (expect(&p, 'Z') || expect(&p, 'z'))
        sign = 0;
    else if (expect(&p, '+'))
        sign = 1;
    else if (expect(&p, '-'))
        sign = -1;
    else
        return XA_EINVAL;
    if (sign && (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om)))
        return XA_EINVAL;
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
        oh > 23 || om > 59)
        return XA_EINVAL;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
           sign * (oh * 3600 + om * 60);
    return XA_OK;
}
