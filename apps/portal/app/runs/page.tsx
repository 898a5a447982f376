import { RunsTable } from '../../components/runs-table';

export default function RunsPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Runs</h1>
        <p className="mt-1 text-sm text-slate-500">Every run of the default project; the table updates live.</p>
      </div>
      <RunsTable />
    </div>
  );
}
