/* aws/errors.c - filling, parsing and describing struct aws_error.
 *
 * Two wire formats reach here: rest-json answers from API Gateway and Lambda (code in the
 * x-amzn-ErrorType header or the body) and query-protocol XML answers from STS. Bodies
 * are untrusted: JSON goes through jansson with a size bound, XML through libxml2 with
 * network access and entity expansion off. Whatever cannot be read leaves a message
 * saying so rather than failing the caller: the HTTP status alone is still worth a
 * diagnostic. See errors.h for the contract.
 */
#include "aws/errors.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/alloc.h"

#define DESCRIBE_TEXT_MAX 512
#define LOCAL_TEXT_MAX 8192   /* our own messages: the credential chain's list of sources */
#define EXCERPT_MAX 200

/* ---- lifetime ----------------------------------------------------------------------- */

void aws_error_init(struct aws_error *e)
{
    *e = (struct aws_error){.transport = XA_OK};
}

void aws_error_cleanup(struct aws_error *e)
{
    if (!e)
        return;
    xa_free(e->operation);
    xa_free(e->code);
    xa_free(e->message);
    xa_free(e->request_id);
    xa_free(e->transport_detail);
    xa_free(e->endpoint);
    aws_error_init(e);
}

void aws_error_reset(struct aws_error *e) { aws_error_cleanup(e); }

void aws_error_move(struct aws_error *dst, struct aws_error *src)
{
    if (dst == src)
        return;
    aws_error_cleanup(dst);
    *dst = *src;
    aws_error_init(src);
}

/* ---- setters ------------------------------------------------------------------------ */

/* Replaces *field with a copy of the first n bytes of s (s NULL clears). */
static enum xa_status set_field_n(char **field, const char *s, size_t n)
{
    char *copy = NULL;
    if (s) {
        copy = xa_strndup(s, n);
        if (!copy)
            return XA_ENOMEM;
    }
    xa_free(*field);
    *field = copy;
    return XA_OK;
}

static enum xa_status set_field(char **field, const char *s)
{
    return set_field_n(field, s, s ? strlen(s) : 0);
}

enum xa_status aws_error_set_operation(struct aws_error *e, const char *operation)
{
    return set_field(&e->operation, operation);
}

enum xa_status aws_error_set_endpoint(struct aws_error *e, const char *endpoint)
{
    return set_field(&e->endpoint, endpoint);
}

enum xa_status aws_error_set_code(struct aws_error *e, const char *code)
{
    return set_field(&e->code, code);
}

enum xa_status aws_error_set_message(struct aws_error *e, const char *message)
{
    return set_field(&e->message, message);
}

enum xa_status aws_error_set_messagef(struct aws_error *e, const char *fmt, ...)
{
    struct xbuf b;
    xbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    enum xa_status st = xbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    if (st == XA_OK)
        st = aws_error_set_message(e, xbuf_cstr(&b));
    xbuf_cleanup(&b);
    return st;
}

enum xa_status aws_error_set_request_id(struct aws_error *e, const char *request_id)
{
    return set_field(&e->request_id, request_id);
}

enum xa_status aws_error_set_transport(struct aws_error *e, enum xa_status transport,
                                       const char *detail)
{
    enum xa_status st = set_field(&e->transport_detail, detail);
    if (st != XA_OK)
        return st;
    e->transport = transport == XA_OK ? XA_EIO : transport;
    e->http_status = 0;
    return XA_OK;
}

bool aws_error_is(const struct aws_error *e, const char *code)
{
    return e && code && e->code && strcmp(e->code, code) == 0;
}

bool aws_error_may_have_applied(const struct aws_error *e)
{
    return e && e->attempts > 0 &&
           (e->transport != XA_OK || e->http_status >= 500 || e->attempts > 1);
}

/* ---- shared parsing helpers --------------------------------------------------------- */

/* Sets the code from a raw value: "Name:http://..." keeps "Name", "ns#Name" keeps "Name",
 * surrounding blanks dropped. An empty result leaves the code unset. */
static enum xa_status set_code_clean(struct aws_error *e, const char *raw)
{
    const char *hash = strrchr(raw, '#');
    const char *start = hash ? hash + 1 : raw;
    while (*start == ' ' || *start == '\t')
        start++;
    size_t n = strcspn(start, ":");
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
        n--;
    if (n == 0)
        return XA_OK;
    return set_field_n(&e->code, start, n);
}

/* A message for a body nobody could read: a short printable excerpt. */
static enum xa_status set_unreadable(struct aws_error *e, const char *what, const void *body,
                                     size_t len)
{
    struct xbuf b;
    xbuf_init(&b);
    enum xa_status st = xbuf_appendf(&b, "the error answer was not readable %s", what);
    if (st == XA_OK && len > 0) {
        const unsigned char *p = body;
        size_t n = len < EXCERPT_MAX ? len : EXCERPT_MAX;
        st = xbuf_append_str(&b, " (starts with \"");
        for (size_t i = 0; st == XA_OK && i < n; i++)
            st = xbuf_append_char(&b, (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"') ? (char)p[i]
                                                                                   : '?');
        if (st == XA_OK)
            st = xbuf_append_str(&b, len > n ? "...\")" : "\")");
    }
    if (st == XA_OK)
        st = aws_error_set_message(e, xbuf_cstr(&b));
    xbuf_cleanup(&b);
    return st;
}

static bool blank(const char *s) { return !s || !*s; }

/* ---- rest-json ---------------------------------------------------------------------- */

static const char *json_str_field(json_t *obj, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        json_t *v = json_object_get(obj, names[i]);
        if (json_is_string(v) && json_string_length(v) > 0)
            return json_string_value(v);
    }
    return NULL;
}

/* Lambda puts "User" or "Service" in "Type": that says whose fault it was, not which error. */
static bool is_fault_class(const char *s)
{
    return strcmp(s, "User") == 0 || strcmp(s, "Service") == 0 || strcmp(s, "Server") == 0;
}

static enum xa_status parse_json_body(struct aws_error *e, const void *body, size_t len,
                                      bool need_code)
{
    static const char *const msg_names[] = {"message", "Message", "errorMessage", NULL};
    static const char *const code_names[] = {"__type", "code", "Code", NULL};
    enum xa_status st = XA_OK;
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        st = set_unreadable(e, "as JSON", body, len);
        goto out;
    }
    const char *msg = json_str_field(root, msg_names);
    if (msg)
        st = aws_error_set_message(e, msg);
    if (st == XA_OK && need_code) {
        const char *code = json_str_field(root, code_names);
        if (!code) {
            json_t *t = json_object_get(root, "Type");
            if (json_is_string(t) && !is_fault_class(json_string_value(t)))
                code = json_string_value(t);
        }
        if (code)
            st = set_code_clean(e, code);
    }
out:
    json_decref(root);
    return st;
}

static bool all_blank(const void *body, size_t len)
{
    const unsigned char *p = body;
    for (size_t i = 0; i < len; i++)
        if (!isspace(p[i]))
            return false;
    return true;
}

enum xa_status aws_error_parse_rest_json(struct aws_error *e, long http_status,
                                         const char *error_type_header,
                                         const char *request_id_header,
                                         const void *body, size_t len)
{
    enum xa_status st = XA_OK;
    e->http_status = http_status;
    e->transport = XA_OK;
    if (!blank(error_type_header))
        st = set_code_clean(e, error_type_header);
    if (st == XA_OK && !blank(request_id_header))
        st = aws_error_set_request_id(e, request_id_header);
    if (st != XA_OK || !body || all_blank(body, len))
        return st;
    if (len > AWS_ERROR_MAX_BODY)
        return aws_error_set_message(e, "the error answer was too large to read");
    return parse_json_body(e, body, len, e->code == NULL);
}

/* ---- query XML ---------------------------------------------------------------------- */

static xmlNode *xml_child(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* Copies the text of parent/<name> into *field when present and non-empty. */
static enum xa_status xml_take_text(xmlNode *parent, const char *name, char **field)
{
    xmlNode *n = xml_child(parent, name);
    if (!n)
        return XA_OK;
    xmlChar *text = xmlNodeGetContent(n);
    enum xa_status st = XA_OK;
    if (text && *text)
        st = set_field(field, (const char *)text);
    xmlFree(text);
    return st;
}

/* libxml2 must be initialised once before threads parse concurrently. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

static enum xa_status parse_xml_body(struct aws_error *e, const void *body, size_t len,
                                     bool have_request_id)
{
    enum xa_status st = XA_OK;
    pthread_once(&xml_once, xml_init);
    /* XML_PARSE_NONET: no network; no XML_PARSE_NOENT / DTDLOAD: entities stay unexpanded. */
    xmlDoc *doc = xmlReadMemory(body, (int)len, "aws-error.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    /* AWS never sends a DTD; one in an answer is an attack (entities), not an error. */
    if (doc && (doc->intSubset || doc->extSubset))
        root = NULL;
    if (!root) {
        st = set_unreadable(e, "as XML", body, len);
        goto out;
    }
    /* STS: <ErrorResponse><Error>...</Error><RequestId/>; some services: <Response>
     * <Errors><Error>...; a bare <Error> root also occurs. */
    xmlNode *err = NULL;
    if (strcmp((const char *)root->name, "Error") == 0)
        err = root;
    else
        err = xml_child(root, "Error");
    if (!err)
        err = xml_child(xml_child(root, "Errors"), "Error");
    if (!err) {
        st = set_unreadable(e, "(no Error element)", body, len);
        goto out;
    }
    char *code = NULL;
    st = xml_take_text(err, "Code", &code);
    if (st == XA_OK && code)
        st = set_code_clean(e, code);
    xa_free(code);
    if (st == XA_OK)
        st = xml_take_text(err, "Message", &e->message);
    if (st == XA_OK && !have_request_id) {
        st = xml_take_text(root, "RequestId", &e->request_id);
        if (st == XA_OK && !e->request_id)
            st = xml_take_text(root, "RequestID", &e->request_id);
    }
out:
    xmlFreeDoc(doc);
    return st;
}

enum xa_status aws_error_parse_query_xml(struct aws_error *e, long http_status,
                                         const char *request_id_header,
                                         const void *body, size_t len)
{
    enum xa_status st = XA_OK;
    e->http_status = http_status;
    e->transport = XA_OK;
    bool have_rid = !blank(request_id_header);
    if (have_rid)
        st = aws_error_set_request_id(e, request_id_header);
    if (st != XA_OK || !body || all_blank(body, len))
        return st;
    if (len > AWS_ERROR_MAX_BODY)
        return aws_error_set_message(e, "the error answer was too large to read");
    return parse_xml_body(e, body, len, have_rid);
}

enum xa_status aws_error_parse_any(struct aws_error *e, long http_status,
                                   const char *error_type_header,
                                   const char *request_id_header,
                                   const void *body, size_t len)
{
    const unsigned char *p = body;
    size_t i = 0;
    while (p && i < len && isspace(p[i]))
        i++;
    if (p && i < len && p[i] == '<') {
        enum xa_status st = XA_OK;
        if (!blank(error_type_header))
            st = set_code_clean(e, error_type_header);
        return st != XA_OK ? st
                           : aws_error_parse_query_xml(e, http_status, request_id_header, body,
                                                       len);
    }
    return aws_error_parse_rest_json(e, http_status, error_type_header, request_id_header,
                                     body, len);
}

/* ---- description -------------------------------------------------------------------- */

/* Appends text cut to max bytes, control characters as spaces (line breaks too unless
 * lines is set). */
static enum xa_status append_bounded(struct xbuf *out, const char *s, size_t max, bool lines)
{
    size_t n = strlen(s);
    bool cut = n > max;
    if (cut)
        n = max;
    enum xa_status st = XA_OK;
    for (size_t i = 0; st == XA_OK && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = c >= 0x20 ? c != 0x7f : lines && c == '\n';
        st = xbuf_append_char(out, keep ? (char)c : ' ');
    }
    if (st == XA_OK && cut)
        st = xbuf_append_str(out, "...");
    return st;
}

/* Untrusted text from an answer: one line, at most DESCRIBE_TEXT_MAX bytes. */
static enum xa_status append_untrusted(struct xbuf *out, const char *s)
{
    return append_bounded(out, s, DESCRIBE_TEXT_MAX, false);
}

/* " (request id X, N attempts)" or the parts that are known. */
static enum xa_status append_trailer(const struct aws_error *e, struct xbuf *out)
{
    bool rid = !blank(e->request_id);
    bool att = e->attempts > 0;
    enum xa_status st = XA_OK;
    if (!rid && !att)
        return XA_OK;
    st = xbuf_append_str(out, " (");
    if (st == XA_OK && rid) {
        st = xbuf_append_str(out, "request id ");
        if (st == XA_OK)
            st = append_untrusted(out, e->request_id);
    }
    if (st == XA_OK && att)
        st = xbuf_appendf(out, "%s%d attempt%s", rid ? ", " : "", e->attempts,
                          e->attempts == 1 ? "" : "s");
    if (st == XA_OK)
        st = xbuf_append_char(out, ')');
    return st;
}

/* Ends the description with one period, unless the text already ends a sentence. */
static enum xa_status end_sentence(struct xbuf *out)
{
    char last = out->len ? out->data[out->len - 1] : '\0';
    return last == '.' || last == '!' || last == '?' ? XA_OK : xbuf_append_char(out, '.');
}

static enum xa_status describe_transport(const struct aws_error *e, const char *op,
                                         struct xbuf *out)
{
    enum xa_status st;
    if (e->transport == XA_ECANCELED)
        st = xbuf_appendf(out, "%s was cancelled before AWS answered", op);
    else
        st = xbuf_appendf(out, "%s could not reach %s", op,
                          blank(e->endpoint) ? "AWS" : e->endpoint);
    if (st == XA_OK && e->attempts > 0)
        st = xbuf_appendf(out, " after %d attempt%s", e->attempts, e->attempts == 1 ? "" : "s");
    if (st == XA_OK && e->transport != XA_ECANCELED)
        st = xbuf_appendf(out, ": %s", e->transport == XA_EIO         ? "connection failed"
                                       : e->transport == XA_ETIMEDOUT ? "timed out"
                                                                      : xa_status_str(e->transport));
    if (st == XA_OK && !blank(e->transport_detail)) {
        st = xbuf_append_str(out, " (");
        if (st == XA_OK)
            st = append_untrusted(out, e->transport_detail);
        if (st == XA_OK)
            st = xbuf_append_char(out, ')');
    }
    return st == XA_OK ? end_sentence(out) : st;
}

static enum xa_status describe_answer(const struct aws_error *e, const char *op,
                                      struct xbuf *out)
{
    enum xa_status st = xbuf_appendf(out, "%s failed", op);
    const char *sep = ": ";
    if (st == XA_OK && e->http_status > 0) {
        st = xbuf_appendf(out, "%sHTTP %ld", sep, e->http_status);
        sep = ", ";
    }
    if (st == XA_OK && !blank(e->code)) {
        st = xbuf_append_str(out, sep);
        if (st == XA_OK)
            st = append_untrusted(out, e->code);
        sep = ": ";
    }
    if (st == XA_OK && !blank(e->message)) {
        st = xbuf_append_str(out, sep);
        if (st == XA_OK)
            st = append_untrusted(out, e->message);
    }
    if (st == XA_OK)
        st = append_trailer(e, out);
    if (st == XA_OK && e->throttled)
        st = xbuf_append_str(out, ". AWS kept throttling the requests; try again later or "
                                  "lower -parallelism");
    return st == XA_OK ? end_sentence(out) : st;
}

enum xa_status aws_error_describe(const struct aws_error *e, struct xbuf *out)
{
    const char *op = blank(e->operation) ? "The AWS request" : e->operation;
    if (e->transport != XA_OK)
        return describe_transport(e, op, out);
    bool local = blank(e->operation) && e->http_status == 0 && blank(e->code) &&
                 blank(e->request_id) && !blank(e->message);
    if (local) {
        /* Our own sentence (a local check, or a chain that already described its AWS
         * call): no "The AWS request failed" in front of it. */
        enum xa_status st = append_bounded(out, e->message, LOCAL_TEXT_MAX, true);
        return st == XA_OK ? end_sentence(out) : st;
    }
    return describe_answer(e, op, out);
}
