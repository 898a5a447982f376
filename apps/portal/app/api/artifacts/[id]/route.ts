import { handleArtifactDownload } from '@ktlab/api';
import { serverDeps } from '../../../../lib/server-deps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/artifacts/<artifact id>: the file, for members of the run's project. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return handleArtifactDownload(request, serverDeps(), id);
}
