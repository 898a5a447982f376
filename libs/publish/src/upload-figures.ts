/**
 * The run folder's figures (`figures/*.png`) as the published run's `figure` artifacts, through the portal's
 * artifacts route (PUT /api/artifacts/<run>/<name>?kind=figure, session cookie): the run page shows them as it does
 * for runs the workers executed. Only figures the run does not have yet are sent, so publishing again sends nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishedRun } from './publish-run';
import type { PortalSession } from './session-client';

export function figureFiles(runDir: string): string[] {
  const dir = join(runDir, 'figures');
  return existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.png')).sort() : [];
}

/** Uploads the figures the run lacks; returns their names. Nothing for a run in the portal's trash. */
export async function uploadFigures(session: PortalSession, run: PublishedRun, runDir: string): Promise<string[]> {
  const files = figureFiles(runDir);
  if (files.length === 0 || run.deleted) return [];
  const present = run.created ? new Set<string>() : new Set((await session.client.runs.get.query({ id: run.id })).artifacts.map((artifact) => artifact.name));
  const uploaded: string[] = [];
  for (const name of files.filter((file) => !present.has(file))) {
    const url = new URL(`/api/artifacts/${encodeURIComponent(run.id)}/${encodeURIComponent(name)}`, session.portalUrl);
    url.searchParams.set('kind', 'figure');
    const response = await fetch(url, { method: 'PUT', headers: { cookie: session.cookie, 'content-type': 'image/png' }, body: new Uint8Array(readFileSync(join(runDir, 'figures', name))) });
    if (!response.ok) throw new Error(`figure ${name} of run ${run.id}: HTTP ${response.status} ${await response.text()}`);
    uploaded.push(name);
  }
  return uploaded;
}
