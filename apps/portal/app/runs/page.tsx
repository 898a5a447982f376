import { RunsTable, type RunsTableParams } from '../../components/runs-table';
import { PageHeader } from '../../components/ui/page-header';

export default async function RunsPage({ searchParams }: { searchParams: Promise<RunsTableParams & { tag?: string }> }) {
  const params = await searchParams;
  return (
    <div className="space-y-6">
      <PageHeader title="Runs" description="Every run of the project; the table updates live. Filter and sort by evaluation results, add columns, select runs to compare them." />
      <RunsTable params={params} />
    </div>
  );
}
