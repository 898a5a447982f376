import { RunsTable } from '../../components/runs-table';
import { PageHeader } from '../../components/ui/page-header';

export default async function RunsPage({ searchParams }: { searchParams: Promise<{ tag?: string; method?: string; sweep?: string }> }) {
  const { tag, method, sweep } = await searchParams;
  return (
    <div className="space-y-6">
      <PageHeader title="Runs" description="Every run of the project; the table updates live. Select runs to compare them or move them to the trash." />
      <RunsTable initialTags={tag ? [tag] : []} initialMethod={method ?? ''} sweepId={sweep} />
    </div>
  );
}
