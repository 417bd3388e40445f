import { relative } from 'node:path';
import vm from 'node:vm';

// The SDK's reusable context, as a worker builds it (internal: the SDK is pinned, and this is what the worker runs).
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';

import type { CaseEvent } from '../../src/contracts/case-events';
import type * as CaseLogic from '../../src/machines/case-logic';
import { SHARED_MODULES } from '../../src/worker/workflow-bundle';
import { bundleCaseWorkflows } from '../helpers/temporal';

/**
 * The modules every case shares (issue 18), inside the workflow context a worker builds: they are
 * loaded before any case, frozen, but for zod's schemas, which still parse; and a case evaluated
 * after others gives what it gave before them.
 */
type ModuleCache = Record<string, { exports: Record<string, unknown> } | undefined>;
class InspectableCreator extends ReusableVMWorkflowCreator {
  get vmContext(): vm.Context {
    return this.context;
  }
}
let creator: InspectableCreator;
let cache: ModuleCache;
const idOf = (path: string) => `./${relative(process.cwd(), path)}`;
const exportsOf = (path: string) => cache[idOf(path)]!.exports;

beforeAll(async () => {
  const { code } = await bundleCaseWorkflows();
  // As the worker does: the source map is the one inlined at the end of the bundle.
  const inline = /sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)/.exec(code)![1]!;
  const sourceMap = JSON.parse(Buffer.from(inline, 'base64').toString('utf8'));
  creator = await InspectableCreator.create({ code, sourceMap, filename: 'workflow-bundle.js' }, 10_000, new Set());
  cache = vm.runInContext('globalThis.__webpack_module_cache__', creator.vmContext) as ModuleCache;
}, 60_000);
afterAll(() => creator?.destroy());

const isSchema = (value: unknown): value is { safeParse(input: unknown): unknown; optional(): { safeParse(input: unknown): unknown } } =>
  typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '_zod');

describe('the shared modules, as a worker holds them', () => {
  it('are loaded once, before any case, and their exports are frozen', () => {
    for (const path of SHARED_MODULES) {
      const loaded = cache[idOf(path)];
      expect({ path, loaded: Boolean(loaded) }).toEqual({ path, loaded: true });
      expect({ path, frozen: Object.isFrozen(loaded!.exports) }).toEqual({ path, frozen: true });
    }
    expect(Object.isFrozen(exportsOf(require.resolve('../../src/machines/case-machine')).caseMachine)).toBe(true);
  });

  it('keep zod schemas unfrozen, and every exported schema parses without touching anything frozen', () => {
    const schemas = SHARED_MODULES.flatMap((path) => Object.entries(exportsOf(path)).filter(([, value]) => isSchema(value)));
    expect(schemas.length).toBeGreaterThan(20);
    const inputs = [undefined, null, 0, 'x', {}, [], { type: 'COMPLETE_INTAKE' }, { a: { b: 1 } }];
    for (const [name, schema] of schemas) {
      expect({ name, frozen: Object.isFrozen(schema) }).toEqual({ name, frozen: false });
      if (!isSchema(schema)) continue;
      for (const input of inputs) expect(() => schema.safeParse(input)).not.toThrow();
      expect(() => schema.optional().safeParse(undefined)).not.toThrow();
    }
  });

  it('give a case the same answers whichever cases ran before it', () => {
    const logic = exportsOf(require.resolve('../../src/machines/case-logic')) as unknown as typeof CaseLogic;
    const parse = (exportsOf(require.resolve('../../src/contracts/case-events')) as { CaseCommandSchema: { parse(e: unknown): CaseEvent } })
      .CaseCommandSchema.parse;
    const at = '2026-11-03T09:00:00.000Z';
    const actor = { id: 'cm-ana', role: 'case_manager' };
    const run = (category: string, birthDate: string): string => {
      let snapshot = logic.openCaseSnapshot({
        caseId: `UC-${category}`,
        careProviderId: 'cp-1',
        admittedAt: '2026-11-02T14:00:00Z',
        child: { birthDate, traffickingVictim: false, disability: false, abuseVictim: false },
      });
      const seen: unknown[] = [];
      const events = [
        { type: 'COMPLETE_INTAKE', actor },
        {
          type: 'IDENTIFY_SPONSOR',
          actor,
          sponsor: { category, ...(category === '3' ? { related: true } : {}) },
          reason: 'Sponsor located',
        },
        { type: 'COMPLETE_ASSESSMENT', actor },
      ];
      for (const event of events) {
        const outcome = logic.evaluateEvent(snapshot, parse(event), at);
        seen.push(outcome.accepted || outcome.refusal);
        if (outcome.accepted) snapshot = outcome.next;
      }
      for (const check of logic.peopleChecks(snapshot, at).filter((c) => c.required && c.state === 'pending')) {
        const outcome = logic.evaluateEvent(snapshot, parse({ type: 'CLEAR_CHECK', actor, check: check.check }), at);
        seen.push(outcome.accepted || outcome.refusal);
        if (outcome.accepted) snapshot = outcome.next;
      }
      seen.push(logic.allowedEventsByRole(snapshot, at), snapshot.value, snapshot.context);
      return JSON.stringify(seen);
    };
    const first = run('1', '2017-05-20');
    run('2A', '2012-03-03');
    run('3', '2009-01-01');
    expect(run('1', '2017-05-20')).toBe(first);
    // The case moved: intake, sponsor, assessment and each check accepted, the checks recorded.
    expect(first).toMatch(/^\[true,true,true,true,/);
    expect(first).toContain('"fbi_fingerprint":"recorded"');
  });
});
