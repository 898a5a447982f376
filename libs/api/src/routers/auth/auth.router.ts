import { router } from '../../trpc/init';
import { publicProcedure, userProcedure } from '../../trpc/procedures';
import { changePasswordHandler } from './change-password.handler';
import { changePasswordInput } from './change-password.schema';
import { endSessionHandler } from './end-session.handler';
import { endSessionInput } from './end-session.schema';
import { meHandler } from './me.handler';
import { signInHandler } from './sign-in.handler';
import { signInInput } from './sign-in.schema';
import { sessionsHandler } from './sessions.handler';
import { signOutOthersHandler } from './sign-out-others.handler';
import { signOutHandler } from './sign-out.handler';

export const authRouter = router({
  signIn: publicProcedure.input(signInInput).mutation(signInHandler),
  signOut: publicProcedure.mutation(signOutHandler),
  me: publicProcedure.query(meHandler),
  changePassword: userProcedure.input(changePasswordInput).mutation(changePasswordHandler),
  sessions: userProcedure.query(sessionsHandler),
  signOutOthers: userProcedure.mutation(signOutOthersHandler),
  endSession: userProcedure.input(endSessionInput).mutation(endSessionHandler),
});
