/**
 * Writes docs/statechart.md (the Mermaid statechart and the policy tables) and the web
 * application's stage graph (web/src/generated/stage-graph.json) from the machine and the policy
 * tables. `npm run diagram`; tests/machines/diagram.test.ts fails when either drifts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { stageGraphJson, statechartDocument } from '../src/machines/diagram';

export const STATECHART_DOC = join(__dirname, '..', 'docs', 'statechart.md');
export const STAGE_GRAPH = join(__dirname, '..', 'web', 'src', 'generated', 'stage-graph.json');

writeFileSync(STATECHART_DOC, statechartDocument());
mkdirSync(dirname(STAGE_GRAPH), { recursive: true });
writeFileSync(STAGE_GRAPH, stageGraphJson());
console.log(JSON.stringify({ msg: 'statechart written', paths: [STATECHART_DOC, STAGE_GRAPH] }));
