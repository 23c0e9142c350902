/* core/function.c - calling provider functions (see function.h).
 *
 * The positional arguments become one object of the parameters' implied type (by
 * parameter name), which core/model.h decodes into the arguments' model; the function
 * fills the result's model, encoded back as an object (or its one attribute). Terraform
 * itself refuses a null argument where a parameter takes none and does not call a
 * function with unknown arguments; the same checks are made here against hostile
 * requests, each with the index of the argument.
 */
#include "core/function.h"

#include <stdarg.h>
#include <string.h>

#include "core/model.h"
#include "core/provider.h"
#include "util/alloc.h"
#include "util/buf.h"

void function_error_init(struct function_error *e)
{
    *e = (struct function_error){.argument = -1};
}

void function_error_cleanup(struct function_error *e)
{
    xa_free(e->text);
    function_error_init(e);
}

void function_error_set(struct function_error *e, int64_t argument, const char *fmt, ...)
{
    if (e->text)
        return;
    struct xbuf b;
    va_list ap;
    xbuf_init(&b);
    va_start(ap, fmt);
    enum xa_status st = xbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    /* Out of memory still leaves an error: the static text is copied when it can be. */
    e->text = st == XA_OK ? xbuf_take(&b) : xa_strdup("out of memory");
    e->argument = argument;
    xbuf_cleanup(&b);
}

const struct function_type *function_of(struct provider *p, const char *name)
{
    const struct provider_type *pt = provider_get_type(p);
    for (size_t i = 0; pt && name && i < pt->nfunctions; i++)
        if (strcmp(pt->functions[i]->name, name) == 0)
            return pt->functions[i];
    return NULL;
}

const struct type *function_return_type(const struct function_type *f)
{
    if (f->result_object)
        return schema_implied_type(f->result);
    return f->result->nattrs == 1 ? f->result->attrs[0].type : NULL;
}

/* The arguments as one object of the parameters' type; NULL with *err set. */
static struct value *arguments(const struct function_type *f, const struct value *const *args,
                               size_t n, struct function_error *err)
{
    const struct schema_block *ps = f->params;
    if (n != ps->nattrs) {
        function_error_set(err, -1, "%s takes %zu arguments, not %zu", f->name, ps->nattrs, n);
        return NULL;
    }
    const struct type *t = schema_implied_type(ps);
    struct value *obj = t ? value_new_object(t) : NULL;
    for (size_t i = 0; obj && i < n; i++) {
        const struct schema_attribute *a = &ps->attrs[i];
        if (!value_is_wholly_known(args[i]) ||
            (value_is_null(args[i]) && !(a->flags & ATTR_OPTIONAL))) {
            function_error_set(err, (int64_t)i, "%s must be %s", a->name,
                               value_is_null(args[i]) ? "given (it cannot be null)" : "known");
            value_free(obj);
            return NULL;
        }
        if (!value_object_set(obj, a->name, value_clone(args[i]))) {
            value_free(obj);
            obj = NULL;
        }
    }
    if (!obj)
        function_error_set(err, -1, "the provider ran out of memory, or an argument does not "
                                    "have the parameter's type");
    return obj;
}

/* The first argument a decoding diagnostic names, or -1. */
static int64_t argument_of(const struct function_type *f, const struct diags *d)
{
    for (size_t i = 0; i < d->len; i++)
        for (size_t k = 0; d->items[i].has_path && d->items[i].path.len && k < f->params->nattrs; k++)
            if (strcmp(d->items[i].path.steps[0].name, f->params->attrs[k].name) == 0)
                return (int64_t)k;
    return -1;
}

static struct value *result_value(const struct function_type *f, const void *result,
                                  struct diags *d)
{
    struct value *obj = model_encode(f->result, result, d);
    if (!obj || f->result_object)
        return obj;
    struct value *one = value_clone(value_attr(obj, f->result->attrs[0].name));
    value_free(obj);
    return one;
}

struct value *function_call(const struct function_type *f, const struct value *const *args,
                            size_t n, struct function_error *err)
{
    struct diags d;
    diags_init(&d);
    struct value *argv = arguments(f, args, n, err), *out = NULL;
    void *am = argv ? model_new(f->params, argv, &d) : NULL;
    void *rm = am ? model_new(f->result, NULL, &d) : NULL;
    if (argv && !am)
        function_error_set(err, argument_of(f, &d), "%s",
                           d.len ? d.items[0].detail : "the provider ran out of memory");
    if (rm && f->call(am, rm, err) && !(out = result_value(f, rm, &d)))
        function_error_set(err, -1, "%s", d.len ? d.items[0].detail : "cannot build the result");
    else if (rm && !out && !err->text)
        function_error_set(err, -1, "%s returned no result and no error (a bug in xacct)",
                           f->name);
    model_free(f->params, am);
    model_free(f->result, rm);
    value_free(argv);
    diags_cleanup(&d);
    return out;
}
