#include <assert.h>
#include <stdio.h>
int main(void) { long n; if (scanf("%ld", &n) != 1) return 1; assert(n < 0 && "n must be negative"); return 0; }
