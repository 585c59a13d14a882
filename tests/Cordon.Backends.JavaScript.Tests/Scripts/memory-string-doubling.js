// Doubles a string until something gives: 2^n characters after n statements.
let s = 'x';
for (;;) s += s;
