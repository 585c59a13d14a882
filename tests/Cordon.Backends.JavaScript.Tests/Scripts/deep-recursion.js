// Unbounded recursion: the engine's call-depth limit, not the host's stack, must end it.
function down(n) { return down(n + 1) + 1; }
down(0);
