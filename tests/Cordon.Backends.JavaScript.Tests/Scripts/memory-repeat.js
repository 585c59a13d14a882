// A single built-in call that asks for 1 GiB of string at once (2^29 UTF-16 code units).
const huge = 'x'.repeat(2 ** 29);
console.log(huge.length);
