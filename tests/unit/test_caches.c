/* tests/unit/test_caches.c - single flight of the shared caches (resources/caches.c).
 *
 * Threads call the cache at once against the in-process fake server (fake_aws_server.c on
 * 127.0.0.1), whose answers are delayed so that every caller arrives while the first load
 * is in flight; the server's request count proves how many GetPolicy / GetResources calls
 * the callers shared. Policies run with XACCT_POLICY_CACHE_TTL_MS=0, the setting under
 * which waiters used to load again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FAKE_WITH_CLIENT
#include "fake_aws_server.c"

#include "resources/caches.h"
#include "resources/meta.h"
#include "util/alloc.h"

#define NTHREADS 8
#define DELAY_MS 300

struct fixture {
    struct fake_server *srv;
    struct xacct_meta meta;
};

struct call {
    struct fixture *f;
    pthread_barrier_t *start;
    const char *want;          /* path to look up; NULL = the policy of function "f" */
    enum xa_status st;
    char *out;
};

static const char RESOURCES[] =
    "{\"item\":[{\"id\":\"root1\",\"path\":\"/\"},"
    "{\"id\":\"r2\",\"parentId\":\"root1\",\"pathPart\":\"pets\",\"path\":\"/pets\"}]}";
static const char POLICY[] =
    "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\","
    "\"RevisionId\":\"rev1\"}";

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    setenv("XACCT_POLICY_CACHE_TTL_MS", "0", 1);
    f->srv = fake_server_start();
    f->meta.client = fake_client_new(f->srv, "us-east-1");
    if (!f->meta.client || !caches_new(&f->meta))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    caches_free(&f->meta);
    aws_client_free(f->meta.client);
    fake_server_stop(f->srv);
    free(f);
    return 0;
}

static void *call_main(void *arg)
{
    struct call *k = arg;
    struct aws_error err;
    aws_error_init(&err);
    pthread_barrier_wait(k->start);
    if (k->want)
        k->st = caches_api_resource_id(&k->f->meta, "us-east-1", "api1", k->want, &k->out, &err);
    else
        k->st = caches_policy_get(&k->f->meta, "us-east-1", "f", NULL, &k->out, &err);
    aws_error_cleanup(&err);
    return NULL;
}

/* Runs NTHREADS callers at once; counts[] receives how many ended with XA_OK,
 * XA_ENOTFOUND and anything else. */
static void run_concurrently(struct fixture *f, const char *want, struct call calls[NTHREADS],
                             size_t counts[3])
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t t[NTHREADS];
    for (size_t i = 0; i < NTHREADS; i++) {
        calls[i] = (struct call){.f = f, .start = &start, .want = want};
        assert_int_equal(pthread_create(&t[i], NULL, call_main, &calls[i]), 0);
    }
    counts[0] = counts[1] = counts[2] = 0;
    for (size_t i = 0; i < NTHREADS; i++) {
        pthread_join(t[i], NULL);
        counts[calls[i].st == XA_OK ? 0 : calls[i].st == XA_ENOTFOUND ? 1 : 2]++;
    }
    pthread_barrier_destroy(&start);
}

static void free_outs(struct call calls[NTHREADS])
{
    for (size_t i = 0; i < NTHREADS; i++)
        xa_free(calls[i].out);
}

static void caches_resources_concurrent_lookups_share_one_load(void **state)
{
    struct fixture *f = *state;
    struct fake_response r = {.status = 200, .body = RESOURCES, .delay_ms = DELAY_MS};
    fake_server_script(f->srv, &r, 1);
    struct call calls[NTHREADS];
    size_t counts[3];
    run_concurrently(f, "/pets", calls, counts);
    assert_int_equal(counts[0], NTHREADS);
    for (size_t i = 0; i < NTHREADS; i++)
        assert_string_equal(calls[i].out, "r2");
    free_outs(calls);
    assert_int_equal(fake_server_count(f->srv), 1);
    assert_string_equal(f->srv->reqs[0].path, "/restapis/api1/resources");

    /* Held list answers a later hit without a call; id -> path too. */
    char *out = NULL;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(caches_api_resource_path(&f->meta, "us-east-1", "api1", "root1", &out, &err),
                     XA_OK);
    assert_string_equal(out, "/");
    xa_free(out);
    aws_error_cleanup(&err);
    assert_int_equal(fake_server_count(f->srv), 1);
}

/* Callers that miss in a load begun before their miss need one more load, begun after it,
 * and share that one: two calls for eight callers, all "not found". */
static void caches_resources_concurrent_misses_share_one_refresh(void **state)
{
    struct fixture *f = *state;
    struct fake_response r = {.status = 200, .body = RESOURCES, .delay_ms = DELAY_MS};
    fake_server_script(f->srv, &r, 1);
    struct call calls[NTHREADS];
    size_t counts[3];
    run_concurrently(f, "/missing", calls, counts);
    assert_int_equal(counts[1], NTHREADS);
    free_outs(calls);
    assert_int_equal(fake_server_count(f->srv), 2);

    /* A later miss refreshes once more (the resource may have been created since). */
    char *out = NULL;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(caches_api_resource_id(&f->meta, "us-east-1", "api1", "/missing", &out, &err),
                     XA_ENOTFOUND);
    assert_null(out);
    aws_error_cleanup(&err);
    assert_int_equal(fake_server_count(f->srv), 3);
}

/* The leader's failure is its own; the waiters retry once, together. */
static void caches_resources_failed_load_wakes_waiters(void **state)
{
    struct fixture *f = *state;
    struct fake_response r[] = {
        {.status = 404, .headers = "x-amzn-ErrorType: NotFoundException\r\n",
         .body = "{\"message\":\"Invalid API identifier specified\"}", .delay_ms = DELAY_MS},
        {.status = 200, .body = RESOURCES, .delay_ms = DELAY_MS},
    };
    fake_server_script(f->srv, r, 2);
    struct call calls[NTHREADS];
    size_t counts[3];
    run_concurrently(f, "/pets", calls, counts);
    assert_int_equal(counts[2], 1);
    assert_int_equal(counts[0], NTHREADS - 1);
    free_outs(calls);
    assert_int_equal(fake_server_count(f->srv), 2);
}

/* TTL 0: callers that arrive during a GetPolicy take its result; a later one loads. */
static void caches_policy_waiters_share_load_with_ttl_zero(void **state)
{
    struct fixture *f = *state;
    struct fake_response r = {.status = 200, .body = POLICY, .delay_ms = DELAY_MS};
    fake_server_script(f->srv, &r, 1);
    struct call calls[NTHREADS];
    size_t counts[3];
    run_concurrently(f, NULL, calls, counts);
    assert_int_equal(counts[0], NTHREADS);
    for (size_t i = 0; i < NTHREADS; i++)
        assert_non_null(strstr(calls[i].out, "2012-10-17"));
    free_outs(calls);
    assert_int_equal(fake_server_count(f->srv), 1);
    assert_string_equal(f->srv->reqs[0].path, "/2015-03-31/functions/f/policy");

    char *policy = NULL;
    struct aws_error err;
    aws_error_init(&err);
    assert_int_equal(caches_policy_get(&f->meta, "us-east-1", "f", NULL, &policy, &err),
                     XA_OK);
    xa_free(policy);
    aws_error_cleanup(&err);
    assert_int_equal(fake_server_count(f->srv), 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(caches_resources_concurrent_lookups_share_one_load),
        T(caches_resources_concurrent_misses_share_one_refresh),
        T(caches_resources_failed_load_wakes_waiters),
        T(caches_policy_waiters_share_load_with_ttl_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
