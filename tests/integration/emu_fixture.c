/* tests/integration/emu_fixture.c - the emulators, credentials and shorthands the
 * emulator's tests share (emu_fixture.h). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "emu_fixture.h"

struct tc_emu tut, big;

const struct tc_creds OWNER = {"AKIAEMU1111EXAMPLE01",
                               "emu1111SecretKeyForTheApiOwnerAccount000", NULL};
const struct tc_creds FN_OWNER = {"AKIAEMU2222EXAMPLE02",
                                  "emu2222SecretKeyForTheFunctionAccount000", NULL};

void apigw(const struct tc_emu *e, const char *method, const char *path, const char *query,
           const char *body, struct tc_reply *out)
{
    const struct tc_call k = {.service = "apigateway", .region = "us-east-1", .creds = &OWNER,
                              .method = method, .path = path, .query = query, .body = body};
    tc_aws(e, &k, out);
}

void lambda_as(const struct tc_creds *c, const char *region, const char *method,
               const char *path, const char *query, const char *body, struct tc_reply *out)
{
    const struct tc_call k = {.service = "lambda", .region = region, .creds = c,
                              .method = method, .path = path, .query = query, .body = body};
    tc_aws(&tut, &k, out);
}

void lambda(const char *method, const char *path, const char *query, const char *body,
            struct tc_reply *out)
{
    lambda_as(&FN_OWNER, "us-west-2", method, path, query, body, out);
}

void sts(const struct tc_emu *e, const struct tc_creds *c, const char *form,
         struct tc_reply *out)
{
    const struct tc_call k = {.service = "sts", .region = "us-east-1", .creds = c,
                              .method = "POST", .path = "/", .body = form};
    tc_aws(e, &k, out);
}

void set_faults(const char *json)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/faults", json, &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
}

int emu_reset_all(void **state)
{
    struct tc_reply r;
    tc_reply_init(&r);
    tc_ctl(&tut, "POST", "/_emu/reset", "{}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    tc_reply_init(&r);
    tc_ctl(&big, "POST", "/_emu/reset", "{}", &r);
    EXPECT(r, 200);
    tc_reply_cleanup(&r);
    return 0;
}

int emu_group_setup(void **state)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    if (tc_spawn(&tut, "tutorial.json", false, NULL) != 0 ||
        tc_spawn(&big, "cross-region.json", false, NULL) != 0)
        return -1;
    return 0;
}

int emu_group_teardown(void **state)
{
    tc_kill(&tut);
    tc_kill(&big);
    curl_global_cleanup();
    return 0;
}
