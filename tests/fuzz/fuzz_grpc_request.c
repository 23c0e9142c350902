/* tests/fuzz/fuzz_grpc_request.c - Terraform's requests as the provider receives them:
 * protobuf-c unpacking and the tfproto decoding of every request type, against the real
 * xacct provider (never configured, so nothing reaches the network).
 *
 * Input: "5" or "6", the method name, '\n', then the request message bytes, e.g.
 * "6PlanResourceChange\n<protobuf>". The handler must answer (XA_OK), refuse an
 * undecodable request (XA_EINVAL) or run out of memory, and never crash. Methods that
 * configure something are skipped: they would look for credentials.
 * Written against tfproto/tfproto.h (tfproto_lookup) and core/provider.h only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/provider.h"
#include "resources/registry.h"
#include "tfproto/tfproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct provider *provider;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!provider && !(provider = provider_new(&xacct_provider_type)))
        abort();
    const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
    if (size < 2 || !nl || (data[0] != '5' && data[0] != '6'))
        return 0;
    char path[128];
    int n = snprintf(path, sizeof path, "/tfplugin%c.Provider/%.*s", data[0],
                     (int)(nl - data - 1), (const char *)data + 1);
    if (n <= 0 || (size_t)n >= sizeof path || strstr(path, "Configure"))
        return 0;
    const struct tfproto_method *m = tfproto_lookup(path, (size_t)n);
    if (!m)
        return 0;
    struct xbuf out;
    xbuf_init(&out);
    const uint8_t *req = nl + 1;
    enum xa_status st = m->fn(provider, req, size - (size_t)(req - data), &out);
    if (st != XA_OK && st != XA_EINVAL && st != XA_ENOMEM)
        abort();
    xbuf_cleanup(&out);
    return 0;
}
