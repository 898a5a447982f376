import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { addMemberHandler, createProjectHandler, listMembersHandler, listProjectsHandler, removeMemberHandler } from './projects.handlers';
import { addMemberInput, createProjectInput, projectInput, removeMemberInput } from './projects.schema';

export const projectsRouter = router({
  list: userProcedure.query(listProjectsHandler),
  create: userProcedure.input(createProjectInput).mutation(createProjectHandler),
  members: userProcedure.input(projectInput).query(listMembersHandler),
  addMember: userProcedure.input(addMemberInput).mutation(addMemberHandler),
  removeMember: userProcedure.input(removeMemberInput).mutation(removeMemberHandler),
});
