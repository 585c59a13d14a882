// Runs before every script when the policy has a memory limit. The engine's allocation limit is checked between
// statements, so one built-in call that allocates a huge block at once (a 1 GiB ArrayBuffer, 'x'.repeat(2**29))
// would pass it before the next check. These wrappers charge the size to the run's budget first (`charge` ends the
// run, uncatchably, when it does not fit) and then call the original with the already-converted arguments, so a
// valueOf or getter of the script's cannot report one size to the check and another to the allocation.
// Everything the wrappers use is captured here, before the script can replace it.
(function (charge) {
  'use strict';
  const G = globalThis;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const construct = Reflect.construct;
  const apply = Reflect.apply;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const map = Array.prototype.map;
  const ProxyCtor = Proxy;
  const toNumber = Number;
  const toText = String;
  const typedLength = getOwnPropertyDescriptor(getPrototypeOf(Uint8Array.prototype), 'length').get;
  const bufferLength = getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const sharedLength = getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get;

  const index = (v) => { const n = toNumber(v); return n !== n ? 0 : n; };
  const isBuffer = (v) => {
    try { apply(bufferLength, v, []); return true; } catch { }
    try { apply(sharedLength, v, []); return true; } catch { }
    return false;
  };
  const elementCount = (v) => {
    try { return apply(typedLength, v, []); } catch { }
    return isArray(v) ? v.length : -1;
  };

  const guardConstructor = (name, prepare) => {
    const original = G[name];
    const guarded = new ProxyCtor(original, {
      construct(target, args, newTarget) {
        return construct(target, prepare(args), newTarget === guarded ? target : newTarget);
      },
    });
    defineProperty(original.prototype, 'constructor', { value: guarded, writable: true, enumerable: false, configurable: true });
    defineProperty(G, name, { value: guarded, writable: true, enumerable: false, configurable: true });
  };

  const buffer = (args) => {
    const length = index(args[0]);
    let options = args[1];
    let max = length;
    if (options !== null && typeof options === 'object') {
      const m = options.maxByteLength;
      if (m !== undefined) { max = index(m); options = { maxByteLength: max }; }
    }
    charge(max > length ? max : length);
    return options === undefined ? [length] : [length, options];
  };
  guardConstructor('ArrayBuffer', buffer);
  guardConstructor('SharedArrayBuffer', buffer);

  for (const [name, size] of [['Int8Array', 1], ['Uint8Array', 1], ['Uint8ClampedArray', 1], ['Int16Array', 2],
    ['Uint16Array', 2], ['Int32Array', 4], ['Uint32Array', 4], ['Float32Array', 4], ['Float64Array', 8],
    ['BigInt64Array', 8], ['BigUint64Array', 8], ['Float16Array', 2]]) {
    if (typeof G[name] !== 'function') continue;
    guardConstructor(name, (args) => {
      const first = args[0];
      if (first === null || (typeof first !== 'object' && typeof first !== 'function')) {
        const length = index(first);
        charge(length * size);
        return [length];
      }
      if (isBuffer(first)) return args;
      const count = elementCount(first);
      if (count >= 0) { charge(count * size); return [first]; }
      // An array-like or iterable: materialise it element by element, under the engine's own checks.
      const elements = arrayFrom(first);
      charge(elements.length * size);
      return [elements];
    });
  }

  const guardMethod = (proto, name, resultChars) => {
    const original = proto[name];
    const guarded = {
      [name](...args) {
        if (this === null || this === undefined) return apply(original, this, args);
        const self = toText(this);
        const converted = apply(map, args, [(a, i) => (i === 0 ? index(a) : a === undefined ? a : toText(a))]);
        const chars = resultChars(self, converted[0]);
        // Infinite or negative sizes are left to the original, which throws its RangeError.
        if (chars > 0 && chars < Infinity) charge(chars * 2);
        return apply(original, self, converted);
      },
    }[name];
    defineProperty(guarded, 'length', { value: original.length });
    defineProperty(proto, name, { value: guarded, writable: true, enumerable: false, configurable: true });
  };
  guardMethod(String.prototype, 'repeat', (s, count) => s.length * count);
  guardMethod(String.prototype, 'padStart', (s, length) => length);
  guardMethod(String.prototype, 'padEnd', (s, length) => length);
})
