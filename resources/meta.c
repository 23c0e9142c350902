/* resources/meta.c - reaching the configured client, and AWS failures as diagnostics. */
#include "resources/meta.h"

#include "aws/errors.h"
#include "core/identity.h"
#include "util/buf.h"

struct aws_client *meta_client(void *meta, const char *what, struct diags *d)
{
    struct xacct_meta *m = meta;
    if (!m) {
        diag_error(d, "Provider not configured",
                   "Cannot %s: the xacct provider has not been configured.", what);
        return NULL;
    }
    if (m->unusable_reason || !m->client) {
        diag_error(d, "Provider configuration not usable",
                   "Cannot %s: %s", what,
                   m->unusable_reason ? m->unusable_reason : "no AWS client was configured.");
        return NULL;
    }
    return m->client;
}

void meta_aws_diag(struct diags *d, const char *attr, const char *summary,
                   const struct aws_error *err, const char *remedy)
{
    struct xbuf b;
    xbuf_init(&b);
    if (aws_error_describe(err, &b) != XA_OK)
        xbuf_clear(&b);
    if (remedy)
        xbuf_appendf(&b, "%s%s", b.len ? " " : "", remedy);
    const char *text = b.len ? xbuf_cstr(&b) : "The AWS call failed (no details).";
    if (attr)
        diag_error_attr(d, attr, summary, "%s", text);
    else
        diag_error(d, summary, "%s", text);
    xbuf_cleanup(&b);
}

void meta_scope(const void *meta, struct identity_scope *out)
{
    const struct xacct_meta *m = meta;
    *out = (struct identity_scope){
        .account_id = m && m->account_id && m->account_id[0] ? m->account_id : NULL,
        .region = m ? m->region : NULL,
    };
}
