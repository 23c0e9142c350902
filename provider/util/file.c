/* util/file.c - reading a small user-named file: regular files only, bounded size.
 *
 * open(O_NONBLOCK) returns at once even for a FIFO without a writer; fstat on the
 * descriptor (not stat on the path, which could change in between) then decides. See
 * file.h.
 */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* "18.0 MiB" or "512 bytes". */
static void human_size(char *out, size_t n, unsigned long long bytes)
{
    if (bytes >= 1024 * 1024)
        snprintf(out, n, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(out, n, "%llu bytes", bytes);
}

static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "a named pipe (FIFO)";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "not a regular file";
}

static void too_large(struct xbuf *why, const char *what, const char *path,
                      unsigned long long size, size_t max)
{
    char have[32], limit[32];
    human_size(have, sizeof have, size);
    human_size(limit, sizeof limit, max);
    xbuf_appendf(why, "The %s %s is too large (%s%s; the limit is %s).", what, path,
                 size > max ? "" : "more than ", size > max ? have : limit, limit);
}

enum xa_status xa_file_read(const char *path, size_t max, const char *what, struct xbuf *out,
                            struct xbuf *why)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return XA_ENOTFOUND;
        xbuf_appendf(why, "Cannot open the %s %s: %s.", what, path, strerror(errno));
        return XA_EIO;
    }
    size_t mark = out->len;
    enum xa_status st = XA_OK;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = XA_EIO;
        xbuf_appendf(why, "Cannot read the %s %s: %s.", what, path, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        st = XA_EINVAL;
        xbuf_appendf(why, "The %s %s is %s, not a regular file; xacct reads only regular "
                          "files there, since reading anything else could wait for ever.",
                     what, path, kind_of(sb.st_mode));
    } else if ((unsigned long long)sb.st_size > max) {
        st = XA_EINVAL;
        too_large(why, what, path, (unsigned long long)sb.st_size, max);
    } else {
        st = xbuf_reserve(out, (size_t)sb.st_size + 1);
    }
    char chunk[4096];
    while (st == XA_OK) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = XA_EIO;
            xbuf_appendf(why, "Cannot read the %s %s: %s.", what, path, strerror(errno));
        } else if (n == 0) {
            break;
        } else if (out->len - mark + (size_t)n > max) {
            st = XA_EINVAL;   /* it grew after fstat */
            too_large(why, what, path, 0, max);
        } else {
            st = xbuf_append(out, chunk, (size_t)n);
        }
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    close(fd);
    if (st != XA_OK && out->data) {
        OPENSSL_cleanse(out->data + mark, out->len - mark);
        out->len = mark;
        out->data[mark] = '\0';
    }
    return st;
}
