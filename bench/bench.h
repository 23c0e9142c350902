/* bench/bench.h - what the benchmark's parts share (bench/README.md explains each figure).
 *
 * xacct-bench drives the real provider binary through the test-support client
 * (tests/support/xt.h), as Terraform does, and the AWS emulator (tests/awsemu) through
 * tests/demo/emuctl.h. Beside xacct it drives the references the same way, in
 * interleaved rounds: the minimal Go provider of bench/goref (startup, RPCs, memory) and
 * botocore (bench/botocore_apply.py, throughput under API Gateway's limit). Each part
 * records figures with bench_report_*: one JSON line on stdout per figure and a table at
 * the end; bench_compare_* keeps the xacct/reference ratios and their targets, printed
 * last with the load averages (bench_compare_table).
 * Parts: startup (bench_startup.c), RPC latency and memory (bench_rpc.c), throughput
 * under rate limits (bench_throughput.c, bench_botocore.c), refresh cost
 * (bench_refresh.c).
 */
#ifndef XA_BENCH_BENCH_H
#define XA_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* (e) spreads its permissions over functions bench-perm-1..8 of the seed, at most 25 on
 * each: a function's resource policy may hold 20 KB, about 60 of its statements. */
#define BENCH_PERM_FUNCTIONS 8
#define BENCH_PERMS_PER_FUNCTION 25

struct bench_config {
    const char *provider_bin, *awsemu_bin;
    const char *go_bin;             /* the Go reference provider, or NULL: no Go column */
    const char *botocore_python;    /* a python3 with botocore, or NULL: no botocore rows */
    const char *botocore_script;    /* bench/botocore_apply.py */
    const char *bench_seed;         /* bench/seeds/bench.json */
    const char *provider_log;       /* the providers' stderr */
    int launches;                   /* (a) */
    int rounds;                     /* (b)+(c): interleaved rounds, a fresh process each */
    int calls, concurrency;         /* (b): calls per batch; 4 batches per round */
    int integrations;               /* (d) */
    int permissions;                /* (e): at most the functions' 8 x 25 */
    int parallelism;                /* Terraform's -parallelism for (d) and (e) */
};

/* The providers compared in (a)-(c): xacct, then the Go reference when there is one. */
struct bench_subject {
    const char *name;               /* "xacct" or "Go" */
    const char *bin;
};
/* Fills out[0..1]; returns how many there are (1 or 2). */
int bench_subjects(const struct bench_config *c, struct bench_subject out[2]);

struct bench_stats {
    size_t n;
    double median, p90, min, max;
};

double bench_now_ms(void);
/* Sorts samples in place. */
void bench_stats(double *samples, size_t n, struct bench_stats *out);
/* Median of n samples (sorted in place); 0 when n is 0. */
double bench_median(double *samples, size_t n);
/* From /proc/PID/status, in kB: VmHWM (peak resident), RssAnon (anonymous resident:
 * heap, stacks, relocated data; no program text) and the thread count. false when /proc
 * cannot be read. */
struct bench_memory {
    long hwm_kb, rss_kb, anon_kb;
    int threads;
};
bool bench_memory(pid_t pid, struct bench_memory *out);
/* CPU time pid's live threads have run so far (/proc/PID/task/N/schedstat), in ms; -1
 * when unknown. */
double bench_cpu_ms(pid_t pid);

void bench_report_stats(const char *part, const char *metric, const struct bench_stats *s,
                        const char *unit);
void bench_report_value(const char *part, const char *metric, double value, const char *unit);
void bench_report_text(const char *part, const char *metric, const char *text);
void bench_report_fail(const char *part, const char *why);
void bench_report_table(FILE *f);
int bench_report_failures(void);

/* A compared figure: ratio = xacct / ref, checked against target in the direction of
 * goal; with ref < 0 (no reference) xacct itself is checked (e.g. "% of the limit").
 * GOAL_NONE rows are shown for information. */
enum bench_goal { GOAL_NONE, GOAL_AT_MOST, GOAL_AT_LEAST };
void bench_compare(const char *figure, const char *ref_name, double xacct, double ref,
                   enum bench_goal goal, double target);
/* The comparison table with the load averages at start (bench_compare_start) and now. */
void bench_compare_start(void);
void bench_compare_table(FILE *f);
int bench_compare_missed(void);

bool bench_startup(const struct bench_config *c);
bool bench_rpc(const struct bench_config *c);
bool bench_throughput(const struct bench_config *c);
bool bench_refresh(const struct bench_config *c);

/* Writes the provider's encoded GetProviderSchema answer to path (bench/goref's schema). */
bool bench_dump_schema(const struct bench_config *c, const char *path);

/* Runs fn(i, ud) for i in [0, n) on `threads` threads (Terraform's -parallelism). */
void bench_parallel(int n, int threads, void (*fn)(int i, void *ud), void *ud);

/* Provider block JSON for account "api" (111111111111, us-east-1) or "fn" (222222222222,
 * us-west-2, its own keys) with every endpoint at url; retry_mode NULL leaves it unset. */
void bench_provider_json(char *out, size_t n, bool function_account, const char *url,
                         const char *retry_mode);

/* botocore's run of the throughput mix (bench_botocore.c): wall time in seconds and the
 * calls botocore gave up on; false with why when the script could not run. */
struct bench_botocore_result {
    double wall_s;
    int ok, failed;
};
bool bench_botocore_apply(const struct bench_config *c, const char *emu_url, const char *mode,
                          struct bench_botocore_result *out, char *why, size_t nwhy);

#endif
