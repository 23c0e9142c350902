/* tests/fuzz/fuzz_shared_config_ini.c - the shared config and credentials file reader.
 *
 * The input is the text of one file (parsed as read from disk: up to the first NUL).
 * A parse either succeeds or fails with a reason naming the origin; on success every
 * section and key is a non-empty C string, every key is trimmed, and the profile
 * lookups the credential chain makes (as a config file and as a credentials file)
 * return either NULL or a value of that section.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/credentials_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ini(const struct creds_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        const struct creds_ini_section *s = &ini->sections[i];
        if (!s->name)
            abort();
        for (size_t k = 0; k < s->n; k++) {
            const char *key = s->kv[k].key;
            size_t kl = strlen(key);
            if (!kl || key[0] == ' ' || key[kl - 1] == ' ' || !s->kv[k].value)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct creds_ini ini;
    struct xbuf why;
    xbuf_init(&why);
    enum xa_status st = creds_ini_parse(text, "fuzz-file", &ini, &why);
    if (st == XA_OK) {
        check_ini(&ini);
        struct creds_profiles as_config = {.config = &ini, .nconfig = 1};
        struct creds_profiles as_creds = {.credentials = &ini, .ncredentials = 1};
        static const char *const profiles[] = {"default", "prod", "profile prod", ""};
        static const char *const keys[] = {"region", "role_arn", "source_profile",
                                           "credential_process", "aws_access_key_id"};
        for (size_t p = 0; p < 4; p++) {
            (void)creds_profiles_has(&as_config, profiles[p]);
            (void)creds_profiles_has(&as_creds, profiles[p]);
            for (size_t k = 0; k < 5; k++) {
                (void)creds_profiles_get(&as_config, profiles[p], keys[k]);
                (void)creds_profiles_get(&as_creds, profiles[p], keys[k]);
            }
        }
        creds_ini_cleanup(&ini);
    } else if (st != XA_ENOMEM && !strstr(xbuf_cstr(&why), "fuzz-file")) {
        abort();
    }
    xbuf_cleanup(&why);
    free(text);
    return 0;
}
