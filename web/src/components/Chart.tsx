import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * One ECharts chart, drawn as SVG once the library has loaded (on demand). The chart is made once
 * per mount and given each new option in place (never disposed and made again on a refresh). The
 * figure has a text label; the page beside it gives the same figures as text or a table.
 */
export function Chart({ option, label, height = 320 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let unmounted = false;
    let observer: ResizeObserver | undefined;
    import('../lib/echarts')
      .then(({ echarts }) => {
        if (unmounted || !element.current) return;
        const made = echarts.init(element.current, null, { renderer: 'svg' });
        chart.current = made;
        observer = new ResizeObserver(() => {
          if (!made.isDisposed()) made.resize();
        });
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
    if (ready && chart.current && !chart.current.isDisposed()) {
      chart.current.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
    }
  }, [option, ready]);

  if (failed) return <p class="state error">The chart could not be drawn: {failed}</p>;
  return <div ref={element} class="chart" role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
