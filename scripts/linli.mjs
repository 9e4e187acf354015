#!/usr/bin/env node
// The two commands of the README. `npm start`: install, build the h5 app if missing, run the server on the
// embedded database. `npm test`: install, build both mini-program targets, type-check, run every test suite.
// Needs only Node 20 and npm: pnpm itself is fetched from the npm registry when it is not installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = '10.34.9';
const chromiumPath = '/usr/bin/chromium';
const h5Index = join(root, 'apps/miniprogram/dist/h5/index.html');
const weappApp = join(root, 'apps/miniprogram/dist/weapp/app.json');

const step = (message) => console.log(`\n▶ ${message}`);
const fail = (message) => {
  console.error(`\n✖ ${message}`);
  process.exit(1);
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${pnpmVersion}`]];
}
const [pnpmBin, pnpmPrefix] = pnpmCommand();
const pnpm = (args, options) => run(pnpmBin, [...pnpmPrefix, ...args], options);

function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function ensureInstalled() {
  const marker = join(root, 'node_modules/.modules.yaml');
  const lockfile = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs) return;
  step(`Installing dependencies with pnpm ${pnpmVersion} (first run takes about a minute) …`);
  if (pnpm(['install', '--frozen-lockfile']) !== 0) fail('pnpm install failed: see the messages above (is the npm registry reachable?)');
}

function ensureBuilt(target, output, { force = false } = {}) {
  const sources = ['apps/miniprogram/src', 'apps/miniprogram/config', 'packages/shared/src'].map((p) => join(root, p));
  const stale = !existsSync(output) || newestMtime(sources) > statSync(output).mtimeMs;
  if (!force && !stale) return;
  step(`Building the mini-program for ${target} (about 30–60 s on 2 cores) …`);
  if (pnpm(['--filter', '@linli/miniprogram', `build:${target}`]) !== 0) fail(`the ${target} build failed: see the compiler output above`);
  if (!existsSync(output)) fail(`the ${target} build finished without writing ${output}: is apps/miniprogram in the workspace?`);
}

function ensureChromium() {
  if (existsSync(chromiumPath)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    fail(`The browser tests need Debian's Chromium at ${chromiumPath}. Install it with: sudo apt-get install -y chromium`);
  }
  step("Installing Debian's chromium for the browser tests …");
  if (run('apt-get', ['update', '-qq']) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) !== 0) {
    fail('apt-get could not install chromium');
  }
}

function start() {
  ensureInstalled();
  ensureBuilt('h5', h5Index);
  step('Starting Linli …');
  // tsx as a loader inside the server's own process: tsx's CLI wrapper would SIGKILL a server too busy to answer its
  // signal relay within 30 ms, cutting off the requests a graceful shutdown is meant to finish.
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(root, 'apps/server'),
    stdio: 'inherit',
    env: { ...process.env, DATA_DIR: process.env.DATA_DIR ?? join(root, '.data') },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function test() {
  ensureInstalled();
  ensureChromium();
  ensureBuilt('h5', h5Index);
  ensureBuilt('weapp', weappApp);
  step('Type-checking every package …');
  if (pnpm(['-r', 'typecheck']) !== 0) fail('type errors: see above');
  const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite (set DATABASE_URL to use PostgreSQL)';
  step(`Running the test suites on ${where} …`);
  const args = ['exec', 'jest', '--maxWorkers=2', ...(process.env.CI ? ['--forceExit'] : []), ...process.argv.slice(3)];
  const summaryFile = join(root, '.tmp/test-summary.txt');
  rmSync(summaryFile, { force: true });
  const status = pnpm(args, { env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() } });
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8').trim() : '';
  console.log(`\n${summary || `0 passed, 1 failed (jest exited with status ${status} before reporting)`}`);
  process.exit(status === 0 && !summary ? 1 : status);
}

const command = process.argv[2];
if (command === 'start') start();
else if (command === 'test') test();
else fail('usage: node scripts/linli.mjs start|test');
