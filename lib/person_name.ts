/** Names of people (an admin registering, an org's 书记): 2–20 Chinese characters or letters, "·" allowed. */

const PERSON_NAME = /^[\p{Script=Han}A-Za-z·]{2,20}$/u;

/** Why a person's name is refused (`label` names the field in the message), or null. */
export function personNameProblem(name: string, label = "姓名"): string | null {
  return PERSON_NAME.test(name) ? null : `${label}应为 2–20 个汉字或字母`;
}
