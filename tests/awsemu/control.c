/* awsemu/control.c - the test-control endpoints under /_emu/ (README.md lists them):
 * health, state dump, reset, request log, faults, clock offset, out-of-band drift, and
 * the execute-api invoke check (invoke.c). Plain JSON, no signature.
 */
#include "control.h"

#include <stdio.h>
#include <string.h>

#include "faults.h"
#include "reqlog.h"
#include "world.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

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

/* ------------------------------------------------------------------- drift */

/* The method named by api_id + (resource_id | path) + http_method. */
static json_t *drift_method(struct emu_server *s, const json_t *in)
{
    json_t *api = world_api(s->world, jstr(in, "api_id") ? jstr(in, "api_id") : "");
    json_t *resources = json_object_get(api, "resources"), *res = NULL, *x;
    const char *id;
    if (jstr(in, "resource_id") != NULL) {
        res = json_object_get(resources, jstr(in, "resource_id"));
    } else if (jstr(in, "path") != NULL) {
        json_object_foreach(resources, id, x) {
            if (strcmp(jstr(x, "path"), jstr(in, "path")) == 0)
                res = x;
        }
    }
    const char *verb = jstr(in, "http_method") ? jstr(in, "http_method") : "GET";
    return json_object_get(json_object_get(res, "resourceMethods"), verb);
}

/* The function named by function_arn, or account + region + function. */
static json_t *drift_function(struct emu_server *s, const json_t *in, char *key, size_t n)
{
    char account[16] = "", region[32] = "", name[128] = "";
    const char *arn = jstr(in, "function_arn");
    if (arn != NULL) {
        if (sscanf(arn, "arn:aws:lambda:%31[^:]:%15[^:]:function:%127[^:]", region, account,
                   name) != 3)
            return NULL;
    } else if (jstr(in, "account") && jstr(in, "region") && jstr(in, "function")) {
        snprintf(account, sizeof account, "%s", jstr(in, "account"));
        snprintf(region, sizeof region, "%s", jstr(in, "region"));
        snprintf(name, sizeof name, "%s", jstr(in, "function"));
    }
    snprintf(key, n, "%s/%s/%s", account, region, name);
    return world_function(s->world, account, region, name);
}

static void drift(struct emu_server *s, struct emu_req *r, struct emu_resp *resp)
{
    json_t *in = body_json(r, resp);
    if (in == NULL)
        return;
    const char *op = jstr(in, "op") ? jstr(in, "op") : "";
    char key[512];
    world_lock(s->world);
    if (strcmp(op, "set_integration_uri") == 0 || strcmp(op, "patch_integration") == 0 ||
        strcmp(op, "delete_integration") == 0) {
        json_t *m = drift_method(s, in);
        json_t *integ = json_object_get(m, "methodIntegration");
        if (integ == NULL) {
            emu_error(resp, r, 404, "NotFound", "no such method or integration");
        } else if (strcmp(op, "delete_integration") == 0) {
            json_object_del(m, "methodIntegration");
            ok(resp);
        } else if (strcmp(op, "patch_integration") == 0) {
            json_object_update(integ, json_object_get(in, "integration"));
            ok(resp);
        } else if (jstr(in, "uri") == NULL) {
            emu_error(resp, r, 400, "BadRequest", "uri is required");
        } else {
            json_object_set_new(integ, "uri", json_string(jstr(in, "uri")));
            ok(resp);
        }
    } else if (strcmp(op, "delete_statement") == 0 || strcmp(op, "add_statement") == 0) {
        json_t *fn = drift_function(s, in, key, sizeof key);
        const char *q = jstr(in, "qualifier") ? jstr(in, "qualifier") : "";
        json_t *qual = json_object_get(json_object_get(fn, "quals"), q);
        json_t *statements = json_object_get(qual, "statements"), *st;
        size_t i, found = (size_t)-1;
        json_array_foreach(statements, i, st) {
            if (jstr(in, "sid") && jstr(st, "Sid") && strcmp(jstr(st, "Sid"), jstr(in, "sid")) == 0)
                found = i;
        }
        if (qual == NULL) {
            emu_error(resp, r, 404, "NotFound", "no such function or qualifier");
        } else if (strcmp(op, "add_statement") == 0) {
            if (!json_is_object(json_object_get(in, "statement"))) {
                emu_error(resp, r, 400, "BadRequest", "statement must be an object");
            } else {
                json_array_append(statements, json_object_get(in, "statement"));
                world_new_revision(qual);
                ok(resp);
            }
        } else if (found == (size_t)-1) {
            emu_error(resp, r, 404, "NotFound", "no statement with that sid");
        } else {
            json_array_remove(statements, found);
            world_new_revision(qual);
            ok(resp);
        }
    } else if (strcmp(op, "delete_function") == 0) {
        if (drift_function(s, in, key, sizeof key) == NULL) {
            emu_error(resp, r, 404, "NotFound", "no such function");
        } else {
            json_object_del(world_section(s->world, "functions"), key);
            ok(resp);
        }
    } else {
        emu_error(resp, r, 400, "BadRequest", "unknown drift op \"%s\" (set_integration_uri, "
                  "patch_integration, delete_integration, add_statement, delete_statement, "
                  "delete_function)", op);
    }
    world_unlock(s->world);
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
