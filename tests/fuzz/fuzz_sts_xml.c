/* tests/fuzz/fuzz_sts_xml.c - STS answers: GetCallerIdentity, AssumeRole,
 * AssumeRoleWithWebIdentity and STS's XML errors.
 *
 * The first byte picks the reader and the HTTP status (200 or an error status); the rest
 * is the body. A successful read has an account (identity) or complete credentials with
 * a parsed expiration (assumed roles); a failed one is an error that describes itself
 * in bounded, printable text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "aws/sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reached through XA_TESTABLE in aws/sts.c. */
enum xa_status sts_read_identity(const struct aws_http_response *resp,
                                 struct sts_caller_identity *out, struct aws_error *err);
enum xa_status sts_read_assumed(const struct aws_http_response *resp, const char *action,
                                const char *source, struct sts_assume_role_result *out,
                                struct aws_error *err);

static void check_description(const struct aws_error *e)
{
    struct xbuf b;
    xbuf_init(&b);
    if (aws_error_describe(e, &b) == XA_OK) {
        if (b.len > 10000)
            abort();
        for (size_t i = 0; i < b.len; i++)
            if ((unsigned char)b.data[i] < 0x20 && b.data[i] != '\n')
                abort();
    }
    xbuf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    resp.status = (data[0] & 4) ? 403 : 200;
    if (xbuf_append(&resp.body, data + 1, size - 1) != XA_OK)
        return 0;
    struct aws_error err;
    aws_error_init(&err);
    enum xa_status st;
    switch (data[0] & 3) {
    case 0: {
        struct sts_caller_identity id;
        st = sts_read_identity(&resp, &id, &err);
        if (st == XA_OK && !id.account)
            abort();
        sts_caller_identity_cleanup(&id);
        break;
    }
    case 3:
        st = aws_error_parse_query_xml(&err, resp.status, NULL, resp.body.data, resp.body.len);
        if (st != XA_OK && st != XA_ENOMEM)
            abort();
        break;
    default: {
        struct sts_assume_role_result r = {0};
        const char *action = (data[0] & 3) == 1 ? "AssumeRole" : "AssumeRoleWithWebIdentity";
        st = sts_read_assumed(&resp, action, "fuzz", &r, &err);
        const struct aws_credentials *c = &r.credentials;
        if (st == XA_OK && (!c->access_key_id || !c->secret_access_key || !c->session_token))
            abort();
        sts_assume_role_result_cleanup(&r);
        break;
    }
    }
    if (st != XA_OK)
        check_description(&err);
    aws_error_cleanup(&err);
    aws_http_response_cleanup(&resp);
    return 0;
}
