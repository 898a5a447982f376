import { handleTrpcRequest } from '@ktlab/api';
import { nextPeerAddress } from '@ktlab/api/peer-address';
import { serverDeps } from '../../../../lib/server-deps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, serverDeps(), { remoteAddress: nextPeerAddress(request.headers) });
}

export { handler as GET, handler as POST };
