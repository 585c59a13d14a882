/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

#include <limits.h>
#include <string.h>

#include "launch.h"

bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    /* strtoull would accept "+1", " 1" and "-1" (as a huge value); an argument the supervisor
     * did not mean must never turn into a limit. */
    if (s == NULL || *s == '\0')
        return false;
    uint64_t v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool parse_fd(const char *s, int *out)
{
    uint64_t v;
    if (!parse_u64(s, INT_MAX, &v))
        return false;
    *out = (int)v;
    return true;
}

const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return NULL;
    *i += 1;
    return argv[*i];
}

bool parse_id_pair(const char *s, uid_t *uid, gid_t *gid)
{
    if (s == NULL)
        return false;
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon - s >= 16)
        return false;
    char uid_text[16];
    memcpy(uid_text, s, (size_t)(colon - s));
    uid_text[colon - s] = '\0';

    /* (uid_t)-1 means "unchanged" to setresuid and chown; keep below it. */
    uint64_t u, g;
    if (!parse_u64(uid_text, UINT32_MAX - 1, &u) || !parse_u64(colon + 1, UINT32_MAX - 1, &g))
        return false;
    *uid = (uid_t)u;
    *gid = (gid_t)g;
    return true;
}
