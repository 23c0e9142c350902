/* tests/support/xt.h - drive the real provider binary the way Terraform does.
 *
 * xt_start() launches terraform-provider-xacct exactly as go-plugin does for Terraform:
 * environment with TF_PLUGIN_MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS, PLUGIN_MIN/MAX_PORT
 * and PLUGIN_CLIENT_CERT (a fresh go-plugin-shaped certificate whose key only this client
 * holds), reads the handshake line, decodes the server certificate from field 6 and dials
 * back with mutual TLS through gRPC core (server certificate as the only root, target
 * name "localhost"). Calls then go out as raw protobuf (xt_call) or through the typed
 * helpers below, which speak the negotiated protocol (v5 or v6 method names; the request
 * and response messages used here are wire-identical in both versions) and encode and
 * decode values with core/codec.h against the provider's own schemas.
 *
 * Typical e2e test (e.g. with the AWS emulator's endpoint in extra_env):
 *
 *     const char *env[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:4566", NULL};
 *     struct xt_provider *p = xt_start(&(struct xt_options){.extra_env = env});
 *     struct xt_result r;
 *     xt_configure(p, provider_config_value, &r);        assert !xt_has_error(&r)
 *     xt_plan(p, "xacct_lambda_permission", NULL, config, config, NULL, &r);
 *     struct value *planned = xt_take_value(&r); ...
 *     xt_apply(p, "xacct_lambda_permission", NULL, planned, config, &r.priv, &r);
 *     xt_read(p, type, state, priv, &r); xt_import(p, type, "id", &r);
 *     assert_int_equal(xt_stop(p), 0);                   Shutdown RPC, reap, exit status
 *
 * Values passed in are borrowed; a NULL value pointer means "null of the type". Each
 * helper fills *r (xt_result_cleanup frees it, and helpers clean r before reuse: always
 * xt_result_init once). Helpers return the gRPC status code (0 = OK).
 * The child gets PR_SET_PDEATHSIG(SIGKILL): it dies with the thread that called xt_start,
 * so a failed assertion never leaves providers behind (call xt_start from a thread that
 * outlives the provider, normally the test's main thread).
 * Ownership: struct xt_provider is freed by xt_stop/xt_kill. Not thread-safe to stop a
 * provider while calls are in flight; concurrent xt_call on one provider is fine.
 */
#ifndef XA_TESTS_SUPPORT_XT_H
#define XA_TESTS_SUPPORT_XT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/value.h"
#include "util/buf.h"

/* ---- launching ------------------------------------------------------------------------ */

struct xt_options {
    const char *binary;             /* NULL: $XA_PROVIDER_BIN, else the build's binary */
    const char *protocols;          /* PLUGIN_PROTOCOL_VERSIONS; NULL = "5,6" */
    bool tcp;                       /* XACCT_PLUGIN_NETWORK=tcp */
    bool no_tls;                    /* leave PLUGIN_CLIENT_CERT unset (TF_DISABLE_PLUGIN_TLS) */
    bool debug;                     /* start with -debug and dial the address its
                                       TF_REATTACH_PROVIDERS line names (plaintext, v6) */
    bool wrong_client_cert;         /* dial with a certificate other than the one announced */
    const char *const *extra_env;   /* "NAME=value" strings, NULL-terminated; may be NULL */
    const char *stderr_path;        /* provider stderr goes here (appended); NULL = inherit */
    int timeout_ms;                 /* per call; 0 = 20000 */
};

struct xt_provider;

/* NULL on failure, with the reason printed on stderr (tests want to see it). */
struct xt_provider *xt_start(const struct xt_options *o);
int xt_protocol(const struct xt_provider *p);           /* 5 or 6 */
const char *xt_network(const struct xt_provider *p);    /* "unix" or "tcp" */
const char *xt_address(const struct xt_provider *p);
const char *xt_handshake_line(const struct xt_provider *p);
pid_t xt_pid(const struct xt_provider *p);
bool xt_alive(struct xt_provider *p);

/* GRPCController.Shutdown, close, wait up to 2 s (then SIGKILL, as go-plugin does).
 * Returns the exit status, 128+signal if killed by one, -1 if it had to be killed.
 * *took_ms (optional) gets the time from Shutdown to exit. Frees p. */
int xt_stop(struct xt_provider *p, double *took_ms);
/* SIGKILL and reap; frees p. */
void xt_kill(struct xt_provider *p);

/* Runs the binary with argv/env additions (no cookie unless given in env), waits up to
 * 5 s, captures stdout and stderr. Returns the exit status (-1 on failure/timeout). */
int xt_run_capture(const char *binary, const char *const *argv_extra, const char *const *env,
                   bool inherit_environment, struct xbuf *out, struct xbuf *err);

/* ---- raw calls ------------------------------------------------------------------------- */

/* Unary (or first message of a stream) call: method is "/tfplugin6.Provider/X".
 * Returns the gRPC status; resp gets the first response message (may stay empty). */
int xt_call(struct xt_provider *p, const char *method, const void *req, size_t len,
            struct xbuf *resp);
/* The messages of a server-streaming answer, in order. */
struct xt_messages {
    struct xbuf *items;
    size_t n;
};
/* Server-streaming call: every response message until the server ends the stream, into
 * out (start it zeroed; xt_messages_cleanup frees it). Returns the gRPC status. */
int xt_call_stream(struct xt_provider *p, const char *method, const void *req, size_t len,
                   struct xt_messages *out);
void xt_messages_cleanup(struct xt_messages *m);
/* n calls of method with the same request bytes, at most `inflight` of them outstanding,
 * all on one completion queue that the calling thread drives: a pipelined client, with
 * no thread per call (bench/ uses it so that the client's own cost is small beside the
 * provider's). Each OK answer goes to check (may be NULL), which says whether it is
 * good. Returns how many calls were not answered OK or were judged bad; n on a failure
 * to set up. */
int xt_call_pipelined(struct xt_provider *p, const char *method, const void *req, size_t len,
                      int n, int inflight,
                      bool (*check)(const uint8_t *resp, size_t len, void *ud), void *ud);
/* "/tfplugin6.Provider/" or "/tfplugin5.Provider/" + the v6 name, translated for v5
 * (GetProviderSchema -> GetSchema, ConfigureProvider -> Configure, ...). Static storage
 * per thread is NOT used: writes into buf (>= 96 bytes). */
const char *xt_method(const struct xt_provider *p, const char *v6_name, char *buf, size_t n);

/* ---- typed helpers ---------------------------------------------------------------------- */

struct xt_diag {
    int severity;           /* 1 error, 2 warning */
    char *summary;
    char *detail;
    char *path;             /* "a.b[\"k\"][0]" or NULL */
};

struct xt_result {
    int status;                     /* gRPC status of the call */
    struct xt_diag *diags;
    size_t ndiags;
    struct value *value;            /* planned / new / imported / upgraded state, or
                                       prepared_config; NULL if the answer had none */
    bool has_value;
    char **requires_replace;        /* paths as strings */
    size_t nrequires_replace;
    struct value *identity;         /* the identity the answer carries, or NULL */
    struct xbuf priv;               /* planned_private / private */
    struct xbuf raw;                /* the raw response message */
};

void xt_result_init(struct xt_result *r);
void xt_result_cleanup(struct xt_result *r);
bool xt_has_error(const struct xt_result *r);
/* First error diagnostic whose summary or detail contains `needle`, or NULL. */
const struct xt_diag *xt_find_diag(const struct xt_result *r, const char *needle);
/* Hands r->value to the caller. */
struct value *xt_take_value(struct xt_result *r);
/* Prints every diagnostic (debugging failing tests). */
void xt_print_diags(const struct xt_result *r);

/* The object types of the provider block and of a resource (NULL if unknown). */
const struct type *xt_provider_config_type(void);
const struct type *xt_resource_type(const char *type_name);
const struct type *xt_data_source_type(const char *type_name);

int xt_get_schema(struct xt_provider *p, struct xt_result *r);     /* r->raw = the response */
int xt_validate_provider(struct xt_provider *p, const struct value *config, struct xt_result *r);
int xt_configure(struct xt_provider *p, const struct value *config, struct xt_result *r);
int xt_validate_resource(struct xt_provider *p, const char *type, const struct value *config,
                         struct xt_result *r);
/* Same with config as raw msgpack bytes (hostile input tests). */
int xt_validate_resource_msgpack(struct xt_provider *p, const char *type, const void *msgpack,
                                 size_t len, struct xt_result *r);
int xt_plan(struct xt_provider *p, const char *type, const struct value *prior,
            const struct value *proposed, const struct value *config,
            const struct xbuf *prior_private, struct xt_result *r);
int xt_apply(struct xt_provider *p, const char *type, const struct value *prior,
             const struct value *planned, const struct value *config,
             const struct xbuf *planned_private, struct xt_result *r);
int xt_read(struct xt_provider *p, const char *type, const struct value *state,
            const struct xbuf *priv, struct xt_result *r);
int xt_import(struct xt_provider *p, const char *type, const char *id, struct xt_result *r);
int xt_upgrade(struct xt_provider *p, const char *type, int64_t version, const char *json,
               struct xt_result *r);
int xt_stop_provider(struct xt_provider *p, struct xt_result *r);
/* ValidateDataResourceConfig and ReadDataSource (r->value: the data source's state). */
int xt_validate_data_source(struct xt_provider *p, const char *type, const struct value *config,
                            struct xt_result *r);
int xt_read_data_source(struct xt_provider *p, const char *type, const struct value *config,
                        struct xt_result *r);

/* ---- newer protocol features (xt_features.c) ------------------------------------------ */

/* Types Terraform would take from the schemas: a resource type's identity, a list
 * resource's config block, an action's config, a function's parameter (NULL if none). */
const struct type *xt_identity_type(const char *type_name);
const struct type *xt_list_config_type(const char *type_name);
const struct type *xt_action_config_type(const char *type_name);
const struct type *xt_function_param_type(const char *name, size_t i);

/* ImportResourceState by identity (r->value the state, r->identity the identity). */
int xt_import_identity(struct xt_provider *p, const char *type, const struct value *identity,
                       struct xt_result *r);
/* UpgradeResourceIdentity (r->identity the upgraded identity). */
int xt_upgrade_identity(struct xt_provider *p, const char *type, int64_t version,
                        const char *json, struct xt_result *r);
/* GenerateResourceConfig (r->value the configuration). */
int xt_generate_config(struct xt_provider *p, const char *type, const struct value *state,
                       struct xt_result *r);
int xt_validate_list(struct xt_provider *p, const char *type, const struct value *config,
                     struct xt_result *r);

/* ListResource's events, each as a result: identity, display name in raw (a C string),
 * the object in value (when sent), diagnostics. */
struct xt_list {
    int status;
    struct xt_result *events;
    size_t n;
};
int xt_list_resources(struct xt_provider *p, const char *type, const struct value *config,
                      bool include_object, int64_t limit, struct xt_list *out);
void xt_list_cleanup(struct xt_list *l);

/* CallFunction: r->value the result; or error text in r->diags[0].detail with the
 * argument index in *argument (-1 when none). */
int xt_call_function(struct xt_provider *p, const char *name, const struct value *const *args,
                     size_t n, int64_t *argument, struct xt_result *r);

int xt_validate_action(struct xt_provider *p, const char *type, const struct value *config,
                       struct xt_result *r);
int xt_plan_action(struct xt_provider *p, const char *type, const struct value *config,
                   struct xt_result *r);
/* InvokeAction: progress messages in order; completed counts Completed events (Terraform
 * wants exactly one, last) and r gets their diagnostics. */
struct xt_action_run {
    char **progress;
    size_t nprogress;
    size_t completed;
    bool completed_last;
    struct xt_result r;
};
int xt_invoke_action(struct xt_provider *p, const char *type, const struct value *config,
                     struct xt_action_run *out);
void xt_action_run_cleanup(struct xt_action_run *a);

/* Value building shorthand for tests: an object of type t from "name", value pairs
 * (values taken), NULL-terminated. Attributes not named are null. */
struct value *xt_object(const struct type *t, ...);

#endif
