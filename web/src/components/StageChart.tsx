import { useMemo } from 'preact/hooks';

import type { CaseTransition } from '../../../src/contracts/case-view';
import stageGraph from '../generated/stage-graph.json';
import { statusLabel } from '../lib/labels';
import type { StageModel } from '../lib/stage-graph';
import { stageModel } from '../lib/stage-graph';
import { Chart } from './Chart';

const COLOURS = { current: '#1d4ed8', visited: '#dbeafe', ahead: '#f3f4f6' };

function graphOption(model: StageModel) {
  return {
    tooltip: { show: false },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: false,
        symbol: 'roundRect',
        symbolSize: [92, 40],
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 7,
        label: { show: true, fontSize: 11, width: 86, overflow: 'break', lineHeight: 13 },
        data: model.nodes.map((node) => ({
          name: node.id,
          x: node.x,
          y: node.y,
          value: node.label,
          label: {
            formatter: node.state === 'current' ? `▶ ${node.label}` : node.label,
            color: node.state === 'current' ? '#ffffff' : '#111827',
            fontWeight: node.state === 'current' ? 'bold' : 'normal',
          },
          itemStyle: {
            color: COLOURS[node.state],
            borderColor: node.state === 'ahead' ? '#9ca3af' : '#1d4ed8',
            borderWidth: node.state === 'current' ? 3 : 1,
            borderType: node.state === 'ahead' ? 'dashed' : 'solid',
          },
        })),
        links: model.arrows.map((arrow) => ({
          source: arrow.source,
          target: arrow.target,
          label: { show: arrow.fromCurrent, formatter: arrow.label, fontSize: 10, color: '#1e3a8a' },
          lineStyle: {
            color: arrow.fromCurrent ? '#1d4ed8' : '#9ca3af',
            width: arrow.fromCurrent ? 2 : 1,
            curveness: arrow.source > arrow.target ? 0.25 : 0.1,
            opacity: arrow.fromCurrent ? 1 : 0.7,
          },
        })),
      },
    ],
  };
}

/** The case's stage on the statechart, with the same facts in words below it. */
export function StageChart({ status, transitions, narrow }: { status: string; transitions: CaseTransition[]; narrow: boolean }) {
  const model = useMemo(() => stageModel(stageGraph, status, transitions, narrow), [status, transitions, narrow]);
  const option = useMemo(() => graphOption(model), [model]);
  return (
    <figure class="stage-chart">
      <Chart
        option={option}
        height={narrow ? 560 : 340}
        label={`The release process as a diagram of ${model.nodes.length} stages; this case is in ${statusLabel(status)}.`}
      />
      <figcaption>
        <p>
          <strong>Now:</strong> {statusLabel(status)} <span class="legend current">▶ current</span>{' '}
          <span class="legend visited">been through</span> <span class="legend ahead">not yet</span>
        </p>
        {model.next.length > 0 ? (
          <>
            <p>
              <strong>Ways out of this stage:</strong>
            </p>
            <ul class="next-steps">
              {model.next.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>No way out: the case is closed.</p>
        )}
        <details>
          <summary>Events that apply at any stage</summary>
          <ul>
            {model.anyStage.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      </figcaption>
    </figure>
  );
}
