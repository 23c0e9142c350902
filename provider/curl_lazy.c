/* curl_lazy.c - libcurl for the provider executable, loaded at the first AWS request.
 *
 * Debian's libcurl brings about thirty shared libraries with it (GnuTLS through librtmp,
 * Kerberos, LDAP, SSH, p11-kit...), some with constructors that run at load time: loaded
 * at exec they were a third of the time to the handshake line and 4-5 MiB of resident
 * memory, for a library that only calls reaching AWS use. This file defines the libcurl
 * functions the provider calls; cmake/provider_link.cmake links it into
 * terraform-provider-xacct instead of libcurl (tests and tools link libcurl itself), so
 * a libcurl function used without being listed here fails the link, not a run.
 * What aws/http sets up when a client is configured (curl_global_init, the connection
 * share and its options) is only recorded; the first easy handle dlopen()s libcurl.so.4,
 * looks the real functions up, runs curl_global_init with the recorded flags, and the
 * share is created and given its recorded options when a handle first asks for it.
 * Variadic options are forwarded by the type curl assigns to each option range
 * (CURLOPTTYPE_*), exactly as libcurl itself reads them. If libcurl cannot be loaded,
 * curl_easy_init returns NULL and aws/http reports the request as failed.
 */
#define CURL_DISABLE_TYPECHECK  /* the typecheck macros would rename the definitions */
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

typedef void (*any_fn)(void);

/* What curl_share_init hands out: the options to give the real share once it exists. */
#define MAX_SHARE_OPTIONS 16
struct lazy_share {
    pthread_mutex_t mu;
    CURLSH *real;
    int nopts;
    struct {
        CURLSHoption opt;
        int number;
        any_fn fn;
        void *ptr;
    } opts[MAX_SHARE_OPTIONS];
};

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
    CURLSHcode (*share_cleanup)(CURLSH *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} real;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;
static long global_flags = CURL_GLOBAL_DEFAULT;

/* dlsym returns an object pointer; POSIX guarantees it converts to a function pointer. */
#define LOOK_UP(lib, field) ((*(void **)&real.field = dlsym(lib, "curl_" #field)) != NULL)

static void load(void)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    loaded = LOOK_UP(lib, global_init) && LOOK_UP(lib, easy_init) &&
             LOOK_UP(lib, easy_setopt) && LOOK_UP(lib, easy_perform) &&
             LOOK_UP(lib, easy_cleanup) && LOOK_UP(lib, easy_getinfo) &&
             LOOK_UP(lib, easy_strerror) && LOOK_UP(lib, share_init) &&
             LOOK_UP(lib, share_setopt) && LOOK_UP(lib, share_cleanup) &&
             LOOK_UP(lib, slist_append) && LOOK_UP(lib, slist_free_all);
    loaded = loaded && real.global_init(global_flags) == CURLE_OK;
    /* The library stays loaded for the life of the process, as a linked one would. */
}

static bool ready(void)
{
    pthread_once(&load_once, load);
    return loaded;
}

/* ---- set-up, recorded ---------------------------------------------------------------- */

/* Called once, before any other thread uses curl (aws/http's pthread_once). */
CURLcode curl_global_init(long flags)
{
    global_flags = flags;
    return CURLE_OK;
}

CURLSH *curl_share_init(void)
{
    struct lazy_share *s = calloc(1, sizeof *s);
    if (s)
        pthread_mutex_init(&s->mu, NULL);
    return (CURLSH *)s;
}

CURLSHcode curl_share_setopt(CURLSH *share, CURLSHoption opt, ...)
{
    struct lazy_share *s = (struct lazy_share *)share;
    va_list ap;
    CURLSHcode rc = CURLSHE_OK;
    va_start(ap, opt);
    pthread_mutex_lock(&s->mu);
    if (s->real || s->nopts == MAX_SHARE_OPTIONS) {
        rc = CURLSHE_IN_USE;    /* aws/http configures the share before using it */
    } else {
        s->opts[s->nopts].opt = opt;
        if (opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE)
            s->opts[s->nopts].number = va_arg(ap, int);
        else if (opt == CURLSHOPT_LOCKFUNC || opt == CURLSHOPT_UNLOCKFUNC)
            s->opts[s->nopts].fn = va_arg(ap, any_fn);
        else
            s->opts[s->nopts].ptr = va_arg(ap, void *);
        s->nopts++;
    }
    pthread_mutex_unlock(&s->mu);
    va_end(ap);
    return rc;
}

/* The real share, created with the recorded options on first use; NULL on failure. */
static CURLSH *real_share(struct lazy_share *s)
{
    pthread_mutex_lock(&s->mu);
    if (!s->real && (s->real = real.share_init()) != NULL) {
        for (int i = 0; i < s->nopts; i++) {
            CURLSHoption opt = s->opts[i].opt;
            if (opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE)
                real.share_setopt(s->real, opt, s->opts[i].number);
            else if (opt == CURLSHOPT_LOCKFUNC || opt == CURLSHOPT_UNLOCKFUNC)
                real.share_setopt(s->real, opt, s->opts[i].fn);
            else
                real.share_setopt(s->real, opt, s->opts[i].ptr);
        }
    }
    CURLSH *out = s->real;
    pthread_mutex_unlock(&s->mu);
    return out;
}

CURLSHcode curl_share_cleanup(CURLSH *share)
{
    struct lazy_share *s = (struct lazy_share *)share;
    if (!s)
        return CURLSHE_INVALID;
    CURLSHcode rc = s->real ? real.share_cleanup(s->real) : CURLSHE_OK;
    pthread_mutex_destroy(&s->mu);
    free(s);
    return rc;
}

/* ---- entry points without a handle: they load ------------------------------------------- */

CURL *curl_easy_init(void)
{
    return ready() ? real.easy_init() : NULL;
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
    return ready() ? real.slist_append(list, s) : NULL;
}

const char *curl_easy_strerror(CURLcode code)
{
    return ready() ? real.easy_strerror(code) : "libcurl.so.4 could not be loaded";
}

/* ---- entry points with a handle or list: libcurl is loaded already ----------------------- */

CURLcode curl_easy_perform(CURL *e)
{
    return real.easy_perform(e);
}

void curl_easy_cleanup(CURL *e)
{
    if (e)
        real.easy_cleanup(e);
}

void curl_slist_free_all(struct curl_slist *list)
{
    if (list)
        real.slist_free_all(list);
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *e, CURLINFO info, ...)
{
    va_list ap;
    va_start(ap, info);
    void *out = va_arg(ap, void *);
    va_end(ap);
    return real.easy_getinfo(e, info, out);
}

CURLcode curl_easy_setopt(CURL *e, CURLoption opt, ...)
{
    va_list ap;
    CURLcode rc;
    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT) {
        rc = real.easy_setopt(e, opt, va_arg(ap, long));
    } else if (opt == CURLOPT_SHARE) {
        CURLSH *share = real_share((struct lazy_share *)va_arg(ap, void *));
        rc = share ? real.easy_setopt(e, opt, share) : CURLE_OUT_OF_MEMORY;
    } else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
        rc = real.easy_setopt(e, opt, va_arg(ap, void *));
    } else if (opt < CURLOPTTYPE_OFF_T) {
        rc = real.easy_setopt(e, opt, va_arg(ap, any_fn));
    } else if (opt < CURLOPTTYPE_BLOB) {
        rc = real.easy_setopt(e, opt, va_arg(ap, curl_off_t));
    } else {
        rc = real.easy_setopt(e, opt, va_arg(ap, void *));
    }
    va_end(ap);
    return rc;
}
