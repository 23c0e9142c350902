/* util/file.h - reading a small file named by the user, without blocking or bloating.
 *
 * Paths in the provider block and the environment (shared config and credentials files,
 * web identity token files, CA bundles) may name anything: a FIFO whose open() would
 * block until the call deadline, a directory, a device, or a file far larger than any
 * real one. xa_file_read opens without blocking (O_NONBLOCK), looks at what it opened
 * (fstat) and reads only a regular file of at most max bytes, never more than max bytes
 * even when the file grows meanwhile.
 * Not here: parsing (aws/credentials_files.c and the callers).
 * Ownership: the caller owns out (use xbuf_cleanup_secret for secrets); why is appended.
 */
#ifndef XA_UTIL_FILE_H
#define XA_UTIL_FILE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

/* Appends the whole file to out. what names the file's role in messages ("shared config
 * file"). Returns XA_OK; XA_ENOTFOUND when it does not exist (why untouched); XA_EINVAL
 * when it is not a regular file or is larger than max bytes; XA_EIO when it cannot be
 * opened or read; XA_ENOMEM. On failure out is left as it was and, except for
 * XA_ENOTFOUND, why receives one sentence naming the path and the problem ("... is a
 * named pipe (FIFO), not a regular file ...", "... is too large ..."). */
enum xa_status xa_file_read(const char *path, size_t max, const char *what, struct xbuf *out,
                            struct xbuf *why);

#endif
