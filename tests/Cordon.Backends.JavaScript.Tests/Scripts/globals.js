// Lists every own global name (sorted) so a test can compare two runs' global surface.
console.log(JSON.stringify(Object.getOwnPropertyNames(globalThis).sort()));
