// Runs the first time a script reads ArrayBuffer, SharedArrayBuffer or a typed-array constructor, when the policy has
// a memory limit (AllocationGuards.cs installs those globals lazily, so scripts that never touch them pay nothing).
// The engine's allocation limit is checked between statements, so one constructor call that allocates a huge block at
// once (a 1 GiB ArrayBuffer) would pass it before the next check. These wrappers charge the size to the run's budget
// first (`charge` ends the run when it does not fit) and then call the original with the already-converted arguments,
// so a valueOf or getter of the script's cannot report one size to the check and another to the allocation.
// `originals` holds the untouched constructors; everything the wrappers use is captured before the script resumes.
// Returns the guarded constructors by name.
(function (charge, originals) {
  'use strict';
  // The guarded constructors by name; the host makes each the value of its (lazy) global.
  const wrapped = { __proto__: null };
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const construct = Reflect.construct;
  const apply = Reflect.apply;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const ProxyCtor = Proxy;
  const toNumber = Number;
  const toText = String;
  const typedLength = getOwnPropertyDescriptor(getPrototypeOf(originals.Uint8Array.prototype), 'length').get;
  const bufferLength = getOwnPropertyDescriptor(originals.ArrayBuffer.prototype, 'byteLength').get;
  const sharedLength = getOwnPropertyDescriptor(originals.SharedArrayBuffer.prototype, 'byteLength').get;

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
    const original = originals[name];
    const guarded = new ProxyCtor(original, {
      construct(target, args, newTarget) {
        return construct(target, prepare(args), newTarget === guarded ? target : newTarget);
      },
    });
    defineProperty(original.prototype, 'constructor', { value: guarded, writable: true, enumerable: false, configurable: true });
    wrapped[name] = guarded;
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
    if (typeof originals[name] !== 'function') continue;
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

  // transfer(newLength) copies into a new buffer of any length.
  for (const name of ['transfer', 'transferToFixedLength']) {
    const original = originals.ArrayBuffer.prototype[name];
    if (typeof original !== 'function') continue;
    const guarded = {
      [name](...args) {
        if (args.length === 0 || args[0] === undefined) return apply(original, this, []);
        const length = index(args[0]);
        charge(length);
        return apply(original, this, [length]);
      },
    }[name];
    defineProperty(guarded, 'length', { value: original.length });
    defineProperty(originals.ArrayBuffer.prototype, name, { value: guarded, writable: true, enumerable: false, configurable: true });
  }

  return wrapped;
})
