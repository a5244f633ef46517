/** A tiny result type for validations: a value, or a Chinese error message. */

/** Success. */
export type Ok<T> = { ok: true; value: T };
/** Failure with a message and, where one can be derived, a suggested correction. */
export type Err = { ok: false; error: string; suggestion?: string };
/** Either. */
export type Result<T> = Ok<T> | Err;

/** Wraps a value. */
export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
/** Wraps an error. */
export const err = (error: string, suggestion?: string): Err =>
  suggestion === undefined ? { ok: false, error } : { ok: false, error, suggestion };
