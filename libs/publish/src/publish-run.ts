/** One `runs.import` call, with the API's refusal explained field by field. */
import { TRPCClientError } from '@trpc/client';
import type { ImportRunRequest } from './import-input';
import type { SessionClient } from './session-client';

export interface PublishedRun {
  id: string;
  name: string;
  /** False when the portal already had this run (the same import key): nothing was written. */
  created: boolean;
  /** The run published before is in the portal's trash. */
  deleted: boolean;
}

export async function publishRun(client: SessionClient, request: ImportRunRequest): Promise<PublishedRun> {
  try {
    return await client.runs.import.mutate(request);
  } catch (error) {
    throw new Error(`the portal refused the run: ${describeError(error)}`, { cause: error });
  }
}

/** The error's message, with the field-level messages the API sends for invalid input. */
export function describeError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const fieldErrors = (error.data as { fieldErrors?: { path: string; message: string }[] } | undefined)?.fieldErrors;
    if (fieldErrors?.length) return fieldErrors.map((field) => `${field.path}: ${field.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** The run's page in the portal. */
export function runPageUrl(portalUrl: string, runId: string): string {
  return new URL(`/runs/${encodeURIComponent(runId)}`, portalUrl).toString();
}
