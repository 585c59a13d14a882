/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

#include <limits.h>

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
