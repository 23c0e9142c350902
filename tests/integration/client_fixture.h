/* tests/integration/client_fixture.h - what the AWS client's integration tests share:
 * one spawned awsemu (the tutorial seed plus an API of 520 resources, so that
 * GetResources, limit 500, has to follow `position`), clients pointed at it, and checks.
 * Each test starts from POST /_emu/reset. Counts of what really went over the wire come
 * from the emulator's request log. Clients use retry_time_scale so that Retry-After and
 * backoff waits cost milliseconds.
 */
#ifndef XA_TESTS_CLIENT_FIXTURE_H
#define XA_TESTS_CLIENT_FIXTURE_H

#include <stdbool.h>

#include "aws/client.h"
#include "aws/errors.h"
#include "emu_client.h"


#define API_AKID "AKIAEMU1111EXAMPLE01"
#define API_SECRET "emu1111SecretKeyForTheApiOwnerAccount000"
#define FN_SECRET "emu2222SecretKeyForTheFunctionAccount000"
#define WRONG_SECRET "wrongSecretKeyForTheApiOwnerAccount00000"
#define API_ID "a1b2c3d4e5"
#define ROOT_ID "r00t000001"
#define BIG_API_ID "p4g3s00001"
#define BIG_RESOURCES 520
#define FN_NAME "tutorial-hello"
#define FN_ARN "arn:aws:lambda:us-west-2:222222222222:function:tutorial-hello"
#define ROLE_ARN "arn:aws:iam::222222222222:role/xacct-cross-account"
#define ROLE_EXT_ARN "arn:aws:iam::222222222222:role/xacct-cross-account-external"
#define EXTERNAL_ID "tutorial-external-id"
#define INVOKE_URI "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/" \
                   FN_ARN ":live/invocations"
#define SOURCE_ARN "arn:aws:execute-api:us-east-1:111111111111:" API_ID "/*/GET/"
#define TIME_SCALE 0.02
#define NO_RETRIES (-100)

extern struct tc_emu emu;
extern char endpoint[64];

double mono_s(void);
/* A control request to the emulator (/_emu/...); its HTTP status. */
long ctl(const char *method, const char *path, const char *body);
void faults(const char *json);
/* tc_log_count for the shared emulator; a log that cannot be read fails the test. */
int logged(const char *operation, long status, const char *fault);

struct copts {
    const char *region;          /* NULL: us-east-1 */
    const char *secret;          /* NULL: the API account's */
    const char *role;            /* assume_role, or NULL */
    const char *external_id;
    int duration;
    int max_retries;             /* 0: the default (25); NO_RETRIES: none */
    double scale;                /* 0: TIME_SCALE */
    const char *lambda_endpoint; /* NULL: the emulator */
    bool skip_validation;
    bool adaptive;               /* retry_mode = "adaptive" */
};
enum xa_status client_new(const struct copts *o, struct aws_client **c, struct aws_error *err);
struct aws_client *client_ok(const struct copts *o);
/* Fails the test with the client's own description of err. */
void expect_ok(enum xa_status st, const struct aws_error *err);
void expect_aws_error(enum xa_status st, const struct aws_error *err, const char *code,
                      long http_status, int attempts);

/* cmocka group setup and teardown (the emulator and its seed), and the per-test reset. */
int client_group_setup(void **state);
int client_group_teardown(void **state);
int client_reset(void **state);
#define T(f) cmocka_unit_test_setup(f, client_reset)

#endif
