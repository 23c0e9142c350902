/* aws/sts.c - STS over the query protocol: form-encoded POST, XML answers (libxml2).
 *
 * Requests are "Action=<op>&Version=2011-06-15&..." with values URI-encoded; list
 * parameters use the query protocol's member numbering (PolicyArns.member.1.arn,
 * Tags.member.1.Key, TransitiveTagKeys.member.1). Answers are read without network
 * access or entity expansion, matching elements by local name under the <...Result>.
 * The credential strings pass through libxml2's buffers, which are wiped before the
 * document is freed.
 */
#include "aws/sts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>

#include "aws/errors.h"
#include "aws/http.h"
#include "util/alloc.h"

#define FORM "application/x-www-form-urlencoded; charset=utf-8"

#ifdef XA_TESTING
#define XA_TESTABLE
/* The answer readers, reached by tests/fuzz/fuzz_sts_xml.c. */
enum xa_status sts_read_identity(const struct aws_http_response *resp,
                                 struct sts_caller_identity *out, struct aws_error *err);
enum xa_status sts_read_assumed(const struct aws_http_response *resp, const char *action,
                                const char *source, struct sts_assume_role_result *out,
                                struct aws_error *err);
#else
#define XA_TESTABLE static
#endif

void sts_caller_identity_cleanup(struct sts_caller_identity *id)
{
    xa_free(id->account);
    xa_free(id->arn);
    xa_free(id->user_id);
    *id = (struct sts_caller_identity){0};
}

void sts_assume_role_result_cleanup(struct sts_assume_role_result *r)
{
    aws_credentials_cleanup(&r->credentials);
    xa_free(r->assumed_role_arn);
    xa_free(r->assumed_role_id);
    xa_free(r->source_identity);
    *r = (struct sts_assume_role_result){0};
}

/* ------------------------------------------------------------------------- form */

static enum xa_status param(struct xbuf *f, const char *name, const char *value)
{
    if (!value || !*value)
        return XA_OK;
    enum xa_status st = xbuf_appendf(f, "&%s=", name);
    return st == XA_OK ? aws_http_uri_encode(f, value) : st;
}

static enum xa_status param_int(struct xbuf *f, const char *name, int value)
{
    return value > 0 ? xbuf_appendf(f, "&%s=%d", name, value) : XA_OK;
}

static enum xa_status policy_arns(struct xbuf *f, const char *const *arns, size_t n)
{
    enum xa_status st = XA_OK;
    char name[64];
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        snprintf(name, sizeof name, "PolicyArns.member.%zu.arn", i + 1);
        st = param(f, name, arns[i]);
    }
    return st;
}

static enum xa_status session_name(struct xbuf *form, const char *given)
{
    if (given && *given)
        return param(form, "RoleSessionName", given);
    return xbuf_appendf(form, "&RoleSessionName=terraform-provider-xacct-%lld",
                        (long long)time(NULL));
}

/* ------------------------------------------------------------------------- XML */

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Text of the element at path "A/B/C" under n, copied; NULL when absent. */
static char *text_at(xmlNode *n, const char *path, bool *oom)
{
    char seg[64];
    const char *p = path;
    while (n && *p) {
        size_t l = strcspn(p, "/");
        if (l >= sizeof seg)
            return NULL;
        memcpy(seg, p, l);
        seg[l] = '\0';
        n = child(n, seg);
        p += l + (p[l] == '/');
    }
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    char *r = xa_strdup((const char *)t);
    if (!r)
        *oom = true;
    OPENSSL_cleanse(t, strlen((const char *)t));
    xmlFree(t);
    return r;
}

static void wipe_tree(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content)
            OPENSSL_cleanse(n->content, strlen((const char *)n->content));
        wipe_tree(n->children);
    }
}

/* Parses body and returns the <Action>Result element; *doc to free. */
static xmlNode *result_node(const struct aws_http_response *resp, const char *action,
                            xmlDoc **doc)
{
    *doc = NULL;
    if (resp->body.len == 0 || resp->body.len > (1u << 20))
        return NULL;
    *doc = xmlReadMemory(resp->body.data, (int)resp->body.len, "sts.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = *doc ? xmlDocGetRootElement(*doc) : NULL;
    char name[96];
    snprintf(name, sizeof name, "%sResult", action);
    return root ? child(root, name) : NULL;
}

static void free_doc(xmlDoc *doc)
{
    if (doc) {
        wipe_tree(xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
}

static enum xa_status bad_answer(struct aws_error *err, const char *op, long status)
{
    aws_error_set_operation(err, op);
    aws_error_set_messagef(err, "STS answered HTTP %ld with a document xacct cannot read", status);
    err->http_status = status;
    return XA_EAWS;
}

/* ------------------------------------------------------------------------- calls */

XA_TESTABLE enum xa_status sts_read_identity(const struct aws_http_response *resp,
                                             struct sts_caller_identity *out,
                                             struct aws_error *err)
{
    xmlDoc *doc;
    xmlNode *r = result_node(resp, "GetCallerIdentity", &doc);
    bool oom = false;
    out->account = text_at(r, "Account", &oom);
    out->arn = text_at(r, "Arn", &oom);
    out->user_id = text_at(r, "UserId", &oom);
    free_doc(doc);
    enum xa_status st = XA_OK;
    if (oom)
        st = XA_ENOMEM;
    else if (!out->account)
        st = bad_answer(err, "STS GetCallerIdentity", resp->status);
    if (st != XA_OK)
        sts_caller_identity_cleanup(out);
    return st;
}

/* Where a call goes: through a configured client (c set), or straight to a target with
 * explicit credentials (the credential chain, while the client is being built; NULL
 * credentials: unsigned). */
struct route {
    const struct sts_target *t;
    const struct aws_credentials *creds;
};

static enum xa_status send_form(const struct route *r, const char *action,
                                const struct xbuf *form, struct aws_http_response *resp,
                                struct aws_error *err)
{
    struct aws_http_call call = {
        .operation = action, .service = "STS", .protocol = AWS_PROTOCOL_QUERY,
        .endpoint = r->t->endpoint, .region = r->t->region, .signing_name = "sts",
        .method = "POST", .path = "/", .content_type = FORM,
        .body = form->data, .body_len = form->len, .credentials = r->creds,
    };
    return aws_http_call(r->t->http, &call, resp, err);
}

static enum xa_status caller_identity(const struct route *r, struct sts_caller_identity *out,
                                      struct aws_error *err)
{
    *out = (struct sts_caller_identity){0};
    struct xbuf form;
    xbuf_init(&form);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = xbuf_append_str(&form, "Action=GetCallerIdentity&Version=2011-06-15");
    if (st == XA_OK)
        st = send_form(r, "GetCallerIdentity", &form, &resp, err);
    if (st == XA_OK)
        st = sts_read_identity(&resp, out, err);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup(&form);
    return st;
}

XA_TESTABLE enum xa_status sts_read_assumed(const struct aws_http_response *resp,
                                            const char *action, const char *source,
                                            struct sts_assume_role_result *out,
                                            struct aws_error *err)
{
    xmlDoc *doc;
    xmlNode *r = result_node(resp, action, &doc);
    bool oom = false;
    char *ak = text_at(r, "Credentials/AccessKeyId", &oom);
    char *sk = text_at(r, "Credentials/SecretAccessKey", &oom);
    char *tok = text_at(r, "Credentials/SessionToken", &oom);
    char *exp = text_at(r, "Credentials/Expiration", &oom);
    out->assumed_role_arn = text_at(r, "AssumedRoleUser/Arn", &oom);
    out->assumed_role_id = text_at(r, "AssumedRoleUser/AssumedRoleId", &oom);
    out->source_identity = text_at(r, "SourceIdentity", &oom);
    free_doc(doc);
    int64_t expiration = 0;
    enum xa_status st = XA_OK;
    char op[64];
    snprintf(op, sizeof op, "STS %s", action);
    if (oom)
        st = XA_ENOMEM;
    else if (!ak || !sk || !tok || !exp || aws_credentials_parse_time(exp, &expiration) != XA_OK)
        st = bad_answer(err, op, resp->status);
    else
        st = aws_credentials_set(&out->credentials, ak, sk, tok, expiration, source);
    xa_free(ak);
    if (sk) {
        OPENSSL_cleanse(sk, strlen(sk));
        xa_free(sk);
    }
    if (tok) {
        OPENSSL_cleanse(tok, strlen(tok));
        xa_free(tok);
    }
    xa_free(exp);
    if (st != XA_OK)
        sts_assume_role_result_cleanup(out);
    return st;
}

/* The form of both AssumeRole calls. The third parameter is ExternalId for AssumeRole and
 * WebIdentityToken for AssumeRoleWithWebIdentity; the tag and source identity lists are
 * empty for the latter. */
static enum xa_status assume_role_form(struct xbuf *form, const char *action,
                                       const struct aws_assume_role_config *req,
                                       const char *third_name, const char *third_value)
{
    char name[64];
    enum xa_status st = xbuf_appendf(form, "Action=%s&Version=2011-06-15", action);
    if (st == XA_OK)
        st = param(form, "RoleArn", req->role_arn);
    if (st == XA_OK)
        st = session_name(form, req->session_name);
    if (st == XA_OK)
        st = param(form, third_name, third_value);
    if (st == XA_OK)
        st = param_int(form, "DurationSeconds", req->duration_seconds);
    if (st == XA_OK)
        st = param(form, "Policy", req->policy);
    if (st == XA_OK)
        st = policy_arns(form, req->policy_arns, req->npolicy_arns);
    for (size_t i = 0; st == XA_OK && i < req->ntags; i++) {
        snprintf(name, sizeof name, "Tags.member.%zu.Key", i + 1);
        st = param(form, name, req->tags[i].key);
        snprintf(name, sizeof name, "Tags.member.%zu.Value", i + 1);
        if (st == XA_OK) {
            /* An empty tag value is still sent: the key alone means something. */
            st = req->tags[i].value && *req->tags[i].value ? param(form, name, req->tags[i].value)
                                                           : xbuf_appendf(form, "&%s=", name);
        }
    }
    for (size_t i = 0; st == XA_OK && i < req->ntransitive_tag_keys; i++) {
        snprintf(name, sizeof name, "TransitiveTagKeys.member.%zu", i + 1);
        st = param(form, name, req->transitive_tag_keys[i]);
    }
    if (st == XA_OK)
        st = param(form, "SourceIdentity", req->source_identity);
    return st;
}

/* Sends one AssumeRole* call and reads the credentials; source names them ("assumed
 * role", "web identity"). The form may carry a secret token: it is wiped. */
static enum xa_status assume(const struct route *r, const char *action, const char *source,
                             const struct aws_assume_role_config *req, const char *third_name,
                             const char *third_value, struct sts_assume_role_result *out,
                             struct aws_error *err)
{
    *out = (struct sts_assume_role_result){0};
    struct xbuf form;
    xbuf_init(&form);
    struct aws_http_response resp;
    aws_http_response_init(&resp);
    enum xa_status st = assume_role_form(&form, action, req, third_name, third_value);
    if (st == XA_OK)
        st = send_form(r, action, &form, &resp, err);
    if (st == XA_OK)
        st = sts_read_assumed(&resp, action, source, out, err);
    aws_http_response_cleanup(&resp);
    xbuf_cleanup_secret(&form);
    return st;
}

/* ------------------------------------------------------------------------- entry points */

enum xa_status sts_get_caller_identity_with(const struct sts_target *t,
                                            const struct aws_credentials *creds,
                                            struct sts_caller_identity *out,
                                            struct aws_error *err)
{
    return caller_identity(&(struct route){.t = t, .creds = creds}, out, err);
}

enum xa_status sts_assume_role_with(const struct sts_target *t,
                                    const struct aws_credentials *creds,
                                    const struct aws_assume_role_config *req,
                                    struct sts_assume_role_result *out, struct aws_error *err)
{
    return assume(&(struct route){.t = t, .creds = creds}, "AssumeRole", "assumed role", req,
                  "ExternalId", req->external_id, out, err);
}

enum xa_status sts_assume_role_with_web_identity_with(
    const struct sts_target *t, const struct aws_assume_role_web_identity_config *req,
    const char *token, struct sts_assume_role_result *out, struct aws_error *err)
{
    const struct aws_assume_role_config common = {
        .role_arn = req->role_arn, .session_name = req->session_name,
        .duration_seconds = req->duration_seconds, .policy = req->policy,
        .policy_arns = req->policy_arns, .npolicy_arns = req->npolicy_arns,
    };
    return assume(&(struct route){.t = t}, "AssumeRoleWithWebIdentity", "web identity", &common,
                  "WebIdentityToken", token, out, err);
}
