/* resources/function_arn.c - a resource's function_arn checked and turned into the invoke
 * URI API Gateway calls (function_arn.h).
 */
#include "resources/function_arn.h"

#include "aws/arn.h"
#include "util/buf.h"

void function_arn_validate(const struct model_string *f, const char *attr, struct diags *d)
{
    const char *fn = f->value, *why = NULL;
    struct arn_lambda_function parsed;
    arn_lambda_function_init(&parsed);
    enum xa_status st = fn ? arn_lambda_function_parse(fn, &parsed, &why) : XA_OK;
    if (st == XA_OK && fn && !parsed.region) {
        why = "a name or partial ARN does not say the function's region";
        st = XA_EINVAL;
    }
    if (st == XA_ENOMEM)
        diag_error(d, "Cannot validate the function", "Out of memory.");
    else if (st != XA_OK)
        diag_error_attr(d, attr, "Invalid function ARN",
                        "\"%s\" is not a full Lambda function ARN: %s. Give the full ARN, e.g. "
                        "\"arn:aws:lambda:us-west-2:222222222222:function:my-function\".",
                        fn, why ? why : "unrecognised form");
    arn_lambda_function_cleanup(&parsed);
}

bool function_arn_invoke_uri(const struct model_string *fn, bool streaming,
                             struct model_string *uri)
{
    if (fn->state == MODEL_UNKNOWN) {
        model_set_unknown(uri);
        return true;
    }
    struct arn_lambda_function f;
    struct xbuf b;
    arn_lambda_function_init(&f);
    xbuf_init(&b);
    enum xa_status st = fn->value ? arn_lambda_function_parse(fn->value, &f, NULL) : XA_EINVAL;
    if (st == XA_OK && f.region)
        st = streaming ? arn_lambda_streaming_invoke_uri(f.partition, f.region, fn->value, &b)
                       : arn_lambda_invoke_uri(f.partition, f.region, fn->value, &b);
    else if (st == XA_OK)
        st = XA_EINVAL;
    bool ok = st != XA_ENOMEM;
    if (st == XA_OK)
        ok = model_set_string(uri, xbuf_cstr(&b));
    else
        model_take_string(uri, NULL);
    xbuf_cleanup(&b);
    arn_lambda_function_cleanup(&f);
    return ok;
}
