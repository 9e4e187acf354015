// Child process of run-all: runs the one bench named in argv[2] and sends its results to the parent over IPC, so each
// bench starts with a fresh heap and no sockets, pools or timers left by the one before it.
import { benches } from '../benches';

const name = process.argv[2];
const entry = benches.find((b) => b.name === name);

async function main() {
  if (!entry) throw new Error(`no bench named ${name}`);
  const run = await entry.load();
  return run();
}

main().then(
  (results) => process.send!({ results }, () => process.exit(0)),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.stack) console.error(err.stack);
    process.send!({ error: message }, () => process.exit(1));
  },
);
