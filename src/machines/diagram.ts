import type { AnyStateNode, TransitionDefinition } from 'xstate';

import { HOUSEHOLD_CHECKS } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { CheckRule, HouseholdCheckRule, PolicyProfile } from '../domain/policy';
import { EVENT_ROLES, HOME_STUDY_TRIGGERS, POLICY_PROFILES } from '../domain/policy';
import type { CaseContext, CaseMachineEvent } from './case-machine';
import { caseMachine } from './case-machine';
import { STAGE_TO_STATUS } from './case-status';

/**
 * The statechart and the policy tables as Markdown, generated from the machine and the tables
 * themselves (`npm run diagram`), so the docs cannot drift from the code: a test regenerates them
 * and compares with the committed files.
 */

const mermaidId = (node: AnyStateNode): string => node.id.replace(/^case\.?/, '').replace(/\./g, '_') || 'case';

// The machine's own context and events: the transitions the diagram walks are this machine's.
type AnyTransition = TransitionDefinition<CaseContext, CaseMachineEvent>;
type Guard = AnyTransition['guard'];

/** A guard as text: its name and parameters, combinators spelled out. */
function guardLabel(guard: Guard): string {
  if (!guard) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const combined = guard as unknown as { guards?: Guard[]; name: string; stateValue?: unknown };
    if (combined.guards) return `${combined.name}(${combined.guards.map(guardLabel).join(', ')})`;
    if (combined.stateValue) return `in(${JSON.stringify(combined.stateValue)})`;
    return combined.name || 'guard';
  }
  const { type, params } = guard as { type: string; params?: Record<string, unknown> };
  const args = params ? Object.values(params).join(', ') : '';
  return args ? `${type}(${args})` : type;
}

function transitionLines(node: AnyStateNode, indent: string): string[] {
  const lines: string[] = [];
  const add = (definition: AnyTransition, label: string): void => {
    const guard = guardLabel(definition.guard);
    const text = guard ? `${label} [${guard}]` : label;
    const targets = definition.target?.length ? definition.target : [node];
    for (const target of targets) lines.push(`${indent}${mermaidId(node)} --> ${mermaidId(target)}: ${text}`);
  };
  for (const [eventType, definitions] of node.transitions) {
    for (const definition of definitions) add(definition, eventType);
  }
  for (const definition of node.always ?? []) add(definition, 'always');
  return lines;
}

function stateBlock(node: AnyStateNode, indent: string): string[] {
  const id = mermaidId(node);
  const children = Object.values(node.states) as AnyStateNode[];
  const lines = [`${indent}state "${node.key}" as ${id}`];
  if (children.length === 0) return lines;
  lines.push(`${indent}state ${id} {`);
  children.forEach((child, i) => {
    if (node.type === 'parallel' && i > 0) lines.push(`${indent}  --`);
    lines.push(...stateBlock(child, `${indent}  `));
  });
  if (node.type !== 'parallel' && node.initial?.target[0]) {
    lines.push(`${indent}  [*] --> ${mermaidId(node.initial.target[0])}`);
  }
  for (const child of children) lines.push(...transitionLines(child, `${indent}  `));
  lines.push(`${indent}}`);
  return lines;
}

/** The case statechart as a Mermaid state diagram. */
export function caseMachineMermaid(): string {
  const root = caseMachine.root;
  const lines = ['stateDiagram-v2'];
  for (const child of Object.values(root.states) as AnyStateNode[]) lines.push(...stateBlock(child, '  '));
  lines.push(`  [*] --> ${mermaidId(root.initial!.target[0]!)}`);
  for (const child of Object.values(root.states) as AnyStateNode[]) {
    lines.push(...transitionLines(child, '  '));
    if (child.type === 'final') lines.push(`  ${mermaidId(child)} --> [*]`);
  }
  return lines.join('\n');
}

const RULE_TEXT: Record<CheckRule | HouseholdCheckRule, string> = {
  required: 'yes',
  when_raised: 'when raised',
  if_related: 'if related',
  optional: "ORR's discretion",
};

function checksTable(profile: PolicyProfile): string[] {
  const rows = Object.entries(profile.checks).map(([check, rules]) => {
    const household = (HOUSEHOLD_CHECKS as readonly string[]).includes(check) ? RULE_TEXT[profile.householdChecks[check as never]] : '-';
    const categories = (['1', '2A', '2B', '3'] as const).map((c) => RULE_TEXT[rules[c]]).join(' | ');
    const expedited = !profile.expeditedPath ? 'no path' : profile.expeditedChecks.includes(check as never) ? 'yes' : '-';
    const validity = profile.resultValidityDays[check as never];
    return `| ${check} | ${categories} | ${household} | ${expedited} | ${validity ? `${validity} days` : '-'} |`;
  });
  return [
    '| check | cat 1 | cat 2A | cat 2B | cat 3 | household | expedited cat 1 | result valid |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

const CATEGORY_NAMES: Record<string, string> = { '1': 'Category 1', '2A': 'Category 2A', '2B': 'Category 2B', '3': 'Category 3' };

/** One profile: its date and source, its checks, its appeals, and where the research notes are unsure. */
function profileSection(p: PolicyProfile): string[] {
  const { appeals } = p;
  const appellants = appeals.sponsorCategories.map((c) => CATEGORY_NAMES[c]).join(' and ');
  return [
    '',
    `### ${p.id}: ${p.title} (from ${p.effectiveFrom})`,
    '',
    p.source,
    '',
    ...checksTable(p),
    '',
    `Fingerprint appointment within ${p.fingerprintAppointmentBusinessDays} business days. Appeals: ${appellants} sponsors within ${appeals.sponsorWindowDays} days of the denial${appeals.childMayAppeal ? '; the child, at any time in care, against a denial resting on child_danger alone' : ''}; receipt acknowledged within ${appeals.acknowledgeWithinBusinessDays} business days.`,
    ...(p.notes.length ? ['', 'Also in this profile, outside the tables:', ...p.notes.map((n) => `- ${n}`)] : []),
    '',
    'Unsure in the research notes:',
    ...p.unsure.map((u) => `- ${u}`),
  ];
}

/** docs/statechart.md: the diagram, the stage-to-status map, and the policy tables. */
export function statechartDocument(): string {
  const profiles = POLICY_PROFILES;
  return [
    '<!-- Generated by `npm run diagram` from src/machines; do not edit. A test fails when it drifts. -->',
    '# The case statechart',
    '',
    'Every state and transition of the case machine (`src/machines/case-machine.ts`). Labels are',
    '`EVENT [guard]`; a transition to its own state keeps the stage (a transfer, a household member',
    'added, a result entered for a household member or renewed). `REEVALUATE_CHECKS` is raised by the',
    "machine itself when a flag changes which checks apply. A case that opened before today's rules",
    '(rules 1: no household members, dated results, appeals or age-out plan) runs the same chart without',
    'those transitions, and without the `nothingOpen` and age conditions on approval and release.',
    '',
    '```mermaid',
    caseMachineMermaid(),
    '```',
    '',
    '## Stages and public statuses',
    '',
    '| machine state | status |',
    '|---|---|',
    ...Object.entries(STAGE_TO_STATUS).map(([stage, status]) => `| \`${stage}\` | \`${status}\` |`),
    '',
    '## Who may send each event',
    '',
    '| event | roles |',
    '|---|---|',
    ...Object.entries(EVENT_ROLES).map(([event, roles]) => `| \`${event}\` | ${roles.join(', ')} |`),
    '',
    '## Checks by sponsor category and for the household, per policy profile',
    '',
    '"When raised": required once a check is flagged (anyone\'s), a home study is mandatory or requested,',
    'or the child is especially vulnerable. "Household": each adult of the sponsor\'s household and each',
    'alternate caregiver. The expedited Category 1 path (no home-study trigger, no flag) runs only its',
    'own column and skips the third-party review. A result stays valid for the days shown from when it',
    'was obtained; an expired one counts as pending. Tags: [V] read in a primary text, [S] a secondary',
    'source, [R] recalled, not re-verified, [I] our inference.',
    ...profiles.flatMap(profileSection),
    '',
    '## Mandatory home-study triggers',
    '',
    ...HOME_STUDY_TRIGGERS.map((t) => `- \`${t}\``),
    '',
    `A Category 3 sponsor needs a home study for a child under ${profiles.at(-1)!.category3HomeStudyAgeBelow} (per profile).`,
    '',
  ].join('\n');
}

/** One arrow between public stages: the event and its guard; `from` lists every stage it leaves (several for a whole-case event). */
export interface StageEdge {
  from: CaseStatus[];
  /** null: the case keeps its stage (a transfer). */
  to: CaseStatus | null;
  event: string;
  guard: string;
}

/** The statechart at the level of public stages, for the web application's picture of a case. */
export interface StageGraph {
  stages: CaseStatus[];
  initial: CaseStatus;
  edges: StageEdge[];
}

const STAGES = Object.entries(STAGE_TO_STATUS) as [string, CaseStatus][];

/** The stages a state node is, lies in, or contains. */
function stagesOf(node: AnyStateNode): CaseStatus[] {
  const path = node.path.join('.');
  const own = STAGES.find(([stage]) => path === stage || path.startsWith(`${stage}.`));
  if (own) return [own[1]];
  return STAGES.filter(([stage]) => stage.startsWith(`${path}.`)).map(([, status]) => status);
}

/** The stage a transition lands in: a grouping state's initial stage. */
function landingStage(target: AnyStateNode): CaseStatus {
  let node = target;
  while (stagesOf(node).length > 1 && node.initial?.target[0]) node = node.initial.target[0] as AnyStateNode;
  return stagesOf(node)[0]!;
}

function stageEdgesFrom(node: AnyStateNode): StageEdge[] {
  const from = stagesOf(node);
  const edges: StageEdge[] = [];
  for (const [event, definitions] of node.transitions) {
    for (const definition of definitions as AnyTransition[]) {
      // A transition without a target (a transfer) keeps the case where it is.
      for (const target of definition.target?.length ? definition.target : [node]) {
        const keepsStage = node.path.join('.').startsWith(target.path.join('.'));
        const to = keepsStage && from.length > 1 ? null : landingStage(target);
        // Moves inside a stage (a check's own result) are not stage changes.
        if (to !== null && from.length === 1 && from[0] === to) continue;
        edges.push({ from, to, event, guard: guardLabel(definition.guard) });
      }
    }
  }
  return edges;
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(allNodes)];
}

/** Every stage change the machine can make, from the machine itself. */
export function caseStageGraph(): StageGraph {
  const root = caseMachine.root;
  return {
    stages: STAGES.map(([, status]) => status),
    initial: landingStage(root.initial!.target[0]!),
    edges: allNodes(root).flatMap(stageEdgesFrom),
  };
}

/** web/src/generated/stage-graph.json, as `npm run diagram` writes it. */
export const stageGraphJson = (): string => `${JSON.stringify(caseStageGraph(), null, 2)}\n`;
