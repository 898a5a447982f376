/**
 * `ktlab publish <run-dir> --portal <url>`: a run that finished on this machine (`ktlab run`) becomes a succeeded
 * run in the portal, with its config, stages, eval results, figures and cluster browser files. Its import key is this host, the folder's
 * real path and the config's fingerprint: publishing the same folder again returns the run published before.
 */
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { configFingerprint, importKey, publishRun, readRunFolder, runFolderImport, runPageUrl, signIn, uploadRunFiles, type PublishedRun } from '@ktlab/publish';

export interface PublishRunFolderOptions {
  runDir: string;
  portalUrl: string;
  projectSlug?: string;
  email?: string;
  password?: string;
  /** The run's method; default the preset `ktlab run` recorded in run.json. */
  method?: string;
  name?: string;
  tags?: string[];
  /** Where it ran; default the host recorded in run.json, else this machine. */
  host?: string;
}

export async function publishRunFolder(options: PublishRunFolderOptions): Promise<PublishedRun & { url: string; email: string; files: string[] }> {
  const folder = readRunFolder(options.runDir);
  const method = options.method ?? folder.manifest?.preset;
  if (!method) {
    throw new Error(`${options.runDir} has no run.json naming its preset (older ktlab run folders do not): pass --method <preset>, e.g. --method cc-jigsaw++ (see ktlab presets)`);
  }
  const host = options.host ?? folder.manifest?.host ?? hostname();
  const request = runFolderImport(folder, {
    method,
    name: options.name ?? basename(realpathSync(options.runDir)),
    tags: options.tags ?? [],
    importedFrom: `cli@${host}`,
    importKey: importKey('cli', host, realpathSync(options.runDir), configFingerprint(folder.config)),
    ...(options.projectSlug ? { projectSlug: options.projectSlug } : {}),
  });
  const session = await signIn({ portalUrl: options.portalUrl, email: options.email, password: options.password });
  const run = await publishRun(session.client, request);
  const files = await uploadRunFiles(session, run, options.runDir);
  return { ...run, email: session.email, files, url: runPageUrl(options.portalUrl, run.id) };
}
