#include <iostream>
int main() { volatile int zero = 0; std::cout << 42 / zero << '\n'; }
