import { equal } from "node:assert/strict";
import { cookieValue } from "../../lib/cookie.ts";

Deno.test("cookieValue finds one cookie among others", () => {
  const header = "theme=dark; sid=abc123; csrf=xyz";
  equal(cookieValue(header, "sid"), "abc123");
  equal(cookieValue(header, "csrf"), "xyz");
  equal(cookieValue(header, "theme"), "dark");
});

Deno.test("cookieValue: missing, empty and look-alike names", () => {
  equal(cookieValue(undefined, "sid"), undefined);
  equal(cookieValue("", "sid"), undefined);
  equal(cookieValue("xsid=1; sidx=2", "sid"), undefined);
  equal(cookieValue("sid=", "sid"), "");
  equal(cookieValue("a=1;sid=2", "sid"), "2");
  equal(cookieValue("  sid = 3 ;a=1", "sid"), "3");
});

Deno.test("cookieValue: quoted and percent-encoded values; broken encoding is no value", () => {
  equal(cookieValue('sid="q"', "sid"), "q");
  equal(cookieValue("sid=a%20b", "sid"), "a b");
  equal(cookieValue("sid=%E0%A4%A", "sid"), undefined);
  equal(cookieValue("first=1; sid=a=b", "sid"), "a=b");
});
