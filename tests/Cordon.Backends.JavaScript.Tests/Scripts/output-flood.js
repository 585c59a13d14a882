// Writes without end.
const line = 'flood '.repeat(100);
for (;;) console.log(line);
