#include <vector>
// Fills what it reserves, so the pages are really used.
int main() { std::vector<std::vector<char>> blocks; for (;;) blocks.emplace_back(1 << 20, 'x'); }
