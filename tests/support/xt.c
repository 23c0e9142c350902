/* tests/support/xt.c - launching the provider as go-plugin does, the handshake, the
 * mutual-TLS channel and raw unary calls through gRPC core (see xt.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "plugin/plugin.h"
#include "tests/support/xt.h"
#include "util/alloc.h"

extern char **environ;

struct xt_provider {
    pid_t pid;
    int stdout_fd;
    int protocol;
    char network[8];
    char *address;
    char *line;
    grpc_channel *channel;
    int timeout_ms;
    bool reaped;
    int exit_status;
};

#ifndef XA_PROVIDER_BIN
#define XA_PROVIDER_BIN "terraform-provider-xacct"
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *binary_path(const char *given)
{
    const char *env = getenv("XA_PROVIDER_BIN");
    return given ? given : env && *env ? env : XA_PROVIDER_BIN;
}

/* environ + additions, as a NULL-terminated heap array of borrowed/owned strings. */
static char **build_env(bool inherit, const char *const *extra, char **owned, size_t nowned)
{
    size_t n = 0, k = 0;
    for (char **e = environ; inherit && *e; e++)
        n++;
    for (const char *const *e = extra; e && *e; e++)
        n++;
    char **env = xa_calloc(n + nowned + 1, sizeof *env);
    if (!env)
        return NULL;
    for (char **e = environ; inherit && *e; e++)
        env[k++] = *e;
    for (size_t i = 0; i < nowned; i++)
        env[k++] = owned[i];
    for (const char *const *e = extra; e && *e; e++)
        env[k++] = (char *)*e;
    return env;
}

static pid_t spawn(const char *bin, char **argv, char **env, int out_fd, int err_fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* A test that fails an assertion must not leave providers behind (they would hold
         * ctest's output pipe open): the child dies with the thread that started it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (out_fd >= 0)
            dup2(out_fd, 1);
        if (err_fd >= 0)
            dup2(err_fd, 2);
        execve(bin, argv, env);
        _exit(127);
    }
    return pid;
}

/* Reads until '\n' or timeout; returns the line (without newline) or NULL. */
static char *read_line(int fd, int timeout_ms)
{
    struct xbuf b;
    double deadline = now_ms() + timeout_ms;
    xbuf_init(&b);
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int left = (int)(deadline - now_ms());
        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            break;
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n <= 0)
            break;
        if (c == '\n')
            return xbuf_take(&b);
        xbuf_append_char(&b, c);
    }
    xbuf_cleanup(&b);
    return NULL;
}

static char *der_to_pem(const unsigned char *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    BIO *bio = BIO_new(BIO_s_mem());
    char *out = NULL, *mem = NULL;
    if (x && bio && PEM_write_bio_X509(bio, x) == 1) {
        long n = BIO_get_mem_data(bio, &mem);
        out = xa_strndup(mem, (size_t)n);
    }
    BIO_free(bio);
    X509_free(x);
    return out;
}

static bool parse_line(struct xt_provider *p, char **server_pem)
{
    char *fields[8] = {0};
    size_t n = 0;
    char *copy = xa_strdup(p->line);
    bool ok = false;
    /* strtok would merge empty fields; split by hand. */
    for (char *s = copy; s && n < 8;) {
        fields[n++] = s;
        s = strchr(s, '|');
        if (s)
            *s++ = '\0';
    }
    if (n < 5 || strcmp(fields[0], "1") != 0 || strcmp(fields[4], "grpc") != 0)
        goto out;
    p->protocol = atoi(fields[1]);
    snprintf(p->network, sizeof p->network, "%s", fields[2]);
    p->address = xa_strdup(fields[3]);
    *server_pem = NULL;
    if (n >= 6 && strlen(fields[5]) > 50) {
        size_t der_len = 0;
        unsigned char *der = plugin_base64_raw_decode(fields[5], &der_len);
        if (!der)
            goto out;
        *server_pem = der_to_pem(der, der_len);
        xa_free(der);
        if (!*server_pem)
            goto out;
    }
    ok = p->address != NULL;
out:
    xa_free(copy);
    return ok;
}

/* Debug mode: reads stdout up to the TF_REATTACH_PROVIDERS line and takes the address and
 * protocol Terraform would use from its registry.terraform.io entry. */
static bool parse_reattach(struct xt_provider *p)
{
    const char *json = NULL;
    for (int lines = 0; !json && lines < 8; lines++) {
        xa_free(p->line);
        p->line = read_line(p->stdout_fd, 15000);
        json = p->line ? strstr(p->line, "TF_REATTACH_PROVIDERS='") : NULL;
    }
    if (!json)
        return false;
    json += strlen("TF_REATTACH_PROVIDERS='");
    json_t *all = json_loadb(json, strcspn(json, "'"), 0, NULL);
    json_t *entry = json_object_get(all, PLUGIN_PROVIDER_ADDRESS);
    json_t *addr = json_object_get(entry, "Addr");
    const char *network = json_string_value(json_object_get(addr, "Network"));
    const char *address = json_string_value(json_object_get(addr, "String"));
    p->protocol = (int)json_integer_value(json_object_get(entry, "ProtocolVersion"));
    if (network && address) {
        snprintf(p->network, sizeof p->network, "%s", network);
        p->address = xa_strdup(address);
    }
    json_decref(all);
    return p->address != NULL;
}

static bool dial(struct xt_provider *p, const char *server_pem, const struct plugin_cert *mine)
{
    struct xbuf target;
    xbuf_init(&target);
    if (!strcmp(p->network, "unix"))
        xbuf_appendf(&target, "unix:%s", p->address);
    else
        xbuf_appendf(&target, "ipv4:%s", p->address);
    grpc_arg args[] = {
        {.type = GRPC_ARG_STRING, .key = GRPC_SSL_TARGET_NAME_OVERRIDE_ARG,
         .value.string = "localhost"},
        {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
         .value.integer = 256 << 20},
    };
    grpc_channel_args chargs = {.num_args = 2, .args = args};
    grpc_channel_credentials *creds;
    if (server_pem) {
        grpc_ssl_pem_key_cert_pair pair = {.private_key = mine->key_pem,
                                           .cert_chain = mine->cert_pem};
        creds = grpc_ssl_credentials_create(server_pem, &pair, NULL, NULL);
    } else {
        creds = grpc_insecure_credentials_create();
    }
    p->channel = creds ? grpc_channel_create(xbuf_cstr(&target), creds, &chargs) : NULL;
    if (creds)
        grpc_channel_credentials_release(creds);
    xbuf_cleanup(&target);
    return p->channel != NULL;
}

struct xt_provider *xt_start(const struct xt_options *o)
{
    struct xt_provider *p = xa_calloc(1, sizeof *p);
    struct plugin_cert announced = {0}, other = {0};
    char *owned[6] = {0};
    size_t nowned = 0;
    char **env = NULL, *server_pem = NULL;
    int out_pipe[2] = {-1, -1}, err_fd = -1;
    const char *bin = binary_path(o->binary);
    char *argv[] = {(char *)bin, o->debug ? "-debug" : NULL, NULL};
    struct xbuf b;
    xbuf_init(&b);

    grpc_init();
    if (!p || pipe(out_pipe) != 0)
        goto fail;
    p->pid = -1;
    p->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 20000;
    if (!o->no_tls && !o->debug && plugin_cert_generate(&announced) != XA_OK)
        goto fail;
    if (o->wrong_client_cert && plugin_cert_generate(&other) != XA_OK)
        goto fail;
    xbuf_appendf(&b, "%s=%s", PLUGIN_COOKIE_KEY, PLUGIN_COOKIE_VALUE);
    owned[nowned++] = xbuf_take(&b);
    xbuf_appendf(&b, "PLUGIN_PROTOCOL_VERSIONS=%s", o->protocols ? o->protocols : "5,6");
    owned[nowned++] = xbuf_take(&b);
    owned[nowned++] = xa_strdup("PLUGIN_MIN_PORT=10000");
    owned[nowned++] = xa_strdup("PLUGIN_MAX_PORT=25000");
    owned[nowned++] = xa_strdup(o->tcp ? "XACCT_PLUGIN_NETWORK=tcp" : "XACCT_PLUGIN_NETWORK=unix");
    if (!o->no_tls && !o->debug) {
        xbuf_appendf(&b, "PLUGIN_CLIENT_CERT=%s", announced.cert_pem);
        owned[nowned++] = xbuf_take(&b);
    }
    env = build_env(true, o->extra_env, owned, nowned);
    if (o->stderr_path)
        err_fd = open(o->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    fcntl(out_pipe[0], F_SETFD, FD_CLOEXEC);
    p->pid = env ? spawn(bin, argv, env, out_pipe[1], err_fd) : -1;
    close(out_pipe[1]);
    out_pipe[1] = -1;
    if (p->pid < 0)
        goto fail;
    p->stdout_fd = out_pipe[0];
    out_pipe[0] = -1;
    if (o->debug) {
        if (!parse_reattach(p) || !dial(p, NULL, NULL)) {
            fprintf(stderr, "xt_start: no usable TF_REATTACH_PROVIDERS line from %s -debug\n", bin);
            goto fail;
        }
        goto out;
    }
    p->line = read_line(p->stdout_fd, 15000);
    if (!p->line) {
        fprintf(stderr, "xt_start: no handshake line from %s\n", bin);
        goto fail;
    }
    if (!parse_line(p, &server_pem)) {
        fprintf(stderr, "xt_start: bad handshake line: %s\n", p->line);
        goto fail;
    }
    if (!dial(p, server_pem, o->wrong_client_cert ? &other : &announced))
        goto fail;
    goto out;
fail:
    if (p)
        xt_kill(p);
    p = NULL;
out:
    if (out_pipe[0] >= 0)
        close(out_pipe[0]);
    if (out_pipe[1] >= 0)
        close(out_pipe[1]);
    if (err_fd >= 0)
        close(err_fd);
    for (size_t i = 0; i < nowned; i++)
        xa_free(owned[i]);
    xa_free(env);
    xa_free(server_pem);
    plugin_cert_cleanup(&announced);
    plugin_cert_cleanup(&other);
    xbuf_cleanup(&b);
    return p;
}

int xt_protocol(const struct xt_provider *p) { return p->protocol; }
const char *xt_network(const struct xt_provider *p) { return p->network; }
const char *xt_address(const struct xt_provider *p) { return p->address; }
const char *xt_handshake_line(const struct xt_provider *p) { return p->line; }
pid_t xt_pid(const struct xt_provider *p) { return p->pid; }

static bool reap(struct xt_provider *p, int timeout_ms)
{
    double deadline = now_ms() + timeout_ms;
    while (!p->reaped && p->pid > 0) {
        int st = 0;
        pid_t r = waitpid(p->pid, &st, WNOHANG);
        if (r == p->pid) {
            p->reaped = true;
            p->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        if (r < 0 || now_ms() > deadline)
            return false;
        usleep(1000);
    }
    return true;
}

bool xt_alive(struct xt_provider *p)
{
    int st = 0;
    if (p->pid <= 0 || p->reaped)
        return false;
    if (waitpid(p->pid, &st, WNOHANG) != p->pid)
        return true;
    p->reaped = true;
    p->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
}

static void release(struct xt_provider *p)
{
    if (p->channel)
        grpc_channel_destroy(p->channel);
    if (p->stdout_fd > 0)
        close(p->stdout_fd);
    xa_free(p->address);
    xa_free(p->line);
    xa_free(p);
    grpc_shutdown();
}

int xt_stop(struct xt_provider *p, double *took_ms)
{
    struct xbuf resp;
    xbuf_init(&resp);
    double t0 = now_ms();
    xt_call(p, "/plugin.GRPCController/Shutdown", "", 0, &resp);
    xbuf_cleanup(&resp);
    grpc_channel_destroy(p->channel);
    p->channel = NULL;
    int status = -1;
    if (reap(p, 2000) && p->reaped)
        status = p->exit_status;
    else if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        reap(p, 5000);
    }
    if (took_ms)
        *took_ms = now_ms() - t0;
    release(p);
    return status;
}

void xt_kill(struct xt_provider *p)
{
    if (p->pid > 0 && !p->reaped) {
        kill(p->pid, SIGKILL);
        reap(p, 5000);
    }
    release(p);
}

int xt_run_capture(const char *binary, const char *const *argv_extra, const char *const *env_add,
                   bool inherit_environment, struct xbuf *out, struct xbuf *err)
{
    int po[2], pe[2], status = -1;
    char *argv[8] = {(char *)binary_path(binary)};
    size_t n = 1;
    for (const char *const *a = argv_extra; a && *a && n < 7; a++)
        argv[n++] = (char *)*a;
    if (pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    char **env = build_env(inherit_environment, env_add, NULL, 0);
    pid_t pid = env ? spawn(argv[0], argv, env, po[1], pe[1]) : -1;
    xa_free(env);
    close(po[1]);
    close(pe[1]);
    double deadline = now_ms() + 5000;
    struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    int open_fds = 2;
    while (pid > 0 && open_fds > 0 && now_ms() < deadline) {
        if (poll(fds, 2, 100) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buf[4096];
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r <= 0) {
                fds[i].fd = -1;
                open_fds--;
            } else {
                xbuf_append(i ? err : out, buf, (size_t)r);
            }
        }
    }
    if (pid > 0) {
        struct xt_provider tmp = {.pid = pid};
        if (!reap(&tmp, (int)(deadline - now_ms()) + 100) || !tmp.reaped) {
            kill(pid, SIGKILL);
            reap(&tmp, 5000);
        } else {
            status = tmp.exit_status;
        }
    }
    close(po[0]);
    close(pe[0]);
    return status;
}

/* ---- raw calls ------------------------------------------------------------------------ */

int xt_call(struct xt_provider *p, const char *method, const void *req, size_t len,
            struct xbuf *resp)
{
    grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
    gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
                                         gpr_time_from_millis(p->timeout_ms, GPR_TIMESPAN));
    grpc_slice mslice = grpc_slice_from_copied_string(method);
    grpc_call *call = grpc_channel_create_call(p->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
                                               mslice, NULL, deadline, NULL);
    grpc_slice body = grpc_slice_from_copied_buffer(req, len);
    grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&body, 1), *recv = NULL;
    grpc_metadata_array initial, trailing;
    grpc_status_code status = GRPC_STATUS_UNKNOWN;
    grpc_slice details;
    grpc_metadata_array_init(&initial);
    grpc_metadata_array_init(&trailing);
    grpc_op ops[6] = {
        {.op = GRPC_OP_SEND_INITIAL_METADATA},
        {.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = send},
        {.op = GRPC_OP_SEND_CLOSE_FROM_CLIENT},
        {.op = GRPC_OP_RECV_INITIAL_METADATA,
         .data.recv_initial_metadata.recv_initial_metadata = &initial},
        {.op = GRPC_OP_RECV_MESSAGE, .data.recv_message.recv_message = &recv},
        {.op = GRPC_OP_RECV_STATUS_ON_CLIENT,
         .data.recv_status_on_client = {.trailing_metadata = &trailing, .status = &status,
                                        .status_details = &details}},
    };
    int tag = 0;
    if (grpc_call_start_batch(call, ops, 6, &tag, NULL) == GRPC_CALL_OK) {
        grpc_completion_queue_pluck(cq, &tag, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        grpc_slice_unref(details);
    }
    if (recv) {
        grpc_byte_buffer_reader r;
        if (grpc_byte_buffer_reader_init(&r, recv)) {
            grpc_slice all = grpc_byte_buffer_reader_readall(&r);
            xbuf_append(resp, GRPC_SLICE_START_PTR(all), GRPC_SLICE_LENGTH(all));
            grpc_slice_unref(all);
            grpc_byte_buffer_reader_destroy(&r);
        }
        grpc_byte_buffer_destroy(recv);
    }
    grpc_byte_buffer_destroy(send);
    grpc_slice_unref(body);
    grpc_slice_unref(mslice);
    grpc_metadata_array_destroy(&initial);
    grpc_metadata_array_destroy(&trailing);
    grpc_call_unref(call);
    grpc_completion_queue_shutdown(cq);
    grpc_completion_queue_destroy(cq);
    return (int)status;
}

/* Appends the bytes of bb to one more message of out. */
static void take_message(grpc_byte_buffer *bb, struct xt_messages *out)
{
    grpc_byte_buffer_reader r;
    struct xbuf *grown = xa_realloc(out->items, (out->n + 1) * sizeof *grown);
    if (!grown)
        return;
    out->items = grown;
    xbuf_init(&out->items[out->n]);
    if (grpc_byte_buffer_reader_init(&r, bb)) {
        grpc_slice all = grpc_byte_buffer_reader_readall(&r);
        xbuf_append(&out->items[out->n], GRPC_SLICE_START_PTR(all), GRPC_SLICE_LENGTH(all));
        grpc_slice_unref(all);
        grpc_byte_buffer_reader_destroy(&r);
    }
    out->n++;
}

/* One batch on call, waited for on cq; true when it completed. */
static bool run_batch(grpc_call *call, grpc_completion_queue *cq, const grpc_op *ops, size_t n)
{
    int tag = 0;
    if (grpc_call_start_batch(call, ops, n, &tag, NULL) != GRPC_CALL_OK)
        return false;
    return grpc_completion_queue_pluck(cq, &tag, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).success;
}

int xt_call_stream(struct xt_provider *p, const char *method, const void *req, size_t len,
                   struct xt_messages *out)
{
    grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
    gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
                                         gpr_time_from_millis(p->timeout_ms, GPR_TIMESPAN));
    grpc_slice mslice = grpc_slice_from_copied_string(method);
    grpc_call *call = grpc_channel_create_call(p->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
                                               mslice, NULL, deadline, NULL);
    grpc_slice body = grpc_slice_from_copied_buffer(req, len);
    grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&body, 1), *recv = NULL;
    grpc_metadata_array initial, trailing;
    grpc_status_code status = GRPC_STATUS_UNKNOWN;
    grpc_slice details = grpc_empty_slice();
    grpc_metadata_array_init(&initial);
    grpc_metadata_array_init(&trailing);
    const grpc_op head[4] = {
        {.op = GRPC_OP_SEND_INITIAL_METADATA},
        {.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = send},
        {.op = GRPC_OP_SEND_CLOSE_FROM_CLIENT},
        {.op = GRPC_OP_RECV_INITIAL_METADATA,
         .data.recv_initial_metadata.recv_initial_metadata = &initial},
    };
    const grpc_op next = {.op = GRPC_OP_RECV_MESSAGE, .data.recv_message.recv_message = &recv};
    const grpc_op tail = {.op = GRPC_OP_RECV_STATUS_ON_CLIENT,
                          .data.recv_status_on_client = {.trailing_metadata = &trailing,
                                                         .status = &status,
                                                         .status_details = &details}};
    bool ok = run_batch(call, cq, head, 4);
    /* Messages until the server closes the stream (a batch without one). */
    while (ok && run_batch(call, cq, &next, 1) && recv) {
        take_message(recv, out);
        grpc_byte_buffer_destroy(recv);
        recv = NULL;
    }
    run_batch(call, cq, &tail, 1);
    grpc_slice_unref(details);
    grpc_byte_buffer_destroy(send);
    grpc_slice_unref(body);
    grpc_slice_unref(mslice);
    grpc_metadata_array_destroy(&initial);
    grpc_metadata_array_destroy(&trailing);
    grpc_call_unref(call);
    grpc_completion_queue_shutdown(cq);
    grpc_completion_queue_destroy(cq);
    return (int)status;
}

void xt_messages_cleanup(struct xt_messages *m)
{
    for (size_t i = 0; i < m->n; i++)
        xbuf_cleanup(&m->items[i]);
    xa_free(m->items);
    *m = (struct xt_messages){0};
}

/* One outstanding call of xt_call_pipelined; its address is the completion tag. */
struct pipelined_slot {
    grpc_call *call;
    grpc_byte_buffer *send, *recv;  /* gRPC empties a sent buffer: one per call */
    grpc_metadata_array initial, trailing;
    grpc_status_code status;
    grpc_slice details;
};

static bool start_pipelined(struct xt_provider *p, grpc_completion_queue *cq,
                            grpc_slice method, grpc_slice body, struct pipelined_slot *s)
{
    gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
                                         gpr_time_from_millis(p->timeout_ms, GPR_TIMESPAN));
    *s = (struct pipelined_slot){.status = GRPC_STATUS_UNKNOWN,
                                 .send = grpc_raw_byte_buffer_create(&body, 1)};
    grpc_metadata_array_init(&s->initial);
    grpc_metadata_array_init(&s->trailing);
    s->call = grpc_channel_create_call(p->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq, method,
                                       NULL, deadline, NULL);
    const grpc_op ops[6] = {
        {.op = GRPC_OP_SEND_INITIAL_METADATA},
        {.op = GRPC_OP_SEND_MESSAGE, .data.send_message.send_message = s->send},
        {.op = GRPC_OP_SEND_CLOSE_FROM_CLIENT},
        {.op = GRPC_OP_RECV_INITIAL_METADATA,
         .data.recv_initial_metadata.recv_initial_metadata = &s->initial},
        {.op = GRPC_OP_RECV_MESSAGE, .data.recv_message.recv_message = &s->recv},
        {.op = GRPC_OP_RECV_STATUS_ON_CLIENT,
         .data.recv_status_on_client = {.trailing_metadata = &s->trailing,
                                        .status = &s->status, .status_details = &s->details}},
    };
    if (s->call && grpc_call_start_batch(s->call, ops, 6, s, NULL) == GRPC_CALL_OK)
        return true;
    if (s->call)
        grpc_call_unref(s->call);
    if (s->send)
        grpc_byte_buffer_destroy(s->send);
    grpc_metadata_array_destroy(&s->initial);
    grpc_metadata_array_destroy(&s->trailing);
    return false;
}

/* Judges a finished call and frees what it held; true when it was good. */
static bool end_pipelined(struct pipelined_slot *s, bool ok,
                          bool (*check)(const uint8_t *, size_t, void *), void *ud)
{
    bool good = ok && s->status == GRPC_STATUS_OK;
    grpc_byte_buffer_reader r;
    if (good && s->recv && grpc_byte_buffer_reader_init(&r, s->recv)) {
        grpc_slice all = grpc_byte_buffer_reader_readall(&r);
        good = !check || check(GRPC_SLICE_START_PTR(all), GRPC_SLICE_LENGTH(all), ud);
        grpc_slice_unref(all);
        grpc_byte_buffer_reader_destroy(&r);
    }
    if (ok)
        grpc_slice_unref(s->details);
    if (s->recv)
        grpc_byte_buffer_destroy(s->recv);
    grpc_byte_buffer_destroy(s->send);
    grpc_metadata_array_destroy(&s->initial);
    grpc_metadata_array_destroy(&s->trailing);
    grpc_call_unref(s->call);
    return good;
}

int xt_call_pipelined(struct xt_provider *p, const char *method, const void *req, size_t len,
                      int n, int inflight,
                      bool (*check)(const uint8_t *resp, size_t len, void *ud), void *ud)
{
    if (inflight < 1)
        inflight = 1;
    struct pipelined_slot *slots = xa_calloc((size_t)inflight, sizeof *slots);
    if (!slots)
        return n;
    grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
    grpc_slice mslice = grpc_slice_from_copied_string(method);
    grpc_slice body = grpc_slice_from_copied_buffer(req, len);
    int started = 0, outstanding = 0, bad = 0;
    bool starting = true;       /* false after a call could not be started */
    while (starting && started < n && outstanding < inflight) {
        starting = start_pipelined(p, cq, mslice, body, &slots[outstanding]);
        started += starting;
        outstanding += starting;
    }
    while (outstanding > 0) {
        grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE)
            break;
        struct pipelined_slot *s = ev.tag;
        bad += !end_pipelined(s, ev.success != 0, check, ud);
        outstanding--;
        if (starting && started < n) {
            starting = start_pipelined(p, cq, mslice, body, s);
            started += starting;
            outstanding += starting;
        }
    }
    grpc_slice_unref(body);
    grpc_slice_unref(mslice);
    grpc_completion_queue_shutdown(cq);
    while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
           GRPC_QUEUE_SHUTDOWN) {
    }
    grpc_completion_queue_destroy(cq);
    xa_free(slots);
    return bad + outstanding + (n - started);
}

const char *xt_method(const struct xt_provider *p, const char *v6_name, char *buf, size_t n)
{
    static const struct { const char *v6, *v5; } renamed[] = {
        {"GetProviderSchema", "GetSchema"},
        {"ValidateProviderConfig", "PrepareProviderConfig"},
        {"ValidateResourceConfig", "ValidateResourceTypeConfig"},
        {"ValidateDataResourceConfig", "ValidateDataSourceConfig"},
        {"ConfigureProvider", "Configure"},
        {"StopProvider", "Stop"},
    };
    const char *name = v6_name;
    for (size_t i = 0; p->protocol == 5 && i < sizeof renamed / sizeof renamed[0]; i++)
        if (!strcmp(renamed[i].v6, v6_name))
            name = renamed[i].v5;
    snprintf(buf, n, "/tfplugin%d.Provider/%s", p->protocol, name);
    return buf;
}
