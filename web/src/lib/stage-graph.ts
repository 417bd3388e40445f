import type { CaseStatus } from '../../../src/contracts/case-status';
import type { CaseTransition } from '../../../src/contracts/case-view';
import { eventLabel, statusLabel } from './labels';

/**
 * The picture of a case on the statechart: the machine's stages (web/src/generated/stage-graph.json,
 * generated from the machine by `npm run diagram`) placed on a grid in the order a case usually
 * goes, the case's stage marked, the stages it has been through shaded, and the ways out of its
 * stage named. Pure: the chart component only draws the model.
 */

export interface StageEdge {
  from: string[];
  to: string | null;
  event: string;
  guard: string;
}
export interface StageGraph {
  stages: string[];
  initial: string;
  edges: StageEdge[];
}

/** Column and row of each stage, read left to right, then back along the last row. */
const GRID: Record<CaseStatus, [number, number]> = {
  intake: [0, 0],
  sponsor_identification: [1, 0],
  application: [2, 0],
  vetting: [3, 0],
  recommendation: [4, 0],
  third_party_review: [5, 0],
  no_viable_sponsor: [1, 1],
  home_study: [3, 1],
  release_decision: [5, 1],
  release_approved: [5, 2],
  released: [4, 2],
  closed: [3, 2],
};

export type StageState = 'current' | 'visited' | 'ahead';

export interface StageNode {
  id: string;
  label: string;
  x: number;
  y: number;
  state: StageState;
}

export interface StageArrow {
  source: string;
  target: string;
  label: string;
  /** Leaves the case's stage now: drawn strong and labelled. */
  fromCurrent: boolean;
}

export interface StageModel {
  nodes: StageNode[];
  arrows: StageArrow[];
  /** Ways out of the current stage, in words ("Complete vetting → Recommendation"). */
  next: string[];
  /** Whole-case events, which no single arrow shows ("Age out → Closed, from any open stage"). */
  anyStage: string[];
}

/** Narrow screens get the grid turned on its side: three columns, six rows. Columns are wider apart than rows, as labels are wide. */
export function stagePosition(stage: string, narrow: boolean): { x: number; y: number } {
  const [column, row] = GRID[stage as CaseStatus] ?? [0, 3];
  return narrow ? { x: row * 120, y: column * 100 } : { x: column * 180, y: row * 100 };
}

export function stageModel(graph: StageGraph, current: string, transitions: readonly CaseTransition[], narrow: boolean): StageModel {
  const visited = new Set<string>(transitions.map((t) => t.toStatus));
  const nodes = graph.stages.map((id) => ({
    id,
    label: statusLabel(id),
    ...stagePosition(id, narrow),
    state: id === current ? ('current' as const) : visited.has(id) ? ('visited' as const) : ('ahead' as const),
  }));
  const single = graph.edges.filter((e) => e.from.length === 1 && e.to !== null);
  // One arrow per pair of stages; several events between the same two stages share it.
  const arrows = new Map<string, StageArrow>();
  for (const edge of single) {
    const key = `${edge.from[0]}->${edge.to}`;
    const label = eventLabel(edge.event);
    const existing = arrows.get(key);
    if (existing) {
      if (!existing.label.split(' / ').includes(label)) existing.label = `${existing.label} / ${label}`;
    } else {
      arrows.set(key, { source: edge.from[0]!, target: edge.to!, label, fromCurrent: edge.from[0] === current });
    }
  }
  const next = single
    .filter((e) => e.from[0] === current)
    .map((e) => `${eventLabel(e.event)} → ${statusLabel(e.to!)}${guardNote(e.guard)}`);
  const anyStage = graph.edges
    .filter((e) => e.from.length > 1)
    .map(
      (e) =>
        `${eventLabel(e.event)} ${e.to ? `→ ${statusLabel(e.to)}` : '(keeps the stage)'}, from ${e.from.length === 10 ? 'any open stage' : `${e.from.length} stages`}`,
    );
  return { nodes, arrows: [...arrows.values()], next: [...new Set(next)], anyStage };
}

/** The guard in words, where it decides between two ways out: "and(allChecksResolved, homeStudyOutstanding)" -> "all checks resolved, home study outstanding". */
export function guardNote(guard: string): string {
  if (!guard) return '';
  const words = guard
    .replace(/\b(and|or|not)\(/g, '')
    .replace(/[()]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/ ,/g, ',')
    .trim();
  return ` (when ${words})`;
}
