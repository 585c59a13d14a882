/* res-thread-bomb: threads are tasks too; create them with 16 KiB stacks until refused, then give up (exit 3).
 * Bounded like the fork bomb. */
#include "probe.h"
#include <pthread.h>

#define SAFETY_BOUND 1024

static void *sleeper(void *arg) { (void)arg; for (;;) pause(); return NULL; }

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16384);
    int made = 0, rc = 0;
    for (; made < SAFETY_BOUND; made++) {
        pthread_t t;
        if ((rc = pthread_create(&t, &attr, sleeper, NULL)) != 0) break;
    }
    if (made < SAFETY_BOUND) token("pthread-create", errname(rc), "after %d threads", made);
    else token("pthread-create", "UNBOUNDED", "%d threads", made);
    usleep(100 * 1000);
    return 3;
}
