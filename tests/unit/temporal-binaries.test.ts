import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TemporalBinaryError, missingBinaryHelp, resolveTemporalBinary, toolsBinDir } from '../../src/temporal/binaries';

describe('finding the Temporal binaries', () => {
  let root: string;
  const fakeBinary = (dir: string, name: string): string => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, 0o755);
    return path;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'reunify-bin-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes an explicit path first', () => {
    const path = fakeBinary(join(root, 'explicit'), 'temporal');
    fakeBinary(join(root, 'path'), 'temporal');
    expect(resolveTemporalBinary('temporal', { explicitPath: path, toolsDir: root, searchPath: join(root, 'path') })).toEqual({
      type: 'existing-path',
      path,
    });
  });

  it('names the variable when the explicit path is wrong', () => {
    expect(() => resolveTemporalBinary('temporal-test-server', { explicitPath: join(root, 'nope'), toolsDir: root })).toThrow(
      /TEMPORAL_TEST_SERVER_PATH is set to .*nope, which is not an executable file/,
    );
  });

  it('then PATH, then the project tools folder', () => {
    const onPath = fakeBinary(join(root, 'path'), 'temporal');
    const inTools = fakeBinary(toolsBinDir(join(root, 'tools')), 'temporal');
    expect(resolveTemporalBinary('temporal', { toolsDir: join(root, 'tools'), searchPath: join(root, 'path') })).toEqual({
      type: 'existing-path',
      path: onPath,
    });
    expect(resolveTemporalBinary('temporal', { toolsDir: join(root, 'tools'), searchPath: join(root, 'empty') })).toEqual({
      type: 'existing-path',
      path: inTools,
    });
  });

  it("falls back to the SDK's download, saying why, when nothing is found and installing is not allowed", () => {
    const progress: string[] = [];
    const found = resolveTemporalBinary('temporal', {
      toolsDir: join(root, 'tools'),
      searchPath: join(root, 'empty'),
      install: false,
      onProgress: (m) => progress.push(m),
    });
    expect(found).toEqual({ type: 'cached-download' });
    expect(progress.join('\n')).toMatch(/No temporal binary found .* falling back to the Temporal SDK's download/);
  });

  it('names every fix when even the download fails', () => {
    const error = missingBinaryHelp('temporal', '/opt/tools', new Error('getaddrinfo ENOTFOUND'));
    expect(error).toBeInstanceOf(TemporalBinaryError);
    expect(error.message).toMatch(/npm run temporal:install/);
    expect(error.message).toMatch(/TEMPORAL_CLI_PATH/);
    expect(error.message).toMatch(/TEMPORAL_ADDRESS/);
  });
});
