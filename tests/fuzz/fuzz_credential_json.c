/* tests/fuzz/fuzz_credential_json.c - the credentials answers of credential_process, the
 * container endpoint and EC2 instance metadata, and the RFC 3339 times in them.
 *
 * First byte even: the rest is an Expiration time. A time that parses must read back as
 * the same instant when printed in UTC ("YYYY-MM-DDTHH:MM:SSZ"). First byte odd: the rest
 * is a credentials JSON document. A document that parses yields non-empty keys; one that
 * does not is explained in words that do not depend on its SecretAccessKey or Token (the
 * same document with other secrets of the same length gets the same explanation).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "aws/credentials_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_time(const char *s)
{
    int64_t t;
    if (aws_credentials_parse_time(s, &t) != XA_OK)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return;
    char again[40];
    snprintf(again, sizeof again, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    int64_t t2;
    if (aws_credentials_parse_time(again, &t2) != XA_OK || t2 != t)
        abort();
}

/* The document with every secret string replaced by another of the same length, or NULL
 * when it has none (or is not an object jansson reads as the parser does). */
static char *with_other_secrets(const char *json, size_t len)
{
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    static const char *const keys[] = {"SecretAccessKey", "Token", "SessionToken"};
    bool any = false;
    for (size_t i = 0; json_is_object(o) && i < 3; i++) {
        json_t *v = json_object_get(o, keys[i]);
        size_t n = json_is_string(v) ? json_string_length(v) : 0;
        char *other = n ? malloc(n) : NULL;
        for (size_t k = 0; other && k < n; k++)
            other[k] = json_string_value(v)[k] == 'q' ? 'r' : 'q';
        if (other && json_object_set_new(o, keys[i], json_stringn(other, n)) == 0)
            any = true;
        free(other);
    }
    char *out = any ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return out;
}

static enum xa_status parse(const char *json, size_t len, struct xbuf *why)
{
    struct aws_credentials c;
    aws_credentials_init(&c);
    enum xa_status st = creds_parse_json(json, len, "fuzz source", &c, why);
    if (st == XA_OK && (!c.access_key_id || !*c.access_key_id || !c.secret_access_key ||
                        !*c.secret_access_key))
        abort();
    aws_credentials_cleanup(&c);
    return st;
}

/* The explanation of a failure must not depend on what the secrets say. */
static void check_json(const char *json, size_t len)
{
    struct xbuf why, why2;
    xbuf_init(&why);
    xbuf_init(&why2);
    enum xa_status st = parse(json, len, &why);
    char *other = st != XA_OK && st != XA_ENOMEM ? with_other_secrets(json, len) : NULL;
    if (other) {
        enum xa_status st2 = parse(other, strlen(other), &why2);
        if (st2 != XA_ENOMEM && (st2 != st || strcmp(xbuf_cstr(&why), xbuf_cstr(&why2)) != 0))
            abort();
        free(other);
    }
    xbuf_cleanup(&why);
    xbuf_cleanup(&why2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] & 1)
        check_json(text, size - 1);
    else
        check_time(text);
    free(text);
    return 0;
}
