import { LaunchForm } from '../../../components/launch-form';
import { PageHeader } from '../../../components/ui/page-header';

export default async function NewRunPage({ searchParams }: { searchParams: Promise<{ from?: string }> }) {
  const { from } = await searchParams;
  return (
    <div className="space-y-6">
      <PageHeader
        title="New run"
        description={from ? 'A copy of the run’s configuration: change what you want to vary, launch.' : 'Pick one of the paper’s rows, point it at your images, adjust anything, launch.'}
      />
      <LaunchForm cloneFrom={from} />
    </div>
  );
}
