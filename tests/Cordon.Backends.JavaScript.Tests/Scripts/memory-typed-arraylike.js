// An array-like with a huge length and no elements: a typed array would allocate 1 GiB for it in one go.
const huge = new Float64Array({ length: 2 ** 27 });
console.log(huge.length);
