/* bench/bench_compare.c - the figures that compare xacct with a reference measured in
 * the same run by the same client (the Go provider of bench/goref, botocore), each as a
 * ratio with its target from issue 12, and the load averages the run saw: this machine
 * is shared, so a ratio of two interleaved measurements is the figure to trust, and the
 * load says how noisy the absolute values were.
 * One JSON line per comparison on stdout ({"part":"compare",...}); the table on stderr.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"

#define MAX_COMPARE 32

struct comparison {
    char figure[72], ref_name[16];
    double xacct, ref, checked;
    enum bench_goal goal;
    double target;
    bool met;
};

static struct comparison rows[MAX_COMPARE];
static int nrows, missed;
static char load_at_start[64];

static void read_loadavg(char *out, size_t n)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = 0, b = 0, c = 0;
    if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
        snprintf(out, n, "%.2f %.2f %.2f", a, b, c);
    else
        snprintf(out, n, "unknown");
    if (f)
        fclose(f);
}

void bench_compare_start(void)
{
    read_loadavg(load_at_start, sizeof load_at_start);
    printf("{\"part\":\"compare\",\"load_average_at_start\":\"%s\"}\n", load_at_start);
    fflush(stdout);
}

void bench_compare(const char *figure, const char *ref_name, double xacct, double ref,
                   enum bench_goal goal, double target)
{
    if (nrows == MAX_COMPARE)
        return;
    struct comparison *c = &rows[nrows++];
    snprintf(c->figure, sizeof c->figure, "%s", figure);
    snprintf(c->ref_name, sizeof c->ref_name, "%s", ref_name ? ref_name : "");
    c->xacct = xacct;
    c->ref = ref;
    c->checked = ref > 0 ? xacct / ref : ref < 0 ? xacct : NAN;
    c->goal = goal;
    c->target = target;
    c->met = goal == GOAL_NONE ||
             (goal == GOAL_AT_MOST ? c->checked <= target : c->checked >= target);
    missed += !c->met;
    printf("{\"part\":\"compare\",\"figure\":\"%s\",\"xacct\":%.4f,\"reference\":\"%s\","
           "\"reference_value\":%.4f,\"%s\":%.4f,\"target\":\"%s %.2f\",\"met\":%s}\n",
           c->figure, xacct, c->ref_name, ref, ref >= 0 ? "ratio" : "value", c->checked,
           goal == GOAL_AT_MOST ? "<=" : goal == GOAL_AT_LEAST ? ">=" : "none", target,
           c->met ? "true" : "false");
    fflush(stdout);
}

int bench_compare_missed(void)
{
    return missed;
}

void bench_compare_table(FILE *f)
{
    char load_now[64];
    read_loadavg(load_now, sizeof load_now);
    printf("{\"part\":\"compare\",\"load_average_at_end\":\"%s\"}\n", load_now);
    fflush(stdout);
    if (nrows == 0)
        return;
    fprintf(f, "\n%-58s %11s %11s %-9s %9s %8s %s\n", "compared figure", "xacct", "reference",
            "", "ratio", "target", "met");
    for (int i = 0; i < nrows; i++) {
        const struct comparison *c = &rows[i];
        char ref[16] = "", ratio[16] = "", target[16] = "";
        if (c->ref >= 0)
            snprintf(ref, sizeof ref, "%.3f", c->ref);
        if (c->ref > 0)
            snprintf(ratio, sizeof ratio, "%.2f", c->checked);
        if (c->goal != GOAL_NONE)
            snprintf(target, sizeof target, "%s %.2f", c->goal == GOAL_AT_MOST ? "<=" : ">=",
                     c->target);
        fprintf(f, "%-58s %11.3f %11s %-9s %9s %8s %s\n", c->figure, c->xacct, ref, c->ref_name,
                ratio, target, c->goal == GOAL_NONE ? "" : c->met ? "yes" : "NO");
    }
    fprintf(f, "load average (1, 5, 15 min): %s at start, %s at end; %d target(s) missed\n",
            load_at_start, load_now, missed);
}
