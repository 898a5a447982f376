import { handleArtifactUpload, handleRunFileDownload } from '@ktlab/api';
import { serverDeps } from '../../../../../lib/server-deps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** PUT /api/artifacts/<run id>/<name>?kind=figure: a worker holding the run uploads a file (worker token). */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string; name: string }> }): Promise<Response> {
  const { id, name } = await params;
  return handleArtifactUpload(request, serverDeps(), id, name);
}

/** GET /api/artifacts/<run id>/<name>: a worker holding the run reads back one of its checkpoint files (worker token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string; name: string }> }): Promise<Response> {
  const { id, name } = await params;
  return handleRunFileDownload(request, serverDeps(), id, name);
}
