/* awsemu/world.h - the emulated AWS world: accounts and their keys, IAM roles, REST APIs
 * with their resources, methods and integrations, Lambda functions with their versions,
 * aliases and resource policies, and the temporary credentials STS has handed out.
 *
 * The state is one jansson tree built from the seed (seed.c) and guarded by one mutex:
 * every handler runs between world_lock and world_unlock, so the tree is only ever read
 * or changed by one request at a time. Requests are small, so a single lock is plenty
 * for 64+ concurrent connections and keeps every operation atomic, as AWS's are.
 * Lookups return borrowed pointers into the tree, valid until the lock is released.
 * Layout of the tree (keys in brackets are maps):
 *   keys{access key id}   secret, account, arn, user_id, [session_token, expiration]
 *   roles{role arn}       account, name, role_id, trust{aws[],services[],federated[]},
 *                         external_id, max_session_duration
 *   rest_apis{api id}     id, name, account, region, createdDate, rootResourceId,
 *                         resources{resource id}{id,parentId,pathPart,path,
 *                                                resourceMethods{VERB}{...,methodIntegration,
 *                                                authorizationType, authorizerId}},
 *                         authorizers{id}{id,name,type,authorizerUri,identitySource,...},
 *                         deployments{id}{id,description,createdDate,
 *                                         snapshot{resources,authorizers}},
 *                         stages{name}{stageName,deploymentId,createdDate,...}
 *   functions{account/region/name}  name, account, region, runtime, ..., versions[],
 *                         aliases{name: version}, quals{"" | version | alias}
 *                                                   {revision_id, statements[]}
 *   web_identity_tokens[], instance_profile{role}, container_credentials{role, token}
 */
#ifndef XA_AWSEMU_WORLD_H
#define XA_AWSEMU_WORLD_H

#include <stdint.h>

#include <jansson.h>

struct world;

/* Builds the world from a seed document (borrowed; a copy is kept for world_reset).
 * NULL with err filled when the seed is invalid or memory runs out. */
struct world *world_new(const json_t *seed, char *err, size_t errlen);
void world_free(struct world *w);

void world_lock(struct world *w);
void world_unlock(struct world *w);

/* With the lock held. */
int world_reset(struct world *w);                       /* back to the seed; 0 or -1 */
json_t *world_dump(struct world *w);                    /* new reference, secrets removed */
json_t *world_section(struct world *w, const char *name);
json_t *world_key(struct world *w, const char *access_key_id);
json_t *world_role(struct world *w, const char *role_arn);
json_t *world_api(struct world *w, const char *api_id);
json_t *world_function(struct world *w, const char *account, const char *region,
                       const char *name);
/* Mints temporary credentials for principal (arn, user id) of account, valid until
 * expiration; the secret parts are written to the caller's buffers. 0 or -1. */
int world_add_session(struct world *w, const char *account, const char *arn,
                      const char *user_id, int64_t expiration, char akid[21],
                      char secret[41], char token[257]);

/* Fresh revision id for a function qualifier (a UUID). */
void world_new_revision(json_t *qual);

/* seed.c: the seed document turned into the tree above. NULL with err on failure. */
json_t *seed_build(const json_t *seed, char *err, size_t errlen);

#endif
