import { WorkersList } from '../../components/workers-list';
import { PageHeader } from '../../components/ui/page-header';

export default function WorkersPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Workers" description="Trainers connected to this portal, their backend and what they run. A worker that stopped heart-beating is greyed out." />
      <WorkersList />
    </div>
  );
}
