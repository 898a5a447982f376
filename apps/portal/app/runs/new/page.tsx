import { LaunchForm } from '../../../components/launch-form';

export default function NewRunPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New run</h1>
        <p className="mt-1 text-sm text-slate-500">Pick one of the paper’s rows, point it at your images, adjust anything, launch.</p>
      </div>
      <LaunchForm />
    </div>
  );
}
