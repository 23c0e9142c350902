/* tests/unit/test_diag.c - attribute paths and diagnostic lists (core/diag.c).
 *
 * Path rendering, copying, path lists, diagnostic helpers, moving lists, and the promise
 * that an error survives allocation failure as the static "out of memory" diagnostic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"
#include "util/alloc.h"

static void diag_path_renders_like_terraform(void **state)
{
    struct attr_path p;
    attr_path_init(&p);
    char *s = attr_path_str(&p);
    assert_string_equal(s, "");
    xa_free(s);
    assert_true(attr_path_push_attr(&p, "assume_role"));
    assert_true(attr_path_push_index(&p, 0));
    assert_true(attr_path_push_attr(&p, "role_arn"));
    s = attr_path_str(&p);
    assert_string_equal(s, "assume_role[0].role_arn");
    xa_free(s);
    attr_path_pop(&p);
    attr_path_pop(&p);
    assert_true(attr_path_push_key(&p, "x\"y"));
    s = attr_path_str(&p);
    assert_string_equal(s, "assume_role[\"x\\\"y\"]");
    xa_free(s);
    struct attr_path q;
    assert_true(attr_path_copy(&q, &p));
    assert_int_equal(q.len, 2);
    assert_int_equal(q.steps[1].kind, PATH_KEY_STRING);
    assert_string_equal(q.steps[1].name, "x\"y");
    attr_path_cleanup(&q);
    attr_path_cleanup(&p);
    attr_path_pop(&p);   /* popping an empty path is harmless */
}

static void diag_path_list_copies(void **state)
{
    struct path_list l;
    path_list_init(&l);
    assert_true(path_list_add_attr(&l, "function_arn"));
    struct attr_path p;
    attr_path_init(&p);
    attr_path_push_attr(&p, "a");
    attr_path_push_index(&p, 3);
    assert_true(path_list_add(&l, &p));
    attr_path_cleanup(&p);
    assert_int_equal(l.len, 2);
    char *s = attr_path_str(&l.items[1]);
    assert_string_equal(s, "a[3]");
    xa_free(s);
    assert_string_equal(l.items[0].steps[0].name, "function_arn");
    path_list_cleanup(&l);
    assert_int_equal(l.len, 0);
}

static void diag_helpers_fill_fields(void **state)
{
    struct diags d;
    diags_init(&d);
    assert_false(diags_has_error(&d));
    diag_warning_attr(&d, "method", "Odd method", "Method %s is lower case.", "get");
    assert_false(diags_has_error(&d));
    diag_error_attr(&d, "region", "Bad region", "Region %d.", 7);
    diag_error(&d, "Plain", "No path.");
    diag_bug(&d, "Broken", "x=%d", 1);
    assert_true(diags_has_error(&d));
    assert_int_equal(d.len, 4);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_string_equal(d.items[0].detail, "Method get is lower case.");
    assert_true(d.items[1].has_path);
    assert_string_equal(d.items[1].path.steps[0].name, "region");
    assert_false(d.items[2].has_path);
    assert_string_equal(d.items[3].detail,
                        "This is a bug in the xacct provider, please report it. x=1");
    struct diags e;
    diags_init(&e);
    diag_add(&e, DIAG_ERROR, NULL, "S", "%s", "moved");
    diags_move(&d, &e);
    assert_int_equal(e.len, 0);
    assert_int_equal(d.len, 5);
    assert_string_equal(d.items[4].detail, "moved");
    diags_cleanup(&e);
    diags_cleanup(&d);
}

static void diag_keeps_an_error_when_memory_runs_out(void **state)
{
    /* fail every allocation from the start: the list shows the static error */
    struct diags d;
    diags_init(&d);
    alloc_fail_after(0);
    diag_error(&d, "Lost", "%s", "detail");
    diag_error(&d, "Lost too", "%s", "detail");
    alloc_fail_reset();
    assert_int_equal(d.len, 1);
    assert_true(diags_has_error(&d));
    assert_string_equal(d.items[0].summary, "Out of memory");
    diag_error(&d, "After", "recovered");   /* growing out of the static array works */
    assert_int_equal(d.len, 2);
    struct diags e;
    diags_init(&e);
    diags_move(&e, &d);
    assert_int_equal(e.len, 2);
    diags_cleanup(&d);
    diags_cleanup(&e);
    /* fail at every point of a longer sequence: never zero errors, never a leak */
    for (long n = 0; n < 60; n++) {
        diags_init(&d);
        alloc_fail_after(n);
        for (int i = 0; i < 5; i++)
            diag_error_attr(&d, "attr", "Summary", "Detail %d.", i);
        alloc_fail_reset();
        assert_true(diags_has_error(&d));
        diags_cleanup(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diag_path_renders_like_terraform),
        cmocka_unit_test(diag_path_list_copies),
        cmocka_unit_test(diag_helpers_fill_fields),
        cmocka_unit_test(diag_keeps_an_error_when_memory_runs_out),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
