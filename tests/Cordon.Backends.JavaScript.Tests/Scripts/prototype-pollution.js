// Tries to reach the host through the objects Cordon hands in: their prototypes, constructors and frozen state.
const found = [];
const join = Array.prototype.join;
const attempt = (label, f) => {
  try {
    const v = f();
    found.push(`${label}: ${typeof v === 'object' || typeof v === 'function' ? Object.prototype.toString.call(v) : String(v)}`);
  } catch (e) {
    found.push(`${label}: ${e.name}`);
  }
};
// Pollute the standard prototypes the host might read when it formats output or arguments.
Object.prototype.polluted = 'yes';
Object.defineProperty(Object.prototype, 'toJSON', { get() { return () => 'hijacked'; }, configurable: true });
Array.prototype.join = () => 'hijacked join';
String.prototype.toString = () => 'hijacked toString';
// Climb from the host-made objects to whatever constructor they lead to.
attempt('console.log.constructor', () => console.log.constructor === Function);
attempt('Function("return this")().System', () => Function('return this')().System);
attempt('console.log.constructor("return process")()', () => console.log.constructor('return process')());
attempt('console.constructor.constructor("return importNamespace")()', () => console.constructor.constructor('return importNamespace')());
attempt('console.log.GetType', () => console.log.GetType);
attempt('args.constructor', () => args.constructor === Array);
attempt('args.push', () => { 'use strict'; args.push('x'); return args.length; });
attempt('env.__proto__', () => Object.getPrototypeOf(env));
attempt('env.PATH = /evil', () => { 'use strict'; env.PATH = '/evil'; return env.PATH; });
attempt('console.log = evil', () => { 'use strict'; console.log = () => {}; return 'replaced'; });
attempt('delete console.log', () => { 'use strict'; return delete console.log; });
attempt('clr', () => clr);
attempt('importNamespace', () => importNamespace('System.IO'));
attempt('System', () => System.IO.File);
// Hand the host hostile values to format: a getter that throws, a toString that loops a little, a cycle.
const cyclic = {}; cyclic.self = cyclic;
attempt('console.log(cyclic)', () => { console.log(cyclic); return 'printed'; });
attempt('console.log(throwing getter)', () => { console.log({ get x() { throw new Error('from getter'); } }); return 'printed'; });
console.log(join.call(found, '\n'));
