/* scripts/docgen.c - writes the argument and attribute reference of docs/ from the same
 * tables the provider serves, so the documentation cannot drift from the code.
 *
 * Each docs page holds generated sections between the markers
 *   <!-- xacct-docgen:begin NAME -->  and  <!-- xacct-docgen:end -->
 * where NAME is "provider", a resource type name, a data source type name, "identity:TYPE"
 * (the resource type's identity), "list:TYPE" (a list resource's config block),
 * "action:TYPE" or "function:NAME" (signature, arguments, return type) - tfplugindocs'
 * sections. `xacct-docgen --write DOCS_DIR` rewrites those sections in index.md and every
 * page of resources/, data-sources/, functions/, list-resources/, actions/ and guides/;
 * `--check DOCS_DIR` exits 1 when a page is out of date (a ctest runs it). Everything
 * outside the markers is prose written by hand.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "core/data_source.h"
#include "core/function.h"
#include "core/identity.h"
#include "core/list_resource.h"
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

static const struct resource_type *resource_named(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.nresources; i++)
        if (strcmp(xacct_provider_type.resources[i]->name, name) == 0)
            return xacct_provider_type.resources[i];
    return NULL;
}

static const struct schema *data_source_named(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.ndata_sources; i++)
        if (strcmp(xacct_provider_type.data_sources[i]->name, name) == 0)
            return xacct_provider_type.data_sources[i]->schema;
    return NULL;
}

static const struct schema *list_named(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.nlist_resources; i++)
        if (strcmp(xacct_provider_type.list_resources[i]->name, name) == 0)
            return xacct_provider_type.list_resources[i]->schema;
    return NULL;
}

static const struct schema *action_named(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.nactions; i++)
        if (strcmp(xacct_provider_type.actions[i]->name, name) == 0)
            return xacct_provider_type.actions[i]->schema;
    return NULL;
}

static const struct function_type *function_named(const char *name)
{
    for (size_t i = 0; i < xacct_provider_type.nfunctions; i++)
        if (strcmp(xacct_provider_type.functions[i]->name, name) == 0)
            return xacct_provider_type.functions[i];
    return NULL;
}

/* tfplugindocs' "Identity Schema": what an import block's identity takes. */
static void identity_reference(const struct identity_schema *s, struct xbuf *out)
{
    xbuf_append_str(out, "### Identity Schema\n\n");
    for (int pass = 0; pass < 2; pass++) {
        xbuf_appendf(out, "%s\n\n", pass == 0 ? "#### Required" : "\n#### Optional");
        for (size_t i = 0; i < s->nattrs; i++)
            if (s->attrs[i].required_for_import == (pass == 0))
                xbuf_appendf(out, "- `%s` (String) %s\n", s->attrs[i].name,
                             s->attrs[i].description ? s->attrs[i].description : "");
    }
}

static const char *hcl_type(const struct type *t)
{
    switch (t->kind) {
    case TYPE_STRING: return "string";
    case TYPE_NUMBER: return "number";
    case TYPE_BOOL: return "bool";
    default: return type_kind_name(t->kind);
    }
}

/* tfplugindocs' function sections: Signature, Arguments, Return Type. */
static void function_reference(const struct function_type *f, struct xbuf *out)
{
    const struct schema_block *ps = f->params;
    xbuf_appendf(out, "## Signature\n\n```text\n%s(", f->name);
    for (size_t i = 0; i < ps->nattrs; i++)
        xbuf_appendf(out, "%s%s %s", i ? ", " : "", ps->attrs[i].name, hcl_type(ps->attrs[i].type));
    xbuf_appendf(out, ") %s\n```\n\n## Arguments\n\n",
                 f->result_object ? "object" : hcl_type(f->result->attrs[0].type));
    for (size_t i = 0; i < ps->nattrs; i++) {
        xbuf_appendf(out, "1. `%s` (", ps->attrs[i].name);
        type_name(ps->attrs[i].type, out);
        xbuf_appendf(out, "%s) %s\n", (ps->attrs[i].flags & ATTR_OPTIONAL) ? ", nullable" : "",
                     ps->attrs[i].description ? ps->attrs[i].description : "");
    }
    if (!f->result_object) {
        xbuf_appendf(out, "\n## Return Type\n\nThe return type of `%s` is a %s.\n", f->name,
                     hcl_type(f->result->attrs[0].type));
        return;
    }
    xbuf_appendf(out, "\n## Return Type\n\nThe return type of `%s` is an object with these "
                      "attributes:\n\n", f->name);
    for (size_t i = 0; i < f->result->nattrs; i++)
        xbuf_appendf(out, "- `%s` (%s) %s\n", f->result->attrs[i].name,
                     hcl_type(f->result->attrs[i].type), f->result->attrs[i].description);
}

/* The generated text of section `name`; false when there is no such thing. */
static bool render(const char *name, struct xbuf *out)
{
    const struct resource_type *r;
    const struct schema *s;
    const struct function_type *f;
    if (strcmp(name, "provider") == 0)
        block_reference(&xacct_provider_type.schema->block, "Argument Reference", 2, out);
    else if (strncmp(name, "identity:", 9) == 0 && (r = resource_named(name + 9)) && r->identity)
        identity_reference(r->identity, out);
    else if (strncmp(name, "list:", 5) == 0 && (s = list_named(name + 5)))
        block_reference(&s->block, "Configuration", 2, out);
    else if (strncmp(name, "action:", 7) == 0 && (s = action_named(name + 7)))
        block_reference(&s->block, "Schema", 2, out);
    else if (strncmp(name, "function:", 9) == 0 && (f = function_named(name + 9)))
        function_reference(f, out);
    else if ((r = resource_named(name)))
        block_reference(&r->schema->block, "Schema", 2, out);
    else if ((s = data_source_named(name)))
        block_reference(&s->block, "Schema", 2, out);
    else
        return false;
    return true;
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
        struct xbuf section;
        xbuf_init(&section);
        bool known = render(sname, &section);
        if (known) {
            xbuf_append(&out, p, (size_t)(name_end + 4 - p));
            xbuf_append_str(&out, "\n<!-- generated from the schema table: edit the code, then "
                                  "run `build/xacct-docgen --write docs` -->\n\n");
            xbuf_append(&out, section.data, section.len);
            xbuf_append_char(&out, '\n');
        }
        xbuf_cleanup(&section);
        if (!known) {
            fprintf(stderr, "docgen: %s: nothing named \"%s\" to document\n", path, sname);
            goto done;
        }
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

/* The pages of one folder (".md" files, in name order), processed; the worst result. */
static int process_folder(const char *docs, const char *folder, bool write)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", docs, folder);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), worst = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 3 && strcmp(names[i]->d_name + len - 3, ".md") == 0) {
            char path[4096 + 256];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            int rc = process_page(path, write);
            worst = rc > worst ? rc : worst;
        }
        free(names[i]);
    }
    free(names);
    return worst;
}

int main(int argc, char **argv)
{
    static const char *const folders[] = {"resources", "data-sources", "functions",
                                          "list-resources", "actions", "guides"};
    if (argc != 3 || (strcmp(argv[1], "--write") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: xacct-docgen --write|--check DOCS_DIR\n");
        return 2;
    }
    bool write = strcmp(argv[1], "--write") == 0;
    char index[4096];
    snprintf(index, sizeof index, "%s/index.md", argv[2]);
    int worst = process_page(index, write);
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        int rc = process_folder(argv[2], folders[i], write);
        worst = rc > worst ? rc : worst;
    }
    return worst;
}
