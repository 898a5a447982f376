import { CompareView } from '../../components/compare-view';
import { PageHeader } from '../../components/ui/page-header';

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string }> }) {
  const { ids } = await searchParams;
  const runIds = (ids ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return (
    <div className="space-y-6">
      <PageHeader title="Compare runs" description="Only the configuration fields that differ; charts of the metrics the runs share, overlaid; evaluation tables aligned." />
      <CompareView runIds={runIds} />
    </div>
  );
}
