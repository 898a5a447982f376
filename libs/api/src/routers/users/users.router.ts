import { router } from '../../trpc/init';
import { adminProcedure } from '../../trpc/procedures';
import { createUserHandler, listUsersHandler } from './users.handlers';
import { createUserInput } from './users.schema';

/** Local accounts, managed by administrators. */
export const usersRouter = router({
  list: adminProcedure.query(listUsersHandler),
  create: adminProcedure.input(createUserInput).mutation(createUserHandler),
});
