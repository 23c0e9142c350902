/* awsemu/http.h - the one listener of the emulator (libmicrohttpd, a thread per
 * connection so that injected latency in one request never stalls another). It collects
 * each request (raw path and query, headers, body up to 1 MiB), hands it to
 * dispatch_request, sends the answer (or drops/resets the connection when a fault says
 * so) and writes the request log entry.
 */
#ifndef XA_AWSEMU_HTTP_H
#define XA_AWSEMU_HTTP_H

#include <stdint.h>

#include "emu.h"

struct http_server;

struct http_options {
    uint16_t port;             /* 0: any free port */
    const char *cert_pem;      /* TLS when both are set */
    const char *key_pem;
};

/* Starts listening on 127.0.0.1. *port_out receives the bound port. NULL with err
 * filled on failure. */
struct http_server *http_start(struct emu_server *s, const struct http_options *o,
                               uint16_t *port_out, char *err, size_t errlen);
void http_stop(struct http_server *h);

/* dispatch.c: answers one request (routing, authentication, faults, handlers). */
void dispatch_request(struct emu_server *s, struct emu_req *r, struct emu_resp *resp);

#endif
