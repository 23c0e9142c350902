/* awsemu/policy.c - resource-policy evaluation for the invoke check (policy.h). */
#include "policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool policy_glob(const char *p, const char *v)
{
    /* Iterative matcher with one backtrack point: linear for the patterns IAM allows. */
    const char *star = NULL, *mark = NULL;
    while (*v != '\0') {
        if (*p == '*') {
            star = p++;
            mark = v;
        } else if (*p == '?' || *p == *v) {
            p++;
            v++;
        } else if (star != NULL) {
            p = star + 1;
            v = ++mark;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* Splits an ARN into its first five components and the resource (which may hold ':'). */
static int arn_split(const char *arn, char parts[6][512])
{
    int n = 0;
    const char *p = arn;
    while (n < 5) {
        const char *c = strchr(p, ':');
        if (c == NULL)
            return -1;
        snprintf(parts[n++], 512, "%.*s", (int)(c - p), p);
        p = c + 1;
    }
    snprintf(parts[5], 512, "%s", p);
    return 0;
}

bool policy_arn_like(const char *pattern, const char *value)
{
    char pp[6][512], vp[6][512];
    if (arn_split(pattern, pp) != 0 || arn_split(value, vp) != 0)
        return false;
    for (int i = 0; i < 6; i++) {
        if (!policy_glob(pp[i], vp[i]))
            return false;
    }
    return true;
}

/* A string or an array of strings; true when any element satisfies match(elem, value). */
static bool any(const json_t *v, const char *value, bool (*match)(const char *, const char *))
{
    if (value == NULL)
        return false;
    if (json_is_string(v))
        return match(json_string_value(v), value);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        if (json_is_string(x) && match(json_string_value(x), value))
            return true;
    }
    return false;
}

static bool equals(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool arn_equals(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool principal_matches(const json_t *principal, const struct policy_request *req)
{
    if (json_is_string(principal))
        return strcmp(json_string_value(principal), "*") == 0;
    return any(json_object_get(principal, "Service"), req->service_principal, equals);
}

static bool action_matches(const char *pattern, const char *action)
{
    return strcasecmp(pattern, "*") == 0 || strcasecmp(pattern, "lambda:*") == 0 ||
           strcasecmp(pattern, action) == 0;
}

static bool resource_matches(const char *pattern, const char *resource)
{
    return policy_glob(pattern, resource);
}

static bool conditions_hold(const json_t *cond, const struct policy_request *req)
{
    const char *op;
    json_t *keys;
    json_object_foreach((json_t *)cond, op, keys) {
        const char *key;
        json_t *want;
        json_object_foreach(keys, key, want) {
            const char *have = NULL;
            if (strcasecmp(key, "aws:SourceArn") == 0)
                have = req->source_arn;
            else if (strcasecmp(key, "aws:SourceAccount") == 0)
                have = req->source_account;
            bool ok;
            if (strcmp(op, "ArnLike") == 0)
                ok = any(want, have, policy_arn_like);
            else if (strcmp(op, "ArnEquals") == 0)
                ok = any(want, have, arn_equals);
            else if (strcmp(op, "StringEquals") == 0)
                ok = any(want, have, equals);
            else if (strcmp(op, "StringLike") == 0)
                ok = any(want, have, policy_glob);
            else
                ok = false;
            if (!ok)
                return false;
        }
    }
    return true;
}

static bool statement_applies(const json_t *st, const struct policy_request *req)
{
    json_t *cond = json_object_get(st, "Condition");
    return principal_matches(json_object_get(st, "Principal"), req) &&
           any(json_object_get(st, "Action"), req->action, action_matches) &&
           any(json_object_get(st, "Resource"), req->resource, resource_matches) &&
           (cond == NULL || conditions_hold(cond, req));
}

bool policy_allows(const json_t *statements, const struct policy_request *req)
{
    bool allowed = false;
    size_t i;
    json_t *st;
    json_array_foreach(statements, i, st) {
        if (!statement_applies(st, req))
            continue;
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        if (effect != NULL && strcmp(effect, "Deny") == 0)
            return false;
        if (effect != NULL && strcmp(effect, "Allow") == 0)
            allowed = true;
    }
    return allowed;
}
