/* tests/fuzz/fuzz_http_headers.c - the response headers the AWS client reads:
 * x-amzn-RequestId / x-amz-request-id, x-amzn-ErrorType and Retry-After.
 *
 * The input is a header block (lines ending in '\n'), fed line by line as libcurl does.
 * What is kept must be trimmed; the backoff derived from Retry-After stays within the
 * policy's bounds; the error built from the ErrorType header (and the first byte as HTTP
 * status class) describes itself in bounded, printable text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "aws/retry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_trimmed(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\n' ||
              s[n - 1] == '\r'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        aws_http_response_keep_header(&resp, p, len);
        p += len;
    }
    check_trimmed(resp.request_id);
    check_trimmed(resp.error_type);
    check_trimmed(resp.retry_after);
    struct retry_policy pol;
    retry_policy_init(&pol, 3);
    for (int attempt = 1; attempt <= 4; attempt++) {
        int64_t d = retry_delay_ms(&pol, attempt, resp.retry_after, 0.999);
        if (d < 0 || d > RETRY_MAX_BACKOFF_MS + RETRY_MAX_RETRY_AFTER_MS)
            abort();
    }
    struct aws_error e;
    aws_error_init(&e);
    long status = data[0] & 1 ? 429 : 400 + data[0] % 200;
    if (aws_error_parse_rest_json(&e, status, resp.error_type, resp.request_id, "{}", 2) ==
        XA_OK) {
        retry_mark(&e);
        struct xbuf b;
        xbuf_init(&b);
        if (aws_error_describe(&e, &b) == XA_OK) {
            if (b.len > 4096)
                abort();
            for (size_t i = 0; i < b.len; i++)
                if ((unsigned char)b.data[i] < 0x20)
                    abort();
        }
        xbuf_cleanup(&b);
    }
    aws_error_cleanup(&e);
    aws_http_response_cleanup(&resp);
    return 0;
}
