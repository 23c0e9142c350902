/* bench/bench_main.c - xacct-bench: runs the parts of the benchmark (bench/README.md) and
 * prints one JSON line per figure on stdout, then the table of figures and the table of
 * xacct/reference ratios with their targets and the load averages on stderr. Exit status
 * 1 when a part failed (its error is a JSON line and a table row), 2 for bad usage; a
 * missed target is a table row, not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "bench/bench.h"

static void usage(FILE *f)
{
    fputs("usage: xacct-bench [--smoke] [--only startup,rpc,throughput,refresh]\n"
          "                   [--launches N] [--rounds N] [--calls N] [--concurrency N]\n"
          "                   [--integrations N] [--permissions N] [--parallelism N]\n"
          "                   [--provider PATH] [--awsemu PATH] [--go PATH]\n"
          "                   [--botocore-python PATH] [--dump-schema FILE]\n"
          "Defaults: 20 launches, 5 rounds of 1000 calls per batch, 16 in flight, 200\n"
          "integrations, 100 permissions (at most 200: 25 per function), parallelism 10\n"
          "(Terraform's). --go: the Go reference provider (bench/goref) to compare with;\n"
          "--botocore-python: a python3 with botocore, for the throughput comparison\n"
          "(bench/run passes both).\n"
          "--smoke: tiny figures, to check that it runs. --dump-schema: write xacct's\n"
          "encoded GetProviderSchema answer to FILE and exit (bench/goref's schema).\n"
          "Figures: JSON lines on stdout, tables on stderr.\n",
          f);
}

void bench_provider_json(char *out, size_t n, bool function_account, const char *url,
                         const char *retry_mode)
{
    snprintf(out, n,
             "{\"region\":\"%s\",\"access_key\":\"%s\",\"secret_key\":\"%s\",%s%s%s"
             "\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}]}",
             function_account ? "us-west-2" : "us-east-1",
             function_account ? "AKIAEMU2222EXAMPLE02" : "AKIAEMU1111EXAMPLE01",
             function_account ? "emu2222SecretKeyForTheFunctionAccount000"
                              : "emu1111SecretKeyForTheApiOwnerAccount000",
             retry_mode ? "\"retry_mode\":\"" : "", retry_mode ? retry_mode : "",
             retry_mode ? "\"," : "", url, url, url);
}

int bench_subjects(const struct bench_config *c, struct bench_subject out[2])
{
    out[0] = (struct bench_subject){.name = "xacct", .bin = c->provider_bin};
    if (!c->go_bin)
        return 1;
    out[1] = (struct bench_subject){.name = "Go", .bin = c->go_bin};
    return 2;
}

static bool int_arg(const char *s, int *out, int max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > max)
        return false;
    *out = (int)v;
    return true;
}

int main(int argc, char **argv)
{
    const char *env_bin = getenv("XA_PROVIDER_BIN");
    struct bench_config c = {.provider_bin = env_bin && *env_bin ? env_bin : XA_PROVIDER_BIN,
                             .awsemu_bin = XA_AWSEMU_BIN,
                             .bench_seed = XA_BENCH_SEED_DIR "/bench.json",
                             .provider_log = "/tmp/xacct-bench-provider.log",
                             .botocore_script = XA_BENCH_DIR "/botocore_apply.py",
                             .launches = 20, .rounds = 5, .calls = 1000, .concurrency = 16,
                             .integrations = 200, .permissions = 100, .parallelism = 10};
    const char *dump_schema = NULL;
    const char *only = "startup,rpc,throughput,refresh";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--smoke") == 0) {
            c.launches = 2, c.rounds = 1, c.calls = 20, c.concurrency = 4, c.integrations = 5;
            c.permissions = 5, c.parallelism = 4;
            continue;
        } else if (!v) {
            ok = false;
        } else if (strcmp(a, "--only") == 0) {
            only = v;
        } else if (strcmp(a, "--provider") == 0) {
            c.provider_bin = v;
        } else if (strcmp(a, "--awsemu") == 0) {
            c.awsemu_bin = v;
        } else if (strcmp(a, "--go") == 0) {
            c.go_bin = v;
        } else if (strcmp(a, "--botocore-python") == 0) {
            c.botocore_python = v;
        } else if (strcmp(a, "--dump-schema") == 0) {
            dump_schema = v;
        } else if (strcmp(a, "--rounds") == 0) {
            ok = int_arg(v, &c.rounds, 32);
        } else if (strcmp(a, "--launches") == 0) {
            ok = int_arg(v, &c.launches, 1000);
        } else if (strcmp(a, "--calls") == 0) {
            ok = int_arg(v, &c.calls, 1000000);
        } else if (strcmp(a, "--concurrency") == 0) {
            ok = int_arg(v, &c.concurrency, 64);
        } else if (strcmp(a, "--integrations") == 0) {
            ok = int_arg(v, &c.integrations, 200);
        } else if (strcmp(a, "--permissions") == 0) {
            ok = int_arg(v, &c.permissions, BENCH_PERM_FUNCTIONS * BENCH_PERMS_PER_FUNCTION);
        } else if (strcmp(a, "--parallelism") == 0) {
            ok = int_arg(v, &c.parallelism, 64);
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "xacct-bench: bad argument \"%s%s%s\"\n\n", a, v ? " " : "",
                    v ? v : "");
            usage(stderr);
            return 2;
        }
        i++;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (dump_schema) {
        bool ok = bench_dump_schema(&c, dump_schema);
        if (!ok)
            fprintf(stderr, "xacct-bench: cannot write the schema to %s\n", dump_schema);
        curl_global_cleanup();
        return ok ? 0 : 1;
    }
    bench_compare_start();
    if (strstr(only, "startup"))
        bench_startup(&c);
    if (strstr(only, "rpc"))
        bench_rpc(&c);
    if (strstr(only, "throughput"))
        bench_throughput(&c);
    if (strstr(only, "refresh"))
        bench_refresh(&c);
    bench_report_table(stderr);
    bench_compare_table(stderr);
    curl_global_cleanup();
    return bench_report_failures() ? 1 : 0;
}
