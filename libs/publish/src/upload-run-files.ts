/**
 * The run folder's files that the portal shows, uploaded as the published run's artifacts through the portal's
 * artifacts route (PUT /api/artifacts/<run>/<name>?kind=…, session cookie), named as the workers name them: the
 * figures (`figures/*.png`, kind `figure`) and the cluster browser's files (`clusters/*.png` as `clusters-<name>`,
 * then `clusters/summary.json` as `clusters-summary.json`, last because it names the sprites; kind `clusters`).
 * Only files the run does not have yet are sent, so publishing again sends nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishedRun } from './publish-run';
import type { PortalSession } from './session-client';

export interface RunFile {
  /** The artifact's name in the portal. */
  name: string;
  kind: 'figure' | 'clusters';
  path: string;
}

const pngs = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.png')).sort() : []);

/** The files to upload, in upload order. */
export function runFiles(runDir: string): RunFile[] {
  const figures = pngs(join(runDir, 'figures')).map((file): RunFile => ({ name: file, kind: 'figure', path: join(runDir, 'figures', file) }));
  const clusters = join(runDir, 'clusters');
  const summary = join(clusters, 'summary.json');
  const clusterFiles: RunFile[] = existsSync(summary)
    ? [
        ...pngs(clusters).map((file): RunFile => ({ name: `clusters-${file}`, kind: 'clusters', path: join(clusters, file) })),
        { name: 'clusters-summary.json', kind: 'clusters', path: summary },
      ]
    : [];
  return [...figures, ...clusterFiles];
}

/** Uploads the files the run lacks; returns their names. Nothing for a run in the portal's trash. */
export async function uploadRunFiles(session: PortalSession, run: PublishedRun, runDir: string): Promise<string[]> {
  const files = runFiles(runDir);
  if (files.length === 0 || run.deleted) return [];
  const present = run.created ? new Set<string>() : new Set((await session.client.runs.get.query({ id: run.id })).artifacts.map((artifact) => artifact.name));
  const uploaded: string[] = [];
  for (const file of files.filter((candidate) => !present.has(candidate.name))) {
    const url = new URL(`/api/artifacts/${encodeURIComponent(run.id)}/${encodeURIComponent(file.name)}`, session.portalUrl);
    url.searchParams.set('kind', file.kind);
    const contentType = file.name.endsWith('.json') ? 'application/json' : 'image/png';
    const response = await fetch(url, { method: 'PUT', headers: { cookie: session.cookie, 'content-type': contentType }, body: new Uint8Array(readFileSync(file.path)) });
    if (!response.ok) throw new Error(`${file.name} of run ${run.id}: HTTP ${response.status} ${await response.text()}`);
    uploaded.push(file.name);
  }
  return uploaded;
}
