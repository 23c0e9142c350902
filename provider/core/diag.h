/* core/diag.h - diagnostics and attribute paths.
 *
 * A diagnostic is what Terraform shows the user: severity, short stable summary, a detail
 * that says what failed, why, and what to do, and optionally the attribute path that
 * caused it so Terraform can point at the configuration line.
 * Ownership: struct diags and struct attr_path are caller storage (_init/_cleanup); every
 * string added is copied. Adding never fails loudly: on allocation failure the list keeps
 * a preallocated "out of memory" error so an error is never lost.
 */
#ifndef XA_CORE_DIAG_H
#define XA_CORE_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum path_step_kind { PATH_ATTR, PATH_KEY_STRING, PATH_KEY_INT };

struct path_step {
    enum path_step_kind kind;
    char *name;         /* PATH_ATTR, PATH_KEY_STRING */
    int64_t index;      /* PATH_KEY_INT */
};

struct attr_path {
    struct path_step *steps;
    size_t len;
};

void attr_path_init(struct attr_path *p);
void attr_path_cleanup(struct attr_path *p);
bool attr_path_push_attr(struct attr_path *p, const char *name);
bool attr_path_push_key(struct attr_path *p, const char *key);
bool attr_path_push_index(struct attr_path *p, int64_t i);
void attr_path_pop(struct attr_path *p);
bool attr_path_copy(struct attr_path *dst, const struct attr_path *src);
/* "function_arn", "request_parameters[\"x\"]", "assume_role[0].role_arn"; caller frees. */
char *attr_path_str(const struct attr_path *p);

/* A list of paths (PlanResourceChange.requires_replace). */
struct path_list {
    struct attr_path *items;
    size_t len;
};
void path_list_init(struct path_list *l);
void path_list_cleanup(struct path_list *l);
bool path_list_add(struct path_list *l, const struct attr_path *p);   /* copies */
bool path_list_add_attr(struct path_list *l, const char *top_level_attr);

enum diag_severity { DIAG_ERROR = 1, DIAG_WARNING = 2 };

struct diag {
    enum diag_severity severity;
    char *summary;
    char *detail;
    bool has_path;
    struct attr_path path;
};

struct diags {
    struct diag *items;
    size_t len;
    size_t cap;
};

void diags_init(struct diags *d);
void diags_cleanup(struct diags *d);
bool diags_has_error(const struct diags *d);
/* Moves every diagnostic of src to the end of dst; src is left empty. */
void diags_move(struct diags *dst, struct diags *src);

/* path may be NULL. detail is printf-style. */
void diag_add(struct diags *d, enum diag_severity, const struct attr_path *path,
              const char *summary, const char *detail_fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_error(struct diags *d, const char *summary, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Error / warning at a top-level attribute. */
void diag_error_attr(struct diags *d, const char *attr, const char *summary,
                     const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_warning_attr(struct diags *d, const char *attr, const char *summary,
                       const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));
/* An internal invariant failed: "This is a bug in the xacct provider, please report it." */
void diag_bug(struct diags *d, const char *summary, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
