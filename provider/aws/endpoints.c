/* aws/endpoints.c - endpoint URLs, region syntax and partitions.
 *
 * The table maps our service ids to the host prefix and to the suffix of the
 * AWS_ENDPOINT_URL_<SERVICE> variable (the SDKs' "service id" upper-cased, spaces as '_').
 * Endpoint URLs are read with libcurl's URL parser (the one that will send them), so
 * what is checked here is what curl connects to.
 */
#include "aws/endpoints.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "util/alloc.h"

struct service_entry {
    const char *id;
    const char *host_prefix;
    const char *env;
    const char *argument;   /* the provider argument, for messages */
};

static const struct service_entry services[] = {
    {.id = "apigateway", .host_prefix = "apigateway", .env = "AWS_ENDPOINT_URL_API_GATEWAY",
     .argument = "endpoints.apigateway"},
    {.id = "lambda", .host_prefix = "lambda", .env = "AWS_ENDPOINT_URL_LAMBDA",
     .argument = "endpoints.lambda"},
    {.id = "sts", .host_prefix = "sts", .env = "AWS_ENDPOINT_URL_STS",
     .argument = "endpoints.sts"},
};

struct partition_entry {
    const char *prefix;   /* region prefix */
    const char *name;
    const char *dns_suffix;
};

/* Longest prefixes first: "us-isob-" must win over "us-iso-". */
static const struct partition_entry partitions[] = {
    {.prefix = "cn-", .name = "aws-cn", .dns_suffix = "amazonaws.com.cn"},
    {.prefix = "us-gov-", .name = "aws-us-gov", .dns_suffix = "amazonaws.com"},
    {.prefix = "us-isob-", .name = "aws-iso-b", .dns_suffix = "sc2s.sgov.gov"},
    {.prefix = "us-iso-", .name = "aws-iso", .dns_suffix = "c2s.ic.gov"},
    {.prefix = "eu-isoe-", .name = "aws-iso-e", .dns_suffix = "cloud.adc-e.uk"},
    {.prefix = "us-isof-", .name = "aws-iso-f", .dns_suffix = "csp.hci.ic.gov"},
};

static const struct partition_entry *partition_of(const char *region)
{
    for (size_t i = 0; region && i < sizeof partitions / sizeof partitions[0]; i++)
        if (strncmp(region, partitions[i].prefix, strlen(partitions[i].prefix)) == 0)
            return &partitions[i];
    return NULL;
}

const char *aws_region_partition(const char *region)
{
    const struct partition_entry *p = partition_of(region);
    return p ? p->name : "aws";
}

const char *aws_region_dns_suffix(const char *region)
{
    const struct partition_entry *p = partition_of(region);
    return p ? p->dns_suffix : "amazonaws.com";
}

/* Lower-case letters in dash-separated groups ending with a number: "ap-southeast-2". */
bool aws_region_valid(const char *region)
{
    if (!region || !*region || strlen(region) > 32)
        return false;
    size_t groups = 0;
    const char *p = region;
    for (;;) {
        const char *start = p;
        bool alpha = false, digit = false;
        while (*p && *p != '-') {
            if (islower((unsigned char)*p))
                alpha = true;
            else if (isdigit((unsigned char)*p))
                digit = true;
            else
                return false;
            p++;
        }
        if (p == start)
            return false;
        groups++;
        if (!*p)
            return groups >= 3 && digit && !alpha;
        if (digit && groups == 1)
            return false;
        p++;
    }
}

/* ------------------------------------------------------------------------- URLs */

void aws_endpoint_parts_init(struct aws_endpoint_parts *e)
{
    *e = (struct aws_endpoint_parts){0};
}

void aws_endpoint_parts_cleanup(struct aws_endpoint_parts *e)
{
    xa_free(e->origin);
    xa_free(e->host);
    xa_free(e->path);
    aws_endpoint_parts_init(e);
}

/* The problem with url as an endpoint, or NULL when libxml2's parse of it is usable.
 * Never repeats any part of the URL: it may hold a password. */
static const char *url_problem(const xmlURI *u)
{
    if (!u)
        return "is not a valid URL (scheme://host[:port][/path])";
    if (u->user)
        return "contains a user name or password (\"user:password@\"). xacct never sends "
               "credentials in a URL, where they would travel as the Host header; remove "
               "them (a proxy that needs them belongs in http_proxy or https_proxy)";
    if (u->query || u->query_raw || u->fragment)
        return "has a query or fragment; an endpoint is scheme, host, optional port and "
               "path only";
    if (!u->server || !*u->server)
        return "has no host name";
    /* libxml2 takes anything between '[' and ']' and decodes %XX in a name; a Host
     * header takes neither. */
    const char *host = u->server;
    size_t n = strlen(host);
    bool literal = host[0] == '[' && host[n - 1] == ']' && n > 2;
    if (strspn(host, literal ? "[]0123456789abcdefABCDEF:." : "0123456789abcdefghijklmnopqrstuvwxyz"
                                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-_") != n ||
        (literal && strpbrk(host + 1, "[]") != host + n - 1))
        return "has a host that is neither a DNS name nor an IP address";
    if (u->port > 65535)
        return "has a port outside 1-65535";
    return NULL;
}

/* libxml2 parses (RFC 3986) rather than libcurl, which is loaded only for the first
 * request (curl_lazy.c): a provider block with endpoints would otherwise load libcurl and
 * its thirty libraries at ValidateProviderConfig. The path is kept as written (libxml2
 * gives it decoded), from the first '/' after the authority. */
enum xa_status aws_endpoint_split(const char *url, struct aws_endpoint_parts *out,
                                  struct xbuf *why)
{
    aws_endpoint_parts_cleanup(out);
    bool https = strncasecmp(url, "https://", 8) == 0;
    if (!https && strncasecmp(url, "http://", 7) != 0) {
        if (why)
            xbuf_append_str(why, "must start with https:// or http://");
        return XA_EINVAL;
    }
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
            if (why)
                xbuf_append_str(why, "contains white space or a control character");
            return XA_EINVAL;
        }
    xmlURI *u = xmlParseURI(url);
    const char *problem = url_problem(u);
    enum xa_status st = XA_OK;
    if (problem) {
        st = XA_EINVAL;
        if (why)
            xbuf_append_str(why, problem);
        goto done;
    }
    /* libxml2 before 2.11 says 0 for "no port", later versions -1. */
    int port = u->port > 0 ? u->port : https ? 443 : 80;
    bool port_in_host = port != (https ? 443 : 80);
    struct xbuf b;
    xbuf_init(&b);
    if (xbuf_appendf(&b, "%s://%s:%d", https ? "https" : "http", u->server, port) == XA_OK)
        out->origin = xbuf_take(&b);
    xbuf_clear(&b);
    st = xbuf_append_str(&b, u->server);
    if (st == XA_OK && port_in_host)
        st = xbuf_appendf(&b, ":%d", port);
    if (st == XA_OK)
        out->host = xbuf_take(&b);
    xbuf_cleanup(&b);
    const char *authority = url + (https ? 8 : 7);
    const char *path = authority + strcspn(authority, "/");
    size_t plen = strlen(path);
    while (plen && path[plen - 1] == '/')
        plen--;
    out->path = xa_strndup(path, plen);
    if (!out->origin || !out->host || !out->path)
        st = XA_ENOMEM;
done:
    if (st != XA_OK)
        aws_endpoint_parts_cleanup(out);
    xmlFreeURI(u);
    return st;
}

enum xa_status aws_endpoint_resolve(const char *service, const char *region,
                                    const char *override, struct xbuf *out, struct xbuf *why)
{
    const struct service_entry *s = NULL;
    for (size_t i = 0; service && i < sizeof services / sizeof services[0]; i++)
        if (strcmp(service, services[i].id) == 0)
            s = &services[i];
    if (!s) {
        if (why)
            xbuf_appendf(why, "xacct knows no service \"%s\"", service ? service : "");
        return XA_EINVAL;
    }
    const char *u = override && *override ? override : NULL, *source = NULL;
    if (u) {
        source = s->argument;
    } else if ((u = getenv(s->env)) && *u) {
        source = s->env;
    } else if ((u = getenv("AWS_ENDPOINT_URL")) && *u) {
        source = "AWS_ENDPOINT_URL";
    } else {
        u = NULL;
    }
    if (!u) {
        if (!region || !*region) {
            if (why)
                xbuf_append_str(why, "no region is set to choose the endpoint from");
            return XA_EINVAL;
        }
        return xbuf_appendf(out, "https://%s.%s.%s", s->host_prefix, region,
                            aws_region_dns_suffix(region));
    }
    struct aws_endpoint_parts e;
    aws_endpoint_parts_init(&e);
    struct xbuf problem;
    xbuf_init(&problem);
    enum xa_status st = aws_endpoint_split(u, &e, &problem);
    if (st == XA_OK)
        st = xbuf_appendf(out, "%s%s", e.origin, e.path);
    else if (st == XA_EINVAL && why)
        xbuf_appendf(why, "The %s endpoint URL (%s) %s.", s->id, source, xbuf_cstr(&problem));
    aws_endpoint_parts_cleanup(&e);
    xbuf_cleanup(&problem);
    return st;
}
