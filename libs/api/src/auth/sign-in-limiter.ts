/**
 * Sign-in attempts per account and per client address, with growing delays. Each attempt counts as a failure
 * from the moment it starts (so parallel guesses are counted before any password is checked) and a success
 * takes it back; past the free attempts, each further failure locks the key for twice as long as the one
 * before, up to a ceiling. While a key is locked every attempt is refused without checking the password —
 * the right password included — until the delay has passed.
 *
 * State is kept in the portal's memory, not in PostgreSQL: one portal process serves sign-in (`npm start`, the
 * standalone API server), checking an attempt must not add database writes that an attacker can drive, and
 * a restart forgetting the counters gives an attacker nothing (only an administrator restarts the portal).
 * Several portal processes behind one load balancer would each count on their own.
 */

export interface LimitPolicy {
  /** Failures allowed before delays start. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures are forgotten this long after the last one (when no delay is running). */
  forgetAfterMs: number;
}

export const ACCOUNT_POLICY: LimitPolicy = { freeFailures: 5, firstDelayMs: 5_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
/** Looser per address: a team behind one NAT shares it. */
export const ADDRESS_POLICY: LimitPolicy = { freeFailures: 20, firstDelayMs: 5_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

interface KeyState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export type AttemptDecision =
  | { allowed: true; attempt: Attempt }
  | { allowed: false; retryAfterMs: number; limitedBy: 'account' | 'address' };

export interface Attempt {
  account: string;
  address?: string;
  accountKey: string;
  addressKey?: string;
  /** The lock each key had before this attempt, and the one this attempt set (0: none set). */
  locks: Partial<Record<'account' | 'address', { before: number; set: number }>>;
}

export interface SignInLimiterOptions {
  now?: () => number;
  account?: LimitPolicy;
  address?: LimitPolicy;
  /** Keys remembered at most (oldest forgotten first), so a flood of made-up accounts cannot exhaust memory. */
  maxKeys?: number;
  log?: (line: string) => void;
}

export class SignInLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private readonly policies: Record<'account' | 'address', LimitPolicy>;
  private readonly maxKeys: number;
  private readonly log: (line: string) => void;

  constructor(options: SignInLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.policies = { account: options.account ?? ACCOUNT_POLICY, address: options.address ?? ADDRESS_POLICY };
    this.maxKeys = options.maxKeys ?? 50_000;
    this.log = options.log ?? ((line) => console.warn(`[ktlab] ${line}`));
  }

  /** Refuses while the account or the address is locked; otherwise counts the attempt as a failure. */
  begin(account: string, address: string | undefined): AttemptDecision {
    const now = this.now();
    const accountKey = `account:${account}`;
    const addressKey = address ? `address:${address}` : undefined;
    for (const [key, kind] of [[accountKey, 'account'], [addressKey, 'address']] as const) {
      const state = key ? this.current(key, kind, now) : undefined;
      if (state && state.lockedUntil > now) {
        const retryAfterMs = state.lockedUntil - now;
        this.log(`sign-in refused for ${account} from ${address ?? 'an unknown address'}: ${kind} locked for ${Math.ceil(retryAfterMs / 1000)} s more after ${state.failures} failures`);
        return { allowed: false, retryAfterMs, limitedBy: kind };
      }
    }
    const attempt: Attempt = { account, address, accountKey, addressKey, locks: {} };
    attempt.locks.account = this.countFailure(accountKey, 'account', now);
    if (addressKey) attempt.locks.address = this.countFailure(addressKey, 'address', now);
    return { allowed: true, attempt };
  }

  /** The password was wrong: the attempt stays counted; a lock it set is logged. */
  failed(attempt: Attempt): void {
    for (const kind of ['account', 'address'] as const) {
      const lock = attempt.locks[kind];
      const key = kind === 'account' ? attempt.accountKey : attempt.addressKey;
      const state = key ? this.keys.get(key) : undefined;
      if (!lock?.set || !state) continue;
      const who = kind === 'account' ? attempt.account : attempt.address;
      this.log(`sign-in: ${kind} ${who} locked for ${Math.ceil((lock.set - this.now()) / 1000)} s after ${state.failures} attempts without success`);
    }
  }

  /** The password was right: the account starts afresh; the address gets this attempt (and any lock it set) back. */
  succeeded(attempt: Attempt): void {
    this.keys.delete(attempt.accountKey);
    const address = attempt.addressKey ? this.keys.get(attempt.addressKey) : undefined;
    if (!address) return;
    address.failures = Math.max(0, address.failures - 1);
    const lock = attempt.locks.address;
    if (lock?.set && address.lockedUntil === lock.set) address.lockedUntil = lock.before;
  }

  private current(key: string, kind: 'account' | 'address', now: number): KeyState | undefined {
    const state = this.keys.get(key);
    if (state && state.lockedUntil <= now && now - state.lastFailureAt > this.policies[kind].forgetAfterMs) {
      this.keys.delete(key);
      return undefined;
    }
    return state;
  }

  /** Counts a failure for `key`; returns its lock before and the lock this failure set (0: none). */
  private countFailure(key: string, kind: 'account' | 'address', now: number): { before: number; set: number } {
    const policy = this.policies[kind];
    const state = this.current(key, kind, now) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    const before = state.lockedUntil;
    let set = 0;
    state.failures += 1;
    state.lastFailureAt = now;
    const beyond = state.failures - policy.freeFailures;
    if (beyond > 0) {
      set = now + Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(beyond - 1, 30));
      state.lockedUntil = set;
    }
    this.keys.delete(key);
    this.keys.set(key, state);
    while (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    return { before, set };
  }
}

/** The portal process's limiter. */
export const defaultSignInLimiter = new SignInLimiter();
