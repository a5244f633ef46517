/**
 * Attempt budgets (SPEC §3, §4): the limits and their wording. The counting
 * itself lives in the database (db/throttle.ts), so it holds across restarts
 * and across instances.
 */

/** A budget: `limit` attempts per `windowMs`; past it, one attempt per `delayMs` (0: none until the window ends). */
export interface Budget {
  limit: number;
  windowMs: number;
  delayMs: number;
}

const WINDOW = 15 * 60_000;

/**
 * Password checks against one account (sign-in by mobile or ID number, the registration's existing-account
 * step, any later password check): 5 per 15 minutes, then one a minute. The account is slowed, never locked:
 * its owner can still get in while someone else guesses.
 */
export const PASSWORD_PER_ACCOUNT: Budget = { limit: 5, windowMs: WINDOW, delayMs: 60_000 };
/** Password checks by one client (address + browser): 20 per 15 minutes. */
export const PASSWORD_PER_CLIENT: Budget = { limit: 20, windowMs: WINDOW, delayMs: 0 };
/** Wrong registration or reset codes by one client: 10 per 15 minutes. */
export const CODES_PER_CLIENT: Budget = { limit: 10, windowMs: WINDOW, delayMs: 0 };
/** Registration answers that tell whether an ID number or mobile is taken, per client: 10 per 15 minutes. */
export const TAKEN_PER_CLIENT: Budget = { limit: 10, windowMs: WINDOW, delayMs: 0 };

/** Human wording of a wait. */
export function waitText(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
}
