/* awsemu/control.c - the test-control endpoints under /_emu/ (README.md lists them):
 * health, state dump, reset, request log, faults, clock offset, out-of-band drift
 * (control_drift.c), and the execute-api invoke check (invoke.c). Plain JSON, no signature.
 */
#include "control.h"

#include <stdio.h>
#include <string.h>

#include "faults.h"
#include "reqlog.h"
#include "world.h"

static void ok(struct emu_resp *resp)
{
    emu_resp_text(resp, 200, "application/json", "{\"ok\":true}");
}

static json_t *body_json(const struct emu_req *r, struct emu_resp *resp)
{
    json_error_t je;
    json_t *in = json_loadb(r->body.data ? r->body.data : "{}", r->body.len ? r->body.len : 2,
                            0, &je);
    if (!json_is_object(in)) {
        json_decref(in);
        emu_error(resp, r, 400, "BadRequest", "the body must be a JSON object: %s", je.text);
        return NULL;
    }
    return in;
}

static void drift(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    json_t *in = body_json(r, resp);
    if (in != NULL)
        control_drift(s, r, in, resp);
    json_decref(in);
}

/* ------------------------------------------------------------ the endpoints */

static void reset(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    char err[256];
    world_lock(s->world);
    int rc = world_reset(s->world);
    world_unlock(s->world);
    json_t *defaults = json_pack("{s:b}", "reset", 1);
    faults_configure(s->faults, defaults, err, sizeof err);
    json_decref(defaults);
    if (s->initial_faults != NULL)
        faults_configure(s->faults, s->initial_faults, err, sizeof err);
    emu_clock_set_offset(0);
    reqlog_clear(s->log);
    if (rc == 0)
        ok(resp);
    else
        emu_error(resp, r, 500, "ResetFailed", "the seed could not be rebuilt");
}

static void faults(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    if (strcmp(r->method, "GET") != 0) {
        json_t *in = body_json(r, resp);
        char err[256];
        if (in == NULL)
            return;
        int rc = faults_configure(s->faults, in, err, sizeof err);
        json_decref(in);
        if (rc != 0) {
            emu_error(resp, r, 400, "BadRequest", "%s", err);
            return;
        }
    }
    json_t *d = faults_describe(s->faults);
    emu_resp_json(resp, 200, d);
    json_decref(d);
}

static void clock_endpoint(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    if (strcmp(r->method, "GET") != 0) {
        json_t *in = body_json(r, resp);
        if (in == NULL)
            return;
        json_t *v = json_object_get(in, "offset_seconds");
        if (!json_is_integer(v)) {
            json_decref(in);
            emu_error(resp, r, 400, "BadRequest", "offset_seconds must be an integer");
            return;
        }
        emu_clock_set_offset(json_integer_value(v));
        json_decref(in);
    }
    json_t *d = json_pack("{s:I,s:I}", "offset_seconds", (json_int_t)emu_clock_offset(), "now",
                          (json_int_t)emu_clock_now());
    emu_resp_json(resp, 200, d);
    json_decref(d);
}

void control_request(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    snprintf(r->service, sizeof r->service, "_emu");
    const char *p = r->path + 6;   /* after "/_emu/" */
    bool get = strcmp(r->method, "GET") == 0, post = strcmp(r->method, "POST") == 0;
    if (strncmp(p, "execute-api/", 12) == 0) {
        snprintf(r->service, sizeof r->service, "execute-api");
        r->operation = "Invoke";
        world_lock(s->world);
        invoke_execute_api(s, r, p + 12, resp);
        world_unlock(s->world);
    } else if (strcmp(p, "health") == 0) {
        ok(resp);
    } else if (strcmp(p, "state") == 0 && get) {
        world_lock(s->world);
        json_t *d = world_dump(s->world);
        world_unlock(s->world);
        emu_resp_json(resp, 200, d);
        json_decref(d);
    } else if (strcmp(p, "reset") == 0 && post) {
        reset(s, r, resp);
    } else if (strcmp(p, "log") == 0 && (get || strcmp(r->method, "DELETE") == 0)) {
        if (get) {
            emu_resp_text(resp, 200, "application/x-ndjson", "");
            reqlog_dump(s->log, &resp->body);
        } else {
            reqlog_clear(s->log);
            ok(resp);
        }
    } else if (strcmp(p, "faults") == 0 && (get || post)) {
        faults(s, r, resp);
    } else if (strcmp(p, "clock") == 0 && (get || post)) {
        clock_endpoint(s, r, resp);
    } else if (strcmp(p, "drift") == 0 && post) {
        drift(s, r, resp);
    } else {
        emu_error(resp, r, 404, "NotFound", "no emulator endpoint %s %s", r->method, r->path);
    }
}
