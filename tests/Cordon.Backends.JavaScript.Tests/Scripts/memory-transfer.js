// transfer(newLength) copies a small buffer into a new one of any length: 1 GiB here.
console.log(new ArrayBuffer(8).transfer(2 ** 30).byteLength);
