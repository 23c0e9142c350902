/* awsemu/reqlog.c - the request log (reqlog.h): a ring of the last entries in memory and
 * an append-only file flushed per line so readers see each request as it completes. */
#include "reqlog.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "util/alloc.h"

#define RING 20000

struct reqlog {
    pthread_mutex_t mu;
    FILE *file;
    char *lines[RING];
    size_t next;
    size_t count;
};

struct reqlog *reqlog_new(const char *path)
{
    struct reqlog *l = xa_calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    pthread_mutex_init(&l->mu, NULL);
    if (path != NULL) {
        l->file = fopen(path, "a");
        if (l->file == NULL) {
            reqlog_free(l);
            return NULL;
        }
    }
    return l;
}

void reqlog_clear(struct reqlog *l)
{
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < RING; i++) {
        xa_free(l->lines[i]);
        l->lines[i] = NULL;
    }
    l->next = l->count = 0;
    pthread_mutex_unlock(&l->mu);
}

void reqlog_free(struct reqlog *l)
{
    if (l == NULL)
        return;
    reqlog_clear(l);
    if (l->file != NULL)
        fclose(l->file);
    pthread_mutex_destroy(&l->mu);
    xa_free(l);
}

void reqlog_add(struct reqlog *l, const struct reqlog_entry *e)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    json_t *o = json_pack("{s:f,s:s,s:s,s:s?,s:s?,s:s?,s:i,s:f,s:s?}", "time",
                          (double)tv.tv_sec + tv.tv_usec / 1e6, "method", e->method, "path",
                          e->path, "service", e->service, "operation", e->operation, "account",
                          e->account, "status", e->status, "latency_ms", e->latency_ms,
                          "fault", e->fault);
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (line == NULL)
        return;
    char *copy = xa_strdup(line);
    pthread_mutex_lock(&l->mu);
    if (l->file != NULL) {
        fprintf(l->file, "%s\n", line);
        fflush(l->file);
    }
    if (copy != NULL) {
        xa_free(l->lines[l->next]);
        l->lines[l->next] = copy;
        l->next = (l->next + 1) % RING;
        if (l->count < RING)
            l->count++;
    }
    pthread_mutex_unlock(&l->mu);
    free(line);
}

void reqlog_dump(struct reqlog *l, struct xbuf *out)
{
    pthread_mutex_lock(&l->mu);
    size_t start = (l->next + RING - l->count) % RING;
    for (size_t i = 0; i < l->count; i++) {
        xbuf_append_str(out, l->lines[(start + i) % RING]);
        xbuf_append_char(out, '\n');
    }
    pthread_mutex_unlock(&l->mu);
}
