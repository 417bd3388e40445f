import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(120_000);

/** ESLint over one file's text as if it stood at `filePath`, with the project's own config. */
function lint(filePath: string, text: string): { code: number | null; output: string } {
  const root = join(__dirname, '..', '..');
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', filePath],
    {
      cwd: root,
      input: text,
      encoding: 'utf8',
    },
  );
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * The layering as lint rules: code that runs in (or is shared with) Temporal's workflow sandbox
 * imports nothing with side effects, except as types.
 */
describe('lint boundaries', () => {
  it('refuses a workflow that imports a Node built-in, the database or an activity implementation', () => {
    const { code, output } = lint(
      'src/workflows/case-workflow.ts',
      [
        "import { readFileSync } from 'node:fs';",
        '',
        "import { createCaseActivities } from '../activities/case-activities';",
        "import { openDatabase } from '../db/client';",
        '',
        'export const leak = [readFileSync, createCaseActivities, openDatabase];',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
    expect(output).toContain("'node:fs' import is restricted from being used. No Node built-ins in workflow-sandboxed code");
    expect(output).toContain('Import activities as types only');
    expect(output).toContain('Sandboxed code may not reach the database');
  });

  it('lets the same code import those modules as types only, and lets an activity import them', () => {
    const typesOnly = lint(
      'src/machines/case-logic.ts',
      ["import type { CaseActivities } from '../activities/case-activities';", '', 'export type Uses = CaseActivities;', ''].join('\n'),
    );
    expect(typesOnly.output).not.toMatch(/restricted/);
    const activity = lint(
      'src/activities/case-activities.ts',
      ["import { readFileSync } from 'node:fs';", '', 'export const read = readFileSync;', ''].join('\n'),
    );
    expect(activity.output).not.toMatch(/restricted/);
  });
});

describe('the web application’s boundary', () => {
  it('lets web code import the contracts and the pure policy, and refuses the database, the services and Node', () => {
    const { code, output } = lint(
      'web/src/pages/Outcomes.tsx',
      [
        "import { readFileSync } from 'node:fs';",
        '',
        "import { CaseViewSchema } from '../../../src/contracts/case-view';",
        "import { openDatabase } from '../../../src/db/client';",
        "import { EVENT_ROLES } from '../../../src/domain/policy';",
        "import { createCaseService } from '../../../src/services/case-service';",
        '',
        'export const leak = [readFileSync, CaseViewSchema, openDatabase, EVENT_ROLES, createCaseService];',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
    expect(output).toContain("'node:fs' import is restricted from being used. The web application runs in a browser");
    expect(output.match(/shares only src\/contracts and src\/domain/g)).toHaveLength(2);
    expect(output).not.toMatch(/contracts\/case-view'.*restricted|domain\/policy'.*restricted/);
  });
});
