/* tfproto/methods.c - finding a method's handler by its full gRPC name, in the tables of
 * v5.c and v6.c (see tfproto.h). */
#include <string.h>

#include "tfproto/tfproto.h"

static const struct tfproto_method *find_in(const struct tfproto_method *t, const char *path,
                                            size_t len)
{
    for (; t->path; t++)
        if (strlen(t->path) == len && memcmp(t->path, path, len) == 0)
            return t;
    return NULL;
}

const struct tfproto_method *tfproto_lookup(const char *path, size_t len)
{
    if (len > 11 && memcmp(path, "/tfplugin5.", 11) == 0)
        return find_in(tfproto_v5_methods, path, len);
    if (len > 11 && memcmp(path, "/tfplugin6.", 11) == 0)
        return find_in(tfproto_v6_methods, path, len);
    return NULL;
}
