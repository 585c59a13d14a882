#include <stdlib.h>
#include <string.h>
/* Touches every page it allocates, so the memory is really used and the memory limit, not overcommit, stops it. */
int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }
