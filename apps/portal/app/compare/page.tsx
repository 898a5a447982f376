import { CompareView } from '../../components/compare-view';
import { PageHeader } from '../../components/ui/page-header';
import { OVERLAY_MAX_POINTS, type ComparePrefetch } from '../../lib/compare-data';
import { serverCaller } from '../../lib/server-caller';

/**
 * The runs and the curves' series, read on the server as soon as the page is asked for: the promise streams to
 * the browser with the page, so the data is there when the view mounts instead of being asked for after
 * hydration. Never rejects: a failed read is left out and the view asks the API itself (and shows its error).
 */
async function prefetchCompare(ids: string[]): Promise<ComparePrefetch> {
  try {
    const caller = await serverCaller();
    const [compare, series] = await Promise.allSettled([caller.runs.compare({ ids }), caller.runs.compareSeries({ ids, maxPoints: OVERLAY_MAX_POINTS })]);
    return {
      compare: compare.status === 'fulfilled' ? compare.value : undefined,
      series: series.status === 'fulfilled' ? series.value : undefined,
    };
  } catch {
    return {};
  }
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string }> }) {
  const { ids } = await searchParams;
  const runIds = (ids ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  const prefetched = runIds.length >= 2 ? prefetchCompare(runIds) : undefined;
  return (
    <div className="space-y-6">
      <PageHeader title="Compare runs" description="Evaluation side by side with the differences from a baseline run and mean ± std over seeds; single values as a table; then the configuration fields that differ and the curves the runs share." />
      <CompareView runIds={runIds} prefetched={prefetched} />
    </div>
  );
}
