'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { findPreset } from '@ktlab/config';
import { SCALE_NAMES, SCALES, type ScaleName, type StudyRow } from '@ktlab/study';
import { refetchAfterWrite } from '../lib/refetch-after-write';
import { launchSummary } from '../lib/study-checks';
import { defaultLaunchDraft, launchRequest, type StudyLaunchDraft } from '../lib/study-launch';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { Button } from './ui/button';
import { ErrorNotice } from './ui/card';
import { inputClass } from './ui/field';

/**
 * Launch the reproduction study from the portal (`studies.launch`): a scale, its seeds and rows, and how many runs
 * that queues. Runs are named and tagged as `npm run study -- --portal` makes them, so launching again (here or from
 * the CLI) queues only the cells that have no run yet.
 */
export function StudyLaunch({ initialScale }: { initialScale?: ScaleName }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { projectSlug } = useSession();
  const [draft, setDraft] = useState<StudyLaunchDraft>(() => defaultLaunchDraft(initialScale ?? 'quick'));
  const built = launchRequest(draft);
  const request = 'request' in built ? { projectSlug, ...built.request } : undefined;
  const previewQuery = useQuery({ ...trpc.studies.preview.queryOptions(request ?? { projectSlug, scale: draft.scale }), enabled: Boolean(request) });
  // a draft that cannot be sent has no preview (not the cached one of another draft)
  const planned = request ? previewQuery.data : undefined;
  const [launched, setLaunched] = useState<{ created: number; existing: number; scale: string } | null>(null);
  const launch = useMutation(
    trpc.studies.launch.mutationOptions({
      onSuccess: async (result) => {
        setLaunched({ created: result.created.length, existing: result.existing.length, scale: result.scale });
        await Promise.all([
          refetchAfterWrite(queryClient, trpc.studies.preview.queryKey()),
          refetchAfterWrite(queryClient, trpc.studies.orderings.queryKey()),
        ]);
        router.push(`/benchmarks?study=${encodeURIComponent(result.scale)}`);
      },
    }),
  );
  const scale = SCALES[draft.scale];
  const toggleRow = (row: StudyRow) => setDraft({ ...draft, rows: draft.rows.includes(row) ? draft.rows.filter((r) => r !== row) : [...draft.rows, row] });
  const fieldError = 'error' in built ? built.error : undefined;
  return (
    <details className="rounded-lg border border-slate-200 bg-surface shadow-sm" data-testid="study-launch">
      <summary className="cursor-pointer px-4 py-2.5 text-sm font-semibold text-slate-800">Launch the reproduction study</summary>
      <form
        className="space-y-4 border-t border-slate-100 p-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (request) launch.mutate(request);
        }}
      >
        <p className="text-sm text-slate-500">
          Queues one run per cell of the plan (the paper&rsquo;s rows × seeds, plus the number-of-clusters and cluster-domain ablations when CC+Jigsaw++ is among the rows) on
          this portal&rsquo;s workers, tagged <code>study:{draft.scale}</code>. Cells that already have a run are not queued again.
        </p>
        <div className="flex flex-wrap items-end gap-4">
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            Scale
            <select
              aria-label="Scale"
              value={draft.scale}
              onChange={(event) => setDraft({ ...defaultLaunchDraft(event.target.value as ScaleName), dataRoot: draft.dataRoot })}
              className="rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm"
            >
              {SCALE_NAMES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="flex w-28 flex-col gap-1 text-xs font-medium text-slate-600">
            Seeds
            <input aria-label="Seeds" inputMode="numeric" placeholder={String(scale.seeds)} value={draft.seeds} onChange={(event) => setDraft({ ...draft, seeds: event.target.value })} className={inputClass} />
          </label>
          <label className="flex min-w-64 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
            Data root (CIFAR-10 train/ and test/)
            <input aria-label="Data root" placeholder={planned?.dataRoot ?? 'the server’s $KTLAB_SHARED/datasets/cifar10'} value={draft.dataRoot} onChange={(event) => setDraft({ ...draft, dataRoot: event.target.value })} className={`${inputClass} font-mono`} />
          </label>
        </div>
        <fieldset>
          <legend className="text-xs font-medium text-slate-600">Rows</legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {scale.rows.map((row) => (
              <label key={row} className="flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" checked={draft.rows.includes(row)} onChange={() => toggleRow(row)} />
                {findPreset(row).name}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="text-xs text-slate-500">{scale.description.replaceAll('**', '')}</p>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={!request || !planned || planned.toQueue === 0 || launch.isPending}>
            {launch.isPending ? 'Launching…' : planned ? `Launch ${planned.toQueue} run${planned.toQueue === 1 ? '' : 's'}` : 'Launch'}
          </Button>
          <span className="text-sm text-slate-600" data-testid="study-launch-summary">
            {fieldError ?? (planned ? launchSummary(planned) : previewQuery.isFetching ? 'Planning…' : '')}
          </span>
        </div>
        {launched && (
          <p className="text-sm text-emerald-700" data-testid="study-launch-result">
            Queued {launched.created} run{launched.created === 1 ? '' : 's'} of study {launched.scale}
            {launched.existing > 0 && ` (${launched.existing} cell${launched.existing === 1 ? '' : 's'} already had one)`}.
          </p>
        )}
        <ErrorNotice error={(request ? previewQuery.error : null) ?? launch.error} />
      </form>
    </details>
  );
}
