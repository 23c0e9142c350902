/* awsemu/emu.h - what every part of the AWS emulator shares: one request, one response,
 * the server context, and the small helpers that build AWS-shaped answers.
 *
 * A request arrives in http.c, is authenticated by auth.c, routed to a handler of one
 * service (apigw.c, lambda.c, sts.c) or to the emulator's own endpoints (control.c,
 * metadata.c, invoke.c), and answered through struct emu_resp. Handlers run with the
 * world locked (world.h) so they read and change state freely; they never do I/O.
 * Ownership: a request owns its copies of path, query, headers and body; a response owns
 * its body and extra headers. Both are cleaned up by http.c.
 */
#ifndef XA_AWSEMU_EMU_H
#define XA_AWSEMU_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/buf.h"

struct world;
struct faults;
struct reqlog;

struct emu_server {
    struct world *world;
    struct faults *faults;
    struct reqlog *log;
    json_t *initial_faults;      /* what --faults set, restored by /_emu/reset; or NULL */
};

struct emu_kv {
    char *name;
    char *value;
};

/* One HTTP request. The fields under "after auth" are filled by auth_verify. */
struct emu_req {
    char method[16];
    char *path;                  /* wire form (still percent-encoded) */
    char *query;                 /* wire form without '?', or NULL */
    struct emu_kv *headers;
    size_t nheaders;
    struct xbuf body;
    /* after auth */
    char service[32];            /* credential scope service: apigateway, lambda, sts */
    char region[32];             /* credential scope region */
    char account[16];            /* the caller's account */
    char caller_arn[256];
    char caller_user_id[160];
    char access_key[129];
    /* set by the router */
    const char *operation;       /* "GetRestApi", ... for the log and fault filters */
    char request_id[40];
    int64_t now;                 /* emulator clock (real time + configured offset) */
};

#define EMU_MAX_HEADERS 12

struct emu_resp {
    int status;
    struct xbuf body;
    char content_type[64];
    struct emu_kv headers[EMU_MAX_HEADERS];
    size_t nheaders;
    bool drop;                   /* close the connection instead of answering */
    bool reset;                  /* ... with a TCP reset */
    const char *fault;           /* name of the fault applied, for the log */
};

/* ---- requests ---- */
const char *emu_req_header(const struct emu_req *r, const char *name); /* case-insensitive */
/* Decoded value of query parameter `name` into out (cleared first); false when absent. */
bool emu_req_query(const struct emu_req *r, const char *name, struct xbuf *out);
/* Decoded value of name in an application/x-www-form-urlencoded string. */
bool emu_form_get(const char *form, const char *name, struct xbuf *out);
/* Percent-decodes s[0..n) into out ('+' as space when plus_space). false on bad escapes. */
bool emu_url_decode(const char *s, size_t n, bool plus_space, struct xbuf *out);
/* Splits the wire path into decoded segments (heap strings in segs, at most max).
 * Returns the count, or -1 on a malformed or too long path. Free with emu_segments_free. */
int emu_path_segments(const char *path, char **segs, int max);
void emu_segments_free(char **segs, int n);

/* ---- responses ---- */
void emu_resp_init(struct emu_resp *resp);
void emu_resp_cleanup(struct emu_resp *resp);
void emu_resp_header(struct emu_resp *resp, const char *name, const char *value);
/* Body = the JSON of v (v is borrowed), Content-Type application/json. */
void emu_resp_json(struct emu_resp *resp, int status, const json_t *v);
void emu_resp_text(struct emu_resp *resp, int status, const char *content_type,
                   const char *text);
/* An error as the request's service sends it: API Gateway and Lambda JSON with
 * x-amzn-ErrorType, STS XML; the emulator's own endpoints plain JSON. */
void emu_error(struct emu_resp *resp, const struct emu_req *r, int status, const char *code,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- small values ---- */
void emu_uuid(char out[37]);                             /* random v4 UUID */
void emu_random_alnum(char *out, size_t n, const char *alphabet); /* n chars + NUL */
void emu_iso8601(int64_t t, char out[32]);               /* 2026-11-24T15:00:00Z */
void emu_iso8601_ms(int64_t t, char out[40]);            /* 2026-11-24T15:00:00.000+0000 */
void emu_xml_escape(struct xbuf *out, const char *s);
int64_t emu_clock_now(void);   /* time() + the offset set through /_emu/clock */
void emu_clock_set_offset(int64_t seconds);
int64_t emu_clock_offset(void);

#endif
