'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ablationLabel, EVAL_PROTOCOL_INFO, MAIN_GROUP, studyOfTag, studyTag, type EvalProtocolName } from '@ktlab/config';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { EvalTable, MeanStd, MethodLabel } from './eval-table';
import { Button } from './ui/button';
import { Card, EmptyState, ErrorNotice } from './ui/card';


function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

function runsHref(runIds: string[]): string {
  return runIds.length === 1 ? `/runs/${runIds[0]}` : `/compare?ids=${runIds.join(',')}`;
}

const ALL_RUNS = 'all runs';

/**
 * `study`: show only the runs of that reproduction study (tag `study:<name>`; the page's `?study=`). `sweep`: only
 * the runs of that portal sweep (`?sweep=<id>`), a row per combination of the swept fields.
 */
export function BenchmarkTableView({ study, sweep }: { study?: string; sweep?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { projectSlug } = useSession();
  const options = useQuery(trpc.benchmarks.options.queryOptions({ projectSlug, study, sweep }));
  const [choice, setChoice] = useState<{ by: 'layer' | 'protocol'; protocol?: string; layer?: string; dataset?: string; metric?: string }>({ by: 'layer' });
  const protocol = (choice.protocol ?? options.data?.protocols[0]) as EvalProtocolName | undefined;
  const layer = choice.layer ?? options.data?.layers.at(-1);
  const dataset = choice.dataset ?? options.data?.datasets[0];
  // Unless one is chosen, the protocol's headline metric (detection: map50, segmentation: miou), else top-1.
  const headline = choice.by === 'layer' && protocol ? EVAL_PROTOCOL_INFO[protocol]?.metrics[0] : undefined;
  const metric = choice.metric ?? [headline, 'top1'].find((m) => m && options.data?.metrics.includes(m)) ?? options.data?.metrics[0];
  const columns = choice.by === 'layer' ? (protocol ? { by: 'layer' as const, protocol } : undefined) : layer ? { by: 'protocol' as const, layer } : undefined;
  const table = useQuery({
    ...trpc.benchmarks.table.queryOptions({ projectSlug, study, sweep, dataset: dataset ?? '', metric: metric ?? 'top1', columns: columns ?? { by: 'layer', protocol: 'linear' } }),
    enabled: Boolean(dataset && metric && columns),
  });

  if (options.isLoading) return <p className="text-sm text-slate-500">Loading evaluation results…</p>;
  if (options.error) return <ErrorNotice error={options.error} />;
  if (!options.data || (options.data.datasets.length === 0 && !study && !sweep)) {
    return (
      <EmptyState title="No finished run has evaluation results yet">
        Launch pipeline runs (e.g. Jigsaw, CC+Jigsaw++, Random) from{' '}
        <Link href="/runs/new" className="font-medium text-indigo-600 hover:underline">
          New run
        </Link>
        ; when they succeed, their linear-probe and kNN results fill this table.
      </EmptyState>
    );
  }
  const select = (label: string, value: string | undefined, values: string[], onChange: (v: string) => void, labelOf: (v: string) => string = (v) => v) => (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      {label}
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} className="rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm">
        {values.map((v) => (
          <option key={v} value={v}>
            {labelOf(v)}
          </option>
        ))}
      </select>
    </label>
  );
  const data = table.data;
  const testSet = options.data.testSets.find((t) => t.dataset === dataset);
  const testSetText = testSet ? `${testSet.label} (${testSet.images === null ? 'size not known' : `${testSet.images.toLocaleString('en-US')} images`})` : (dataset ?? '');
  const fileBase = `ktlab-${projectSlug}${study ? `-${study}` : ''}${sweep ? `-sweep-${sweep.slice(0, 8)}` : ''}-${dataset}-${choice.by === 'layer' ? protocol : layer}-${metric}`;
  // A study named in the URL stays selectable even when none of its runs has results (yet).
  const studies = study && !options.data.studies.includes(study) ? [...options.data.studies, study] : options.data.studies;
  return (
    <div className="space-y-4">
      {sweep && (
        <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="benchmark-sweep">
          The runs of sweep <span className="font-mono">{sweep.slice(0, 8)}</span>, a row per combination of the swept fields (seeds averaged).{' '}
          <Link href={`/runs?sweep=${encodeURIComponent(sweep)}`} className="font-medium text-indigo-600 hover:underline">
            Its runs
          </Link>
          {' · '}
          <Link href="/benchmarks" className="font-medium text-indigo-600 hover:underline">
            All runs
          </Link>
        </p>
      )}
      <div className="flex flex-wrap items-center gap-4">
        {studies.length > 0 &&
          select('Runs', study ? studyTag(study) : ALL_RUNS, [ALL_RUNS, ...studies.map(studyTag)], (tag) => {
            const chosen = studyOfTag(tag);
            router.replace(chosen ? `/benchmarks?study=${encodeURIComponent(chosen)}` : '/benchmarks');
          })}
        {select('Columns', choice.by === 'layer' ? 'layers' : 'protocols', ['layers', 'protocols'], (v) => setChoice({ ...choice, by: v === 'layers' ? 'layer' : 'protocol' }))}
        {choice.by === 'layer'
          ? select('Protocol', protocol, options.data.protocols, (v) => setChoice({ ...choice, protocol: v, metric: undefined }))
          : select('Layer', layer, options.data.layers, (v) => setChoice({ ...choice, layer: v }))}
        {select('Dataset', dataset, options.data.datasets, (v) => setChoice({ ...choice, dataset: v }), (v) => options.data!.testSets.find((t) => t.dataset === v)?.label ?? v)}
        {select('Metric', metric, options.data.metrics, (v) => setChoice({ ...choice, metric: v }))}
        {data && (
          <div className="ml-auto flex gap-2">
            <Button variant="secondary" onClick={() => download(`${fileBase}.csv`, 'text/csv', data.csv)}>
              Export CSV
            </Button>
            <Button variant="secondary" onClick={() => download(`${fileBase}.md`, 'text/markdown', data.markdown)}>
              Export Markdown
            </Button>
          </div>
        )}
      </div>
      <ErrorNotice error={table.error} />
      <Card title={dataset ? `${choice.by === 'layer' ? `${protocol} probes` : `at ${layer}`} · test set ${testSetText} · ${metric}${data?.scale === 100 ? ' (%)' : ''}` : study ? `Study ${study}` : 'Sweep'}>
        {!dataset ? (
          <p className="text-sm text-slate-500">No finished run of {study ? `study ${study}` : 'this sweep'} has evaluation results yet.</p>
        ) : !data ? (
          <p className="text-sm text-slate-500">Loading table…</p>
        ) : data.rows.length === 0 ? (
          <p className="text-sm text-slate-500">No finished run has results for this choice.</p>
        ) : (
          <EvalTable
            testId="benchmark-table"
            corner="Method"
            density="comfortable"
            rowLabelClassName="font-medium text-slate-800"
            mutedMissing
            columns={data.columns.map((column) => ({ key: column, label: column }))}
            rows={data.rows.map((row) => ({
              key: row.method,
              label: <MethodLabel name={data.methodNames[row.method] ?? row.method} reference={row.reference} />,
              group: row.group === MAIN_GROUP ? undefined : ablationLabel(row.group),
              cells: Object.fromEntries(
                data.columns.map((column) => {
                  const cell = row.cells[column];
                  if (!cell) return [column, undefined];
                  return [
                    column,
                    {
                      content: (
                        <>
                          <Link
                            href={runsHref(cell.runIds)}
                            title={`${cell.n} run${cell.n === 1 ? '' : 's'}`}
                            className={`hover:text-indigo-700 hover:underline ${cell.best ? 'font-bold text-slate-900' : 'text-slate-700'}`}
                            data-best={cell.best || undefined}
                          >
                            <MeanStd mean={cell.mean} std={cell.std} scale={data.scale} />
                          </Link>
                          <span className="ml-1 text-xs text-slate-400">n={cell.n}</span>
                        </>
                      ),
                    },
                  ];
                }),
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
