/* res-stack-overflow: unbounded recursion, then a huge alloca. Expected: SIGSEGV at the stack limit. */
#include "probe.h"
#include <alloca.h>

static int depth(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    return n > 1 << 30 ? pad[0] : depth(n + 1) + pad[0];
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    token("recursion", "STARTED", NULL);
    return depth(0);
}
