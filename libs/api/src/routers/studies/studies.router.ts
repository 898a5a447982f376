import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { studyLaunchHandler } from './launch.handler';
import { studyLaunchInput } from './launch.schema';
import { studyOrderingsHandler } from './orderings.handler';
import { studyOrderingsInput } from './orderings.schema';
import { studyPreviewHandler } from './preview.handler';

/** The reproduction study in the portal (`@ktlab/study`): launch a scale's cells as runs, check the paper's orderings on them. */
export const studiesRouter = router({
  /** The paper's orderings (held / did not hold / not significant) and the sanity anchors on a study's finished runs. */
  orderings: userProcedure.input(studyOrderingsInput).query(studyOrderingsHandler),
  /** How many runs `launch` would queue (cells of the plan without a run yet). */
  preview: userProcedure.input(studyLaunchInput).query(studyPreviewHandler),
  /** Queues a run per planned cell that has none (idempotent; the CLI's `--portal` names, tags and configs). */
  launch: userProcedure.input(studyLaunchInput).mutation(studyLaunchHandler),
});
