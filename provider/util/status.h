/* util/status.h - the one status enum every module returns.
 *
 * Functions that can fail return enum xa_status (XA_OK on success). The message table
 * gives each value a stable name for logs and diagnostics. There is no thread-local last
 * error: details travel in the caller's output structs (diagnostics, aws_error).
 */
#ifndef XA_UTIL_STATUS_H
#define XA_UTIL_STATUS_H

enum xa_status {
    XA_OK = 0,
    XA_ENOMEM,      /* allocation failed */
    XA_EINVAL,      /* malformed input or a caller error */
    XA_ERANGE,      /* a value outside what the format or type allows */
    XA_EIO,         /* an operating-system or network failure */
    XA_ETIMEDOUT,   /* a deadline passed */
    XA_ECANCELED,   /* StopProvider or shutdown cancelled the work */
    XA_ENOTFOUND,   /* the named thing does not exist */
    XA_EAWS,        /* AWS answered with an error; see the aws_error */
    XA_ECRYPTO,     /* OpenSSL failed */
    XA_EUNSUPPORTED,/* a feature that is not built */
    XA_STATUS_COUNT
};

/* Stable lower-case name, e.g. "out of memory". Never NULL. */
const char *xa_status_str(enum xa_status);

#endif
