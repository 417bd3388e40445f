import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import ts from 'typescript';

import { SHARED_MODULES, WORKFLOW_BUNDLE_OPTIONS } from '../../../src/worker/workflow-bundle';

/**
 * The worker shares the pure modules the workflows import, once per worker thread (issue 18): a
 * module a workflow imports but the list forgets would be evaluated again for every case, silently.
 */
const WORKFLOWS = resolve(__dirname, '../../../src/workflows');

/** The modules outside src/workflows that its code imports as values (type-only imports are erased). */
function valueImportsFromOutside(): string[] {
  const found = new Set<string>();
  for (const entry of readdirSync(WORKFLOWS, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const file = join(WORKFLOWS, entry);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const clause = statement.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          ? clause.namedBindings.elements.every((e) => e.isTypeOnly)
          : false);
      const specifier = statement.moduleSpecifier.text;
      if (typeOnly || !specifier.startsWith('.')) continue;
      const target = require.resolve(resolve(dirname(file), specifier));
      if (!target.startsWith(WORKFLOWS)) found.add(target);
    }
  }
  return [...found].sort();
}

describe('the modules every case shares', () => {
  it('are exactly the modules outside src/workflows that the workflows import as values', () => {
    expect([...SHARED_MODULES].sort()).toEqual(valueImportsFromOutside());
  });

  it('are preloaded, then sealed (frozen but for zod schemas) last, before the SDK freezes them', () => {
    expect(WORKFLOW_BUNDLE_OPTIONS.preloadModules.slice(0, -1)).toEqual(SHARED_MODULES);
    expect(WORKFLOW_BUNDLE_OPTIONS.preloadModules.at(-1)).toBe(require.resolve('../../../src/workflows/sharing/seal-shared-modules'));
  });
});
