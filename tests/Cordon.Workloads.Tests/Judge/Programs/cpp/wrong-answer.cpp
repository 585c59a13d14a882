#include <iostream>
int main() { long n; if (!(std::cin >> n)) return 1; std::cout << n * n << '\n'; }
