/* awsemu/dispatch.c - one request from arrival to answer: the emulator's own endpoints by
 * path prefix, AWS operations by the credential scope's service (LocalStack's edge-port
 * rule), then authentication, faults and the operation's handler under the world lock.
 */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "faults.h"
#include "control.h"
#include "route.h"
#include "world.h"

static const struct route_table *const tables[] = {
    &apigw_route_table, &apigw_deploy_route_table, &apigw_auth_route_table,
    &apigw_test_route_table, &lambda_route_table, &sts_route_table};

/* Unsigned requests name no service; guess it from the path as AWS's endpoints would. */
static void pick_service(struct emu_req *r)
{
    const char *authz = emu_req_header(r, "Authorization");
    if (authz != NULL && auth_scope_service(authz, r->service, sizeof r->service))
        return;
    if (strncmp(r->path, "/restapis", 9) == 0)
        snprintf(r->service, sizeof r->service, "apigateway");
    else if (strncmp(r->path, "/2015-03-31/", 12) == 0)
        snprintf(r->service, sizeof r->service, "lambda");
    else
        snprintf(r->service, sizeof r->service, "sts");
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void unknown_operation(const struct emu_req *r, struct emu_resp *resp)
{
    if (strcmp(r->service, "sts") == 0) {
        struct xbuf action;
        xbuf_init(&action);
        emu_form_get(xbuf_cstr(&r->body), "Action", &action);
        emu_error(resp, r, 400, "InvalidAction",
                  "Could not find operation %s for version 2011-06-15", xbuf_cstr(&action));
        xbuf_cleanup(&action);
    } else {
        emu_error(resp, r, 404, "UnknownOperationException", "Unknown operation %s %s",
                  r->method, r->path);
    }
}

static void aws_request(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    pick_service(r);
    bool known = false;
    char *params[ROUTE_MAX_PARAMS];
    int nparams = 0;
    const struct route *rt = NULL;
    /* A service's operations may be spread over several tables (API Gateway's are). */
    for (size_t i = 0; rt == NULL && i < sizeof tables / sizeof tables[0]; i++) {
        if (strcmp(tables[i]->service, r->service) != 0)
            continue;
        known = true;
        rt = route_find(tables[i], r, params, &nparams);
    }
    if (!known) {
        emu_error(resp, r, 400, "InvalidSignatureException",
                  "Credential should be scoped to a valid service: '%s'.", r->service);
        return;
    }
    r->operation = rt ? rt->operation : NULL;
    bool unsigned_call = rt != NULL && rt->unsigned_ok &&
                         emu_req_header(r, "Authorization") == NULL;
    if (!unsigned_call && !auth_verify(s, r, resp))
        goto done;
    if (rt == NULL) {
        unknown_operation(r, resp);
        goto done;
    }
    struct fault_decision d;
    faults_decide(s->faults, r->service, r->operation, strcmp(r->method, "GET") != 0 &&
                  strcmp(r->service, "sts") != 0, r->account[0] ? r->account : "-", r->region,
                  &d);
    if (d.latency_ms > 0)
        sleep_ms(d.latency_ms);
    switch (d.kind) {
    case FAULT_THROTTLE:
        faults_throttle_response(r, d.retry_after_s, resp);
        resp->fault = "throttle";
        goto done;
    case FAULT_ERROR:
        faults_error_response(r, resp);
        resp->fault = "error";
        goto done;
    case FAULT_CONFLICT:
        faults_conflict_response(r, resp);
        resp->fault = "conflict";
        goto done;
    case FAULT_RESET:
        resp->drop = resp->reset = true;
        resp->fault = "reset";
        goto done;
    case FAULT_LOSE:
    case FAULT_NONE:
        break;
    }
    world_lock(s->world);
    rt->fn(s, r, params, resp);
    world_unlock(s->world);
    if (d.kind == FAULT_LOSE) {
        resp->drop = resp->reset = true;
        resp->fault = "lost_response";
    }
done:
    emu_segments_free(params, nparams);
}

void dispatch_request(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    r->now = emu_clock_now();
    emu_uuid(r->request_id);
    if (strncmp(r->path, "/_emu/", 6) == 0)
        control_request(s, r, resp);
    else if (strncmp(r->path, "/latest/", 8) == 0)
        metadata_imds(s, r, resp);
    else if (strncmp(r->path, "/v2/credentials", 15) == 0)
        metadata_container(s, r, resp);
    else
        aws_request(s, r, resp);
}
