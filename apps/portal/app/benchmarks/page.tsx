import { BenchmarkTableView } from '../../components/benchmark-table-view';
import { PageHeader } from '../../components/ui/page-header';

export default function BenchmarksPage() {
  return (
    <div className="space-y-6">
      <PageHeader
        title="Benchmark tables"
        description="The paper’s tables from your finished runs: rows are methods, cells are mean ± std over seeds, the best of each column in bold. Click a cell to see its runs."
      />
      <BenchmarkTableView />
    </div>
  );
}
