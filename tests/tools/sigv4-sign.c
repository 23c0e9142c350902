/* tests/tools/sigv4-sign.c - sign one raw HTTP request the way the SigV4 suite does.
 *
 *   sigv4-sign [--query] REQUEST.txt CONTEXT.json
 *
 * Reads a request file and a context in the format of AWS's SigV4 suite
 * (tests/data/sigv4/<case>/) and prints, under headings, the canonical request, the string
 * to sign, the signature and the signed request, so that a person (or the ctest
 * sigv4_sign_tool) can compare them with the expected files. --query signs with
 * presigned-URL query parameters instead of the Authorization header.
 * Exit status: 0 signed, 1 the inputs could not be read or signed, 2 usage.
 * The secret key and session token in the context are test values; the tool prints the
 * session token only where the signed request itself carries it.
 */
#include <stdio.h>
#include <string.h>

#include "http_request_file.h"
#include "aws/sigv4.h"
#include "util/buf.h"

#define HEADING(name) "===== " name " =====\n"

static void print_section(const char *heading, const char *text, size_t len)
{
    fputs(heading, stdout);
    fwrite(text, 1, len, stdout);
    fputs("\n", stdout);
}

static int run(const char *request_path, const char *context_path, bool query)
{
    struct http_request_file f;
    struct sigv4_case_context c;
    struct sigv4_result res;
    struct xbuf signed_req;
    http_request_file_init(&f);
    sigv4_case_context_init(&c);
    sigv4_result_init(&res);
    xbuf_init(&signed_req);
    int rc = 1;
    enum xa_status st = http_request_file_load(request_path, &f);
    if (st != XA_OK) {
        fprintf(stderr, "sigv4-sign: cannot read request %s: %s\n", request_path,
                xa_status_str(st));
        goto out;
    }
    st = sigv4_case_context_load(context_path, &c);
    if (st != XA_OK) {
        fprintf(stderr, "sigv4-sign: cannot read context %s: %s\n", context_path,
                xa_status_str(st));
        goto out;
    }
    st = query ? sigv4_case_presign(&f, &c, &res, &signed_req)
               : sigv4_case_sign(&f, &c, &res, &signed_req);
    if (st != XA_OK) {
        fprintf(stderr, "sigv4-sign: cannot sign: %s\n", xa_status_str(st));
        goto out;
    }
    print_section(HEADING("canonical request"), xbuf_cstr(&res.canonical_request),
                  res.canonical_request.len);
    print_section(HEADING("string to sign"), xbuf_cstr(&res.string_to_sign),
                  res.string_to_sign.len);
    print_section(HEADING("signature"), res.signature, strlen(res.signature));
    print_section(HEADING("signed request"), xbuf_cstr(&signed_req), signed_req.len);
    rc = 0;
out:
    http_request_file_cleanup(&f);
    sigv4_case_context_cleanup(&c);
    sigv4_result_cleanup(&res);
    xbuf_cleanup(&signed_req);
    return rc;
}

int main(int argc, char **argv)
{
    bool query = argc > 1 && strcmp(argv[1], "--query") == 0;
    int first = query ? 2 : 1;
    if (argc - first != 2) {
        fprintf(stderr, "usage: sigv4-sign [--query] REQUEST.txt CONTEXT.json\n");
        return 2;
    }
    return run(argv[first], argv[first + 1], query);
}
