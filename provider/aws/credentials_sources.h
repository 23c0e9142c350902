/* aws/credentials_sources.h - the credential sources the chain tries, and the shared
 * config and credentials files: what credentials_provider.c, credentials_files.c and
 * credentials_remote.c share (client.c reads the profile's region); not for other
 * modules.
 *
 * Each source function tries one source and returns XA_OK with creds filled,
 * XA_ENOTFOUND when the source is simply not configured (why says so briefly), or
 * another status when it is configured but failed (why says how). `why` never receives
 * a secret. Internal functions carry the creds_ prefix.
 */
#ifndef XA_AWS_CREDENTIALS_SOURCES_H
#define XA_AWS_CREDENTIALS_SOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "aws/config.h"
#include "aws/credentials.h"
#include "util/buf.h"
#include "util/status.h"

/* ---- Shared config/credentials files (credentials_files.c) ---- */
struct creds_ini_section {
    char *name;          /* as written between brackets, trimmed */
    struct aws_kv *kv;
    size_t n;
};
struct creds_ini {
    struct creds_ini_section *sections;
    size_t n;
};
void creds_ini_cleanup(struct creds_ini *ini);
/* Parses text (strict: every non-blank, non-comment line is "[section]" or "key = value";
 * indented lines continue a sub-property and are ignored). XA_EINVAL with why naming
 * the line on a syntax error. Values are wiped on cleanup. */
enum xa_status creds_ini_parse(const char *text, const char *origin, struct creds_ini *out,
                               struct xbuf *why);
/* XA_ENOTFOUND when the file does not exist. Only a regular file of at most 4 MiB is
 * read (util/file.h); what names it in messages ("shared config file"). */
enum xa_status creds_ini_load(const char *path, const char *what, struct creds_ini *out,
                              struct xbuf *why);
/* Whether a file of shared_config_files or shared_credentials_files (as written: "~/"
 * is the home directory) loads as configure loads it: XA_OK; XA_ENOTFOUND when it does
 * not exist (configure skips it); else the failure. why receives a sentence on failure. */
enum xa_status creds_ini_check(const char *path, const char *what, struct xbuf *why);

/* The profile view over a list of config files and credentials files. */
struct creds_profiles {
    struct creds_ini *config;       /* in precedence order: later files override */
    size_t nconfig;
    struct creds_ini *credentials;
    size_t ncredentials;
};
enum xa_status creds_profiles_load(const struct aws_client_config *cfg,
                                   struct creds_profiles *out, struct xbuf *why);
void creds_profiles_cleanup(struct creds_profiles *p);
bool creds_profiles_has(const struct creds_profiles *p, const char *profile);
/* Value of key in profile: credentials files first, then config files. NULL when unset. */
const char *creds_profiles_get(const struct creds_profiles *p, const char *profile,
                               const char *key);

/* ---- Sources ---- */
struct aws_credentials_env;     /* aws/credentials_provider.h */
struct creds_ctx {
    const struct aws_client_config *cfg;
    const struct aws_credentials_env *env;
    const struct creds_profiles *profiles;
    const char *profile;
    int64_t now;
};

enum xa_status creds_from_profile(const struct creds_ctx *ctx, const char *profile, int depth,
                                  struct aws_credentials *out, struct xbuf *why);
/* Runs `command` through /bin/sh and parses its JSON (Version 1), within
 * ctx->env->process_timeout_ms and until the transport is stopped (XA_ETIMEDOUT,
 * XA_ECANCELED; the helper's process group is then killed). */
enum xa_status creds_from_process(const struct creds_ctx *ctx, const char *command,
                                  struct aws_credentials *out, struct xbuf *why);
enum xa_status creds_from_container(const struct creds_ctx *ctx, struct aws_credentials *out,
                                    struct xbuf *why);
enum xa_status creds_from_imds(const struct creds_ctx *ctx, struct aws_credentials *out,
                               struct xbuf *why);
/* Whether a web identity token file reads as creds_web_identity reads it: XA_OK;
 * XA_ENOTFOUND when it does not exist; else the failure. why receives a sentence on
 * failure (never the token). */
enum xa_status creds_token_file_check(const char *path, const char *what, struct xbuf *why);
/* AssumeRoleWithWebIdentity with a token read from token_file. */
enum xa_status creds_web_identity(const struct creds_ctx *ctx,
                                  const struct aws_assume_role_web_identity_config *wi,
                                  struct aws_credentials *out, struct xbuf *why);
enum xa_status creds_assume_role(const struct creds_ctx *ctx,
                                 const struct aws_assume_role_config *ar,
                                 const struct aws_credentials *source,
                                 struct aws_credentials *out, struct xbuf *why);
/* Parses {AccessKeyId, SecretAccessKey, Token|SessionToken, Expiration} JSON as the
 * container endpoint, IMDS and credential_process return. */
enum xa_status creds_parse_json(const char *json, size_t len, const char *source,
                                struct aws_credentials *out, struct xbuf *why);

#endif
