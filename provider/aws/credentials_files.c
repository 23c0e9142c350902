/* aws/credentials_files.c - the shared config and credentials files, and profiles.
 *
 * A small strict INI reader: Debian's libinih is built with 200-byte lines and
 * truncates session tokens (which run to ~1 KiB), so it cannot be used here.
 * Rules as the AWS CLI reads these files: '#' and ';' start comment lines; sections are
 * "[name]" in the credentials file and "[profile name]" (or "[default]") in the config
 * file; keys are case-sensitive and trimmed; indented lines continue a nested
 * sub-property (s3 = ...) and are ignored. Several files may be given; later ones win.
 * Then creds_from_profile: role_arn (+ source_profile / credential_source /
 * web_identity_token_file), credential_process, static keys; SSO is reported as
 * unsupported.
 */
#include "aws/credentials_sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/alloc.h"
#include "util/file.h"

/* Real config files are a few KiB; the CLI's own limit is far below this. */
#define INI_MAX_BYTES (4u << 20)

/* ------------------------------------------------------------------------- INI */

void creds_ini_cleanup(struct creds_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        struct creds_ini_section *s = &ini->sections[i];
        for (size_t k = 0; k < s->n; k++) {
            xa_free(s->kv[k].key);
            if (s->kv[k].value) {
                OPENSSL_cleanse(s->kv[k].value, strlen(s->kv[k].value));
                xa_free(s->kv[k].value);
            }
        }
        xa_free(s->kv);
        xa_free(s->name);
    }
    xa_free(ini->sections);
    ini->sections = NULL;
    ini->n = 0;
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    return end;
}

static enum xa_status add_section(struct creds_ini *ini, const char *name, size_t len)
{
    struct creds_ini_section *s = xa_realloc(ini->sections, (ini->n + 1) * sizeof *s);
    if (!s)
        return XA_ENOMEM;
    ini->sections = s;
    char *n = xa_strndup(name, len);
    if (!n)
        return XA_ENOMEM;
    ini->sections[ini->n++] = (struct creds_ini_section){.name = n};
    return XA_OK;
}

static enum xa_status add_kv(struct creds_ini_section *s, const char *k, size_t klen,
                             const char *v, size_t vlen)
{
    /* A repeated key replaces the earlier value, as the CLI does. */
    for (size_t i = 0; i < s->n; i++) {
        if (strlen(s->kv[i].key) == klen && memcmp(s->kv[i].key, k, klen) == 0) {
            char *nv = xa_strndup(v, vlen);
            if (!nv)
                return XA_ENOMEM;
            OPENSSL_cleanse(s->kv[i].value, strlen(s->kv[i].value));
            xa_free(s->kv[i].value);
            s->kv[i].value = nv;
            return XA_OK;
        }
    }
    struct aws_kv *kv = xa_realloc(s->kv, (s->n + 1) * sizeof *kv);
    if (!kv)
        return XA_ENOMEM;
    s->kv = kv;
    char *nk = xa_strndup(k, klen), *nv = xa_strndup(v, vlen);
    if (!nk || !nv) {
        xa_free(nk);
        xa_free(nv);
        return XA_ENOMEM;
    }
    s->kv[s->n++] = (struct aws_kv){.key = nk, .value = nv};
    return XA_OK;
}

enum xa_status creds_ini_parse(const char *text, const char *origin, struct creds_ini *out,
                               struct xbuf *why)
{
    *out = (struct creds_ini){0};
    enum xa_status st = XA_OK;
    const char *p = text;
    size_t lineno = 0;
    bool in_section = false;
    if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (*p && st == XA_OK) {
        lineno++;
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *next = eol ? eol + 1 : end;
        bool indented = (*p == ' ' || *p == '\t');
        const char *s = skip_ws(p, end);
        const char *e = trim_end(s, end);
        if (s == e || *s == '#' || *s == ';') {
            p = next;
            continue;
        }
        if (*s == '[') {
            if (e[-1] != ']' || e - s < 3) {
                st = XA_EINVAL;
                xbuf_appendf(why, "%s line %zu: a section header must look like [name].", origin,
                             lineno);
                break;
            }
            const char *ns = skip_ws(s + 1, e - 1), *ne = trim_end(ns, e - 1);
            st = add_section(out, ns, (size_t)(ne - ns));
            in_section = true;
        } else if (indented && in_section && out->sections[out->n - 1].n > 0) {
            /* continuation of a nested sub-property: not used by credentials */
        } else {
            const char *eq = memchr(s, '=', (size_t)(e - s));
            if (!eq || !in_section) {
                st = XA_EINVAL;
                xbuf_appendf(why, "%s line %zu: %s", origin, lineno,
                             !in_section ? "a setting appears before any [section]."
                                         : "expected \"key = value\".");
                break;
            }
            const char *ke = trim_end(s, eq), *vs = skip_ws(eq + 1, e);
            if (ke == s) {
                st = XA_EINVAL;
                xbuf_appendf(why, "%s line %zu: the setting has no name.", origin, lineno);
                break;
            }
            st = add_kv(&out->sections[out->n - 1], s, (size_t)(ke - s), vs, (size_t)(e - vs));
        }
        p = next;
    }
    if (st != XA_OK)
        creds_ini_cleanup(out);
    return st;
}

enum xa_status creds_ini_load(const char *path, const char *what, struct creds_ini *out,
                              struct xbuf *why)
{
    *out = (struct creds_ini){0};
    struct xbuf text;
    xbuf_init(&text);
    enum xa_status st = xa_file_read(path, INI_MAX_BYTES, what, &text, why);
    if (st == XA_OK && memchr(xbuf_cstr(&text), '\0', text.len)) {
        st = XA_EINVAL;
        xbuf_appendf(why, "The %s %s contains a NUL byte; it is not a text file.", what, path);
    }
    if (st == XA_OK)
        st = creds_ini_parse(xbuf_cstr(&text), path, out, why);
    xbuf_cleanup_secret(&text);
    return st;
}

/* ------------------------------------------------------------------------- profiles */

static enum xa_status home_path(const char *rel, struct xbuf *out)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return XA_ENOTFOUND;
    return xbuf_appendf(out, "%s/%s", home, rel);
}

/* A file as written in shared_config_files / shared_credentials_files: "~/" is $HOME. */
static enum xa_status listed_path(const char *f, struct xbuf *out)
{
    return (f[0] == '~' && f[1] == '/') ? home_path(f + 2, out) : xbuf_append_str(out, f);
}

enum xa_status creds_ini_check(const char *path, const char *what, struct xbuf *why)
{
    struct xbuf full;
    xbuf_init(&full);
    struct creds_ini ini;
    enum xa_status st = listed_path(path, &full);
    if (st == XA_OK)
        st = creds_ini_load(xbuf_cstr(&full), what, &ini, why);
    if (st == XA_OK)
        creds_ini_cleanup(&ini);
    else if (st == XA_ENOTFOUND)
        xbuf_appendf(why, "The %s %s does not exist, so it is skipped.", what, path);
    xbuf_cleanup(&full);
    return st;
}

/* Loads a list of files (explicit list, else env var, else the default under ~/.aws),
 * skipping those that do not exist. */
static enum xa_status load_list(const char *const *files, size_t nfiles, const char *envname,
                                const char *def, const char *what, struct creds_ini **out,
                                size_t *nout, struct xbuf *why)
{
    enum xa_status st = XA_OK;
    struct xbuf one;
    xbuf_init(&one);
    const char *envv = getenv(envname);
    size_t count = nfiles ? nfiles : 1;
    *out = xa_calloc(count, sizeof **out);
    *nout = 0;
    if (!*out)
        return XA_ENOMEM;
    for (size_t i = 0; i < count && st == XA_OK; i++) {
        xbuf_clear(&one);
        if (nfiles) {
            st = listed_path(files[i], &one);
        } else if (envv && *envv) {
            st = xbuf_append_str(&one, envv);
        } else {
            st = home_path(def, &one);
        }
        if (st == XA_ENOTFOUND) {
            st = XA_OK;
            continue;
        }
        if (st != XA_OK)
            break;
        st = creds_ini_load(xbuf_cstr(&one), what, &(*out)[*nout], why);
        if (st == XA_OK)
            (*nout)++;
        else if (st == XA_ENOTFOUND)
            st = XA_OK;
    }
    xbuf_cleanup(&one);
    return st;
}

void creds_profiles_cleanup(struct creds_profiles *p)
{
    for (size_t i = 0; i < p->nconfig; i++)
        creds_ini_cleanup(&p->config[i]);
    for (size_t i = 0; i < p->ncredentials; i++)
        creds_ini_cleanup(&p->credentials[i]);
    xa_free(p->config);
    xa_free(p->credentials);
    *p = (struct creds_profiles){0};
}

enum xa_status creds_profiles_load(const struct aws_client_config *cfg,
                                   struct creds_profiles *out, struct xbuf *why)
{
    *out = (struct creds_profiles){0};
    enum xa_status st = load_list(cfg->shared_config_files, cfg->nshared_config_files,
                                  "AWS_CONFIG_FILE", ".aws/config", "shared config file",
                                  &out->config, &out->nconfig, why);
    if (st == XA_OK)
        st = load_list(cfg->shared_credentials_files, cfg->nshared_credentials_files,
                       "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials",
                       "shared credentials file", &out->credentials, &out->ncredentials, why);
    if (st != XA_OK)
        creds_profiles_cleanup(out);
    return st;
}

/* Config files name profiles "profile X" except "default" (either form accepted). */
static bool config_section_is(const char *section, const char *profile)
{
    if (strcmp(section, "default") == 0 && strcmp(profile, "default") == 0)
        return true;
    if (strncmp(section, "profile", 7) != 0 || (section[7] != ' ' && section[7] != '\t'))
        return false;
    const char *n = section + 8;
    while (*n == ' ' || *n == '\t')
        n++;
    return strcmp(n, profile) == 0;
}

static const char *ini_lookup(const struct creds_ini *files, size_t nfiles, bool config,
                              const char *profile, const char *key, bool *found_section)
{
    for (size_t f = nfiles; f-- > 0;) {
        const struct creds_ini *ini = &files[f];
        for (size_t s = ini->n; s-- > 0;) {
            const struct creds_ini_section *sec = &ini->sections[s];
            bool match = config ? config_section_is(sec->name, profile)
                                : strcmp(sec->name, profile) == 0;
            if (!match)
                continue;
            if (found_section)
                *found_section = true;
            for (size_t k = 0; key && k < sec->n; k++)
                if (strcmp(sec->kv[k].key, key) == 0)
                    return sec->kv[k].value;
        }
    }
    return NULL;
}

bool creds_profiles_has(const struct creds_profiles *p, const char *profile)
{
    bool found = false;
    ini_lookup(p->credentials, p->ncredentials, false, profile, NULL, &found);
    ini_lookup(p->config, p->nconfig, true, profile, NULL, &found);
    return found;
}

const char *creds_profiles_get(const struct creds_profiles *p, const char *profile,
                               const char *key)
{
    const char *v = ini_lookup(p->credentials, p->ncredentials, false, profile, key, NULL);
    if (!v)
        v = ini_lookup(p->config, p->nconfig, true, profile, key, NULL);
    return v && *v ? v : NULL;
}

/* ------------------------------------------------------------------------- resolution */

static enum xa_status source_credentials(const struct creds_ctx *ctx, const char *profile,
                                         int depth, struct aws_credentials *out,
                                         struct xbuf *why)
{
    const struct creds_profiles *pr = ctx->profiles;
    const char *src = creds_profiles_get(pr, profile, "source_profile");
    const char *cs = creds_profiles_get(pr, profile, "credential_source");
    if (src && cs) {
        xbuf_appendf(why, "profile %s sets both source_profile and credential_source", profile);
        return XA_EINVAL;
    }
    if (src && strcmp(src, profile) == 0) {
        /* A profile that sources itself uses its own static keys. */
        const char *ak = creds_profiles_get(pr, profile, "aws_access_key_id");
        const char *sk = creds_profiles_get(pr, profile, "aws_secret_access_key");
        if (!ak || !sk) {
            xbuf_appendf(why, "profile %s names itself as source_profile but has no static keys",
                         profile);
            return XA_EINVAL;
        }
        return aws_credentials_set(out, ak, sk,
                                   creds_profiles_get(pr, profile, "aws_session_token"), 0,
                                   "shared credentials file");
    }
    if (src)
        return creds_from_profile(ctx, src, depth + 1, out, why);
    if (cs && strcmp(cs, "Environment") == 0) {
        const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
        if (!ak || !*ak || !sk || !*sk) {
            xbuf_appendf(why, "profile %s: credential_source Environment but "
                              "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set", profile);
            return XA_ENOTFOUND;
        }
        return aws_credentials_set(out, ak, sk, getenv("AWS_SESSION_TOKEN"), 0, "environment");
    }
    if (cs && strcmp(cs, "Ec2InstanceMetadata") == 0)
        return creds_from_imds(ctx, out, why);
    if (cs && strcmp(cs, "EcsContainer") == 0)
        return creds_from_container(ctx, out, why);
    if (cs) {
        xbuf_appendf(why, "profile %s: unknown credential_source \"%s\" (expected Environment, "
                          "Ec2InstanceMetadata or EcsContainer)", profile, cs);
        return XA_EINVAL;
    }
    xbuf_appendf(why, "profile %s has role_arn but neither source_profile nor credential_source",
                 profile);
    return XA_EINVAL;
}

static int parse_int(const char *s, int def)
{
    if (!s)
        return def;
    char *end;
    long v = strtol(s, &end, 10);
    return (*end || v <= 0 || v > 43200) ? def : (int)v;
}

enum xa_status creds_from_profile(const struct creds_ctx *ctx, const char *profile, int depth,
                                  struct aws_credentials *out, struct xbuf *why)
{
    const struct creds_profiles *pr = ctx->profiles;
    if (depth > 8) {
        xbuf_appendf(why, "profile %s: source_profile chain is longer than 8 or loops", profile);
        return XA_EINVAL;
    }
    if (!creds_profiles_has(pr, profile)) {
        xbuf_appendf(why, "profile %s not found in the shared config or credentials files",
                     profile);
        return XA_ENOTFOUND;
    }
    const char *role_arn = creds_profiles_get(pr, profile, "role_arn");
    const char *wif = creds_profiles_get(pr, profile, "web_identity_token_file");
    enum xa_status st;
    if (role_arn && wif) {
        struct aws_assume_role_web_identity_config wi = {
            .role_arn = role_arn,
            .session_name = creds_profiles_get(pr, profile, "role_session_name"),
            .web_identity_token_file = wif,
            .duration_seconds = parse_int(creds_profiles_get(pr, profile, "duration_seconds"), 0),
        };
        return creds_web_identity(ctx, &wi, out, why);
    }
    if (role_arn) {
        struct aws_credentials source;
        aws_credentials_init(&source);
        st = source_credentials(ctx, profile, depth, &source, why);
        if (st == XA_OK) {
            struct aws_assume_role_config ar = {
                .role_arn = role_arn,
                .session_name = creds_profiles_get(pr, profile, "role_session_name"),
                .external_id = creds_profiles_get(pr, profile, "external_id"),
                .duration_seconds =
                    parse_int(creds_profiles_get(pr, profile, "duration_seconds"), 0),
            };
            st = creds_assume_role(ctx, &ar, &source, out, why);
            if (st != XA_OK)
                xbuf_appendf(why, " (role_arn of profile %s)", profile);
        }
        aws_credentials_cleanup(&source);
        return st == XA_ENOTFOUND ? XA_EINVAL : st;
    }
    if (creds_profiles_get(pr, profile, "sso_start_url") ||
        creds_profiles_get(pr, profile, "sso_session")) {
        xbuf_appendf(why, "profile %s uses IAM Identity Center (SSO), which xacct does not "
                          "support; use credential_process with `aws configure export-credentials`",
                     profile);
        return XA_EUNSUPPORTED;
    }
    const char *ak = creds_profiles_get(pr, profile, "aws_access_key_id");
    const char *sk = creds_profiles_get(pr, profile, "aws_secret_access_key");
    if (ak && sk)
        return aws_credentials_set(out, ak, sk, creds_profiles_get(pr, profile, "aws_session_token"),
                                   0, "shared credentials file");
    if (ak || sk) {
        xbuf_appendf(why, "profile %s sets only one of aws_access_key_id and "
                          "aws_secret_access_key", profile);
        return XA_EINVAL;
    }
    const char *proc = creds_profiles_get(pr, profile, "credential_process");
    if (proc) {
        st = creds_from_process(ctx, proc, out, why);
        if (st != XA_OK)
            xbuf_appendf(why, " (credential_process of profile %s)", profile);
        return st == XA_ENOTFOUND ? XA_EIO : st;
    }
    xbuf_appendf(why, "profile %s has no credentials (no keys, role_arn or credential_process)",
                 profile);
    return XA_ENOTFOUND;
}
