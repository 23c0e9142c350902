/* plugin/listener.c - where the provider listens.
 *
 * Unix socket by default, named like go-plugin's os.CreateTemp(dir, "plugin"): a fresh
 * random name in PLUGIN_UNIX_SOCKET_DIR, else $TMPDIR, else /tmp. The file is reserved
 * with mkstemp and removed again so that gRPC core can bind the path. With
 * XACCT_PLUGIN_NETWORK=tcp: the first port in [PLUGIN_MIN_PORT, PLUGIN_MAX_PORT] on
 * 127.0.0.1 that a plain bind accepts (gRPC is told not to use SO_REUSEPORT, so the
 * port cannot be shared with another server afterwards).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "plugin/plugin.h"
#include "util/alloc.h"

static bool port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static enum xa_status choose_unix(struct plugin_listener *l, const char *dir, struct xbuf *why)
{
    struct xbuf path;
    enum xa_status st = XA_ENOMEM;
    xbuf_init(&path);
    if (xbuf_appendf(&path, "%s%spluginXXXXXX", dir,
                     dir[strlen(dir) - 1] == '/' ? "" : "/") != XA_OK)
        goto out;
    if (path.len >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        xbuf_appendf(why, "the socket path %s is longer than a unix socket allows; set "
                          "PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter directory\n",
                     path.data);
        st = XA_EIO;
        goto out;
    }
    int fd = mkstemp(path.data);
    if (fd < 0) {
        xbuf_appendf(why, "cannot create a socket in %s: %s\n", dir, strerror(errno));
        st = XA_EIO;
        goto out;
    }
    close(fd);
    unlink(path.data);
    l->is_unix = true;
    l->address = xa_strdup(path.data);
    xbuf_clear(&path);
    if (l->address && xbuf_appendf(&path, "unix:%s", l->address) == XA_OK &&
        (l->grpc_address = xbuf_take(&path)) != NULL)
        st = XA_OK;
out:
    xbuf_cleanup(&path);
    return st;
}

enum xa_status plugin_listener_init(struct plugin_listener *l, const struct plugin_options *o,
                                    struct xbuf *why)
{
    enum xa_status st;
    *l = (struct plugin_listener){0};
    if (!o->tcp) {
        st = choose_unix(l, o->socket_dir && *o->socket_dir ? o->socket_dir : "/tmp", why);
    } else {
        int port = o->min_port;
        while (port <= o->max_port && !port_free(port))
            port++;
        if (port > o->max_port) {
            xbuf_appendf(why, "no free TCP port on 127.0.0.1 between PLUGIN_MIN_PORT=%d and "
                              "PLUGIN_MAX_PORT=%d\n", o->min_port, o->max_port);
            return XA_EIO;
        }
        struct xbuf a;
        xbuf_init(&a);
        st = xbuf_appendf(&a, "127.0.0.1:%d", port);
        l->address = st == XA_OK ? xbuf_take(&a) : NULL;
        l->grpc_address = l->address ? xa_strdup(l->address) : NULL;
        st = l->grpc_address ? XA_OK : XA_ENOMEM;
        xbuf_cleanup(&a);
    }
    if (st != XA_OK)
        plugin_listener_cleanup(l);
    return st;
}

enum xa_status plugin_listener_bound(const struct plugin_listener *l,
                                     const struct plugin_options *o, struct xbuf *why)
{
    if (!l->is_unix || !o->socket_group)
        return XA_OK;
    char *end = NULL;
    struct group *g = getgrnam(o->socket_group);
    gid_t gid;
    if (g) {
        gid = g->gr_gid;
    } else {
        long v = strtol(o->socket_group, &end, 10);
        if (!*o->socket_group || *end || v < 0) {
            xbuf_appendf(why, "PLUGIN_UNIX_SOCKET_GROUP=%s names no group\n", o->socket_group);
            return XA_EINVAL;
        }
        gid = (gid_t)v;
    }
    if (chown(l->address, (uid_t)-1, gid) != 0 || chmod(l->address, 0660) != 0) {
        xbuf_appendf(why, "cannot give the socket %s to group %s: %s\n", l->address,
                     o->socket_group, strerror(errno));
        return XA_EIO;
    }
    return XA_OK;
}

void plugin_listener_cleanup(struct plugin_listener *l)
{
    if (l->is_unix && l->address)
        unlink(l->address);
    xa_free(l->address);
    xa_free(l->grpc_address);
    *l = (struct plugin_listener){0};
}
