import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { caseMachineMermaid, statechartDocument } from '../../src/machines/diagram';
import { machineStateNodes, machineTransitions } from '../helpers/machine-model';

const DOC = join(__dirname, '..', '..', 'docs', 'statechart.md');

describe('docs/statechart.md', () => {
  it('is what `npm run diagram` generates from the machine and the policy tables now', () => {
    const committed = readFileSync(DOC, 'utf8');
    if (committed !== statechartDocument()) {
      throw new Error('docs/statechart.md differs from the machine or the policy tables: run `npm run diagram` and commit it.');
    }
  });

  it('draws every state and every transition of the machine', () => {
    const mermaid = caseMachineMermaid();
    const { resting, transient } = machineStateNodes();
    for (const id of [...resting, ...transient].filter((id) => id !== 'case')) {
      expect(mermaid).toContain(` as ${id.replace(/^case\./, '').replace(/\./g, '_')}`);
    }
    const arrows = mermaid.split('\n').filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    // A transition with several targets draws one arrow each; the machine has none.
    expect(arrows).toHaveLength(machineTransitions().length);
  });
});
