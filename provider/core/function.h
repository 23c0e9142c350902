/* core/function.h - provider functions (Terraform 1.8, OpenTofu 1.7, protocol 5.5/6.5):
 * `provider::xacct::NAME(...)` in HCL, computed by the provider without calling AWS.
 *
 * A function is a table of the same kind as a resource type: its parameters are schema
 * rows in parameter order (name, type, description, ATTR_OPTIONAL when null is a
 * meaningful argument, and the field of the arguments' typed model, core/model.h) and
 * its result is a block of rows too - an object of them, or the value of its one row.
 * Core decodes the arguments into the model, calls the function and encodes the result
 * model, so function code reads args->function_arn like a resource does.
 * Errors carry the argument they are about (FunctionError.function_argument), so
 * Terraform points at that argument.
 * Not here: the protocol (tfproto/function_rpcs.c).
 * Ownership: tables are static; the error text and the result value belong to the caller.
 */
#ifndef XA_CORE_FUNCTION_H
#define XA_CORE_FUNCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schema.h"
#include "core/value.h"

struct provider;

/* What went wrong in a call: text for Terraform's "Invalid function argument" (argument
 * >= 0, the zero-based parameter index) or "Error in function call" (argument -1). */
struct function_error {
    char *text;                 /* NULL: no error */
    int64_t argument;
};
void function_error_init(struct function_error *e);
void function_error_cleanup(struct function_error *e);
/* Sets the error (the first one set wins). argument -1 for the call as a whole. */
void function_error_set(struct function_error *e, int64_t argument, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct function_type {
    const char *name;                   /* "invoke_uri" */
    const char *summary;                /* one line */
    const char *description;            /* Markdown */
    const struct schema_block *params;  /* rows in parameter order; model_size: args */
    const struct schema_block *result;  /* model_size: the result's model */
    bool result_object;                 /* the result is an object of result's rows; else
                                           the value of its one row */
    /* Fills the result model from the arguments model; false with *err set. */
    bool (*call)(const void *args, void *result, struct function_error *err);
};

/* The function of that name, or NULL. */
const struct function_type *function_of(struct provider *p, const char *name);

/* The type the function returns. NULL only when memory ran out. */
const struct type *function_return_type(const struct function_type *f);

/* Calls f with n arguments (values of the parameters' types, borrowed). The result, or
 * NULL with *err set (a wrong count, a null where the parameter takes none, an unknown,
 * or the function's own error). */
struct value *function_call(const struct function_type *f, const struct value *const *args,
                            size_t n, struct function_error *err);

#endif
