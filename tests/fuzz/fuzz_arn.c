/* tests/fuzz/fuzz_arn.c - libFuzzer target for every ARN parser in aws/arn.
 *
 * Feeds the input, as a string, to the generic, Lambda function, integration URI and
 * execute-api parsers. Whatever parses must also rebuild: a full function ARN must turn
 * into an integration URI that parses back to the same function, and an execute-api ARN
 * with all parts must rebuild to the same string. A mismatch aborts (a finding).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/arn.h"
#include "util/buf.h"

static void check_function_round_trip(const struct arn_lambda_function *f)
{
    if (!f->partition)
        return;
    struct xbuf uri;
    xbuf_init(&uri);
    if (arn_lambda_invoke_uri_for_function(f, &uri) == XA_OK) {
        struct arn_invoke_uri u;
        if (arn_invoke_uri_parse(xbuf_cstr(&uri), &u, NULL) != XA_OK ||
            strcmp(u.function.name, f->name) != 0 || strcmp(u.function.account, f->account) != 0)
            abort();
        arn_invoke_uri_cleanup(&u);
    }
    xbuf_cleanup(&uri);
}

static void check_execute_api_round_trip(const char *in, const struct arn_execute_api *x)
{
    if (!x->stage || !x->method || !x->path)
        return;
    struct xbuf b;
    xbuf_init(&b);
    char *path = malloc(strlen(x->path) + 2);
    if (path) {
        path[0] = '/';
        strcpy(path + 1, x->path);
        if (arn_execute_api_build(x->partition, x->region, x->account, x->api_id, x->stage,
                                  x->method, path, &b) == XA_OK &&
            strcmp(xbuf_cstr(&b), in) != 0)
            abort();
    }
    free(path);
    xbuf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    const char *reason = NULL;

    struct arn a;
    if (arn_parse(s, &a, &reason) == XA_OK)
        arn_cleanup(&a);
    struct arn_lambda_function f;
    if (arn_lambda_function_parse(s, &f, &reason) == XA_OK) {
        check_function_round_trip(&f);
        arn_lambda_function_cleanup(&f);
    }
    struct arn_invoke_uri u;
    if (arn_invoke_uri_parse(s, &u, &reason) == XA_OK)
        arn_invoke_uri_cleanup(&u);
    struct arn_execute_api x;
    if (arn_execute_api_parse(s, &x, &reason) == XA_OK) {
        check_execute_api_round_trip(s, &x);
        arn_execute_api_cleanup(&x);
    }
    (void)arn_valid_region(s);
    (void)arn_partition_for_region(s);
    (void)arn_lambda_qualifier_kind(s);
    free(s);
    return 0;
}
