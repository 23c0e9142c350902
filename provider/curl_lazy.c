/* curl_lazy.c - libcurl for the provider executable, loaded at the first AWS call.
 *
 * Debian's libcurl brings about thirty shared libraries with it (GnuTLS through librtmp,
 * Kerberos, LDAP, SSH, p11-kit...), some with constructors that run at load time: loaded
 * at exec they were a third of the time to the handshake line and several MiB of
 * resident memory, for a library that only ConfigureProvider and later calls use. This
 * file defines the libcurl functions the provider calls; the first of them dlopen()s
 * libcurl.so.4 and looks the real ones up. cmake/provider_link.cmake links it into
 * terraform-provider-xacct instead of libcurl (tests and tools link libcurl itself), so
 * a libcurl function used without being listed here fails the link, not a run.
 * Variadic options are forwarded by the type curl assigns to each option range
 * (CURLOPTTYPE_*), exactly as libcurl itself reads them. If libcurl cannot be loaded,
 * curl_global_init and the constructors fail, and aws/http reports that the HTTP client
 * cannot start.
 */
#define CURL_DISABLE_TYPECHECK  /* the typecheck macros would rename the definitions */
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef void (*any_fn)(void);

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
    /* The library stays loaded for the life of the process, as a linked one would. */
}

static bool ready(void)
{
    pthread_once(&load_once, load);
    return loaded;
}

/* ---- entry points without a handle: they load ------------------------------------------- */

CURLcode curl_global_init(long flags)
{
    return ready() ? real.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
    return ready() ? real.easy_init() : NULL;
}

CURLSH *curl_share_init(void)
{
    return ready() ? real.share_init() : NULL;
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

CURLSHcode curl_share_cleanup(CURLSH *s)
{
    return s ? real.share_cleanup(s) : CURLSHE_INVALID;
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
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = real.easy_setopt(e, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = real.easy_setopt(e, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T)
        rc = real.easy_setopt(e, opt, va_arg(ap, any_fn));
    else if (opt < CURLOPTTYPE_BLOB)
        rc = real.easy_setopt(e, opt, va_arg(ap, curl_off_t));
    else
        rc = real.easy_setopt(e, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLSHcode curl_share_setopt(CURLSH *s, CURLSHoption opt, ...)
{
    va_list ap;
    CURLSHcode rc;
    va_start(ap, opt);
    if (opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE)
        rc = real.share_setopt(s, opt, va_arg(ap, int));
    else if (opt == CURLSHOPT_LOCKFUNC || opt == CURLSHOPT_UNLOCKFUNC)
        rc = real.share_setopt(s, opt, va_arg(ap, any_fn));
    else
        rc = real.share_setopt(s, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}
