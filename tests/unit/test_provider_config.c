/* tests/unit/test_provider_config.c - the xacct provider block (resources/provider_block.c,
 * resources/provider_client.c) without AWS.
 *
 * The schema tables are well formed (sorted, hashicorp/aws's names, sensitive secrets,
 * every row of every registered table holding a model field of its type),
 * validation catches conflicting arguments and reports region, endpoint and file
 * mistakes at their attribute, every assume_role block becomes one hop of
 * the role chain in order, and a configuration with unknown values configures without a
 * client and makes resource calls answer with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/client.h"
#include "core/codec.h"
#include "core/data_source.h"
#include "core/model.h"
#include "core/data_source.h"
#include "core/provider.h"
#include "resources/meta.h"
#include "resources/provider_schema.h"
#include "resources/provider_client.h"
#include "resources/registry.h"
#include "util/alloc.h"

static void check_sorted(const struct schema_block *b, const char *where)
{
    for (size_t i = 1; i < b->nattrs; i++)
        if (strcmp(b->attrs[i - 1].name, b->attrs[i].name) >= 0)
            fail_msg("%s: %s before %s", where, b->attrs[i - 1].name, b->attrs[i].name);
    for (size_t i = 0; i < b->nblocks; i++)
        check_sorted(b->blocks[i].block, b->blocks[i].name);
}

static void provider_schemas_are_sorted_tables(void **state)
{
    static const struct {
        const char *name;
        int64_t version;
    } resources[] = {{"xacct_lambda_authorizer", 0}, {"xacct_lambda_integration", 1},
                     {"xacct_lambda_permission", 1}, {"xacct_stage_deployment", 0}};
    check_sorted(&xacct_provider_type.schema->block, "provider");
    assert_int_equal(xacct_provider_type.nresources, sizeof resources / sizeof resources[0]);
    for (size_t i = 0; i < xacct_provider_type.nresources; i++) {
        const struct resource_type *rt = xacct_provider_type.resources[i];
        check_sorted(&rt->schema->block, rt->name);
        assert_string_equal(rt->name, resources[i].name);
        assert_int_equal(rt->schema->version, resources[i].version);
        assert_non_null(schema_implied_type(&rt->schema->block));
    }
    for (size_t i = 0; i < xacct_provider_type.ndata_sources; i++) {
        const struct data_source_type *ds = xacct_provider_type.data_sources[i];
        check_sorted(&ds->schema->block, ds->name);
        assert_non_null(schema_implied_type(&ds->schema->block));
    }
}

static void provider_schema_uses_hashicorp_names_and_hides_secrets(void **state)
{
    const struct schema_block *b = &xacct_provider_type.schema->block;
    const char *names[] = {"region", "access_key", "secret_key", "token", "profile",
                           "shared_config_files", "shared_credentials_files", "max_retries",
                           "retry_mode", "custom_ca_bundle", "insecure", "http_proxy",
                           "https_proxy", "no_proxy", "allowed_account_ids",
                           "forbidden_account_ids", "skip_credentials_validation",
                           "skip_requesting_account_id", "skip_metadata_api_check",
                           "skip_region_validation", "sts_region"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!schema_attr(b, names[i]))
            fail_msg("missing provider argument %s", names[i]);
    assert_true(schema_attr(b, "secret_key")->flags & ATTR_SENSITIVE);
    assert_true(schema_attr(b, "token")->flags & ATTR_SENSITIVE);
    const struct schema_nested_block *ar = schema_block(b, "assume_role");
    assert_non_null(ar);
    assert_non_null(schema_attr(ar->block, "transitive_tag_keys"));
    const struct schema_nested_block *wi = schema_block(b, "assume_role_with_web_identity");
    assert_true(schema_attr(wi->block, "web_identity_token")->flags & ATTR_SENSITIVE);
    const struct schema_nested_block *ep = schema_block(b, "endpoints");
    assert_non_null(schema_attr(ep->block, "apigateway"));
    assert_non_null(schema_attr(ep->block, "lambda"));
    assert_non_null(schema_attr(ep->block, "sts"));
}

/* Every row holds a field (of a kind that fits its type: decoding says so) and every
 * nested block a model of its elements. */
static void check_fields(const struct schema_block *b, const char *where)
{
    assert_true(b->model_size > 0);
    for (size_t i = 0; i < b->nattrs; i++)
        if (b->attrs[i].field.kind == MODEL_NONE)
            fail_msg("%s: %s has no model field", where, b->attrs[i].name);
    for (size_t i = 0; i < b->nblocks; i++) {
        assert_int_equal(b->blocks[i].field.kind, MODEL_BLOCKS);
        check_fields(b->blocks[i].block, b->blocks[i].name);
    }
    const struct type *t = schema_implied_type(b);
    struct value *states[] = {value_new_object(t), value_new_unknown(t)};
    for (size_t i = 0; i < 2; i++) {
        struct diags d;
        diags_init(&d);
        void *m = model_new(b, states[i], &d);
        if (!m)
            fail_msg("%s: %s", where, d.items[0].detail);
        struct value *back = model_encode(b, m, &d);
        assert_non_null(back);
        value_free(back);
        model_free(b, m);
        value_free(states[i]);
        diags_cleanup(&d);
    }
}

static void provider_tables_are_typed_models(void **state)
{
    check_fields(&xacct_provider_type.schema->block, "provider");
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        check_fields(&xacct_provider_type.resources[i]->schema->block,
                     xacct_provider_type.resources[i]->name);
    for (size_t i = 0; i < xacct_provider_type.ndata_sources; i++)
        check_fields(&xacct_provider_type.data_sources[i]->schema->block,
                     xacct_provider_type.data_sources[i]->name);
}

static void *config_model(const struct value *config)
{
    struct diags d;
    diags_init(&d);
    void *m = model_new(&xacct_provider_type.schema->block, config, &d);
    assert_non_null(m);
    diags_cleanup(&d);
    return m;
}

static void free_model(void *m)
{
    model_free(&xacct_provider_type.schema->block, m);
}

static struct value *config_json(const char *json)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json),
                                        schema_implied_type(&xacct_provider_type.schema->block),
                                        false, &d);
    assert_false(diags_has_error(&d));
    diags_cleanup(&d);
    assert_non_null(v);
    return v;
}

static void provider_validate_rejects_conflicts(void **state)
{
    struct {
        const char *name, *json;
        bool error;
    } cases[] = {
        {"empty", "{}", false},
        {"both account lists", "{\"allowed_account_ids\":[\"111111111111\"],"
                               "\"forbidden_account_ids\":[\"222222222222\"]}", true},
        {"key without secret", "{\"access_key\":\"AKIDEXAMPLE\"}", true},
        {"keys", "{\"access_key\":\"AKIDEXAMPLE\",\"secret_key\":\"x\"}", false},
        {"role without arn", "{\"assume_role\":[{\"session_name\":\"s\"}]}", true},
        {"role", "{\"assume_role\":[{\"role_arn\":\"arn:aws:iam::222222222222:role/r\"}]}", false},
        {"chain", "{\"assume_role\":[{\"role_arn\":\"arn:aws:iam::222222222222:role/a\"},"
                  "{\"role_arn\":\"arn:aws:iam::333333333333:role/b\"}]}", false},
        {"chain, second without arn", "{\"assume_role\":[{\"role_arn\":"
                                      "\"arn:aws:iam::222222222222:role/a\"},{}]}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *c = config_json(cases[i].json);
        struct diags d;
        diags_init(&d);
        struct provider *p = provider_new(&xacct_provider_type);
        provider_validate_config(p, c, &d);
        provider_free(p);
        if (diags_has_error(&d) != cases[i].error)
            fail_msg("case %s: error=%d", cases[i].name, diags_has_error(&d));
        diags_cleanup(&d);
        value_free(c);
    }
}

/* Scratch files the block may name: a FIFO, a directory, an 18 MiB file (sparse: above
 * every limit), a valid INI file and a path that does not exist. */
struct scratch {
    char dir[64], fifo[96], sub[96], big[96], ini[96], missing[96];
};

static void scratch_make(struct scratch *s)
{
    strcpy(s->dir, "/tmp/xacct-provider-config-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->fifo, sizeof s->fifo, "%s/fifo", s->dir);
    snprintf(s->sub, sizeof s->sub, "%s/sub", s->dir);
    snprintf(s->big, sizeof s->big, "%s/big", s->dir);
    snprintf(s->ini, sizeof s->ini, "%s/config", s->dir);
    snprintf(s->missing, sizeof s->missing, "%s/missing", s->dir);
    assert_int_equal(mkfifo(s->fifo, 0600), 0);
    assert_int_equal(mkdir(s->sub, 0700), 0);
    FILE *f = fopen(s->big, "w");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 18 << 20), 0);
    fclose(f);
    f = fopen(s->ini, "w");
    assert_non_null(f);
    fputs("[default]\nregion = us-east-1\n", f);
    fclose(f);
}

static void scratch_remove(struct scratch *s)
{
    unlink(s->fifo);
    rmdir(s->sub);
    unlink(s->big);
    unlink(s->ini);
    rmdir(s->dir);
}

/* Validation of one configuration; the only diagnostic must be of `severity` at `path`
 * and say `phrase` in one or more sentences (no doubled period); path NULL: none. */
static void expect_one_diag(const char *name, const char *json, const char *path,
                            enum diag_severity severity, const char *phrase)
{
    struct value *c = config_json(json);
    struct diags d;
    diags_init(&d);
    struct provider *p = provider_new(&xacct_provider_type);
    provider_validate_config(p, c, &d);
    provider_free(p);
    if (d.len != (path ? 1u : 0u))
        fail_msg("%s: %zu diagnostics, the first \"%s\"", name, d.len,
                 d.len ? d.items[0].detail : "");
    if (path) {
        char *at = attr_path_str(&d.items[0].path);
        const char *detail = d.items[0].detail;
        size_t n = strlen(detail);
        if (!d.items[0].has_path || strcmp(at, path) != 0 || d.items[0].severity != severity ||
            !strstr(detail, phrase) || strstr(detail, "..") || n < 2 || detail[n - 1] != '.')
            fail_msg("%s: %s at %s: %s", name, d.items[0].severity == DIAG_ERROR ? "error"
                                                                                : "warning",
                     at, detail);
        xa_free(at);
    }
    diags_cleanup(&d);
    value_free(c);
}

static void provider_validate_reports_region_endpoint_and_file_mistakes(void **state)
{
    struct scratch s;
    scratch_make(&s);
    char j[1024];
#define CASE(name, path, severity, phrase, ...)                                            \
    do {                                                                                     \
        snprintf(j, sizeof j, __VA_ARGS__);                                                  \
        expect_one_diag(name, j, path, severity, phrase);                                    \
    } while (0)
    CASE("good", NULL, 0, NULL,
         "{\"region\":\"us-east-1\",\"sts_region\":\"eu-west-1\",\"endpoints\":[{\"sts\":"
         "\"http://127.0.0.1:4566\",\"lambda\":\"https://localhost/x/\"}],\"custom_ca_bundle\":"
         "\"%s\",\"shared_config_files\":[\"%s\"]}", s.ini, s.ini);
    CASE("region", "region", DIAG_ERROR, "not a valid AWS region name", "{\"region\":\"mars-1\"}");
    CASE("region, unchecked", NULL, 0, NULL,
         "{\"region\":\"mars-1\",\"skip_region_validation\":true}");
    CASE("sts_region", "sts_region", DIAG_ERROR, "skip_region_validation",
         "{\"region\":\"us-east-1\",\"sts_region\":\"x\"}");
    CASE("user info", "endpoints[0].sts", DIAG_ERROR, "user name or password",
         "{\"endpoints\":[{\"sts\":\"http://user:pass@127.0.0.1:47999\"}]}");
    CASE("scheme", "endpoints[0].lambda", DIAG_ERROR, "must start with https://",
         "{\"endpoints\":[{\"lambda\":\"ftp://127.0.0.1\"}]}");
    CASE("query", "endpoints[0].apigateway", DIAG_ERROR, "query",
         "{\"endpoints\":[{\"apigateway\":\"http://127.0.0.1:1/?a=b\"}]}");
    CASE("CA FIFO", "custom_ca_bundle", DIAG_ERROR, "named pipe",
         "{\"custom_ca_bundle\":\"%s\"}", s.fifo);
    CASE("CA directory", "custom_ca_bundle", DIAG_ERROR, "a directory",
         "{\"custom_ca_bundle\":\"%s\"}", s.sub);
    CASE("CA missing", "custom_ca_bundle", DIAG_ERROR, "does not exist",
         "{\"custom_ca_bundle\":\"%s\"}", s.missing);
    CASE("CA too big", "custom_ca_bundle", DIAG_ERROR, "18.0 MiB",
         "{\"custom_ca_bundle\":\"%s\"}", s.big);
    CASE("config missing", "shared_config_files[1]", DIAG_WARNING, "skipped",
         "{\"shared_config_files\":[\"%s\",\"%s\"]}", s.ini, s.missing);
    CASE("config too big", "shared_config_files[0]", DIAG_ERROR, "too large",
         "{\"shared_config_files\":[\"%s\"]}", s.big);
    CASE("credentials FIFO", "shared_credentials_files[0]", DIAG_ERROR, "named pipe",
         "{\"shared_credentials_files\":[\"%s\"]}", s.fifo);
    CASE("token FIFO", "assume_role_with_web_identity[0].web_identity_token_file", DIAG_ERROR,
         "named pipe", "{\"assume_role_with_web_identity\":[{\"role_arn\":"
         "\"arn:aws:iam::222222222222:role/r\",\"web_identity_token_file\":\"%s\"}]}", s.fifo);
    CASE("token missing", "assume_role_with_web_identity[0].web_identity_token_file",
         DIAG_ERROR, "does not exist", "{\"assume_role_with_web_identity\":[{\"role_arn\":"
         "\"arn:aws:iam::222222222222:role/r\",\"web_identity_token_file\":\"%s\"}]}",
         s.missing);
#undef CASE
    /* Values unknown at validate time are left to configure. */
    struct value *c = config_json("{\"skip_region_validation\":false}");
    assert_true(value_object_set(c, "region", value_new_unknown(&type_string)));
    assert_true(value_object_set(c, "custom_ca_bundle", value_new_unknown(&type_string)));
    struct diags d;
    diags_init(&d);
    struct provider *p = provider_new(&xacct_provider_type);
    provider_validate_config(p, c, &d);
    provider_free(p);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
    value_free(c);
    scratch_remove(&s);
}

/* Several assume_role blocks are one chain: every block is one hop, in block order, each
 * with its own arguments. */
static void provider_assume_role_blocks_map_to_a_chain(void **state)
{
    struct value *c = config_json(
        "{\"region\":\"us-east-1\",\"assume_role\":["
        "{\"role_arn\":\"arn:aws:iam::222222222222:role/xacct-cross-account\","
        "\"session_name\":\"hop1\",\"duration\":\"15m\",\"policy_arns\":[\"arn:aws:iam::aws:"
        "policy/ReadOnlyAccess\"],\"tags\":{\"team\":\"api\"}},"
        "{\"role_arn\":\"arn:aws:iam::222222222222:role/xacct-cross-account-external\","
        "\"external_id\":\"tutorial-external-id\",\"duration\":\"1h\","
        "\"transitive_tag_keys\":[\"team\"]},"
        "{\"role_arn\":\"arn:aws:iam::333333333333:role/third\"}]}");
    struct aws_client_config cfg;
    aws_client_config_init(&cfg);
    struct borrowed *b = NULL;
    struct diags d;
    diags_init(&d);
    struct provider_block_model *m = config_model(c);
    assert_true(provider_client_fill(&cfg, &b, m, &d));
    assert_false(diags_has_error(&d));
    assert_int_equal(cfg.nassume_role, 3);
    const struct aws_assume_role_config *r = cfg.assume_role;
    assert_string_equal(r[0].role_arn, "arn:aws:iam::222222222222:role/xacct-cross-account");
    assert_string_equal(r[0].session_name, "hop1");
    assert_int_equal(r[0].duration_seconds, 900);
    assert_null(r[0].external_id);
    assert_int_equal(r[0].npolicy_arns, 1);
    assert_string_equal(r[0].policy_arns[0], "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert_int_equal(r[0].ntags, 1);
    assert_string_equal(r[0].tags[0].key, "team");
    assert_string_equal(r[0].tags[0].value, "api");
    assert_string_equal(r[1].role_arn,
                        "arn:aws:iam::222222222222:role/xacct-cross-account-external");
    assert_string_equal(r[1].external_id, "tutorial-external-id");
    assert_int_equal(r[1].duration_seconds, 3600);
    assert_int_equal(r[1].npolicy_arns, 0);
    assert_int_equal(r[1].ntransitive_tag_keys, 1);
    assert_string_equal(r[1].transitive_tag_keys[0], "team");
    assert_string_equal(r[2].role_arn, "arn:aws:iam::333333333333:role/third");
    assert_int_equal(r[2].duration_seconds, 0);
    assert_string_equal(cfg.region, "us-east-1");
    provider_client_borrowed_free(b);
    free_model(m);
    value_free(c);

    /* No block: no chain. A bad duration names its block. */
    c = config_json("{\"region\":\"us-east-1\",\"max_retries\":3,\"insecure\":true,"
                    "\"retry_mode\":\"adaptive\",\"endpoints\":[{\"lambda\":\"http://l\"}],"
                    "\"shared_config_files\":[\"/a\",\"/b\"]}");
    m = config_model(c);
    aws_client_config_init(&cfg);
    assert_true(provider_client_fill(&cfg, &b, m, &d));
    assert_int_equal(cfg.nassume_role, 0);
    assert_null(cfg.assume_role);
    assert_int_equal(cfg.max_retries, 3);
    assert_true(cfg.insecure);
    assert_int_equal(cfg.retry_mode, AWS_RETRY_ADAPTIVE);
    assert_string_equal(cfg.endpoint_lambda, "http://l");
    assert_null(cfg.endpoint_sts);
    assert_int_equal(cfg.nshared_config_files, 2);
    assert_string_equal(cfg.shared_config_files[1], "/b");
    provider_client_borrowed_free(b);
    free_model(m);
    value_free(c);
    c = config_json("{\"assume_role\":[{\"role_arn\":\"arn:aws:iam::222222222222:role/a\"},"
                    "{\"role_arn\":\"arn:aws:iam::222222222222:role/b\",\"duration\":\"13h\"}]}");
    m = config_model(c);
    aws_client_config_init(&cfg);
    assert_true(provider_client_fill(&cfg, &b, m, &d));
    assert_true(diags_has_error(&d));
    char *where = attr_path_str(&d.items[0].path);
    assert_non_null(where);
    assert_non_null(strstr(where, "assume_role"));
    assert_non_null(strstr(where, "[1]"));
    assert_non_null(strstr(where, "duration"));
    xa_free(where);
    provider_client_borrowed_free(b);
    free_model(m);
    value_free(c);
    diags_cleanup(&d);
}

/* Every allocation failing in turn while mapping a two-hop chain: false or true, never a
 * crash or a leak. */
static void provider_assume_role_chain_survives_allocation_failures(void **state)
{
    struct value *c = config_json(
        "{\"assume_role\":[{\"role_arn\":\"arn:aws:iam::222222222222:role/a\","
        "\"policy_arns\":[\"arn:aws:iam::aws:policy/P\"],\"tags\":{\"k\":\"v\"}},"
        "{\"role_arn\":\"arn:aws:iam::222222222222:role/b\",\"transitive_tag_keys\":[\"k\"]}],"
        "\"allowed_account_ids\":[\"222222222222\"]}");
    struct provider_block_model *m = config_model(c);
    for (int n = 0; n < 40; n++) {
        struct aws_client_config cfg;
        aws_client_config_init(&cfg);
        struct borrowed *b = NULL;
        struct diags d;
        diags_init(&d);
        alloc_fail_after(n);
        bool ok = provider_client_fill(&cfg, &b, m, &d);
        alloc_fail_reset();
        if (ok)
            assert_int_equal(cfg.nassume_role, 2);
        provider_client_borrowed_free(b);
        diags_cleanup(&d);
    }
    free_model(m);
    value_free(c);
}

static void provider_configure_with_unknown_defers_aws_calls(void **state)
{
    struct value *c = config_json("{\"region\":\"us-east-1\",\"assume_role\":[{\"role_arn\":"
                                  "\"arn:aws:iam::222222222222:role/r\"}]}");
    assert_true(value_object_set(c, "access_key", value_new_unknown(&type_string)));
    struct diags d;
    diags_init(&d);
    void *cm = config_model(c);
    void *meta = xacct_provider_type.configure(cm, "1.15.0", &d);
    free_model(cm);
    assert_false(diags_has_error(&d));
    assert_non_null(meta);
    struct xacct_meta *m = meta;
    assert_string_equal(m->region, "us-east-1");
    assert_null(meta_client(meta, "read the integration", &d));
    assert_true(diags_has_error(&d));
    assert_non_null(strstr(d.items[0].detail, "\"access_key\" was unknown"));
    xacct_provider_type.stop(meta);
    xacct_provider_type.meta_free(meta);
    diags_cleanup(&d);
    value_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(provider_schemas_are_sorted_tables),
        cmocka_unit_test(provider_tables_are_typed_models),
        cmocka_unit_test(provider_schema_uses_hashicorp_names_and_hides_secrets),
        cmocka_unit_test(provider_validate_rejects_conflicts),
        cmocka_unit_test(provider_validate_reports_region_endpoint_and_file_mistakes),
        cmocka_unit_test(provider_assume_role_blocks_map_to_a_chain),
        cmocka_unit_test(provider_assume_role_chain_survives_allocation_failures),
        cmocka_unit_test(provider_configure_with_unknown_defers_aws_calls),
    };
    return cmocka_run_group_tests_name("provider_config", tests, NULL, NULL);
}
