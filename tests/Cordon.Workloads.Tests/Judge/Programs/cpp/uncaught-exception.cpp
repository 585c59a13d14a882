#include <iostream>
#include <stdexcept>
int main() { long n; if (!(std::cin >> n)) return 1; if (n > 0) throw std::runtime_error("unexpected input"); std::cout << n << '\n'; }
