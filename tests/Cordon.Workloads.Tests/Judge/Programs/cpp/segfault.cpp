#include <vector>
int main() { std::vector<int> *v = nullptr; volatile int *p = &(*v)[0]; *p = 1; return 0; }
