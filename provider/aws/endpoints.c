/* aws/endpoints.c - endpoint URLs, region syntax and partitions.
 *
 * The table maps our service ids to the host prefix and to the suffix of the
 * AWS_ENDPOINT_URL_<SERVICE> variable (the SDKs' "service id" upper-cased, spaces as '_').
 */
#include "aws/endpoints.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct service_entry {
    const char *id;
    const char *host_prefix;
    const char *env;
};

static const struct service_entry services[] = {
    {.id = "apigateway", .host_prefix = "apigateway", .env = "AWS_ENDPOINT_URL_API_GATEWAY"},
    {.id = "lambda", .host_prefix = "lambda", .env = "AWS_ENDPOINT_URL_LAMBDA"},
    {.id = "sts", .host_prefix = "sts", .env = "AWS_ENDPOINT_URL_STS"},
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

static bool url_ok(const char *u)
{
    return (strncmp(u, "https://", 8) == 0 && u[8]) || (strncmp(u, "http://", 7) == 0 && u[7]);
}

static enum xa_status append_trimmed(struct xbuf *out, const char *u)
{
    size_t n = strlen(u);
    while (n > 0 && u[n - 1] == '/')
        n--;
    return xbuf_append(out, u, n);
}

enum xa_status aws_endpoint_resolve(const char *service, const char *region,
                                    const char *override, struct xbuf *out)
{
    const struct service_entry *s = NULL;
    for (size_t i = 0; service && i < sizeof services / sizeof services[0]; i++)
        if (strcmp(service, services[i].id) == 0)
            s = &services[i];
    if (!s)
        return XA_EINVAL;
    const char *u = override && *override ? override : NULL;
    if (!u) {
        u = getenv(s->env);
        if (!u || !*u)
            u = getenv("AWS_ENDPOINT_URL");
        if (u && !*u)
            u = NULL;
    }
    if (u)
        return url_ok(u) ? append_trimmed(out, u) : XA_EINVAL;
    if (!region || !*region)
        return XA_EINVAL;
    return xbuf_appendf(out, "https://%s.%s.%s", s->host_prefix, region,
                        aws_region_dns_suffix(region));
}
