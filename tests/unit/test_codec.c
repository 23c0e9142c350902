/* tests/unit/test_codec.c - msgpack, JSON and type JSON codecs (core/codec_*.c).
 *
 * Byte-exact checks against PROTOCOL-FACTS §4 (the worked examples, unknown and refined
 * unknown encodings, number forms), round trips of every type, every decoder rejection
 * with the attribute path it names, msgpack-c's limits (nesting, declared counts, message
 * size), the JSON number precision contract, and an allocation-failure loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/value_priv.h"
#include "util/alloc.h"

/* ---- fixtures --------------------------------------------------------------------- */

static const struct type_attr idname_attrs[] = {
    {.name = "id", .type = &type_string},
    {.name = "name", .type = &type_string},
};
static const struct type idname = {.kind = TYPE_OBJECT, .attrs = idname_attrs, .nattrs = 2};

static const struct type_attr dyn_attrs[] = {{.name = "v", .type = &type_dynamic}};
static const struct type dynobj = {.kind = TYPE_OBJECT, .attrs = dyn_attrs, .nattrs = 1};

static const struct type map_list_string = {.kind = TYPE_MAP, .elem = &type_list_string};
static const struct type *const tup_elems[] = {&type_string, &type_number, &type_bool};
static const struct type tup = {.kind = TYPE_TUPLE, .elems = tup_elems, .nelems = 3};

static const struct type_attr inner_attrs[] = {
    {.name = "role_arn", .type = &type_string},
    {.name = "tags", .type = &type_map_string},
};
static const struct type inner = {.kind = TYPE_OBJECT, .attrs = inner_attrs, .nattrs = 2};
static const struct type list_inner = {.kind = TYPE_LIST, .elem = &inner};
static const struct type_attr rich_attrs[] = {
    {.name = "assume_role", .type = &list_inner},
    {.name = "count", .type = &type_number},
    {.name = "enabled", .type = &type_bool},
    {.name = "extra", .type = &type_dynamic},
    {.name = "names", .type = &type_set_string},
    {.name = "t", .type = &tup},
};
static const struct type rich = {.kind = TYPE_OBJECT, .attrs = rich_attrs, .nattrs = 6};

static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        sscanf(p, "%2x", &v);
        out[n++] = (unsigned char)v;
        p += 2;
    }
    return n;
}

static void assert_encodes(const struct value *v, const struct type *t, const char *hex)
{
    unsigned char want[512];
    size_t n = unhex(hex, want);
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(codec_msgpack_encode(v, t, &b), XA_OK);
    if (b.len != n || memcmp(b.data, want, n) != 0) {
        for (size_t i = 0; i < b.len; i++)
            fprintf(stderr, "%02x ", (unsigned char)b.data[i]);
        fprintf(stderr, "\n");
    }
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    xbuf_cleanup(&b);
}

static struct value *decode_hex(const char *hex, const struct type *t, struct diags *d)
{
    unsigned char in[512];
    size_t n = unhex(hex, in);
    return codec_msgpack_decode(in, n, t, d);
}

/* Decoding fails with a detail containing `detail` and (if given) a path string. */
static void assert_rejects(const char *hex, const struct type *t, const char *detail,
                           const char *path)
{
    struct diags d;
    diags_init(&d);
    struct value *v = decode_hex(hex, t, &d);
    assert_null(v);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].severity, DIAG_ERROR);
    if (!strstr(d.items[0].detail, detail))
        fprintf(stderr, "detail: %s\n", d.items[0].detail);
    assert_non_null(strstr(d.items[0].detail, detail));
    if (path) {
        char *s = attr_path_str(&d.items[0].path);
        assert_string_equal(s, path);
        xa_free(s);
    }
    diags_cleanup(&d);
}

/* As assert_rejects, for failures whose sentence depends on the machine: a declared
 * element count msgpack-c cannot allocate fails with NOMEM, one it can allocate (with
 * overcommit) fails when the data turns out to be truncated. */
static void assert_rejects_either(const char *hex, const struct type *t, const char *a,
                                  const char *b)
{
    struct diags d;
    diags_init(&d);
    struct value *v = decode_hex(hex, t, &d);
    assert_null(v);
    assert_int_equal(d.len, 1);
    if (!strstr(d.items[0].detail, a) && !strstr(d.items[0].detail, b))
        fprintf(stderr, "detail: %s\n", d.items[0].detail);
    assert_true(strstr(d.items[0].detail, a) || strstr(d.items[0].detail, b));
    diags_cleanup(&d);
}

static void round_trip(const struct value *v, const struct type *t)
{
    struct xbuf b;
    struct diags d;
    xbuf_init(&b);
    diags_init(&d);
    assert_int_equal(codec_msgpack_encode(v, t, &b), XA_OK);
    struct value *back = codec_msgpack_decode(b.data, b.len, t, &d);
    assert_int_equal(d.len, 0);
    assert_true(value_equal(v, back));
    value_free(back);
    xbuf_cleanup(&b);
    diags_cleanup(&d);
}

/* ---- msgpack ---------------------------------------------------------------------- */

static void codec_msgpack_worked_object_bytes(void **state)
{
    struct value *o = value_new_object(&idname);
    value_object_set(o, "id", value_new_unknown(&type_string));
    value_object_set_string(o, "name", "x");
    assert_encodes(o, &idname, "82 a2 69 64 d4 00 00 a4 6e 61 6d 65 a1 78");
    struct diags d;
    diags_init(&d);
    struct value *back = decode_hex("82 a4 6e 61 6d 65 a1 78 a2 69 64 d4 00 00", &idname, &d);
    assert_non_null(back);
    assert_true(value_equal(o, back));
    value_free(back);
    value_free(o);
    diags_cleanup(&d);
}

static void codec_msgpack_worked_dynamic_bytes(void **state)
{
    struct value *o = value_new_object(&dynobj);
    value_object_set(o, "v", value_new_string("hi"));
    assert_encodes(o, &dynobj, "81 a1 76 92 c4 08 22 73 74 72 69 6e 67 22 a2 68 69");
    round_trip(o, &dynobj);
    struct value *hi = value_new_string("hi");
    assert_encodes(hi, &type_dynamic, "92 c4 08 22 73 74 72 69 6e 67 22 a2 68 69");
    value_free(hi);
    struct diags d;
    diags_init(&d);
    struct value *u = decode_hex("d4 00 00", &type_dynamic, &d);
    assert_true(value_is_unknown(u));
    value_free(u);
    u = decode_hex("c0", &type_dynamic, &d);
    assert_true(value_is_null(u));
    value_free(u);
    assert_int_equal(d.len, 0);
    value_free(o);
}

static void codec_msgpack_unknowns(void **state)
{
    struct diags d;
    diags_init(&d);
    static const char *unknowns[] = {
        "d4 00 00", "c7 03 0c 81 01 c2", "d4 05 00", "c7 00 07", "d5 0c 80 c0",
        "c7 0a 0c 82 01 c2 02 a5 68 65 6c 6c 6f",
        /* payloads on other extension types are not refinements: still unknown */
        "d6 00 01 02 03 04", "d5 05 81 01",
    };
    for (size_t i = 0; i < sizeof unknowns / sizeof unknowns[0]; i++) {
        struct value *v = decode_hex(unknowns[i], &type_string, &d);
        assert_true(value_is_unknown(v));
        assert_true(type_equal(value_type(v), &type_string));
        value_free(v);
    }
    assert_int_equal(d.len, 0);
    struct value *u = value_new_unknown(&type_number);
    assert_encodes(u, &type_number, "d4 00 00");
    value_free(u);
    assert_rejects("c7 02 0c 01 02", &type_string, "refinements are not a valid msgpack map",
                   NULL);
    assert_rejects("c7 03 0c 81 01", &type_string, "the data ends", NULL);
    /* a refinement over 1024 bytes: ext16 length 0x0401 */
    unsigned char big[1100] = {0xc8, 0x04, 0x01, 0x0c, 0x80};
    struct value *v = codec_msgpack_decode(big, 4 + 0x401, &type_string, &d);
    assert_null(v);
    assert_non_null(strstr(d.items[0].detail, "1024"));
    diags_cleanup(&d);
}

static void codec_msgpack_numbers(void **state)
{
    static const struct {
        const char *text, *hex;
    } cases[] = {
        /* finite numbers as their decimal text (core/codec_msgpack.c says why) */
        {"0", "a1 30"}, {"-1", "a2 2d 31"}, {"29000", "a5 32 39 30 30 30"},
        {"1.5", "a3 31 2e 35"}, {"0.1", "a3 30 2e 31"}, {"1e300", "a5 31 65 33 30 30"},
        {"-1180591620717411303424", /* -2^70 */
         "b7 2d 31 31 38 30 35 39 31 36 32 30 37 31 37 34 31 31 33 30 33 34 32 34"},
        {"18446744073709551617", "b4 31 38 34 34 36 37 34 34 30 37 33 37 30 39 35 35 31 36 31 37"},
        /* infinities as float64, as go-cty writes them (state JSON cannot hold them) */
        {"+Inf", "cb 7f f0 00 00 00 00 00 00"}, {"-Inf", "cb ff f0 00 00 00 00 00 00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct value *v = value_new_number_text(cases[i].text);
        assert_encodes(v, &type_number, cases[i].hex);
        round_trip(v, &type_number);
        value_free(v);
    }
    static const struct {
        const char *hex, *text;
    } in[] = {
        {"cf ff ff ff ff ff ff ff ff", "18446744073709551615"},
        {"d3 80 00 00 00 00 00 00 00", "-9223372036854775808"},
        {"ca 3f c0 00 00", "1.5"}, {"d1 ff 00", "-256"}, {"a4 31 2e 32 30", "1.2"},
        {"e0", "-32"},
    };
    struct diags d;
    diags_init(&d);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        struct value *v = decode_hex(in[i].hex, &type_number, &d);
        assert_non_null(v);
        assert_string_equal(value_number_text(v), in[i].text);
        value_free(v);
    }
    diags_cleanup(&d);
    assert_rejects("cb 7f f8 00 00 00 00 00 01", &type_number, "NaN", NULL);
    assert_rejects("a3 61 62 63", &type_number, "not a decimal number", NULL);
    assert_rejects("c3", &type_number, "a number is required", NULL);
}

static void codec_msgpack_round_trips_every_type(void **state)
{
    struct value *r = value_new_object(&rich);
    struct value *roles = value_new_collection(&list_inner);
    struct value *role = value_new_object(&inner);
    struct value *tags = value_new_collection(&type_map_string);
    value_map_set(tags, "k", value_new_string("v"));
    value_map_set(tags, "u", value_new_unknown(&type_string));
    value_object_set_string(role, "role_arn", "arn:aws:iam::123:role/x");
    value_object_set(role, "tags", tags);
    value_list_append(roles, role);
    value_list_append(roles, value_new_null(&inner));
    value_object_set(r, "assume_role", roles);
    value_object_set(r, "count", value_new_number_text("-1180591620717411303424"));
    value_object_set(r, "enabled", value_new_bool(false));
    struct value *names = value_new_collection(&type_set_string);
    value_list_append(names, value_new_string("b"));
    value_list_append(names, value_new_string("a"));
    value_object_set(r, "names", names);
    struct value *t = value_new_collection(&tup);
    value_tuple_set(t, 0, value_new_string("s"));
    value_tuple_set(t, 1, value_new_unknown(&type_number));
    value_object_set(r, "t", t);
    struct value *ml = value_new_collection(&map_list_string);
    struct value *l = value_new_collection(&type_list_string);
    value_list_append(l, value_new_string("x"));
    value_map_set(ml, "a", l);
    value_object_set(r, "extra", ml);
    round_trip(r, &rich);
    struct value *u = value_new_unknown(&rich), *n = value_new_null(&rich);
    round_trip(u, &rich);
    round_trip(n, &rich);
    value_free(u);
    value_free(n);
    value_free(r);
}

static void codec_msgpack_handles_every_header_width(void **state)
{
    /* 20 attributes (map16), a 300-byte string (str16), a 70000-element list (array32)
     * and a 40-byte string (str8), each written by msgpack-c and read back */
    static char names[20][8];
    struct type_attr at[20];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "a%02d", i);
        at[i] = (struct type_attr){.name = names[i], .type = &type_string};
    }
    static const struct type list_number = {.kind = TYPE_LIST, .elem = &type_number};
    at[19].type = &list_number;
    struct type big = {.kind = TYPE_OBJECT, .attrs = at, .nattrs = 20};
    struct value *o = value_new_object(&big);
    char s300[301], s40[41];
    memset(s300, 'x', 300);
    s300[300] = 0;
    memset(s40, 'y', 40);
    s40[40] = 0;
    value_object_set_string(o, "a00", s300);
    value_object_set_string(o, "a01", s40);
    struct value *l = value_new_collection(&list_number);
    for (int i = 0; i < 70000; i++)
        value_list_append(l, value_new_int(i % 100));
    value_object_set(o, "a19", l);
    struct xbuf b;
    xbuf_init(&b);
    assert_int_equal(codec_msgpack_encode(o, &big, &b), XA_OK);
    assert_int_equal((unsigned char)b.data[0], 0xde);
    round_trip(o, &big);
    xbuf_cleanup(&b);
    value_free(o);
    /* the 32-bit forms of str and bin, and ext16/ext32 unknowns, read by hand */
    struct diags d;
    diags_init(&d);
    struct value *v = decode_hex("db 00 00 00 02 68 69", &type_string, &d);
    assert_string_equal(value_get_string(v), "hi");
    value_free(v);
    v = decode_hex("c9 00 00 00 01 00 00", &type_number, &d);
    assert_true(value_is_unknown(v));
    value_free(v);
    v = decode_hex("df 00 00 00 01 a1 6b a1 76", &type_map_string, &d);
    assert_string_equal(value_get_string(value_map_get(v, "k")), "v");
    value_free(v);
    v = decode_hex("92 c6 00 00 00 08 22 73 74 72 69 6e 67 22 a2 68 69", &type_dynamic, &d);
    assert_string_equal(value_get_string(v), "hi");
    value_free(v);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
}

static void codec_msgpack_set_decodes_deduplicated(void **state)
{
    struct diags d;
    diags_init(&d);
    struct value *v = decode_hex("93 a1 62 a1 61 a1 62", &type_set_string, &d);
    assert_int_equal(value_length(v), 2);
    assert_string_equal(value_get_string(value_index(v, 0)), "a");
    assert_encodes(v, &type_set_string, "92 a1 61 a1 62");
    value_free(v);
    diags_cleanup(&d);
}

static void codec_msgpack_rejects_bad_input(void **state)
{
    assert_rejects("82 a2 69 64 a1 61", &idname, "the data ends", NULL);
    assert_rejects("a1 78 c0", &type_string, "extra bytes", NULL);
    assert_rejects("01", &type_string, "a string is required", NULL);
    assert_rejects("c4 01 61", &type_string, "a string is required", NULL);
    assert_rejects("c4 01 31", &type_number, "a number is required", NULL);
    assert_rejects("a1 ff", &type_string, "UTF-8", NULL);
    assert_rejects("82 a2 69 64 c0 a4 6e 61 6d 66 c0", &idname, "unsupported attribute \"namf\"",
                   NULL);
    assert_rejects("81 a2 69 64 c0", &idname, "attribute \"name\" is required", "name");
    assert_rejects("80", &idname, "attribute \"id\" is required", "id");
    assert_rejects("82 a2 69 64 c0 a2 69 64 c0", &idname, "appears twice", NULL);
    assert_rejects("81 a1 76 92 c4 03 22 78 22 c0", &dynobj, "not a valid type", "v");
    assert_rejects("81 a1 76 a1 78", &dynobj, "a dynamic value is required", "v");
    assert_rejects("c3", &type_list_string, "a list or set is required", NULL);
    assert_rejects("92 a1 61 01", &type_list_string, "a string is required", "[1]");
    assert_rejects("81 a1 6b 01", &type_map_string, "a string is required", "[\"k\"]");
    assert_rejects("81 01 a1 61", &type_map_string, "map keys must be strings", NULL);
    assert_rejects("92 a1 61 a1 62", &tup, "different length", NULL);
    /* msgpack-c allocates for the declared count first: 2^32-1 elements (96 GiB) */
    assert_rejects_either("dd ff ff ff ff", &type_list_string, "more elements than fit",
                          "the data ends");
    assert_rejects_either("df ff ff ff ff", &type_map_string, "more elements than fit",
                          "the data ends");
    assert_rejects("dc ff ff a1 61", &type_list_string, "the data ends", NULL);
    /* 0xc1 is the one byte msgpack never uses: msgpack-c refuses it before the walk */
    assert_rejects("c1", &type_bool, "not valid msgpack", NULL);
    assert_rejects("01", &type_bool, "a bool is required", NULL);
    assert_rejects("81 a3 69 00 64 c0", &idname, "must not contain NUL", NULL);
    assert_rejects("81 a2 6b 00 a1 76", &type_map_string, "must not contain NUL", NULL);
    assert_rejects("81 a1 ff a1 76", &type_map_string, "UTF-8", "[\"\xff\"]");
    /* D4: U+0000 inside a string value (AWS would get the prefix, the state the whole
     * string) and invalid UTF-8, refused with the attribute path */
    assert_rejects("82 a2 69 64 a3 61 00 62 a4 6e 61 6d 65 c0", &idname, "NUL character (U+0000)",
                   "id");
    assert_rejects("82 a2 69 64 a1 ff a4 6e 61 6d 65 c0", &idname, "not valid UTF-8", "id");
    assert_rejects("82 a2 69 64 a2 c3 28 a4 6e 61 6d 65 c0", &idname, "not valid UTF-8", "id");
    assert_rejects("81 a1 6b a2 76 00", &type_map_string, "NUL character", "[\"k\"]");
    assert_rejects("92 a1 61 a1 00", &type_list_string, "NUL character", "[1]");
    /* path into nested blocks */
    assert_rejects("86 ab 61 73 73 75 6d 65 5f 72 6f 6c 65 91 82 a8 72 6f 6c 65 5f 61 72 6e 01"
                   " a4 74 61 67 73 c0 a5 63 6f 75 6e 74 c0 a7 65 6e 61 62 6c 65 64 c0 a5 65 78"
                   " 74 72 61 c0 a5 6e 61 6d 65 73 c0 a1 74 c0",
                   &rich, "a string is required", "assume_role[0].role_arn");
}

static void codec_msgpack_bounds_nesting(void **state)
{
    /* 100 nested lists of dynamic-typed values cannot be expressed by a static type, so
     * use a dynamic value whose type JSON nests lists 70 deep */
    char type_json[1024] = "";
    for (int i = 0; i < 70; i++)
        strcat(type_json, "[\"list\",");
    strcat(type_json, "\"string\"");
    for (int i = 0; i < 70; i++)
        strcat(type_json, "]");
    unsigned char in[1200];
    size_t n = 0, tl = strlen(type_json);
    in[n++] = 0x92;
    in[n++] = 0xc5;
    in[n++] = (unsigned char)(tl >> 8);
    in[n++] = (unsigned char)tl;
    memcpy(in + n, type_json, tl);
    n += tl;
    in[n++] = 0xc0;
    struct diags d;
    diags_init(&d);
    assert_null(codec_msgpack_decode(in, n, &type_dynamic, &d));
    assert_true(diags_has_error(&d));
    diags_cleanup(&d);
    /* and nested arrays against list(list(...)) built at run time: msgpack-c's parse
     * stack holds 32 arrays or maps, so 32 decode and 33 or 100 do not */
    const struct type *t = &type_string;
    for (int i = 0; i < 100; i++)
        t = type_new_collection(TYPE_LIST, t);
    memset(in, 0x91, 100);
    in[100] = 0xc0;
    assert_null(codec_msgpack_decode(in, 101, t, &d));
    assert_non_null(strstr(d.items[0].detail, "nested too deeply"));
    diags_cleanup(&d);
    assert_null(codec_msgpack_decode(in + 100 - 33, 34, t, &d));
    assert_non_null(strstr(d.items[0].detail, "nested too deeply"));
    diags_cleanup(&d);
    type_unref(t);
    t = &type_string;
    for (int i = 0; i < 32; i++)
        t = type_new_collection(TYPE_LIST, t);
    struct value *v = codec_msgpack_decode(in + 100 - 32, 33, t, &d);
    assert_non_null(v);
    assert_int_equal(d.len, 0);
    value_free(v);
    type_unref(t);
}

static void codec_msgpack_refuses_oversized_messages(void **state)
{
    /* over Terraform's 256 MiB limit: refused before msgpack-c reads a byte (calloc'd
     * pages are never touched, so this costs address space only) */
    size_t n = ((size_t)256 << 20) + 1;
    unsigned char *big = calloc(n, 1);
    assert_non_null(big);
    struct diags d;
    diags_init(&d);
    assert_null(codec_msgpack_decode(big, n, &type_string, &d));
    assert_int_equal(d.len, 1);
    assert_non_null(strstr(d.items[0].detail, "256 MiB"));
    diags_cleanup(&d);
    free(big);
}

static void codec_msgpack_empty_input_is_null(void **state)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_msgpack_decode("", 0, &idname, &d);
    assert_true(value_is_null(v));
    assert_true(type_equal(value_type(v), &idname));
    value_free(v);
    diags_cleanup(&d);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void codec_json_decodes_state(void **state)
{
    static const char json[] =
        "{\"assume_role\":[{\"role_arn\":\"a\",\"tags\":{\"k\":\"v\"}}],\"count\":"
        "123456789012345678901234,\"enabled\":\"true\",\"names\":[\"b\",\"a\",\"b\"],"
        "\"extra\":{\"type\":[\"list\",\"number\"],\"value\":[1,2.5]},\"t\":[\"s\",7,true],"
        "\"removed\":1}";
    struct diags d;
    diags_init(&d);
    struct value *v = codec_json_decode(json, strlen(json), &rich, true, &d);
    assert_int_equal(d.len, 0);
    assert_non_null(v);
    assert_int_equal(value_length(value_attr(v, "names")), 2);
    bool b;
    assert_true(value_get_bool(value_attr(v, "enabled"), &b) && b);
    /* beyond int64 JSON numbers go through a double: raw state loses the digits past
     * 2^53 (DynamicValues are msgpack, where this number would be exact) */
    assert_string_equal(value_number_text(value_attr(v, "count")), "123456789012345690000000");
    const struct value *extra = value_attr(v, "extra");
    assert_int_equal(value_type(extra)->kind, TYPE_LIST);
    assert_string_equal(value_number_text(value_index(extra, 1)), "2.5");
    struct xbuf out;
    xbuf_init(&out);
    assert_int_equal(codec_json_encode(value_attr(v, "t"), &out), XA_OK);
    assert_string_equal(out.data, "[\"s\",7,true]");
    xbuf_cleanup(&out);
    value_free(v);
    v = codec_json_decode(json, strlen(json), &rich, false, &d);
    assert_null(v);
    assert_non_null(strstr(d.items[0].detail, "unsupported attribute \"removed\""));
    diags_cleanup(&d);
}

static const char *json_number_text(const char *json, struct diags *d)
{
    static char text[64];
    struct value *v = codec_json_decode(json, strlen(json), &type_number, false, d);
    assert_non_null(v);
    snprintf(text, sizeof text, "%s", value_number_text(v));
    value_free(v);
    return text;
}

static void codec_json_number_precision(void **state)
{
    struct diags d;
    diags_init(&d);
    /* int64 integers are exact; reals keep the shortest text naming the same double */
    static const struct {
        const char *json, *text;
    } cases[] = {
        {"9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"9007199254740993", "9007199254740993"},
        {"1.5", "1.5"}, {"0.1", "0.1"}, {"2.50", "2.5"}, {"1E2", "100"}, {"-0.0", "0"},
        {"0.30000000000000004", "0.30000000000000004"}, {"1e300", "1e300"},
        /* what a double cannot hold is lost */
        {"0.1000000000000000000001", "0.1"}, {"-1e-400", "0"},
        {"18446744073709551616", "18446744073709552000"},
        {"123456789012345678901234", "123456789012345690000000"},
        /* a string holding a number keeps its exact text (go-cty's conversion) */
        {"\"123456789012345678901234\"", "123456789012345678901234"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(json_number_text(cases[i].json, &d), cases[i].text);
    assert_int_equal(d.len, 0);
    /* one integer beyond int64 makes the whole document read its integers as doubles:
     * 2^53 + 1 beside it becomes 2^53 */
    static const char mixed[] =
        "{\"count\":9007199254740993,\"t\":[\"s\",18446744073709551616,true]}";
    struct value *v = codec_json_decode(mixed, strlen(mixed), &rich, false, &d);
    assert_non_null(v);
    assert_string_equal(value_number_text(value_attr(v, "count")), "9007199254740992");
    value_free(v);
    /* so a big integer does not survive a JSON round trip (documented, not hidden) */
    struct value *big = value_new_number_text("123456789012345678901234");
    struct xbuf out;
    xbuf_init(&out);
    assert_int_equal(codec_json_encode(big, &out), XA_OK);
    assert_string_equal(out.data, "123456789012345678901234");
    v = codec_json_decode(out.data, out.len, &type_number, false, &d);
    assert_false(value_equal(v, big));
    value_free(v);
    value_free(big);
    xbuf_clear(&out);
    /* beyond the double range jansson refuses the document, so the decoder refuses such
     * a number in a string too and the encoder will not write one */
    assert_null(codec_json_decode("1e400", 5, &type_number, false, &d));
    assert_non_null(strstr(d.items[0].detail, "not valid"));
    diags_cleanup(&d);
    assert_null(codec_json_decode("\"-1e400\"", 8, &type_number, false, &d));
    assert_non_null(strstr(d.items[0].detail, "beyond the range of a double"));
    diags_cleanup(&d);
    big = value_new_number_text("1e400");
    assert_int_equal(codec_json_encode(big, &out), XA_EINVAL);
    assert_int_equal(out.len, 0);
    value_free(big);
    xbuf_cleanup(&out);
    /* nested numbers, and duplicate keys (jansson keeps the last) */
    static const char json[] =
        "{\"t\":[\"s\",0.25,false],\"count\":-7,"
        "\"assume_role\":[{\"role_arn\":\"x\",\"tags\":{\"n\":1.5}}],"
        "\"extra\":{\"type\":\"number\",\"value\":2.50}}";
    v = codec_json_decode(json, strlen(json), &rich, false, &d);
    assert_non_null(v);
    assert_string_equal(value_number_text(value_index(value_attr(v, "t"), 1)), "0.25");
    assert_string_equal(value_number_text(value_attr(v, "count")), "-7");
    const struct value *tags = value_attr(value_index(value_attr(v, "assume_role"), 0), "tags");
    assert_string_equal(value_get_string(value_map_get(tags, "n")), "1.5");
    assert_string_equal(value_number_text(value_attr(v, "extra")), "2.5");
    value_free(v);
    static const char dup[] = "{\"count\":1,\"count\":0.5,\"t\":[\"s\",3,true]}";
    v = codec_json_decode(dup, strlen(dup), &rich, false, &d);
    assert_string_equal(value_number_text(value_attr(v, "count")), "0.5");
    assert_string_equal(value_number_text(value_index(value_attr(v, "t"), 1)), "3");
    value_free(v);
    assert_int_equal(d.len, 0);
    diags_cleanup(&d);
}

static void codec_json_rejects_bad_input(void **state)
{
    static const struct {
        const char *json, *detail, *path;
    } cases[] = {
        {"{\"id\":1,", "not valid", NULL},
        {"{\"id\":[]}", "a string is required", "id"},
        {"[]", "an object is required", NULL},
        {"{\"assume_role\":[{\"role_arn\":{}}]}", "a string is required",
         "assume_role[0].role_arn"},
        {"{\"count\":\"twelve\"}", "not a number", "count"},
        {"{\"t\":[1]}", "different length", "t"},
        {"{\"extra\":{\"value\":1}}", "dynamic value", "extra"},
        /* D4: a raw state holding U+0000 is refused with the path, in words */
        {"{\"assume_role\":[{\"role_arn\":\"arn:a\\u0000b\"}]}", "NUL character (U+0000)",
         "assume_role[0].role_arn"},
        {"{\"enabled\":\"true\\u0000x\"}", "a bool is required", "enabled"},
        {"{\"names\":[\"\\u0000\"]}", "NUL character", NULL},
        {"{\"count\":1,\"t\":[\"\xc3\x28\",1,true]}", "not valid UTF-8", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags d;
        diags_init(&d);
        const struct type *t = i < 2 ? &idname : &rich;
        struct value *v = codec_json_decode(cases[i].json, strlen(cases[i].json), t, false, &d);
        assert_null(v);
        assert_int_equal(d.len, 1);
        if (!strstr(d.items[0].detail, cases[i].detail))
            fprintf(stderr, "%s -> %s\n", cases[i].json, d.items[0].detail);
        assert_non_null(strstr(d.items[0].detail, cases[i].detail));
        if (cases[i].path) {
            char *s = attr_path_str(&d.items[0].path);
            assert_string_equal(s, cases[i].path);
            xa_free(s);
        }
        diags_cleanup(&d);
    }
}

static void codec_json_encode_escapes_and_refuses_unknown(void **state)
{
    struct value *s = value_new_string("a\"b\\c\n<\x01");
    struct xbuf out;
    xbuf_init(&out);
    assert_int_equal(codec_json_encode(s, &out), XA_OK);
    assert_string_equal(out.data, "\"a\\\"b\\\\c\\n\\u003c\\u0001\"");
    struct value *u = value_new_unknown(&type_string);
    xbuf_clear(&out);
    assert_int_equal(codec_json_encode(u, &out), XA_EINVAL);
    assert_int_equal(out.len, 0);
    xbuf_cleanup(&out);
    value_free(s);
    value_free(u);
}

static void codec_json_encode_typed_wraps_dynamic(void **state)
{
    struct value *o = value_new_object(&dynobj);
    struct value *l = value_new_collection(&type_list_string);
    value_list_append(l, value_new_string("a"));
    value_object_set(o, "v", l);
    struct xbuf out;
    xbuf_init(&out);
    assert_int_equal(codec_json_encode_typed(o, &dynobj, &out), XA_OK);
    assert_string_equal(out.data, "{\"v\":{\"type\":[\"list\",\"string\"],\"value\":[\"a\"]}}");
    struct diags d;
    diags_init(&d);
    struct value *back = codec_json_decode(out.data, out.len, &dynobj, false, &d);
    assert_true(value_equal(o, back));
    xbuf_clear(&out);
    assert_int_equal(codec_json_encode(o, &out), XA_OK);
    assert_string_equal(out.data, "{\"v\":[\"a\"]}");
    xbuf_clear(&out);
    assert_int_equal(codec_json_encode_typed(o, &idname, &out), XA_EINVAL);
    value_free(back);
    value_free(o);
    xbuf_cleanup(&out);
    diags_cleanup(&d);
}

/* ---- type JSON -------------------------------------------------------------------- */

static void codec_type_json_round_trips(void **state)
{
    static const char *cases[] = {
        "\"string\"", "\"dynamic\"", "[\"map\",[\"list\",\"string\"]]",
        "[\"object\",{\"a\":\"number\",\"b\":[\"set\",\"bool\"]}]",
        "[\"object\",{\"a\":\"number\",\"b\":\"string\"},[\"b\"]]",
        "[\"tuple\",[\"string\",[\"tuple\",[]]]]", "[\"object\",{}]",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags d;
        diags_init(&d);
        const struct type *t = codec_type_from_json(cases[i], strlen(cases[i]), &d);
        assert_non_null(t);
        struct xbuf out;
        xbuf_init(&out);
        assert_int_equal(codec_type_json(t, &out), XA_OK);
        assert_string_equal(out.data, cases[i]);
        xbuf_cleanup(&out);
        type_unref(t);
        diags_cleanup(&d);
    }
    static const char *bad[] = {"\"str\"", "[\"list\"]", "[\"object\",[]]", "{", "[\"tuple\",1]",
                                "[\"object\",{\"a\":\"string\"},[1]]", "7"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct diags d;
        diags_init(&d);
        assert_null(codec_type_from_json(bad[i], strlen(bad[i]), &d));
        assert_true(diags_has_error(&d));
        diags_cleanup(&d);
    }
}

/* ---- chaos ------------------------------------------------------------------------ */

static void codec_survives_allocation_failures(void **state)
{
    static const char json[] =
        "{\"assume_role\":[{\"role_arn\":\"a\",\"tags\":{\"k\":\"v\"}}],\"count\":12,"
        "\"names\":[\"b\",\"a\"],\"extra\":{\"type\":[\"map\",\"string\"],\"value\":{\"x\":\"y\"}},"
        "\"t\":[\"s\",7,true]}";
    struct diags d;
    diags_init(&d);
    struct value *ref = codec_json_decode(json, strlen(json), &rich, false, &d);
    assert_non_null(ref);
    struct xbuf wire;
    xbuf_init(&wire);
    assert_int_equal(codec_msgpack_encode(ref, &rich, &wire), XA_OK);
    diags_cleanup(&d);
    for (long n = 0; n < 400; n++) {
        struct xbuf out;
        xbuf_init(&out);
        alloc_fail_after(n);
        struct value *a = codec_json_decode(json, strlen(json), &rich, false, &d);
        struct value *b = codec_msgpack_decode(wire.data, wire.len, &rich, &d);
        enum xa_status st = codec_msgpack_encode(ref, &rich, &out);
        alloc_fail_reset();
        assert_true(a || diags_has_error(&d));
        assert_true(b || diags_has_error(&d));
        if (a)
            assert_true(value_equal(a, ref));
        if (b)
            assert_true(value_equal(b, ref));
        if (st == XA_OK)
            assert_memory_equal(out.data, wire.data, wire.len);
        value_free(a);
        value_free(b);
        xbuf_cleanup(&out);
        diags_cleanup(&d);
    }
    xbuf_cleanup(&wire);
    value_free(ref);
}

/* msgpack-c allocates for declared element counts before reading them, and the tests
 * check that a failed allocation becomes a diagnostic: under AddressSanitizer that needs
 * allocator_may_return_null (ASAN_OPTIONS from the environment still take precedence). */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codec_msgpack_worked_object_bytes),
        cmocka_unit_test(codec_msgpack_worked_dynamic_bytes),
        cmocka_unit_test(codec_msgpack_unknowns),
        cmocka_unit_test(codec_msgpack_numbers),
        cmocka_unit_test(codec_msgpack_round_trips_every_type),
        cmocka_unit_test(codec_msgpack_handles_every_header_width),
        cmocka_unit_test(codec_msgpack_set_decodes_deduplicated),
        cmocka_unit_test(codec_msgpack_rejects_bad_input),
        cmocka_unit_test(codec_msgpack_bounds_nesting),
        cmocka_unit_test(codec_msgpack_refuses_oversized_messages),
        cmocka_unit_test(codec_msgpack_empty_input_is_null),
        cmocka_unit_test(codec_json_decodes_state),
        cmocka_unit_test(codec_json_number_precision),
        cmocka_unit_test(codec_json_rejects_bad_input),
        cmocka_unit_test(codec_json_encode_escapes_and_refuses_unknown),
        cmocka_unit_test(codec_json_encode_typed_wraps_dynamic),
        cmocka_unit_test(codec_type_json_round_trips),
        cmocka_unit_test(codec_survives_allocation_failures),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
