/* tests/tools/xacct-query - what `terraform query -generate-config-out` (Terraform 1.14)
 * does with one list block, for the CLIs on these machines (Terraform 1.11, OpenTofu
 * 1.6), which have no `terraform query`: it launches the provider as Terraform does
 * (tests/support), configures it, runs ListResource and, for every object found,
 * GenerateResourceConfig, then prints HCL - an import block (by ID, which both CLIs
 * read; Terraform 1.12+ could import by the identity the result carries) and the
 * generated resource block. tests/cli/scenarios/query.sh plans that HCL with a real CLI.
 *
 *   xacct-query PROVIDER_CONFIG_JSON PROVIDER_REF TYPE LIST_CONFIG_JSON NAME
 *
 * PROVIDER_REF is what the resource blocks' `provider` says (e.g. xacct.api); NAME
 * prefixes the resource names (NAME_0, NAME_1, ...). The provider binary is
 * $XACCT_PROVIDER_BIN, else the build's. Exit status 0, or 1 with the reason on stderr.
 * The import ID from an identity is each type's import format (the one place this tool
 * knows the types).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/provider.h"
#include "resources/registry.h"
#include "tests/support/xt.h"
#include "util/buf.h"

/* An HCL string literal: quotes, escapes, and template sequences doubled. */
static void hcl_string(struct xbuf *out, const char *s)
{
    xbuf_append_char(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            xbuf_appendf(out, "\\%c", *s);
        else if (*s == '\n')
            xbuf_append_str(out, "\\n");
        else if ((*s == '$' || *s == '%') && s[1] == '{')
            xbuf_appendf(out, "%c%c", *s, *s);
        else
            xbuf_append_char(out, *s);
    }
    xbuf_append_char(out, '"');
}

static void hcl_value(struct xbuf *out, const struct value *v)
{
    const struct type *t = value_type(v);
    bool b;
    switch (t->kind) {
    case TYPE_STRING: hcl_string(out, value_get_string(v)); break;
    case TYPE_NUMBER: xbuf_append_str(out, value_number_text(v)); break;
    case TYPE_BOOL: xbuf_append_str(out, value_get_bool(v, &b) && b ? "true" : "false"); break;
    case TYPE_MAP:
        xbuf_append_str(out, "{");
        for (size_t i = 0; i < value_length(v); i++) {
            xbuf_append_str(out, i ? ", " : " ");
            hcl_string(out, value_map_key(v, i));
            xbuf_append_str(out, " = ");
            hcl_value(out, value_index(v, i));
        }
        xbuf_append_str(out, " }");
        break;
    default:    /* lists and sets */
        xbuf_append_str(out, "[");
        for (size_t i = 0; i < value_length(v); i++) {
            xbuf_append_str(out, i ? ", " : "");
            hcl_value(out, value_index(v, i));
        }
        xbuf_append_str(out, "]");
        break;
    }
}

/* The import ID (hashicorp/aws's formats) of an identity. */
static void import_id(struct xbuf *out, const char *type, const struct value *id)
{
    if (!strcmp(type, "xacct_lambda_integration")) {
        xbuf_appendf(out, "%s/%s/%s", value_attr_string(id, "rest_api_id"),
                     value_attr_string(id, "resource_id"), value_attr_string(id, "http_method"));
        return;
    }
    if (!strcmp(type, "xacct_lambda_authorizer")) {
        xbuf_appendf(out, "%s/%s", value_attr_string(id, "rest_api_id"),
                     value_attr_string(id, "authorizer_id"));
        return;
    }
    if (!strcmp(type, "xacct_lambda_permission")) {
        const char *q = value_attr_string(id, "qualifier");
        xbuf_appendf(out, "%s%s%s/%s", value_attr_string(id, "function_name"), q ? ":" : "",
                     q ? q : "", value_attr_string(id, "statement_id"));
        return;
    }
    fprintf(stderr, "xacct-query: no import ID format for %s\n", type);
    exit(1);
}

/* The import block and the resource block of one result. */
static void print_result(const char *type, const char *name, size_t i, const char *ref,
                         const struct value *id, const char *display, const struct value *config)
{
    struct xbuf out;
    xbuf_init(&out);
    xbuf_appendf(&out, "# %s\nimport {\n  to = %s.%s_%zu\n  id = ", display, type, name, i);
    struct xbuf idtext;
    xbuf_init(&idtext);
    import_id(&idtext, type, id);
    hcl_string(&out, xbuf_cstr(&idtext));
    xbuf_appendf(&out, "\n}\n\nresource \"%s\" \"%s_%zu\" {\n  provider = %s\n", type, name, i,
                 ref);
    const struct type *t = value_type(config);
    for (size_t k = 0; k < t->nattrs; k++) {
        const struct value *v = value_attr(config, t->attrs[k].name);
        if (value_is_null(v))
            continue;
        xbuf_appendf(&out, "  %s = ", t->attrs[k].name);
        hcl_value(&out, v);
        xbuf_append_char(&out, '\n');
    }
    xbuf_append_str(&out, "}\n\n");
    fputs(xbuf_cstr(&out), stdout);
    xbuf_cleanup(&idtext);
    xbuf_cleanup(&out);
}

static struct value *from_json(const struct type *t, const char *json, const char *what)
{
    struct diags d;
    diags_init(&d);
    struct value *v = t ? codec_json_decode(json, strlen(json), t, false, &d) : NULL;
    if (!v || diags_has_error(&d)) {
        fprintf(stderr, "xacct-query: %s is not valid JSON of its type%s\n", what,
                t ? "" : " (no such list resource type)");
        value_free(v);
        v = NULL;
    }
    diags_cleanup(&d);
    return v;
}

/* ListResource, then GenerateResourceConfig per result; 0 or 1. */
static int query(struct xt_provider *p, const char *ref, const char *type,
                 const struct value *config, const char *name)
{
    struct xt_list l;
    struct xt_result r;
    int rc = 0;
    xt_result_init(&r);
    if (xt_list_resources(p, type, config, true, 100, &l) != 0)
        rc = 1;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const struct xt_result *ev = &l.events[i];
        if (xt_has_error(ev) || !ev->identity || !ev->value) {
            xt_print_diags(ev);
            rc = 1;
        } else if (xt_generate_config(p, type, ev->value, &r) != 0 || xt_has_error(&r)) {
            xt_print_diags(&r);
            rc = 1;
        } else {
            print_result(type, name, i, ref, ev->identity, xbuf_cstr(&ev->raw), r.value);
        }
    }
    xt_list_cleanup(&l);
    xt_result_cleanup(&r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: xacct-query PROVIDER_CONFIG_JSON PROVIDER_REF TYPE "
                        "LIST_CONFIG_JSON NAME\n");
        return 2;
    }
    struct value *pc = from_json(xt_provider_config_type(), argv[1], "the provider config");
    struct value *lc = from_json(xt_list_config_type(argv[3]), argv[4], "the list config");
    struct xt_provider *p = pc && lc ? xt_start(&(struct xt_options){
                                           .binary = getenv("XACCT_PROVIDER_BIN"),
                                           .timeout_ms = 60000})
                                     : NULL;
    struct xt_result r;
    int rc = 1;
    xt_result_init(&r);
    if (p && xt_configure(p, pc, &r) == 0 && !xt_has_error(&r))
        rc = query(p, argv[2], argv[3], lc, argv[5]);
    else if (p)
        xt_print_diags(&r);
    if (p && xt_stop(p, NULL) != 0)
        rc = 1;
    xt_result_cleanup(&r);
    value_free(pc);
    value_free(lc);
    return rc;
}
