/* tests/integration/emu_fixture.h - what the emulator's black-box tests share.
 *
 * Two emulators run for a whole test group: the tutorial world (seeds/tutorial.json) and
 * a second one (seeds/cross-region.json) for pagination and a pre-wired method. Every
 * test starts from POST /_emu/reset (emu_reset_all), which restores the seed, the faults,
 * the clock and the log. Requests are signed by the project's signer (emu_client.h).
 */
#ifndef XA_TESTS_EMU_FIXTURE_H
#define XA_TESTS_EMU_FIXTURE_H

#include "emu_client.h"

extern struct tc_emu tut, big;
extern const struct tc_creds OWNER, FN_OWNER;

/* Shorthands: API Gateway as the API owner in us-east-1, Lambda as the function owner in
 * us-west-2, STS as whoever. */
void apigw(const struct tc_emu *e, const char *method, const char *path, const char *query,
           const char *body, struct tc_reply *out);
void lambda_as(const struct tc_creds *c, const char *region, const char *method,
               const char *path, const char *query, const char *body, struct tc_reply *out);
void lambda(const char *method, const char *path, const char *query, const char *body,
            struct tc_reply *out);
void sts(const struct tc_emu *e, const struct tc_creds *c, const char *form,
         struct tc_reply *out);
/* POST /_emu/faults on the tutorial emulator. */
void set_faults(const char *json);

#define EXPECT(r, code)                                                                    \
    do {                                                                                   \
        if ((r).status != (code))                                                          \
            fail_msg("%s:%d: status %ld (want %d): %s", __FILE__, __LINE__, (r).status,    \
                     (code), xbuf_cstr(&(r).body));                                        \
    } while (0)

/* cmocka group setup and teardown (both emulators), and the per-test reset. */
int emu_group_setup(void **state);
int emu_group_teardown(void **state);
int emu_reset_all(void **state);
#define T(f) cmocka_unit_test_setup(f, emu_reset_all)

#define API "/restapis/a1b2c3d4e5"
#define ROOT API "/resources/r00t000001"
#define INTEG ROOT "/methods/GET/integration"
#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"
#define FN_PATH "/2015-03-31/functions/tutorial-hello"
#define INVOKE_URI                                                                         \
    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" FN_ARN "/invocations"
#define PUT_BODY "{\"type\":\"AWS_PROXY\",\"httpMethod\":\"POST\",\"uri\":\"" INVOKE_URI "\"}"
#define SOURCE_ARN "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/"

#endif
