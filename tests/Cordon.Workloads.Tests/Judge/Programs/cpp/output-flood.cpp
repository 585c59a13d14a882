#include <iostream>
int main() { std::ios::sync_with_stdio(false); for (;;) std::cout << "42 42 42 42 42 42 42 42 42 42 42 42 42 42 42\n"; }
