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

enum xa_status aws_credentials_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return XA_EINVAL;
    const char *p = s + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {
        }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return XA_EINVAL;
        offset = (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return XA_EINVAL;
    }
    if (*p)
        return XA_EINVAL;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
           offset;
    return XA_OK;
}
