/**
 * Writes docs/statechart.md (the Mermaid statechart and the policy tables) from the machine and
 * the policy tables. `npm run diagram`; tests/machines/diagram.test.ts fails when the file drifts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { statechartDocument } from '../src/machines/diagram';

export const STATECHART_DOC = join(__dirname, '..', 'docs', 'statechart.md');

writeFileSync(STATECHART_DOC, statechartDocument());
console.log(JSON.stringify({ msg: 'statechart written', path: STATECHART_DOC }));
