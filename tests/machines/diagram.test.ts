import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { caseMachineMermaid, caseStageGraph, stageGraphJson, statechartDocument } from '../../src/machines/diagram';
import { machineStateNodes, machineTransitions } from '../helpers/machine-model';

const DOC = join(__dirname, '..', '..', 'docs', 'statechart.md');
const STAGE_GRAPH = join(__dirname, '..', '..', 'web', 'src', 'generated', 'stage-graph.json');

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

describe("the web application's stage graph", () => {
  it('is what `npm run diagram` generates from the machine now', () => {
    if (readFileSync(STAGE_GRAPH, 'utf8') !== stageGraphJson()) {
      throw new Error('web/src/generated/stage-graph.json differs from the machine: run `npm run diagram` and commit it.');
    }
  });

  it('has every stage change of the machine between public stages, and none inside a stage', () => {
    const graph = caseStageGraph();
    expect(graph.initial).toBe('intake');
    const arrow = (e: { from: string[]; to: string | null; event: string }) =>
      `${e.from.length > 1 ? '*' : e.from[0]} -> ${e.to} ${e.event}`;
    const arrows = graph.edges.map(arrow);
    expect(arrows).toEqual(
      expect.arrayContaining([
        'intake -> sponsor_identification COMPLETE_INTAKE',
        'vetting -> recommendation COMPLETE_VETTING',
        'recommendation -> release_decision RECOMMEND_RELEASE',
        'release_decision -> release_approved DECIDE_RELEASE',
        'released -> closed COMPLETE_FOLLOW_UP',
        '* -> null TRANSFER_CARE_PROVIDER',
        '* -> closed AGE_OUT',
        '* -> sponsor_identification SPONSOR_WITHDREW',
      ]),
    );
    // Inside vetting a result is no stage change; after it, a new result for an expired one (issue 14)
    // keeps the stage when it clears and sends the case back to vetting when it flags.
    expect(arrows.filter((a) => a.includes('CLEAR_CHECK') || a.includes('FLAG_CHECK'))).toEqual([
      '* -> null CLEAR_CHECK',
      '* -> vetting FLAG_CHECK',
    ]);
    for (const edge of graph.edges)
      for (const stage of [...edge.from, ...(edge.to ? [edge.to] : [])]) expect(graph.stages).toContain(stage);
  });
});
