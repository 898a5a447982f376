import { ChangePasswordPanel } from '../../components/account/change-password-panel';
import { SessionsPanel } from '../../components/account/sessions-panel';
import { PageHeader } from '../../components/ui/page-header';

export default function AccountPage() {
  return (
    <div className="space-y-6">
      <PageHeader title="Account" description="Your password and the browsers signed in to your account." />
      <ChangePasswordPanel />
      <SessionsPanel />
    </div>
  );
}
