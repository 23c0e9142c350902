/* tests/fuzz/fuzz_aws_error_body.c - libFuzzer target for AWS error answer parsing.
 *
 * The first byte chooses the parser (rest-json, query XML, or sniffing) and whether an
 * x-amzn-ErrorType header is passed; the rest is the body. Every parse must succeed
 * (unreadable bodies are described, not refused) and the description must stay bounded
 * and free of control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/errors.h"
#include "aws/retry.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    const char *type = (mode & 4) ? "ThrottlingException:http://internal.amazon.com/" : NULL;
    struct aws_error e;
    aws_error_init(&e);
    enum xa_status st;
    switch (mode & 3) {
    case 0:
        st = aws_error_parse_rest_json(&e, 400, type, "rid", body, len);
        break;
    case 1:
        st = aws_error_parse_query_xml(&e, 403, NULL, body, len);
        break;
    default:
        st = aws_error_parse_any(&e, 500, type, NULL, body, len);
        break;
    }
    if (st != XA_OK && st != XA_ENOMEM)
        abort();
    retry_mark(&e);
    (void)aws_error_set_operation(&e, "Fuzz Operation");
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
    aws_error_cleanup(&e);
    return 0;
}
