// Catastrophic backtracking: (a+)+$ against 40 a's and a mismatch takes ~2^40 steps inside one regex match.
const evil = /(a+)+$/;
console.log(evil.test('a'.repeat(40) + '!'));
