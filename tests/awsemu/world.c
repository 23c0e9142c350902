/* awsemu/world.c - the world's lock, its lookups and the temporary credentials STS mints
 * (see world.h for the layout of the tree). Reset rebuilds the tree from the kept seed.
 */
#include "world.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "emu.h"
#include "util/alloc.h"

struct world {
    pthread_mutex_t mu;
    json_t *seed;
    json_t *root;
};

struct world *world_new(const json_t *seed, char *err, size_t errlen)
{
    struct world *w = xa_calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    w->seed = json_deep_copy(seed);
    w->root = seed_build(seed, err, errlen);
    if (w->seed == NULL || w->root == NULL) {
        world_free(w);
        return NULL;
    }
    return w;
}

void world_free(struct world *w)
{
    if (w == NULL)
        return;
    json_decref(w->seed);
    json_decref(w->root);
    pthread_mutex_destroy(&w->mu);
    xa_free(w);
}

void world_lock(struct world *w)
{
    pthread_mutex_lock(&w->mu);
}

void world_unlock(struct world *w)
{
    pthread_mutex_unlock(&w->mu);
}

int world_reset(struct world *w)
{
    char err[256];
    json_t *root = seed_build(w->seed, err, sizeof err);
    if (root == NULL)
        return -1;
    json_decref(w->root);
    w->root = root;
    return 0;
}

json_t *world_dump(struct world *w)
{
    json_t *d = json_deep_copy(w->root);
    json_t *keys = json_object_get(d, "keys"), *k;
    const char *akid;
    json_object_foreach(keys, akid, k) {
        json_object_del(k, "secret");
        json_object_del(k, "session_token");
    }
    json_object_del(d, "web_identity_tokens");
    json_object_del(d, "imds_tokens");
    return d;
}

json_t *world_section(struct world *w, const char *name)
{
    return json_object_get(w->root, name);
}

json_t *world_key(struct world *w, const char *access_key_id)
{
    return json_object_get(json_object_get(w->root, "keys"), access_key_id);
}

json_t *world_role(struct world *w, const char *role_arn)
{
    return json_object_get(json_object_get(w->root, "roles"), role_arn);
}

json_t *world_api(struct world *w, const char *api_id)
{
    return json_object_get(json_object_get(w->root, "rest_apis"), api_id);
}

json_t *world_function(struct world *w, const char *account, const char *region,
                       const char *name)
{
    char key[512];
    snprintf(key, sizeof key, "%s/%s/%s", account, region, name);
    return json_object_get(json_object_get(w->root, "functions"), key);
}

int world_add_session(struct world *w, const char *account, const char *arn,
                      const char *user_id, int64_t expiration, char akid[21],
                      char secret[41], char token[257])
{
    static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    memcpy(akid, "ASIA", 4);
    emu_random_alnum(akid + 4, 16, upper);
    emu_random_alnum(secret, 40, b64);
    memcpy(token, "IQoJb3JpZ2luX2VjE", 17);  /* the prefix real session tokens share */
    emu_random_alnum(token + 17, 239, b64);
    json_t *k = json_object();
    if (k == NULL)
        return -1;
    json_object_set_new(k, "secret", json_string(secret));
    json_object_set_new(k, "session_token", json_string(token));
    json_object_set_new(k, "account", json_string(account));
    json_object_set_new(k, "arn", json_string(arn));
    json_object_set_new(k, "user_id", json_string(user_id));
    json_object_set_new(k, "expiration", json_integer(expiration));
    return json_object_set_new(json_object_get(w->root, "keys"), akid, k);
}

void world_new_revision(json_t *qual)
{
    char id[37];
    emu_uuid(id);
    json_object_set_new(qual, "revision_id", json_string(id));
}
