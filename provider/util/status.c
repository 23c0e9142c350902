/* util/status.c - names of enum xa_status values. */
#include "util/status.h"

static const char *const status_names[XA_STATUS_COUNT] = {
    [XA_OK] = "ok",
    [XA_ENOMEM] = "out of memory",
    [XA_EINVAL] = "invalid input",
    [XA_ERANGE] = "value out of range",
    [XA_EIO] = "input/output error",
    [XA_ETIMEDOUT] = "timed out",
    [XA_ECANCELED] = "cancelled",
    [XA_ENOTFOUND] = "not found",
    [XA_EAWS] = "AWS returned an error",
    [XA_ECRYPTO] = "cryptography error",
    [XA_EUNSUPPORTED] = "not supported",
};

const char *xa_status_str(enum xa_status s)
{
    if ((unsigned)s >= XA_STATUS_COUNT || !status_names[s])
        return "unknown status";
    return status_names[s];
}
