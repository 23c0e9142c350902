/* util/log.h - structured logging to stderr in hclog's JSON line format.
 *
 * go-plugin reads the provider's stderr line by line and treats a JSON object with
 * "@level", "@message", "@module" and "@timestamp" as an hclog entry, so TF_LOG=DEBUG shows
 * our lines with their level. The level comes from TF_LOG_PROVIDER, else TF_LOG
 * (TRACE, DEBUG, INFO, WARN, ERROR, OFF; JSON means TRACE). Unset means off.
 * Each line is written with one write(2), so lines from threads never interleave.
 *
 * Never pass secrets (secret keys, session tokens, web identity tokens, Authorization
 * headers) to these functions: log ids, not contents.
 */
#ifndef XA_UTIL_LOG_H
#define XA_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_TRACE = 0, LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Reads TF_LOG_PROVIDER / TF_LOG. Safe to call more than once. */
void log_init_from_env(void);
void log_set_level(enum log_level);
/* Redirects output (tests); fd < 0 restores stderr. */
void log_set_fd(int fd);
bool log_enabled(enum log_level);

/* One line: @module is `module` (e.g. "xacct.aws"); extra key/value pairs follow as a
 * NULL-terminated list of (const char *key, const char *value) strings. */
void log_kv(enum log_level, const char *module, const char *message, ...);
/* printf-style message, no extra pairs. */
void log_msg(enum log_level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
