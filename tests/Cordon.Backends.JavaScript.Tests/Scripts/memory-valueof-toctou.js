// A length that reports small to the first look and huge to the second.
let calls = 0;
const length = { valueOf() { calls++; return calls === 1 ? 8 : 2 ** 30; } };
const buffer = new ArrayBuffer(length);
console.log(buffer.byteLength, calls);
