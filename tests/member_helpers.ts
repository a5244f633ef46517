/** Test people for the member tests: valid ID numbers with a chosen birth date, a valid member form. */
import { type Db, writeTx } from "../db/client.ts";
import { addMembers } from "../db/members.ts";
import { getOrg } from "../db/orgs.ts";
import { checkDigit } from "../lib/id_number.ts";
import { checkMember, type MemberInput } from "../lib/member_rules.ts";

/** A valid ID number born on y-m-d (sequence `seq`, odd for 男). */
export function idFor(y: number, m: number, d: number, seq = 101): string {
  const body = `370102${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}${
    String(seq).padStart(3, "0")
  }`;
  return body + checkDigit(body);
}

/** A valid member born 2005-06-15 who joined in 2019-05. */
export const validInput = (over: Partial<MemberInput> = {}): MemberInput => ({
  name: "张三",
  idNumber: idFor(2005, 6, 15),
  ethnicity: "汉族",
  political: "共青团员",
  joinedYm: "2019-05",
  eduFull: "大学本科",
  eduHighest: "",
  mobile: "13800001234",
  memberNo: "201900001234",
  occupation: "学生",
  employer: "山东大学",
  hukou: "山东省济南市",
  partyYm: "",
  position: "",
  email: "",
  ...over,
});

/** Adds one valid member (born 2003-03-03, no 团员编号) to the 团支部 `branchId`, as a single entry would. */
export async function addOneMember(db: Db, branchId: number): Promise<void> {
  const now = new Date();
  const checked = checkMember(validInput({ idNumber: idFor(2003, 3, 3, 33), memberNo: "" }), {
    now,
    isPlace: () => true,
  });
  if (!checked.ok) throw new Error(`bad fixture: ${JSON.stringify(checked.problems)}`);
  await writeTx(
    db,
    async (tx) => await addMembers(tx, (await getOrg(tx, branchId))!, [checked.value], 1, now, 20260101),
  );
}
