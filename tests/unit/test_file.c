/* tests/unit/test_file.c - util/file: a user-named file is read only when it is a regular
 * file within its size limit; a FIFO, a directory or a device is refused at once (never a
 * blocking open), and every refusal is one sentence naming the file and the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/file.h"

static char dir[64];

static int setup(void **state)
{
    strcpy(dir, "/tmp/xacct-file-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Reads path with a 64-byte limit; *why gets the sentence. */
static enum xa_status read64(const char *path, struct xbuf *out, struct xbuf *why)
{
    alarm(10);   /* a blocking open would fail the test rather than hang it */
    enum xa_status st = xa_file_read(path, 64, "test file", out, why);
    alarm(0);
    return st;
}

static void file_reads_a_regular_file(void **state)
{
    char path[128];
    snprintf(path, sizeof path, "%s/ok", dir);
    FILE *f = fopen(path, "w");
    fputs("[default]\nregion = eu-west-1\n", f);
    fclose(f);
    struct xbuf out, why;
    xbuf_init(&out);
    xbuf_init(&why);
    assert_int_equal(xbuf_append_str(&out, ">"), XA_OK);
    assert_int_equal(read64(path, &out, &why), XA_OK);
    assert_string_equal(xbuf_cstr(&out), ">[default]\nregion = eu-west-1\n");
    assert_int_equal(why.len, 0);
    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(read64(path, &out, &why), XA_ENOTFOUND);
    assert_int_equal(why.len, 0);
    xbuf_cleanup(&out);
    xbuf_cleanup(&why);
}

static void file_refuses_what_is_not_a_regular_file(void **state)
{
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const struct {
        const char *path, *kind;
    } cases[] = {{NULL, "a named pipe (FIFO)"}, {"/tmp", "a directory"},
                 {"/dev/null", "a device"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = cases[i].path ? cases[i].path : fifo;
        struct xbuf out, why;
        xbuf_init(&out);
        xbuf_init(&why);
        assert_int_equal(read64(path, &out, &why), XA_EINVAL);
        assert_int_equal(out.len, 0);
        assert_non_null(strstr(xbuf_cstr(&why), path));
        if (!strstr(xbuf_cstr(&why), cases[i].kind))
            fail_msg("%s", xbuf_cstr(&why));
        xbuf_cleanup(&out);
        xbuf_cleanup(&why);
    }
}

static void file_refuses_a_file_too_large(void **state)
{
    char path[128];
    snprintf(path, sizeof path, "%s/big", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    assert_int_equal(truncate(path, 18 * 1000 * 1000), 0);
    struct xbuf out, why;
    xbuf_init(&out);
    xbuf_init(&why);
    assert_int_equal(read64(path, &out, &why), XA_EINVAL);
    assert_int_equal(out.len, 0);
    assert_non_null(strstr(xbuf_cstr(&why), "is too large (17.2 MiB; the limit is 64 bytes)"));
    xbuf_cleanup(&out);
    xbuf_cleanup(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_reads_a_regular_file),
        cmocka_unit_test(file_refuses_what_is_not_a_regular_file),
        cmocka_unit_test(file_refuses_a_file_too_large),
    };
    return cmocka_run_group_tests_name("file", tests, setup, teardown);
}
