/* tests/fuzz/fuzz_dynamic_value_msgpack.c - DynamicValue.msgpack decoder.
 *
 * Decodes the input against a rich object type (list block of objects with a map, a set,
 * a tuple, a number, a bool and a dynamic attribute) and as a bare dynamic value. Any
 * value that decodes must encode, and the encoding must decode to an equal value: a
 * mismatch aborts, so the fuzzer reports it.
 *
 * msgpack-c allocates for the element count a header declares before reading the
 * elements, so a few bytes can ask for gigabytes. The decoder's contract is that a
 * failed allocation becomes a diagnostic; for the fuzzer to test that rather than stop
 * at its malloc limit, ASan returns NULL for requests over 256 MiB (below libFuzzer's
 * -malloc_limit_mb, which defaults to -rss_limit_mb). ASAN_OPTIONS can still override.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/codec.h"

static const struct type_attr inner_attrs[] = {
    {.name = "role_arn", .type = &type_string},
    {.name = "tags", .type = &type_map_string},
};
static const struct type inner = {.kind = TYPE_OBJECT, .attrs = inner_attrs, .nattrs = 2};
static const struct type list_inner = {.kind = TYPE_LIST, .elem = &inner};
static const struct type *const tup_elems[] = {&type_string, &type_number, &type_bool};
static const struct type tup = {.kind = TYPE_TUPLE, .elems = tup_elems, .nelems = 3};
static const struct type_attr rich_attrs[] = {
    {.name = "assume_role", .type = &list_inner},
    {.name = "count", .type = &type_number},
    {.name = "enabled", .type = &type_bool},
    {.name = "extra", .type = &type_dynamic},
    {.name = "names", .type = &type_set_string},
    {.name = "t", .type = &tup},
};
static const struct type rich = {.kind = TYPE_OBJECT, .attrs = rich_attrs, .nattrs = 6};

static void round_trip(const uint8_t *data, size_t size, const struct type *t)
{
    struct diags d;
    diags_init(&d);
    struct value *v = codec_msgpack_decode(data, size, t, &d);
    if (!v && !diags_has_error(&d))
        abort();
    if (v) {
        struct xbuf b;
        xbuf_init(&b);
        if (codec_msgpack_encode(v, t, &b) != XA_OK)
            abort();
        struct value *back = codec_msgpack_decode(b.data, b.len, t, &d);
        if (!back || !value_equal(v, back))
            abort();
        value_free(back);
        xbuf_cleanup(&b);
    }
    value_free(v);
    diags_cleanup(&d);
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    round_trip(data, size, &rich);
    round_trip(data, size, &type_dynamic);
    return 0;
}
