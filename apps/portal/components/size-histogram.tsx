'use client';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { themedAxis, useChartTheme } from '../lib/chart-theme';
import { sizeHistogram } from '../lib/histogram';

/** How many clusters have each size: bars over equal-width size bins. */
export function SizeHistogram({ sizes }: { sizes: number[] }) {
  const container = useRef<HTMLDivElement>(null);
  const histogram = useMemo(() => sizeHistogram(sizes), [sizes]);
  const theme = useChartTheme();

  useEffect(() => {
    if (!container.current || histogram.counts.length === 0) return;
    const { edges, counts, width } = histogram;
    const centres = edges.map((edge) => edge + (width - 1) / 2);
    const options: uPlot.Options = {
      width: container.current.clientWidth || 480,
      height: 200,
      scales: { x: { time: false, range: [edges[0] - width / 2, edges[edges.length - 1] + width * 1.5 - 1] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        themedAxis(theme, { label: 'images in cluster', labelSize: 18, font: '11px sans-serif', labelFont: '11px sans-serif' }, false),
        themedAxis(theme, { size: 50, label: 'clusters', labelSize: 18, font: '11px sans-serif', labelFont: '11px sans-serif' }),
      ],
      legend: { show: false },
      cursor: { show: true, points: { show: false } },
      series: [
        {},
        {
          label: 'clusters',
          stroke: theme.primary,
          fill: theme.primary + '8c',
          paths: uPlot.paths.bars?.({ size: [0.9, Infinity], align: 0 }),
          points: { show: false },
        },
      ],
    };
    const plot = new uPlot(options, [centres, counts], container.current);
    const observer = new ResizeObserver(() => {
      if (container.current) plot.setSize({ width: container.current.clientWidth, height: 200 });
    });
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [histogram, theme]);

  return <div ref={container} data-testid="size-histogram" />;
}
