import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * One ECharts chart, drawn as SVG once the library has loaded (on demand). The figure has a text
 * label; the page beside it gives the same figures as text or a table.
 */
export function Chart({ option, label, height = 320 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => undefined as void;
    import('../lib/echarts')
      .then(({ echarts }) => {
        if (disposed || !element.current) return;
        const chart = echarts.init(element.current, null, { renderer: 'svg' });
        chart.setOption({ aria: { enabled: true }, animation: false, ...option });
        const observer = new ResizeObserver(() => {
          if (!chart.isDisposed()) chart.resize();
        });
        observer.observe(element.current);
        dispose = () => {
          observer.disconnect();
          chart.dispose();
        };
      })
      .catch((err: Error) => setFailed(err.message));
    return () => {
      disposed = true;
      dispose();
    };
  }, [option]);
  if (failed) return <p class="state error">The chart could not be drawn: {failed}</p>;
  return <div ref={element} class="chart" role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
