/* awsemu/apigw.h - what the emulator's API Gateway files share: finding an API, resource,
 * method or authorizer the way API Gateway does (another account's or region's API is a
 * NotFoundException), reading a JSON body, and the deployment snapshot that a stage serves.
 *
 * apigw.c          REST APIs, resources, methods, integrations (the provider's first calls)
 * apigw_deploy.c   deployments and stages: CreateDeployment snapshots the API, a stage
 *                  serves its deployment's snapshot (what /_emu/execute-api/ invokes)
 * apigw_auth.c     Lambda authorizers, UpdateMethod (a method's authorization), and the
 *                  test invokes (TestInvokeMethod, TestInvokeAuthorizer, gateway.c)
 * Handlers run with the world locked (world.h); lookups return borrowed pointers.
 */
#ifndef XA_AWSEMU_APIGW_H
#define XA_AWSEMU_APIGW_H

#include <jansson.h>

#include "emu.h"

/* Lookups that answer NotFoundException (resp filled) and return NULL on a miss. p is the
 * route's captured path: p[0] the API id, p[1] the resource id, p[2] the verb. */
json_t *apigw_find_api(struct emu_server *s, const struct emu_req *r, const char *id,
                       struct emu_resp *resp);
json_t *apigw_find_resource(struct emu_server *s, const struct emu_req *r, char *const *p,
                            struct emu_resp *resp);
json_t *apigw_find_method(struct emu_server *s, const struct emu_req *r, char *const *p,
                          struct emu_resp *resp);
/* The request's JSON object body ("{}" when empty); NULL with a BadRequestException. */
json_t *apigw_body(const struct emu_req *r, struct emu_resp *resp);
/* A string member, or NULL. */
const char *apigw_str(const json_t *o, const char *key);

/* A new deployment of api (a snapshot of its resources and authorizers) with description
 * (may be NULL); returns it (borrowed, in api's "deployments"). When stage is given the
 * stage is created or moved to it. Validation is the caller's (apigw_deploy_invalid). */
json_t *apigw_deploy(json_t *api, const char *stage, const char *description, int64_t now);
/* Why API Gateway refuses to deploy api (no methods, a method without integration), or
 * NULL; msg receives the sentence. */
const char *apigw_deploy_invalid(const json_t *api, char *msg, size_t n);

#endif
