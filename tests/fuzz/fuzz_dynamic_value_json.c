/* tests/fuzz/fuzz_dynamic_value_json.c - DynamicValue.json / raw state decoder.
 *
 * Decodes the input as JSON against a rich object type, strictly and with allow_extra.
 * A decoded value must encode to JSON and msgpack; the JSON must decode to an equal
 * value and so must the msgpack. Values are compared after one normalising JSON round,
 * because numbers come from jansson: a number written in a string keeps its exact text,
 * and an integer beyond int64 sends every integer of its document through a double.
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

static struct value *json_twice(const char *data, size_t size, bool extra, struct diags *d)
{
    struct value *v = codec_json_decode(data, size, &rich, extra, d);
    if (!v) {
        if (!diags_has_error(d))
            abort();
        return NULL;
    }
    struct xbuf b;
    xbuf_init(&b);
    if (codec_json_encode_typed(v, &rich, &b) != XA_OK)
        abort();
    struct value *back = codec_json_decode(b.data, b.len, &rich, false, d);
    if (!back)
        abort();
    xbuf_cleanup(&b);
    value_free(v);
    return back;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int extra = 0; extra < 2; extra++) {
        struct diags d;
        diags_init(&d);
        struct value *v = json_twice((const char *)data, size, extra, &d);
        if (v) {
            struct xbuf j, m;
            xbuf_init(&j);
            xbuf_init(&m);
            if (codec_json_encode_typed(v, &rich, &j) != XA_OK || codec_msgpack_encode(v, &rich, &m) != XA_OK)
                abort();
            struct value *a = codec_json_decode(j.data, j.len, &rich, false, &d);
            struct value *b = codec_msgpack_decode(m.data, m.len, &rich, &d);
            if (!a || !b || !value_equal(v, a) || !value_equal(v, b))
                abort();
            value_free(a);
            value_free(b);
            xbuf_cleanup(&j);
            xbuf_cleanup(&m);
        }
        value_free(v);
        diags_cleanup(&d);
    }
    return 0;
}
