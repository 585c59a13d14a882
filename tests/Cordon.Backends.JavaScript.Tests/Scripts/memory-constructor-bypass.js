// Reaches ArrayBuffer without reading its global (through a typed array's buffer), then asks for 1 GiB.
const Buffer = new Uint8Array(8).buffer.constructor;
console.log(new Buffer(2 ** 30).byteLength);
