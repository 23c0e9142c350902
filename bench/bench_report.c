/* bench/bench_report.c - statistics, the parallel runner (Terraform's -parallelism as a
 * pool of threads over one index), and the two outputs of xacct-bench: a JSON line per
 * figure on stdout as it is measured ({"part","metric","unit", "value" or
 * "n","median","p90","min","max"}), and the table of all figures at the end.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dirent.h>

#include "bench/bench.h"

#define MAX_ROWS 128

struct row {
    char part[32], metric[96], unit[16], text[96];
};

static struct row rows[MAX_ROWS];
static int nrows, failures;

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double pct(const double *s, size_t n, double q)
{
    size_t i = (size_t)ceil(q * (double)n);
    return s[i == 0 ? 0 : i - 1];
}

void bench_stats(double *samples, size_t n, struct bench_stats *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    qsort(samples, n, sizeof *samples, cmp_double);
    *out = (struct bench_stats){.n = n, .median = pct(samples, n, 0.5),
                                .p90 = pct(samples, n, 0.9), .min = samples[0],
                                .max = samples[n - 1]};
}

double bench_median(double *samples, size_t n)
{
    struct bench_stats s;
    bench_stats(samples, n, &s);
    return s.median;
}

bool bench_memory(pid_t pid, struct bench_memory *out)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    *out = (struct bench_memory){.hwm_kb = -1, .rss_kb = -1, .anon_kb = -1, .threads = -1};
    if (!f)
        return false;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "VmHWM: %ld kB", &out->hwm_kb);
        sscanf(line, "VmRSS: %ld kB", &out->rss_kb);
        sscanf(line, "RssAnon: %ld kB", &out->anon_kb);
        sscanf(line, "Threads: %d", &out->threads);
    }
    fclose(f);
    return out->hwm_kb >= 0 && out->anon_kb >= 0 && out->threads > 0;
}

double bench_cpu_ms(pid_t pid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    unsigned long long total_ns = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.16s/schedstat", (int)pid, e->d_name);
        FILE *f = fopen(path, "r");
        unsigned long long ns = 0;
        if (f && fscanf(f, "%llu", &ns) == 1)
            total_ns += ns;
        if (f)
            fclose(f);
    }
    closedir(d);
    return (double)total_ns / 1e6;
}

static struct row *add_row(const char *part, const char *metric, const char *unit)
{
    if (nrows == MAX_ROWS)
        return NULL;
    struct row *r = &rows[nrows++];
    snprintf(r->part, sizeof r->part, "%s", part);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->unit, sizeof r->unit, "%s", unit ? unit : "");
    return r;
}

void bench_report_stats(const char *part, const char *metric, const struct bench_stats *s,
                        const char *unit)
{
    printf("{\"part\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"n\":%zu,\"median\":%.3f,"
           "\"p90\":%.3f,\"min\":%.3f,\"max\":%.3f}\n",
           part, metric, unit, s->n, s->median, s->p90, s->min, s->max);
    fflush(stdout);
    struct row *r = add_row(part, metric, unit);
    if (r)
        snprintf(r->text, sizeof r->text, "median %.3f  p90 %.3f  (n=%zu)", s->median, s->p90,
                 s->n);
}

void bench_report_value(const char *part, const char *metric, double value, const char *unit)
{
    printf("{\"part\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%.3f}\n", part, metric,
           unit, value);
    fflush(stdout);
    struct row *r = add_row(part, metric, unit);
    if (r)
        snprintf(r->text, sizeof r->text, value == floor(value) ? "%.0f" : "%.3f", value);
}

static void json_string(const char *s)
{
    putchar('"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
    }
    putchar('"');
}

void bench_report_text(const char *part, const char *metric, const char *text)
{
    printf("{\"part\":\"%s\",\"metric\":\"%s\",\"text\":", part, metric);
    json_string(text);
    printf("}\n");
    fflush(stdout);
    struct row *r = add_row(part, metric, "");
    if (r)
        snprintf(r->text, sizeof r->text, "%.95s", text);
}

void bench_report_fail(const char *part, const char *why)
{
    failures++;
    printf("{\"part\":\"%s\",\"error\":", part);
    json_string(why);
    printf("}\n");
    fflush(stdout);
    struct row *r = add_row(part, "FAILED", "");
    if (r)
        snprintf(r->text, sizeof r->text, "%.95s", why);
}

int bench_report_failures(void)
{
    return failures;
}

void bench_report_table(FILE *f)
{
    fprintf(f, "\n%-11s %-56s %-34s %s\n", "part", "figure", "value", "unit");
    for (int i = 0; i < nrows; i++)
        fprintf(f, "%-11s %-56s %-34s %s\n", rows[i].part, rows[i].metric, rows[i].text,
                rows[i].unit);
}

struct parallel_run {
    int n;
    atomic_int next;
    void (*fn)(int i, void *ud);
    void *ud;
};

static void *parallel_worker(void *arg)
{
    struct parallel_run *r = arg;
    for (int i; (i = atomic_fetch_add(&r->next, 1)) < r->n;)
        r->fn(i, r->ud);
    return NULL;
}

void bench_parallel(int n, int threads, void (*fn)(int i, void *ud), void *ud)
{
    struct parallel_run r = {.n = n, .fn = fn, .ud = ud};
    pthread_t tid[64];
    int started = 0;
    atomic_init(&r.next, 0);
    for (; started < threads && started < 64; started++)
        if (pthread_create(&tid[started], NULL, parallel_worker, &r) != 0)
            break;
    if (started == 0)
        parallel_worker(&r);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}
