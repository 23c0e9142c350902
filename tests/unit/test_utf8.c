/* tests/unit/test_utf8.c - util/utf8: strict decoding of one character, and the repair
 * that keeps a cut or foreign string from failing a whole answer to Terraform.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

static size_t len_of(const char *s) { return utf8_char_len((const unsigned char *)s, strlen(s)); }

static void char_len_accepts_each_length_and_refuses_the_rest(void **state)
{
    assert_int_equal(len_of("a"), 1);
    assert_int_equal(len_of("\xc3\xa9"), 2);              /* é */
    assert_int_equal(len_of("\xe2\x82\xac"), 3);          /* € */
    assert_int_equal(len_of("\xf0\x9f\x98\x80"), 4);      /* U+1F600 */
    assert_int_equal(utf8_char_len((const unsigned char *)"", 1), 1);   /* U+0000 */
    assert_int_equal(utf8_char_len((const unsigned char *)"a", 0), 0);
    assert_int_equal(len_of("\xc3"), 0);                  /* cut short */
    assert_int_equal(len_of("\x80"), 0);                  /* continuation first */
    assert_int_equal(len_of("\xc0\xaf"), 0);              /* overlong '/' */
    assert_int_equal(len_of("\xe0\x80\xaf"), 0);          /* overlong, three bytes */
    assert_int_equal(len_of("\xed\xa0\x80"), 0);          /* surrogate U+D800 */
    assert_int_equal(len_of("\xf4\x90\x80\x80"), 0);      /* past U+10FFFF */
    assert_int_equal(len_of("\xff"), 0);
}

static void repair_replaces_only_what_is_broken(void **state)
{
    /* "héllo €" cut inside the euro sign, as "%.9s" would. */
    char cut[] = "h\xc3\xa9llo \xe2\x82";
    utf8_repair(cut);
    assert_string_equal(cut, "h\xc3\xa9llo ??");
    char mixed[] = "\xff" "ok\xc0\xaf\xf0\x9f\x98\x80";
    utf8_repair(mixed);
    assert_string_equal(mixed, "?ok??\xf0\x9f\x98\x80");
    char fine[] = "arn:aws:lambda:us-west-2:222222222222:function:hello";
    utf8_repair(fine);
    assert_string_equal(fine, "arn:aws:lambda:us-west-2:222222222222:function:hello");
    utf8_repair(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(char_len_accepts_each_length_and_refuses_the_rest),
        cmocka_unit_test(repair_replaces_only_what_is_broken),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
