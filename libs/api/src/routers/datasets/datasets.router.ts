import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { listDatasetsHandler, registerDatasetHandler, removeDatasetHandler } from './datasets.handlers';
import { listDatasetsInput, registerDatasetInput, removeDatasetInput } from './datasets.schema';

/** A project's registered datasets, offered by the launch form; every procedure checks project membership. */
export const datasetsRouter = router({
  list: userProcedure.input(listDatasetsInput).query(listDatasetsHandler),
  register: userProcedure.input(registerDatasetInput).mutation(registerDatasetHandler),
  remove: userProcedure.input(removeDatasetInput).mutation(removeDatasetHandler),
});
