/* tfproto/function_rpcs.c - provider functions on the wire (protocol 5.5/6.5):
 * GetFunctions, CallFunction, and the Function messages GetProviderSchema lists.
 *
 * Terraform 1.8+ takes the functions from GetProviderSchema and never calls GetFunctions;
 * OpenTofu calls GetFunctions when a function it meets is not in the schema. Both are
 * built from the same tables (core/function.h). A failed call answers with a
 * FunctionError whose function_argument names the argument at fault, so Terraform
 * points at it ("Invalid function argument"); errors about the call as a whole leave it
 * unset ("Error in function call").
 */
#include "core/function.h"
#include "core/provider.h"
#include "tfproto/handlers.h"
#include "util/alloc.h"

static Tfplugin6__Function__Parameter *param_to_pb(struct tfproto_call *c,
                                                   const struct schema_attribute *a)
{
    Tfplugin6__Function__Parameter *pb = tfproto_alloc(&c->a, sizeof *pb);
    if (!pb)
        return NULL;
    tfplugin6__function__parameter__init(pb);
    pb->name = tfproto_strdup(&c->a, a->name);
    pb->description = tfproto_strdup(&c->a, a->description);
    pb->description_kind = TFPLUGIN6__STRING_KIND__MARKDOWN;
    pb->allow_null_value = (a->flags & ATTR_OPTIONAL) != 0;
    pb->allow_unknown_values = false;
    return tfproto_type_json(a->type, &c->a, &pb->type) ? pb : NULL;
}

Tfplugin6__Function *tfproto_function_to_pb(struct tfproto_call *c, const struct function_type *f)
{
    Tfplugin6__Function *pb = tfproto_alloc(&c->a, sizeof *pb);
    Tfplugin6__Function__Return *ret = tfproto_alloc(&c->a, sizeof *ret);
    Tfplugin6__Function__Parameter **params =
        tfproto_alloc(&c->a, (f->params->nattrs + 1) * sizeof *params);
    const struct type *rt = function_return_type(f);
    if (!pb || !ret || !params || !rt)
        return NULL;
    tfplugin6__function__init(pb);
    tfplugin6__function__return__init(ret);
    for (size_t i = 0; i < f->params->nattrs; i++)
        if (!(params[i] = param_to_pb(c, &f->params->attrs[i])))
            return NULL;
    pb->n_parameters = f->params->nattrs;
    pb->parameters = params;
    pb->summary = tfproto_strdup(&c->a, f->summary);
    pb->description = tfproto_strdup(&c->a, f->description);
    pb->description_kind = TFPLUGIN6__STRING_KIND__MARKDOWN;
    pb->return_ = ret;
    return tfproto_type_json(rt, &c->a, &ret->type) ? pb : NULL;
}

enum xa_status tfproto_get_functions(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    void *rq = tfproto_unpack(&tfplugin6__get_functions__request__descriptor, req, len);
    Tfplugin6__GetFunctions__Response rs = TFPLUGIN6__GET_FUNCTIONS__RESPONSE__INIT;
    const struct provider_type *pt = provider_get_type(p);
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_unpacked_free(rq);
    tfproto_call_init(&c);
    Tfplugin6__GetFunctions__Response__FunctionsEntry **entries =
        tfproto_alloc(&c.a, (pt->nfunctions + 1) * sizeof *entries);
    for (size_t i = 0; entries && i < pt->nfunctions; i++) {
        if (!(entries[i] = tfproto_alloc(&c.a, sizeof *entries[i])))
            break;
        tfplugin6__get_functions__response__functions_entry__init(entries[i]);
        entries[i]->key = tfproto_strdup(&c.a, pt->functions[i]->name);
        entries[i]->value = tfproto_function_to_pb(&c, pt->functions[i]);
    }
    rs.n_functions = entries ? pt->nfunctions : 0;
    rs.functions = entries;
    return tfproto_call_finish(&c, &rs.base, out);
}

/* The arguments as values of the parameters' types (NULL entries where n is short); false
 * with *err set when one does not decode. */
static bool decode_args(const struct function_type *f, const Tfplugin6__CallFunction__Request *rq,
                        struct value **args, struct function_error *err)
{
    for (size_t i = 0; i < rq->n_arguments && i < f->params->nattrs; i++) {
        struct diags d;
        diags_init(&d);
        args[i] = tfproto_dv_decode(rq->arguments[i], f->params->attrs[i].type, "argument", &d);
        if (!args[i])
            function_error_set(err, (int64_t)i, "%s does not have the parameter's type (%s)",
                               f->params->attrs[i].name,
                               d.len > 1 ? d.items[1].detail : d.len ? d.items[0].detail : "?");
        diags_cleanup(&d);
        if (!args[i])
            return false;
    }
    return true;
}

/* The result of a call to f, or NULL with *err set. */
static struct value *call(const struct function_type *f, const Tfplugin6__CallFunction__Request *rq,
                          struct function_error *err)
{
    size_t n = rq->n_arguments;
    struct value **args = n ? xa_calloc(n, sizeof *args) : NULL;
    struct value *result = NULL;
    if (n && !args)
        function_error_set(err, -1, "the provider ran out of memory");
    else if (n > f->params->nattrs)
        function_error_set(err, -1, "%s takes %zu arguments, not %zu", f->name,
                           f->params->nattrs, n);
    else if (decode_args(f, rq, args, err))
        result = function_call(f, (const struct value *const *)args, n, err);
    for (size_t i = 0; args && i < n; i++)
        value_free(args[i]);
    xa_free(args);
    return result;
}

enum xa_status tfproto_call_function(struct provider *p, const uint8_t *req, size_t len,
                                     struct xbuf *out)
{
    Tfplugin6__CallFunction__Request *rq =
        tfproto_unpack(&tfplugin6__call_function__request__descriptor, req, len);
    Tfplugin6__CallFunction__Response rs = TFPLUGIN6__CALL_FUNCTION__RESPONSE__INIT;
    Tfplugin6__FunctionError fe = TFPLUGIN6__FUNCTION_ERROR__INIT;
    struct function_error err;
    struct tfproto_call c;
    if (!rq)
        return XA_EINVAL;
    tfproto_call_init(&c);
    function_error_init(&err);
    const struct function_type *f = function_of(p, rq->name);
    struct value *result = f ? call(f, rq, &err) : NULL;
    if (!f)
        function_error_set(&err, -1, "the xacct provider has no function named \"%s\"",
                           rq->name);
    if (result && !(rs.result = tfproto_dv_encode(&c, result, function_return_type(f))))
        function_error_set(&err, -1, "the result could not be encoded (a bug in xacct)");
    if (err.text) {
        rs.result = NULL;
        fe.text = err.text;
        if (err.argument >= 0) {
            fe._function_argument_case =
                TFPLUGIN6__FUNCTION_ERROR___FUNCTION_ARGUMENT_FUNCTION_ARGUMENT;
            fe.function_argument = err.argument;
        }
        rs.error = &fe;
    }
    enum xa_status st = tfproto_call_finish(&c, &rs.base, out);
    value_free(result);
    function_error_cleanup(&err);
    tfproto_unpacked_free(rq);
    return st;
}
