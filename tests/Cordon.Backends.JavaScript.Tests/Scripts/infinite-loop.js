// A loop with no calls and no allocation: only a check between statements, or a watchdog, stops it.
for (;;) { }
