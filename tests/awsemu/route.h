/* awsemu/route.h - the operation tables of the emulated services.
 *
 * Each service file ends in a const table of routes, one row per operation: the HTTP
 * method, a path pattern whose '*' segments are captured (decoded) into params, the
 * operation's AWS name and its handler. STS rows match the form's Action instead of a
 * path. Handlers run with the world locked; they fill the response and never do I/O.
 */
#ifndef XA_AWSEMU_ROUTE_H
#define XA_AWSEMU_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "emu.h"

#define ROUTE_MAX_PARAMS 8

typedef void (*route_fn)(struct emu_server *s, struct emu_req *r, char *const *params,
                         struct emu_resp *resp);

struct route {
    const char *method;
    const char *pattern;     /* "/restapis/x/resources/x"-style with '*'; STS: the Action */
    const char *operation;
    route_fn fn;
    bool unsigned_ok;        /* answered without a signature (AssumeRoleWithWebIdentity) */
};

struct route_table {
    const char *service;     /* credential scope service name */
    const struct route *routes;
    size_t nroutes;
};

extern const struct route_table apigw_route_table;
extern const struct route_table apigw_deploy_route_table;   /* deployments, stages */
extern const struct route_table apigw_auth_route_table;     /* authorizers, UpdateMethod */
extern const struct route_table apigw_test_route_table;     /* TestInvoke* */
extern const struct route_table lambda_route_table;
extern const struct route_table sts_route_table;

/* Finds the route of r in t; params receive the captured segments (heap strings, free
 * with emu_segments_free(params, *nparams)). For STS the Action comes from the form body
 * (POST) or the query (GET). NULL when no operation matches. */
const struct route *route_find(const struct route_table *t, const struct emu_req *r,
                               char **params, int *nparams);

#endif
