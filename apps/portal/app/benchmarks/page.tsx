import { BenchmarkTableView } from '../../components/benchmark-table-view';
import { PageHeader } from '../../components/ui/page-header';

export default async function BenchmarksPage({ searchParams }: { searchParams: Promise<{ study?: string }> }) {
  const { study } = await searchParams;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Benchmark tables"
        description="The paper’s tables from your finished runs: rows are methods, cells are mean ± std over seeds, the best of each column in bold. Click a cell to see its runs."
      />
      {/* Keyed by study: another study's runs start from the default table choices. */}
      <BenchmarkTableView key={study ?? ''} study={study || undefined} />
    </div>
  );
}
