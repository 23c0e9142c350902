/* resources/execution_log.c - the lines of an execution log worth reading (see
 * execution_log.h). */
#include "resources/execution_log.h"

#include <stdbool.h>
#include <string.h>

enum xa_status execution_log_summary(const char *log, struct xbuf *out)
{
    static const char *const marks[] = {"failed", "error", "Error", "Unauthorized",
                                        "Authorizer result", "Method completed", NULL};
    size_t start = out->len;
    const char *last = NULL;
    enum xa_status st = XA_OK;
    for (const char *line = log; st == XA_OK && line && *line;) {
        size_t n = strcspn(line, "\n");
        const char *text = strstr(line, " : ");
        text = text && text < line + n ? text + 3 : line;
        bool keep = false;
        for (size_t i = 0; marks[i] && !keep; i++) {
            const char *hit = strstr(text, marks[i]);
            keep = hit && hit < line + n;
        }
        if (keep && out->len - start < 2000)
            st = xbuf_appendf(out, "%s%.*s", out->len > start ? "\n" : "",
                              (int)(line + n - text), text);
        last = text;
        line += n + (line[n] == '\n');
    }
    if (st == XA_OK && out->len == start && last)
        st = xbuf_append_str(out, last);
    return st;
}
