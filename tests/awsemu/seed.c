/* awsemu/seed.c - turns a seed file (tests/awsemu/README.md documents the format) into the
 * world tree described in world.h: validates ids and references, derives what AWS derives
 * (resource parent ids and path parts, ARNs, role ids, revision ids) and fills defaults,
 * so that handlers never meet a half-formed object.
 */
#include "world.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apigw.h"
#include "emu.h"

#define SEED_FAIL(...)                                  \
    do {                                                \
        snprintf(err, errlen, __VA_ARGS__);             \
        goto fail;                                      \
    } while (0)

static bool is_account(const char *s)
{
    if (s == NULL || strlen(s) != 12)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
    }
    return true;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, json_string(v));
}

/* -------------------------------------------------------------- accounts/keys */

static int build_accounts(const json_t *seed, json_t *root, char *err, size_t errlen)
{
    json_t *accounts = json_object(), *keys = json_object();
    json_object_set_new(root, "accounts", accounts);
    json_object_set_new(root, "keys", keys);
    size_t i, j;
    json_t *a, *u;
    json_array_foreach(json_object_get(seed, "accounts"), i, a) {
        const char *id = str(a, "id");
        if (!is_account(id))
            SEED_FAIL("accounts[%zu].id must be 12 digits", i);
        json_t *acc = json_object();
        set_str(acc, "id", id);
        set_str(acc, "alias", str(a, "alias") ? str(a, "alias") : id);
        json_object_set_new(accounts, id, acc);
        json_array_foreach(json_object_get(a, "users"), j, u) {
            const char *name = str(u, "name"), *akid = str(u, "access_key_id"),
                       *secret = str(u, "secret_access_key");
            if (name == NULL || akid == NULL || secret == NULL)
                SEED_FAIL("accounts[%zu].users[%zu] needs name, access_key_id and "
                          "secret_access_key", i, j);
            if (json_object_get(keys, akid) != NULL)
                SEED_FAIL("access key %s appears twice", akid);
            json_t *k = json_object();
            char arn[256], uid[64];
            snprintf(arn, sizeof arn, "arn:aws:iam::%s:user/%s", id, name);
            snprintf(uid, sizeof uid, "AIDA%.16s", akid + (strlen(akid) > 4 ? 4 : 0));
            set_str(k, "secret", secret);
            set_str(k, "account", id);
            set_str(k, "arn", arn);
            set_str(k, "user_id", str(u, "user_id") ? str(u, "user_id") : uid);
            json_object_set_new(keys, akid, k);
        }
    }
    return 0;
fail:
    return -1;
}

/* ---------------------------------------------------------------------- roles */

static int build_roles(const json_t *seed, json_t *root, char *err, size_t errlen)
{
    json_t *roles = json_object();
    json_object_set_new(root, "roles", roles);
    json_t *accounts = json_object_get(root, "accounts");
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(seed, "roles"), i, r) {
        const char *acct = str(r, "account"), *name = str(r, "name");
        if (!is_account(acct) || json_object_get(accounts, acct) == NULL || name == NULL)
            SEED_FAIL("roles[%zu] needs a name and the id of a seeded account", i);
        json_t *role = json_object();
        char arn[256], rid[32];
        snprintf(arn, sizeof arn, "arn:aws:iam::%s:role/%s", acct, name);
        snprintf(rid, sizeof rid, "AROA");
        emu_random_alnum(rid + 4, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        set_str(role, "arn", arn);
        set_str(role, "account", acct);
        set_str(role, "name", name);
        set_str(role, "role_id", str(r, "role_id") ? str(r, "role_id") : rid);
        json_t *trust = json_object_get(r, "trust");
        json_object_set_new(role, "trust", trust ? json_deep_copy(trust) : json_object());
        if (str(r, "external_id"))
            set_str(role, "external_id", str(r, "external_id"));
        json_int_t maxd = json_integer_value(json_object_get(r, "max_session_duration"));
        json_object_set_new(role, "max_session_duration", json_integer(maxd ? maxd : 3600));
        json_object_set_new(roles, arn, role);
    }
    return 0;
fail:
    return -1;
}

/* ------------------------------------------------------------------ REST APIs */

static void path_parent(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash == out)
        out[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
}

static json_t *method_from_seed(const char *verb, const json_t *m)
{
    json_t *out = json_object();
    set_str(out, "httpMethod", verb);
    set_str(out, "authorizationType",
            str(m, "authorizationType") ? str(m, "authorizationType") : "NONE");
    json_object_set_new(out, "apiKeyRequired",
                        json_boolean(json_is_true(json_object_get(m, "apiKeyRequired"))));
    json_t *rp = json_object_get(m, "requestParameters");
    if (rp)
        json_object_set_new(out, "requestParameters", json_deep_copy(rp));
    json_t *integ = json_object_get(m, "integration");
    if (integ)
        json_object_set_new(out, "methodIntegration", json_deep_copy(integ));
    return out;
}

static int build_api(const json_t *a, size_t i, json_t *root, char *err, size_t errlen)
{
    const char *id = str(a, "id"), *acct = str(a, "account"), *region = str(a, "region");
    json_t *by_path = json_object(), *r;
    if (id == NULL || region == NULL || !is_account(acct) ||
        json_object_get(json_object_get(root, "accounts"), acct) == NULL)
        SEED_FAIL("rest_apis[%zu] needs id, region and a seeded account", i);
    json_t *api = json_object();
    json_object_set_new(json_object_get(root, "rest_apis"), id, api);
    set_str(api, "id", id);
    set_str(api, "name", str(a, "name") ? str(a, "name") : id);
    set_str(api, "account", acct);
    set_str(api, "region", region);
    json_object_set_new(api, "createdDate", json_integer((json_int_t)time(NULL)));
    json_t *resources = json_object();
    json_object_set_new(api, "resources", resources);

    size_t j;
    json_array_foreach(json_object_get(a, "resources"), j, r) {
        const char *path = str(r, "path");
        if (path == NULL || path[0] != '/' || (strlen(path) > 1 && path[strlen(path) - 1] == '/'))
            SEED_FAIL("rest_apis[%zu].resources[%zu].path must start with '/' and not end "
                      "with one", i, j);
        char rid[16];
        emu_random_alnum(rid, 10, "abcdefghijklmnopqrstuvwxyz0123456789");
        json_t *res = json_object();
        set_str(res, "id", str(r, "id") ? str(r, "id") : rid);
        set_str(res, "path", path);
        json_t *methods = json_object(), *m;
        const char *verb;
        json_object_foreach(json_object_get(r, "methods"), verb, m) {
            json_object_set_new(methods, verb, method_from_seed(verb, m));
        }
        json_object_set_new(res, "resourceMethods", methods);
        json_object_set(by_path, path, res);
        json_object_set_new(resources, str(res, "id"), res);
    }
    if (json_object_get(by_path, "/") == NULL) {
        json_t *res = json_object();
        char rid[16];
        emu_random_alnum(rid, 10, "abcdefghijklmnopqrstuvwxyz0123456789");
        set_str(res, "id", rid);
        set_str(res, "path", "/");
        json_object_set_new(res, "resourceMethods", json_object());
        json_object_set(by_path, "/", res);
        json_object_set_new(resources, rid, res);
    }
    const char *path;
    json_object_foreach(by_path, path, r) {
        if (strcmp(path, "/") == 0) {
            set_str(api, "rootResourceId", str(r, "id"));
            continue;
        }
        char parent[1024];
        path_parent(path, parent, sizeof parent);
        json_t *p = json_object_get(by_path, parent);
        if (p == NULL)
            SEED_FAIL("rest_apis[%zu]: resource %s has no parent resource %s", i, path, parent);
        set_str(r, "parentId", str(p, "id"));
        set_str(r, "pathPart", strrchr(path, '/') + 1);
    }
    json_decref(by_path);
    by_path = NULL;
    json_t *auths = json_object();
    json_object_set_new(api, "authorizers", auths);
    json_array_foreach(json_object_get(a, "authorizers"), j, r) {
        if (str(r, "id") == NULL || str(r, "name") == NULL)
            SEED_FAIL("rest_apis[%zu].authorizers[%zu] needs an id and a name", i, j);
        json_t *copy = json_deep_copy(r);
        if (json_object_get(copy, "authorizerResultTtlInSeconds") == NULL)
            json_object_set_new(copy, "authorizerResultTtlInSeconds", json_integer(300));
        json_object_set_new(auths, str(r, "id"), copy);
    }
    /* Seeded stages serve a deployment of the API as seeded. */
    json_array_foreach(json_object_get(a, "stages"), j, r) {
        if (str(r, "name") == NULL)
            SEED_FAIL("rest_apis[%zu].stages[%zu] needs a name", i, j);
        apigw_deploy(api, str(r, "name"), str(r, "description"), (int64_t)time(NULL));
    }
    return 0;
fail:
    json_decref(by_path);
    return -1;
}

/* ------------------------------------------------------------------ functions */

static json_t *new_qual(void)
{
    json_t *q = json_object();
    json_object_set_new(q, "statements", json_array());
    world_new_revision(q);
    return q;
}

/* "policies": {"" | version | alias: [statement, ...]}: statements already in a
 * qualifier's resource policy, as `lambda add-permission` or the console leaves them
 * (a seed of wiring made by hand). Each needs a Sid; it is stored as written. */
static int seed_policies(const json_t *f, size_t i, json_t *quals, char *err, size_t errlen)
{
    const char *q;
    json_t *list;
    json_object_foreach(json_object_get(f, "policies"), q, list) {
        json_t *qual = json_object_get(quals, q), *st;
        size_t j;
        if (qual == NULL || !json_is_array(list))
            SEED_FAIL("functions[%zu].policies: \"%s\" is not a qualifier of the function, "
                      "or its statements are not an array", i, q);
        json_array_foreach(list, j, st) {
            if (!json_is_object(st) || !json_is_string(json_object_get(st, "Sid")))
                SEED_FAIL("functions[%zu].policies[\"%s\"][%zu] needs a Sid", i, q, j);
            json_array_append_new(json_object_get(qual, "statements"), json_deep_copy(st));
        }
    }
    return 0;
fail:
    return -1;
}

static int build_function(const json_t *f, size_t i, json_t *root, char *err, size_t errlen)
{
    const char *name = str(f, "name"), *acct = str(f, "account"), *region = str(f, "region");
    if (name == NULL || region == NULL || !is_account(acct) ||
        json_object_get(json_object_get(root, "accounts"), acct) == NULL)
        SEED_FAIL("functions[%zu] needs name, region and a seeded account", i);
    json_t *fn = json_object();
    char key[512], arn[512], role[256], modified[40];
    snprintf(key, sizeof key, "%s/%s/%s", acct, region, name);
    snprintf(arn, sizeof arn, "arn:aws:lambda:%s:%s:function:%s", region, acct, name);
    snprintf(role, sizeof role, "arn:aws:iam::%s:role/%s-role", acct, name);
    emu_iso8601_ms((int64_t)time(NULL), modified);
    json_object_set_new(json_object_get(root, "functions"), key, fn);
    set_str(fn, "name", name);
    set_str(fn, "account", acct);
    set_str(fn, "region", region);
    set_str(fn, "arn", arn);
    set_str(fn, "runtime", str(f, "runtime") ? str(f, "runtime") : "python3.12");
    set_str(fn, "handler", str(f, "handler") ? str(f, "handler") : "index.handler");
    set_str(fn, "role", str(f, "role") ? str(f, "role") : role);
    set_str(fn, "description", str(f, "description") ? str(f, "description") : "");
    set_str(fn, "last_modified", modified);
    json_object_set_new(fn, "memory_size", json_integer(128));
    json_object_set_new(fn, "timeout", json_integer(3));
    json_t *quals = json_object();
    json_object_set_new(fn, "quals", quals);
    json_object_set_new(quals, "", new_qual());
    json_t *versions = json_array(), *v;
    size_t j;
    json_array_foreach(json_object_get(f, "versions"), j, v) {
        if (!json_is_string(v))
            SEED_FAIL("functions[%zu].versions must be strings", i);
        json_array_append(versions, v);
        json_object_set_new(quals, json_string_value(v), new_qual());
    }
    json_object_set_new(fn, "versions", versions);
    json_t *aliases = json_object();
    const char *alias;
    json_object_foreach(json_object_get(f, "aliases"), alias, v) {
        json_object_set(aliases, alias, v);
        json_object_set_new(quals, alias, new_qual());
    }
    json_object_set_new(fn, "aliases", aliases);
    return seed_policies(f, i, quals, err, errlen);
fail:
    return -1;
}

/* ----------------------------------------------------------------------- all */

json_t *seed_build(const json_t *seed, char *err, size_t errlen)
{
    json_t *root = json_object();
    json_object_set_new(root, "rest_apis", json_object());
    json_object_set_new(root, "functions", json_object());
    json_object_set_new(root, "imds_tokens", json_object());
    if (!json_is_object(seed))
        SEED_FAIL("the seed must be a JSON object");
    if (build_accounts(seed, root, err, errlen) != 0 || build_roles(seed, root, err, errlen) != 0)
        goto fail;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(seed, "rest_apis"), i, x) {
        if (build_api(x, i, root, err, errlen) != 0)
            goto fail;
    }
    json_array_foreach(json_object_get(seed, "functions"), i, x) {
        if (build_function(x, i, root, err, errlen) != 0)
            goto fail;
    }
    static const char *const copied[] = {"web_identity_tokens", "instance_profile",
                                         "container_credentials"};
    for (i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        x = json_object_get(seed, copied[i]);
        if (x != NULL)
            json_object_set_new(root, copied[i], json_deep_copy(x));
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}
