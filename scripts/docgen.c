/* scripts/docgen.c - writes the argument and attribute reference of docs/ from the same
 * schema tables the provider serves, so the documentation cannot drift from the code.
 *
 * Each docs page holds one generated section between the markers
 *   <!-- xacct-docgen:begin NAME -->  and  <!-- xacct-docgen:end -->
 * where NAME is "provider", a resource type name or a data source type name. `xacct-docgen --write DOCS_DIR`
 * rewrites those sections; `--check DOCS_DIR` exits 1 when a page is out of date (a ctest
 * runs it). Everything outside the markers is prose written by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/data_source.h"
#include "core/provider.h"
#include "core/schema.h"
#include "resources/registry.h"
#include "util/buf.h"

static const char begin_mark[] = "<!-- xacct-docgen:begin ";
static const char end_mark[] = "<!-- xacct-docgen:end -->";

static void type_name(const struct type *t, struct xbuf *out)
{
    switch (t->kind) {
    case TYPE_LIST: xbuf_append_str(out, "List of "); type_name(t->elem, out); break;
    case TYPE_SET: xbuf_append_str(out, "Set of "); type_name(t->elem, out); break;
    case TYPE_MAP: xbuf_append_str(out, "Map of "); type_name(t->elem, out); break;
    case TYPE_STRING: xbuf_append_str(out, "String"); break;
    case TYPE_NUMBER: xbuf_append_str(out, "Number"); break;
    case TYPE_BOOL: xbuf_append_str(out, "Boolean"); break;
    default: xbuf_append_str(out, type_kind_name(t->kind)); break;
    }
}

static void attribute_line(const struct schema_attribute *a, struct xbuf *out)
{
    unsigned f = a->flags;
    const char *presence = (f & ATTR_REQUIRED) ? "Required" : (f & ATTR_OPTIONAL) ? "Optional"
                                                                                  : "Computed";
    xbuf_appendf(out, "- `%s` (%s, ", a->name, presence);
    type_name(a->type, out);
    if ((f & ATTR_OPTIONAL) && (f & ATTR_COMPUTED))
        xbuf_append_str(out, ", computed when unset");
    if (f & ATTR_SENSITIVE)
        xbuf_append_str(out, ", sensitive");
    if (f & ATTR_REQUIRES_REPLACE)
        xbuf_append_str(out, ", forces replacement");
    if (f & ATTR_DEPRECATED)
        xbuf_append_str(out, ", deprecated");
    xbuf_appendf(out, ") %s", a->description ? a->description : "");
    if (a->default_json)
        xbuf_appendf(out, " Default: `%s`.", a->default_json);
    xbuf_append_char(out, '\n');
}

static void block_reference(const struct schema_block *b, const char *heading, int level,
                            struct xbuf *out)
{
    static const char *const nesting[] = {[NEST_SINGLE] = "single", [NEST_LIST] = "list",
                                          [NEST_SET] = "set", [NEST_MAP] = "map",
                                          [NEST_GROUP] = "group"};
    int args = 0, computed = 0;
    for (size_t i = 0; i < b->nattrs; i++) {
        if (b->attrs[i].flags & (ATTR_REQUIRED | ATTR_OPTIONAL))
            args++;
        else
            computed++;
    }
    xbuf_appendf(out, "%.*s %s\n\n", level, "######", heading);
    /* Required first, then optional, each in table (alphabetical) order. */
    for (int pass = 0; pass < 2 && args; pass++)
        for (size_t i = 0; i < b->nattrs; i++) {
            unsigned f = b->attrs[i].flags;
            if (pass == 0 ? (f & ATTR_REQUIRED) != 0 : (f & ATTR_OPTIONAL) != 0)
                attribute_line(&b->attrs[i], out);
        }
    for (size_t i = 0; i < b->nblocks; i++) {
        const struct schema_nested_block *nb = &b->blocks[i];
        xbuf_appendf(out, "- `%s` (Block %s", nb->name, nesting[nb->nesting]);
        if (nb->min_items)
            xbuf_appendf(out, ", at least %lld", (long long)nb->min_items);
        if (nb->max_items)
            xbuf_appendf(out, ", at most %lld", (long long)nb->max_items);
        xbuf_appendf(out, ") %s See [below](#nested-%s).\n",
                     nb->block->description ? nb->block->description : "", nb->name);
    }
    if (computed) {
        xbuf_appendf(out, "\n%.*s Read-only attributes\n\n", level + 1, "######");
        for (size_t i = 0; i < b->nattrs; i++)
            if (!(b->attrs[i].flags & (ATTR_REQUIRED | ATTR_OPTIONAL)))
                attribute_line(&b->attrs[i], out);
    }
    for (size_t i = 0; i < b->nblocks; i++) {
        struct xbuf h;
        xbuf_init(&h);
        xbuf_appendf(&h, "<a id=\"nested-%s\"></a>Nested block `%s`", b->blocks[i].name,
                     b->blocks[i].name);
        xbuf_append_char(out, '\n');
        block_reference(b->blocks[i].block, xbuf_cstr(&h), level + 1, out);
        xbuf_cleanup(&h);
    }
}

static const struct schema *schema_named(const char *name)
{
    if (strcmp(name, "provider") == 0)
        return xacct_provider_type.schema;
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (strcmp(xacct_provider_type.resources[i]->name, name) == 0)
            return xacct_provider_type.resources[i]->schema;
    for (size_t i = 0; i < xacct_provider_type.ndata_sources; i++)
        if (strcmp(xacct_provider_type.data_sources[i]->name, name) == 0)
            return xacct_provider_type.data_sources[i]->schema;
    return NULL;
}

static int read_file(const char *path, struct xbuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        xbuf_append(out, chunk, n);
    fclose(f);
    return 0;
}

/* Returns 0 when the page is current (or was rewritten), 1 when stale, 2 on error. */
static int process_page(const char *path, int write)
{
    struct xbuf in, out;
    xbuf_init(&in);
    xbuf_init(&out);
    int rc = 2;
    if (read_file(path, &in) != 0) {
        fprintf(stderr, "docgen: cannot read %s\n", path);
        goto done;
    }
    const char *p = xbuf_cstr(&in);
    for (;;) {
        const char *b = strstr(p, begin_mark);
        if (!b) {
            xbuf_append_str(&out, p);
            break;
        }
        const char *name = b + strlen(begin_mark);
        const char *name_end = strstr(name, " -->");
        const char *e = name_end ? strstr(name_end, end_mark) : NULL;
        if (!e) {
            fprintf(stderr, "docgen: %s: unterminated generated section\n", path);
            goto done;
        }
        char sname[128];
        snprintf(sname, sizeof sname, "%.*s", (int)(name_end - name), name);
        const struct schema *s = schema_named(sname);
        if (!s) {
            fprintf(stderr, "docgen: %s: no schema named \"%s\"\n", path, sname);
            goto done;
        }
        xbuf_append(&out, p, (size_t)(name_end + 4 - p));
        xbuf_append_str(&out, "\n<!-- generated from the schema table: edit the code, then run "
                              "`build/xacct-docgen --write docs` -->\n\n");
        block_reference(&s->block, strcmp(sname, "provider") == 0 ? "Argument Reference"
                                                                   : "Schema", 2, &out);
        xbuf_append_char(&out, '\n');
        p = e;
        xbuf_append_str(&out, end_mark);
        p += strlen(end_mark);
    }
    if (in.len == out.len && memcmp(xbuf_cstr(&in), xbuf_cstr(&out), in.len) == 0) {
        rc = 0;
    } else if (write) {
        FILE *f = fopen(path, "wb");
        rc = (f && fwrite(out.data, 1, out.len, f) == out.len) ? 0 : 2;
        if (f)
            fclose(f);
    } else {
        fprintf(stderr, "docgen: %s is out of date; run xacct-docgen --write docs\n", path);
        rc = 1;
    }
done:
    xbuf_cleanup(&in);
    xbuf_cleanup(&out);
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const pages[] = {"index.md", "resources/lambda_authorizer.md",
                                        "resources/lambda_integration.md",
                                        "resources/lambda_permission.md",
                                        "resources/stage_deployment.md",
                                        "data-sources/invoke_check.md"};
    if (argc != 3 || (strcmp(argv[1], "--write") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: xacct-docgen --write|--check DOCS_DIR\n");
        return 2;
    }
    int worst = 0;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[2], pages[i]);
        int rc = process_page(path, strcmp(argv[1], "--write") == 0);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}
