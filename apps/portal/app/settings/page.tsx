import { DatasetsPanel } from '../../components/settings/datasets-panel';
import { MembersPanel } from '../../components/settings/members-panel';
import { TokensPanel } from '../../components/settings/tokens-panel';
import { UsersPanel } from '../../components/settings/users-panel';
import { PageHeader } from '../../components/ui/page-header';

export default function SettingsPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Project members, datasets, accounts and the worker tokens trainers use to connect." />
      <MembersPanel />
      <DatasetsPanel />
      <TokensPanel />
      <UsersPanel />
    </div>
  );
}
