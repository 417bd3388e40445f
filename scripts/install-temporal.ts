/**
 * Finds or installs the Temporal dev server (`temporal`) and the time-skipping test server
 * (`temporal-test-server`), and prints where they are. Used by `.ci/run` and by hand.
 */
import { loadConfig } from '../src/config/env';
import { resolveTemporalBinary } from '../src/temporal/binaries';

const config = loadConfig();
let failed = false;
for (const [binary, explicitPath] of [
  ['temporal', config.temporal.cliPath],
  ['temporal-test-server', config.temporal.testServerPath],
] as const) {
  const found = resolveTemporalBinary(binary, {
    explicitPath,
    toolsDir: config.toolsDir,
    onProgress: (message) => console.log(message),
  });
  if (found.type === 'existing-path') console.log(`${binary}: ${found.path}`);
  else {
    console.error(`${binary}: not found and not installable here (see above)`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
