/**
 * `npm run build:web`, and `npm install`'s postinstall: builds the web application into web/dist
 * when it is missing or older than its sources (`--force`: always). Without Vite (dev dependencies
 * omitted) it says so and leaves the API to run without the application.
 */
import { buildWebApp, viteCli, webBuildState } from '../src/frontend/build';
import { WEB_DIST } from '../src/frontend/paths';

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const state = webBuildState();
  if (!force && state === 'fresh') {
    console.log(`The web application in ${WEB_DIST} is up to date.`);
    return;
  }
  if (!viteCli()) {
    console.log('Vite is not installed (dev dependencies omitted): the web application is not built; the API runs without it.');
    return;
  }
  const started = performance.now();
  await buildWebApp();
  console.log(`Built the web application into ${WEB_DIST} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
