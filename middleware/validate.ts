/**
 * Request validation with `@hono/zod-validator`: one zod schema per form or
 * query, read in the handler with `c.req.valid("form")`.
 *
 * Schemas only give a request its shape (text, trimmed, cut to a length far
 * beyond any valid value); what a value must be is a domain rule in lib/,
 * which says what is wrong, in Chinese, next to the field. A request that
 * does not even have the shape (a file where text belongs) is not something
 * our pages send: 400 with a short message.
 */
import { zValidator } from "@hono/zod-validator";
import type { Context } from "hono";
import { z } from "zod";
import { renderError } from "./render.tsx";

/** The answer to a request our pages cannot have sent. */
export const notOurForm = (c: Context) => renderError(c, 400, "提交的内容有误", "请刷新页面后重新填写。");

/** Validates the form body against `schema`; a mismatch gets {@link notOurForm}. */
export const form = <T extends z.ZodType>(schema: T) =>
  zValidator("form", schema, (r, c) => r.success ? undefined : notOurForm(c));

/** Validates the query string against `schema`; a mismatch gets {@link notOurForm}. */
export const query = <T extends z.ZodType>(schema: T) =>
  zValidator("query", schema, (r, c) => r.success ? undefined : notOurForm(c));

/** A text field: missing is "", cut to `max` characters (untrimmed). */
export const text = (max: number) => z.string().default("").transform((s) => s.slice(0, max));

/** A trimmed text field: missing is "", cut to `max` characters. */
export const trimmed = (max: number) => z.string().default("").transform((s) => s.trim().slice(0, max));

/** An optional id (digits); anything else is undefined. */
export const optionalId = z.string().optional().transform((s) =>
  s && /^[0-9]{1,15}$/.test(s) ? Number(s) : undefined
);
