/** 组织类别, 行业类别, 团内职务 and the naming rules of SPEC §2.5. */
import { err, ok, type Result } from "./result.ts";

/** 组织类别 code. */
export type Category = 1 | 2 | 3 | 4 | 5;

/** The five categories with their name suffix, full-name suffix and required-field set. */
export const CATEGORIES = [
  {
    code: 1,
    label: "领导机关团组织",
    suffix: "委",
    fullSuffix: "委员会",
    fieldSet: "leading",
    mayHaveChildren: true,
  },
  {
    code: 2,
    label: "团委",
    suffix: "团委",
    fullSuffix: "委员会",
    fieldSet: "committee",
    mayHaveChildren: true,
  },
  {
    code: 3,
    label: "团工委",
    suffix: "团工委",
    fullSuffix: "工作委员会",
    fieldSet: "committee",
    mayHaveChildren: true,
  },
  {
    code: 4,
    label: "团总支",
    suffix: "团总支",
    fullSuffix: "总支部委员会",
    fieldSet: "committee",
    mayHaveChildren: true,
  },
  {
    code: 5,
    label: "团支部",
    suffix: "团支部",
    fullSuffix: "支部委员会",
    fieldSet: "branch",
    mayHaveChildren: false,
  },
] as const satisfies readonly {
  code: Category;
  label: string;
  suffix: string;
  fullSuffix: string;
  fieldSet: "leading" | "committee" | "branch";
  mayHaveChildren: boolean;
}[];

/** 领导机关团组织. */
export const LEADING = 1 as const satisfies Category;
/** 团支部: the only category that may be (and must be) a leaf. */
export const BRANCH = 5 as const satisfies Category;

/** Whether an org of this category may have children (every category but 团支部). */
export const mayHaveChildren = (category: number): boolean => !!categoryOf(category)?.mayHaveChildren;

/**
 * Where a category may be placed: a leading body only under a leading body.
 * Returns the refusal in Chinese, or null.
 */
export function placementRefusal(parentCategory: number, category: number): string | null {
  if (category === LEADING && parentCategory !== LEADING) return "领导机关团组织只能设在领导机关团组织之下";
  return null;
}

/** The categories a parent may create below it (for dropdowns). */
export const categoriesUnder = (parentCategory: number): (typeof CATEGORIES)[number][] =>
  CATEGORIES.filter((c) => placementRefusal(parentCategory, c.code) === null);

/** The category with this code. */
export function categoryOf(
  code: number,
): (typeof CATEGORIES)[number] | undefined {
  return CATEGORIES.find((c) => c.code === code);
}

/** Parses "1".."5" or a label (as typed in a form or an Excel cell). */
export function parseCategory(input: string): Category | undefined {
  const s = String(input ?? "").trim();
  return CATEGORIES.find((c) => String(c.code) === s || c.label === s)?.code;
}

/** 单位所属行业类别 (16). */
export const INDUSTRIES = [
  "党政机关",
  "事业单位（不含公立学校）",
  "普通高等院校",
  "职业教育学校",
  "普通高中",
  "初中",
  "小学",
  "国有企业",
  "集体企业",
  "非公企业",
  "新社会组织（不含民办学校）",
  "军队",
  "武警",
  "城市社区",
  "农村",
  "其他",
] as const;

/** 团内职务 in leading bodies. */
export const LEADING_POSITIONS = [
  "书记",
  "副书记",
  "常委",
  "委员",
  "候补委员",
  "工作人员",
] as const;
/** 团内职务 in other orgs. */
export const OTHER_POSITIONS = [
  "书记",
  "副书记",
  "组织委员",
  "宣传委员",
  "文体委员",
  "生产委员",
  "权益委员",
  "志愿委员",
  "其他",
] as const;

/** The national system bodies and the 兵团 (initialised at level 2). */
export const NATIONAL_BODIES = [
  {
    shortName: "团新疆生产建设兵团委",
    fullName: "中国共产主义青年团新疆生产建设兵团委员会",
  },
  { shortName: "全国铁道团委", fullName: "中国共产主义青年团全国铁道委员会" },
  { shortName: "全国民航团委", fullName: "中国共产主义青年团全国民航委员会" },
  {
    shortName: "中直机关团工委",
    fullName: "中国共产主义青年团中央直属机关工作委员会",
  },
  {
    shortName: "中央国家机关团工委",
    fullName: "中国共产主义青年团中央国家机关工作委员会",
  },
  {
    shortName: "中央金融团工委",
    fullName: "中国共产主义青年团中央金融工作委员会",
  },
  {
    shortName: "中央企业团工委",
    fullName: "中国共产主义青年团中央企业工作委员会",
  },
] as const;

const LEAGUE = "中国共产主义青年团";
const DIVISION_END = /(省|市|区|县|旗|州|盟|地区|自治区|自治州|自治县|自治旗|特区|林区|兵团|师)$/;
const SUFFIXES = [
  "团工委",
  "团总支",
  "团支部",
  "团委",
  "支部",
  "总支",
  "工委",
  "委",
];
const CN_DIGITS: Record<string, string> = {
  一: "1",
  二: "2",
  三: "3",
  四: "4",
  五: "5",
  六: "6",
  七: "7",
  八: "8",
  九: "9",
  十: "10",
};

/** The unit name without any league suffix ("包装车间团支部" → "包装车间"). */
function stripAnySuffix(name: string): string {
  if (/^团.+委$/.test(name) && !/(团委|工委)$/.test(name)) {
    return name.slice(1, -1);
  }
  for (const s of SUFFIXES) {
    if (name.endsWith(s) && name.length > s.length) {
      return name.slice(0, -s.length);
    }
  }
  return name;
}

/** The unit or division name inside a 简称 (团济南市委 → 济南市, 包装车间团支部 → 包装车间). */
export function unitName(shortName: string, category: Category): string {
  if (category === 1) {
    const body = NATIONAL_BODIES.find((b) => b.shortName === shortName);
    if (body) {
      return body.fullName.slice(LEAGUE.length).replace(/(工作)?委员会$/, "");
    }
    if (shortName === "团中央") return "中央";
    return /^团.+委$/.test(shortName) ? shortName.slice(1, -1) : stripAnySuffix(shortName);
  }
  const suffix = categoryOf(category)!.suffix;
  return shortName.endsWith(suffix) ? shortName.slice(0, -suffix.length) : stripAnySuffix(shortName);
}

/** Checks a class-branch name (YYYY级N班团支部); undefined when the name is not one. */
function checkClassBranch(
  name: string,
  category: Category,
): Result<string> | undefined {
  if (!/\d{2,4}级/.test(name) && !/级.*班/.test(name)) return undefined;
  const m = name.match(/^(.{0,30}?专业)?(\d{4})级(\d{1,3})班团支部$/);
  if (m && category === BRANCH) {
    const year = Number(m[2]);
    if (year < 1950 || year > 2100) {
      return err(`入学年份 ${year} 不合理，请核对`);
    }
    return ok(name);
  }
  // Derive a suggestion: 17级 → 2017级, 一班 → 1班, missing 团支部.
  const s = name.match(
    /^(.{0,30}?专业)?(\d{2}|\d{4})级([一二三四五六七八九十]|\d{1,3})班?(团支部|支部|团总支)?$/,
  );
  const fix = s
    ? `${s[1] ?? ""}${s[2].length === 2 ? "20" + s[2] : s[2]}级${CN_DIGITS[s[3]] ?? s[3]}班团支部`
    : undefined;
  return err(
    "学校班级团支部应按“（专业）入学年份+级+班号+班团支部”命名，类别为团支部，例如：2017级1班团支部、计算机专业2017级3班团支部",
    fix,
  );
}

/** Checks a 简称 against the naming rule of its category; suggests a correction where it can. */
export function checkShortName(
  input: string,
  category: Category,
): Result<string> {
  const name = String(input ?? "").trim();
  if (!name) return err("请填写组织简称");
  if (/\s/.test(name)) {
    return err("组织简称中不能有空格", name.replace(/\s+/g, ""));
  }
  if (name.length < 3 || name.length > 50) {
    return err("组织简称长度应为 3–50 个字");
  }
  if (!/^[\p{Script=Han}A-Za-z0-9（）()·\-]+$/u.test(name)) {
    return err("组织简称只能包含汉字、字母、数字、括号、“·”和“-”");
  }
  const cat = categoryOf(category);
  if (!cat) return err("组织类别不正确");
  if (category === 1) {
    if (
      name === "团中央" || NATIONAL_BODIES.some((b) => b.shortName === name)
    ) return ok(name);
    const m = name.match(/^团(.+)委$/);
    const division = m && !/(团|工)$/.test(m[1]) ? m[1] : stripAnySuffix(name);
    if (
      m && m[1] === division && division.length >= 2 &&
      DIVISION_END.test(division)
    ) return ok(name);
    return err(
      "领导机关团组织的简称应为“团+行政区划名称+委”，例如：团山东省委、团济南市委、团天桥区委",
      division.length >= 2 && DIVISION_END.test(division) ? `团${division}委` : undefined,
    );
  }
  const cls = checkClassBranch(name, category);
  if (cls) return cls;
  const unit = stripAnySuffix(name);
  if (name.endsWith(cat.suffix) && unit === name.slice(0, -cat.suffix.length)) {
    if (unit.length < 2) {
      return err(`“${cat.suffix}”前应写明单位或行政区划名称（至少 2 个字）`);
    }
    return ok(name);
  }
  return err(
    `组织简称应为“单位或行政区划名称+${cat.suffix}”，后缀须与组织类别（${cat.label}）一致，例如：${
      ({
        2: "北控集团团委",
        3: "开发区团工委",
        4: "机关团总支",
        5: "包装车间团支部",
      } as Record<number, string>)[category]
    }`,
    unit.length >= 2 ? unit + cat.suffix : undefined,
  );
}

/** The longest 组织全称 accepted (the info form's field length). */
export const FULL_NAME_MAX = 100;

const FULL_NAME = /^中国共产主义青年团.{2,}(委员会|工作委员会|总支部委员会|支部委员会)$/;

/** The one rule for 组织全称 (info form, child form, import); null when it holds. */
export function fullNameProblem(fullName: string): string | null {
  if (fullName.length > FULL_NAME_MAX) return `组织全称不能超过 ${FULL_NAME_MAX} 个字`;
  if (!FULL_NAME.test(fullName)) {
    return "组织全称应以“中国共产主义青年团”开头，以“委员会/工作委员会/总支部委员会/支部委员会”结尾";
  }
  return null;
}

/** The parent an org's full name is derived from. */
export interface FullNameParent {
  level: number;
  shortName: string;
  fullName: string | null;
}

const MUNICIPALITIES = new Set([
  "团北京市委",
  "团天津市委",
  "团上海市委",
  "团重庆市委",
]);

/**
 * Proposes 组织全称: 中国共产主义青年团 + region + unit + full suffix, the region
 * taken from the parent chain from the city level down.
 */
export function proposeFullName(
  parent: FullNameParent | null,
  shortName: string,
  category: Category,
): string {
  if (shortName === "团中央") return `${LEAGUE}中央委员会`;
  const national = NATIONAL_BODIES.find((b) => b.shortName === shortName);
  if (national) return national.fullName;
  let region = "";
  if (parent && parent.level >= 2) {
    if (parent.level === 2) {
      region = MUNICIPALITIES.has(parent.shortName) ? parent.shortName.slice(1, -1) : "";
    } else if (parent.fullName?.startsWith(LEAGUE)) {
      region = parent.fullName.slice(LEAGUE.length).replace(
        /(总支部委员会|支部委员会|工作委员会|委员会)$/,
        "",
      );
    } else region = stripAnySuffix(parent.shortName);
  }
  const unit = unitName(shortName, category);
  return LEAGUE + (unit.startsWith(region) ? "" : region) + unit +
    categoryOf(category)!.fullSuffix;
}
