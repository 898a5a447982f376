import { CompareView } from '../../components/compare-view';
import { PageHeader } from '../../components/ui/page-header';

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string; baseline?: string }> }) {
  const { ids, baseline } = await searchParams;
  const runIds = (ids ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return (
    <div className="space-y-6">
      <PageHeader title="Compare runs" description="Evaluation side by side with the differences from a baseline run and mean ± std over seeds; single values as a table; then the configuration fields that differ and the curves the runs share." />
      <CompareView runIds={runIds} baselineId={baseline} />
    </div>
  );
}
