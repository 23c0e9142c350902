/* e2e_tutorial_role_chain - several assume_role blocks are one role chain, over the real
 * protocol against awsemu.
 *
 * The tutorial's world has two roles in the function account (222222222222):
 * xacct-cross-account and xacct-cross-account-external (external id
 * "tutorial-external-id"), both trusting the API account only. So with the tutorial's own
 * seed, the chain cross-account -> cross-account-external is refused at its second hop,
 * and the refusal names the first hop's session as the caller: the second AssumeRole was
 * made with the first one's credentials. With a seed where the external role trusts
 * xacct-cross-account, the same chain configures: two AssumeRole calls, the first by the
 * API account, the second from inside the function account, and the provider then
 * manages the function's permission.
 */
#include "tests/e2e/e2e_lambda_common.h"
#include "util/alloc.h"

#define EXTERNAL_ROLE_ARN "arn:aws:iam::222222222222:role/xacct-cross-account-external"
#define TUTORIAL_TRUST "\"trust\": {\"aws\": [\"arn:aws:iam::111111111111:root\"]}"
#define CHAIN_TRUST "\"trust\": {\"aws\": [\"" ROLE_ARN "\"]}"

/* The tutorial's seed with the external role trusting xacct-cross-account instead of the
 * API account; caller frees. */
static char *chain_seed(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/awsemu/seeds/tutorial.json", XA_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    struct xbuf in, out;
    xbuf_init(&in);
    xbuf_init(&out);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(xbuf_append(&in, chunk, n), XA_OK);
    fclose(f);
    const char *at = strstr(xbuf_cstr(&in), TUTORIAL_TRUST);
    assert_non_null(at);   /* the seed changed: update TUTORIAL_TRUST */
    assert_int_equal(xbuf_appendf(&out, "%.*s%s%s", (int)(at - xbuf_cstr(&in)), xbuf_cstr(&in),
                                  CHAIN_TRUST, at + strlen(TUTORIAL_TRUST)),
                     XA_OK);
    char *s = xa_strdup(xbuf_cstr(&out));
    xbuf_cleanup(&in);
    xbuf_cleanup(&out);
    assert_non_null(s);
    return s;
}

/* A provider with the API account's keys and the two-hop chain; ConfigureProvider's
 * result in *r. */
static struct xt_provider *start_chain(const struct emu *e, struct xt_result *r)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"region\":\"us-west-2\",\"access_key\":\"" API_KEY "\",\"secret_key\":\""
             API_SECRET "\",\"assume_role\":[{\"role_arn\":\"" ROLE_ARN "\",\"session_name\":"
             "\"hop1\"},{\"role_arn\":\"" EXTERNAL_ROLE_ARN "\",\"session_name\":\"hop2\","
             "\"external_id\":\"tutorial-external-id\"}],"
             "\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}]}",
             e->url, e->url, e->url);
    struct xt_provider *p = xt_start(&(struct xt_options){
        .stderr_path = "/tmp/xacct-e2e-provider.log", .timeout_ms = 60000});
    assert_non_null(p);
    struct value *cfg = json_value(xt_provider_config_type(), json);
    xt_configure(p, cfg, r);
    value_free(cfg);
    return p;
}

/* The accounts that called AssumeRole, in order, as the emulator logged them. */
static void assume_role_callers(const struct emu *e, char *out, size_t cap)
{
    struct xbuf log;
    xbuf_init(&log);
    emu_http(e, "GET", "/_emu/log", NULL, &log, NULL);
    out[0] = '\0';
    for (const char *p = xbuf_cstr(&log); (p = strstr(p, "\"operation\":\"AssumeRole\""));) {
        const char *a = strstr(p, "\"account\":\"");
        p++;
        if (a && strlen(out) + 14 < cap) {
            strncat(out, a + 11, 12);
            strcat(out, " ");
        }
    }
    xbuf_cleanup(&log);
}

static void chain_second_hop_uses_first_hops_credentials(void **state)
{
    struct emu e;
    if (!emu_start(&e, NULL, NULL))
        skip();
    struct xt_result r;
    xt_result_init(&r);
    struct xt_provider *p = start_chain(&e, &r);
    assert_true(xt_has_error(&r));
    bool named = false;
    for (size_t i = 0; i < r.ndiags; i++)
        named |= r.diags[i].detail &&
                 strstr(r.diags[i].detail, "assumed-role/xacct-cross-account/hop1") &&
                 strstr(r.diags[i].detail, EXTERNAL_ROLE_ARN);
    if (!named)
        xt_print_diags(&r);
    assert_true(named);
    char callers[256];
    assume_role_callers(&e, callers, sizeof callers);
    assert_string_equal(callers, "111111111111 222222222222 ");
    xt_result_cleanup(&r);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

static void chain_of_two_roles_configures_and_manages_the_function(void **state)
{
    char *seed = chain_seed();
    struct emu e;
    bool started = emu_start(&e, seed, NULL);
    xa_free(seed);
    if (!started)
        skip();
    struct xt_result r;
    xt_result_init(&r);
    struct xt_provider *p = start_chain(&e, &r);
    if (xt_has_error(&r))
        xt_print_diags(&r);
    assert_false(xt_has_error(&r));
    xt_result_cleanup(&r);
    char callers[256];
    assume_role_callers(&e, callers, sizeof callers);
    assert_string_equal(callers, "111111111111 222222222222 ");

    /* The chain's credentials are the function account's: its permission converges. */
    struct value *pc = res_config(T_PERMISSION,
                                  "{\"function_name\":\"" FN_ARN "\",\"statement_id\":"
                                  "\"ChainedInvoke\",\"source_arn\":\"arn:aws:execute-api:"
                                  "us-east-1:111111111111:" API_ID "/*/GET/\"}");
    struct value *perm = tf_converge(p, T_PERMISSION, NULL, pc);
    assert_string_equal(value_attr_string(perm, "id"), "ChainedInvoke");
    tf_destroy(p, T_PERMISSION, perm);
    value_free(pc);
    assert_int_equal(xt_stop(p, NULL), 0);
    emu_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_second_hop_uses_first_hops_credentials),
        cmocka_unit_test(chain_of_two_roles_configures_and_manages_the_function),
    };
    return cmocka_run_group_tests_name("e2e_tutorial_role_chain", tests, NULL, NULL);
}
