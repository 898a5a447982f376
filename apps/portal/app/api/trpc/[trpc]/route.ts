import { handleTrpcRequest } from '@ktlab/api';
import { serverDeps } from '../../../../lib/server-deps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, serverDeps());
}

export { handler as GET, handler as POST };
