/* bench/bench_main.c - xacct-bench: runs the parts of the benchmark (bench/README.md) and
 * prints one JSON line per figure on stdout and the table on stderr. Exit status 1 when a
 * part failed (its error is a JSON line and a table row), 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "bench/bench.h"

static void usage(FILE *f)
{
    fputs("usage: xacct-bench [--smoke] [--only startup,rpc,throughput,refresh]\n"
          "                   [--launches N] [--calls N] [--concurrency N]\n"
          "                   [--integrations N] [--permissions N] [--parallelism N]\n"
          "                   [--provider PATH] [--awsemu PATH]\n"
          "Defaults: 20 launches, 200 calls, 16 in flight, 50 integrations, 100 permissions,\n"
          "parallelism 10 (Terraform's). --smoke: tiny figures, to check that it runs.\n"
          "Figures: JSON lines on stdout, a table on stderr.\n",
          f);
}

void bench_provider_json(char *out, size_t n, bool function_account, const char *url)
{
    snprintf(out, n,
             "{\"region\":\"%s\",\"access_key\":\"%s\",\"secret_key\":\"%s\","
             "\"endpoints\":[{\"apigateway\":\"%s\",\"lambda\":\"%s\",\"sts\":\"%s\"}]}",
             function_account ? "us-west-2" : "us-east-1",
             function_account ? "AKIAEMU2222EXAMPLE02" : "AKIAEMU1111EXAMPLE01",
             function_account ? "emu2222SecretKeyForTheFunctionAccount000"
                              : "emu1111SecretKeyForTheApiOwnerAccount000",
             url, url, url);
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
                             .launches = 20, .calls = 200, .concurrency = 16,
                             .integrations = 50, .permissions = 100, .parallelism = 10};
    const char *only = "startup,rpc,throughput,refresh";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--smoke") == 0) {
            c.launches = 2, c.calls = 20, c.concurrency = 4, c.integrations = 5;
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
        } else if (strcmp(a, "--launches") == 0) {
            ok = int_arg(v, &c.launches, 1000);
        } else if (strcmp(a, "--calls") == 0) {
            ok = int_arg(v, &c.calls, 1000000);
        } else if (strcmp(a, "--concurrency") == 0) {
            ok = int_arg(v, &c.concurrency, 64);
        } else if (strcmp(a, "--integrations") == 0) {
            ok = int_arg(v, &c.integrations, 50);
        } else if (strcmp(a, "--permissions") == 0) {
            ok = int_arg(v, &c.permissions, 1000);
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
    if (strstr(only, "startup"))
        bench_startup(&c);
    if (strstr(only, "rpc"))
        bench_rpc(&c);
    if (strstr(only, "throughput"))
        bench_throughput(&c);
    if (strstr(only, "refresh"))
        bench_refresh(&c);
    bench_report_table(stderr);
    curl_global_cleanup();
    return bench_report_failures() ? 1 : 0;
}
