import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Whether an element has a box to draw into (a hidden or collapsed one has none). */
function hasSize(element: HTMLElement): boolean {
  return element.clientWidth > 0 && element.clientHeight > 0;
}

/**
 * One ECharts chart, drawn as SVG once the library has loaded (on demand). The chart is made once
 * per mount and given each new option in place (never disposed and made again on a refresh). The
 * figure has a text label; the page beside it gives the same figures as text or a table.
 *
 * A graph drawn into a box of no width or height has a transform with no inverse, and ECharts 6.1
 * then throws ("reading '0'" of null). So the chart is drawn and resized only while its box has a
 * size; an option given meanwhile is kept and drawn once the box has one again.
 */
export function Chart({ option, label, height = 320 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const pending = useRef<EChartsCoreOption | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);

  const draw = () => {
    const made = chart.current;
    const box = element.current;
    if (!made || made.isDisposed() || !box || !hasSize(box)) return;
    if (pending.current) {
      made.setOption({ aria: { enabled: true }, animation: false, ...pending.current }, { notMerge: true });
      pending.current = null;
    } else {
      made.resize();
    }
  };

  useEffect(() => {
    let unmounted = false;
    let observer: ResizeObserver | undefined;
    import('../lib/echarts')
      .then(({ echarts }) => {
        if (unmounted || !element.current) return;
        chart.current = echarts.init(element.current, null, { renderer: 'svg' });
        observer = new ResizeObserver(draw);
        observer.observe(element.current);
        setReady(true);
      })
      .catch((err: Error) => setFailed(err.message));
    return () => {
      unmounted = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    pending.current = option;
    if (ready) draw();
  }, [option, ready]);

  if (failed) return <p class="state error">The chart could not be drawn: {failed}</p>;
  return <div ref={element} class="chart" role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
