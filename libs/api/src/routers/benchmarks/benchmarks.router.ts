import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { benchmarkOptionsHandler, benchmarkTableHandler } from './benchmarks.handlers';
import { benchmarkOptionsInput, benchmarkTableInput } from './benchmarks.schema';

/** The paper's tables generated from the project's finished runs. */
export const benchmarksRouter = router({
  options: userProcedure.input(benchmarkOptionsInput).query(benchmarkOptionsHandler),
  table: userProcedure.input(benchmarkTableInput).query(benchmarkTableHandler),
});
