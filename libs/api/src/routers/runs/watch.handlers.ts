import type { RunEvent } from '../../events/event-hub';
import { memberProjectIds, requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';

export async function* watchRunHandler({ ctx, input, signal }: { ctx: UserContext; input: { runId: string }; signal?: AbortSignal }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.runId);
  yield* ctx.events.subscribe(input.runId, signal);
}

/**
 * Events of every run in the user's projects. Events carry only the run id, so each run's project is looked
 * up once and remembered for the life of the subscription.
 */
export async function* watchAllHandler({ ctx, signal }: { ctx: UserContext; signal?: AbortSignal }): AsyncGenerator<RunEvent> {
  const projects = await memberProjectIds(ctx.db, ctx.user.id);
  const projectOfRun = new Map<string, string | null>();
  for await (const event of ctx.events.subscribe('*', signal)) {
    if (!projectOfRun.has(event.runId)) {
      if (projectOfRun.size > 10_000) projectOfRun.clear();
      const run = await ctx.db.run.findUnique({ where: { id: event.runId }, select: { projectId: true } });
      projectOfRun.set(event.runId, run?.projectId ?? null);
    }
    const projectId = projectOfRun.get(event.runId);
    if (projectId && projects.has(projectId)) yield event;
  }
}
