import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { listWorkersHandler } from './workers.handlers';

export const workersRouter = router({
  list: userProcedure.query(listWorkersHandler),
});
