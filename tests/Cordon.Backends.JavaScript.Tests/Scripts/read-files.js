// Reads what the policy grants, then tries to leave the grant: .., a symlink inside the grant, another path.
const tries = args;
for (const path of tries) {
  try {
    console.log(`${path}: ${JSON.stringify(readFile(path))}`);
  } catch (e) {
    console.log(`${path}: ${e.name}: ${e.message}`);
  }
}
