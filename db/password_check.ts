/**
 * The one password check: sign-in, the registration's existing-account step,
 * and anything else that asks for an account's password go through here.
 *
 * - One budget per account (its mobile and its ID number share it), reserved
 *   before hashing; an unknown login has a budget of its own, so it is
 *   answered like a known one.
 * - One budget per client (address + browser, see middleware/client.ts), so
 *   one person's typos behind a NAT never refuse a neighbour.
 * - An unknown login is hashed against a dummy hash: same answer, same time.
 */
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { PASSWORD_PER_ACCOUNT, PASSWORD_PER_CLIENT } from "../lib/throttle.ts";
import { findAccountByLogin } from "./accounts.ts";
import type { Db } from "./client.ts";
import type { Account } from "./schema.ts";
import { clearBudget, refund, reserve } from "./throttle.ts";

let dummy: Promise<string> | undefined;
/** A hash of a random password, checked when the login is unknown (same work as a real check). */
const dummyHash = () => dummy ??= hashPassword(crypto.randomUUID());

/** The outcome: the account, or a refusal (with a wait when throttled). */
export type PasswordCheck = { ok: true; account: Account } | { ok: false; wait?: number };

/**
 * Checks `password` for the account found by `login` (mobile or ID number),
 * throttled per account and per `client`.
 */
export async function checkLoginPassword(
  db: Db,
  login: string,
  password: string,
  client: string,
  now: Date,
): Promise<PasswordCheck> {
  const account = await findAccountByLogin(db, login);
  const accountKey = account ? `pw:a:${account.id}` : `pw:l:${login.trim().toUpperCase().slice(0, 40)}`;
  const clientKey = `pw:c:${client}`;
  const t = now.getTime();
  const byClient = await reserve(db, clientKey, PASSWORD_PER_CLIENT, t);
  if (!byClient.ok) return { ok: false, wait: byClient.wait };
  const byAccount = await reserve(db, accountKey, PASSWORD_PER_ACCOUNT, t);
  if (!byAccount.ok) {
    await refund(db, clientKey);
    return { ok: false, wait: byAccount.wait };
  }
  const right = await verifyPassword(password, account?.passwordHash ?? await dummyHash());
  if (!account || !right) return { ok: false };
  await clearBudget(db, accountKey);
  await refund(db, clientKey);
  return { ok: true, account };
}
