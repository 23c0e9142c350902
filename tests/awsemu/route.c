/* awsemu/route.c - matching a request to a row of a service's route table (route.h). */
#include "route.h"

#include <string.h>

#include "util/alloc.h"

#define MAX_SEGMENTS 16

static bool match(const char *pattern, char **segs, int nsegs, char **params, int *nparams)
{
    char *pat[MAX_SEGMENTS];
    int npat = emu_path_segments(pattern, pat, MAX_SEGMENTS);
    bool ok = npat == nsegs;
    *nparams = 0;
    for (int i = 0; ok && i < npat; i++) {
        if (strcmp(pat[i], "*") == 0) {
            if (*nparams == ROUTE_MAX_PARAMS || segs[i][0] == '\0') {
                ok = false;
                break;
            }
            params[(*nparams)++] = xa_strdup(segs[i]);
        } else if (strcmp(pat[i], segs[i]) != 0) {
            ok = false;
        }
    }
    if (!ok) {
        emu_segments_free(params, *nparams);
        *nparams = 0;
    }
    emu_segments_free(pat, npat < 0 ? 0 : npat);
    return ok;
}

const struct route *route_find(const struct route_table *t, const struct emu_req *r,
                               char **params, int *nparams)
{
    *nparams = 0;
    if (strcmp(t->service, "sts") == 0) {
        struct xbuf action;
        xbuf_init(&action);
        bool found = strcmp(r->method, "POST") == 0
                         ? emu_form_get(xbuf_cstr(&r->body), "Action", &action)
                         : emu_req_query(r, "Action", &action);
        const struct route *hit = NULL;
        for (size_t i = 0; found && i < t->nroutes; i++) {
            if (strcmp(t->routes[i].pattern, xbuf_cstr(&action)) == 0)
                hit = &t->routes[i];
        }
        xbuf_cleanup(&action);
        return hit;
    }
    char *segs[MAX_SEGMENTS];
    int nsegs = emu_path_segments(r->path, segs, MAX_SEGMENTS);
    const struct route *hit = NULL;
    for (size_t i = 0; nsegs >= 0 && hit == NULL && i < t->nroutes; i++) {
        if (strcmp(t->routes[i].method, r->method) == 0 &&
            match(t->routes[i].pattern, segs, nsegs, params, nparams))
            hit = &t->routes[i];
    }
    if (nsegs > 0)
        emu_segments_free(segs, nsegs);
    return hit;
}
