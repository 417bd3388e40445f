import { statusLabel } from '../lib/labels';

/** Badges say their meaning in words and a symbol; colour only repeats it. */

export type RiskLevel = 'on_track' | 'at_risk' | 'breached';

const RISK: Record<RiskLevel, { symbol: string; text: string }> = {
  on_track: { symbol: '✓', text: 'On track' },
  at_risk: { symbol: '!', text: 'At risk' },
  breached: { symbol: '⚠', text: 'Breached' },
};

export function RiskBadge({ level }: { level: RiskLevel }) {
  const { symbol, text } = RISK[level];
  return (
    <span class={`badge risk-${level}`}>
      <span aria-hidden="true">{symbol} </span>
      {text}
    </span>
  );
}

export function StageBadge({ status }: { status: string }) {
  return <span class={`badge stage stage-${status}`}>{statusLabel(status)}</span>;
}

export function AlertKindBadge({ kind, level }: { kind: string; level: string }) {
  const escalation = kind === 'escalation';
  return (
    <span class={`badge ${escalation ? 'risk-breached' : 'risk-at_risk'}`}>
      <span aria-hidden="true">{escalation ? '⚠ ' : '! '}</span>
      {escalation ? 'Escalation' : 'Warning'} · {level === 'program_lead' ? 'program lead' : 'supervisor'}
    </span>
  );
}
