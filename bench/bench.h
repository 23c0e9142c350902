/* bench/bench.h - what the benchmark's parts share (bench/README.md explains each figure).
 *
 * xacct-bench drives the real provider binary through the test-support client
 * (tests/support/xt.h), as Terraform does, and the AWS emulator (tests/awsemu) through
 * tests/demo/emuctl.h. Each part records figures with bench_report_*: one JSON line on
 * stdout per figure, and a human table at the end (bench_report_table, on stderr).
 * Parts: startup (bench_startup.c), RPC latency and memory (bench_rpc.c), throughput
 * under rate limits (bench_throughput.c), refresh cost (bench_refresh.c).
 */
#ifndef XA_BENCH_BENCH_H
#define XA_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct bench_config {
    const char *provider_bin, *awsemu_bin;
    const char *bench_seed;         /* bench/seeds/bench.json */
    const char *provider_log;       /* the providers' stderr */
    int launches;                   /* (a) */
    int calls, concurrency;         /* (b) */
    int integrations;               /* (d) */
    int permissions;                /* (e) */
    int parallelism;                /* Terraform's -parallelism for (d) and (e) */
};

struct bench_stats {
    size_t n;
    double median, p90, min, max;
};

double bench_now_ms(void);
/* Sorts samples in place. */
void bench_stats(double *samples, size_t n, struct bench_stats *out);
/* VmHWM and VmRSS of pid in kB; false when /proc cannot be read. */
bool bench_peak_rss(pid_t pid, long *hwm_kb, long *rss_kb);
/* From /proc/PID/smaps_rollup: the proportional set size and the pages no other process
 * shares (Private_Clean + Private_Dirty), in kB. RSS counts every shared library page the
 * process touched; these say what one more provider process really costs. */
bool bench_private_memory(pid_t pid, long *pss_kb, long *private_kb);

void bench_report_stats(const char *part, const char *metric, const struct bench_stats *s,
                        const char *unit);
void bench_report_value(const char *part, const char *metric, double value, const char *unit);
void bench_report_text(const char *part, const char *metric, const char *text);
void bench_report_fail(const char *part, const char *why);
void bench_report_table(FILE *f);
int bench_report_failures(void);

bool bench_startup(const struct bench_config *c);
bool bench_rpc(const struct bench_config *c);
bool bench_throughput(const struct bench_config *c);
bool bench_refresh(const struct bench_config *c);

/* Runs fn(i, ud) for i in [0, n) on `threads` threads (Terraform's -parallelism). */
void bench_parallel(int n, int threads, void (*fn)(int i, void *ud), void *ud);

/* Provider block JSON for account "api" (111111111111, us-east-1) or "fn" (222222222222,
 * us-west-2, its own keys) with every endpoint at url. */
void bench_provider_json(char *out, size_t n, bool function_account, const char *url);

#endif
