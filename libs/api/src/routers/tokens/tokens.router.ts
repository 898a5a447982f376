import { router } from '../../trpc/init';
import { adminProcedure } from '../../trpc/procedures';
import { createTokenHandler, listTokensHandler, revokeTokenHandler } from './tokens.handlers';
import { createTokenInput, tokenIdInput } from './tokens.schema';

/** Worker tokens serve the whole (shared) run queue, so administrators manage them. */
export const tokensRouter = router({
  list: adminProcedure.query(listTokensHandler),
  create: adminProcedure.input(createTokenInput).mutation(createTokenHandler),
  revoke: adminProcedure.input(tokenIdInput).mutation(revokeTokenHandler),
});
