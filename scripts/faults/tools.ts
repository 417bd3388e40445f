/**
 * The tools the fault suite and the cluster need beyond npm's: Schemathesis (PyPI) for the fuzz,
 * and a Temporal server built from source (the Go module proxy) for the cluster. Each is installed
 * once into the tools folder (REUNIFY_TOOLS_DIR, `.tools`) by the ordinary client (pip, go) at a
 * pinned version, and found there afterwards. Nothing is fetched at run time once installed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SCHEMATHESIS_VERSION = '4.32.5';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/**
 * Temporal's UI server. Its module carries the UI's built assets (embedded in the binary). v2.55.0
 * is the newest release whose go.mod the machine's Go (1.26.8) accepts: v2.56.0 asks for 1.26.9,
 * later ones for 1.26.10.
 */
export const TEMPORAL_UI_VERSION = 'v2.55.0';

export class ToolError extends Error {
  override readonly name = 'ToolError';
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new ToolError(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error)).trim()}`,
    );
  }
  return result.stdout.trim();
}

const python = (): string => {
  const found = ['python3', 'python'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!found) throw new ToolError('Schemathesis needs Python 3 with pip on PATH.');
  return found;
};

export interface Schemathesis {
  python: string;
  /** PYTHONPATH for the pip --target install (and the suite's hooks). */
  pythonPath: string;
  /** The `st` entry script. */
  st: string;
}

/** Schemathesis, pip-installed (pinned) into <tools>/schemathesis-<version> on first use. */
export function ensureSchemathesis(toolsDir: string, progress: (message: string) => void = () => undefined): Schemathesis {
  const target = resolve(toolsDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = join(target, 'bin', 'st');
  const py = python();
  if (!existsSync(st)) {
    progress(`Installing schemathesis==${SCHEMATHESIS_VERSION} into ${target} with pip...`);
    run(py, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--target',
      target,
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ]);
  }
  return { python: py, pythonPath: [target, __dirname].join(':'), st };
}

export interface TemporalServerBuild {
  /** The server binary (`server start`). */
  server: string;
  /** Temporal's SQL schema tool (`temporal-sql-tool`). */
  sqlTool: string;
  /** The module's schema folder: schema/postgresql/v12/{temporal,visibility}/versioned. */
  schemaDir: string;
}

/**
 * The Temporal server and its SQL tool, built from source at the pinned release by `go install`
 * through the Go module proxy (about 5 to 20 minutes the first time on two cores), with the
 * release's schema folder copied beside them, all under <tools>/temporal-server/<version>.
 */
export function ensureTemporalServer(toolsDir: string, progress: (message: string) => void = () => undefined): TemporalServerBuild {
  const root = resolve(toolsDir, 'temporal-server', TEMPORAL_SERVER_VERSION);
  const bin = join(root, 'bin');
  const built: TemporalServerBuild = { server: join(bin, 'server'), sqlTool: join(bin, 'sql'), schemaDir: join(root, 'schema') };
  if (existsSync(built.server) && existsSync(built.sqlTool) && existsSync(built.schemaDir)) return built;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new ToolError('Building the Temporal server needs Go (https://go.dev/dl/) on PATH, with the Go module proxy reachable.');
  }
  mkdirSync(bin, { recursive: true });
  const module = `go.temporal.io/server`;
  progress(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} from source with go install (first time only: several minutes)...`);
  run('go', ['install', `${module}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${module}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
    ...process.env,
    GOBIN: bin,
    GOFLAGS: '-buildvcs=false',
  });
  const modCache = run('go', ['env', 'GOMODCACHE']);
  cpSync(join(modCache, `${module}@${TEMPORAL_SERVER_VERSION}`, 'schema'), built.schemaDir, { recursive: true });
  return built;
}

/**
 * Temporal's UI server (with its assets inside), built by `go install` through the Go module proxy
 * at the pinned release (under a minute the first time), then found in <tools>/temporal-ui/<version>.
 */
export function ensureTemporalUi(toolsDir: string, progress: (message: string) => void = () => undefined): string {
  const bin = resolve(toolsDir, 'temporal-ui', TEMPORAL_UI_VERSION, 'bin');
  const server = join(bin, 'server');
  if (existsSync(server)) return server;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new ToolError("Building Temporal's UI server needs Go (https://go.dev/dl/) on PATH, with the Go module proxy reachable.");
  }
  mkdirSync(bin, { recursive: true });
  progress(`Building Temporal's UI server ${TEMPORAL_UI_VERSION} from source with go install (first time only)...`);
  run('go', ['install', `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`], {
    ...process.env,
    GOBIN: bin,
    GOFLAGS: '-buildvcs=false',
  });
  return server;
}
