import { TRPCError } from '@trpc/server';
import { verifyPassword } from '../../auth/password';
import { createSession, sessionCookie } from '../../auth/session';
import { defaultSignInLimiter } from '../../auth/sign-in-limiter';
import { normalizeEmail } from '../../auth/users';
import type { Context } from '../../trpc/context';
import type { SignInInput } from './sign-in.schema';

// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function signInHandler({ ctx, input }: { ctx: Context; input: SignInInput }) {
  const email = normalizeEmail(input.email);
  const limiter = ctx.signInLimiter ?? defaultSignInLimiter;
  const decision = limiter.begin(email, ctx.clientAddress);
  if (!decision.allowed) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    // Sent with the HTTP 429 that tRPC makes of TOO_MANY_REQUESTS.
    ctx.resHeaders.set('retry-after', String(seconds));
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many sign-in attempts; try again in ${seconds} s` });
  }
  const user = await ctx.db.user.findUnique({ where: { email } });
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid) {
    limiter.failed(decision.attempt);
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong email or password' });
  }
  limiter.succeeded(decision.attempt);
  const session = await createSession(ctx.db, user.id);
  ctx.resHeaders.append('set-cookie', sessionCookie(session.secret, session.expiresAt, ctx.secureCookies));
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
