/**
 * 操作指南: the steps of the 2017 notice's operating guide (中青办发〔2017〕17号,
 * 附件), in plain words for this system; printable on one page.
 */
import { CODE_HINT, CODE_TTL_DAYS } from "../lib/codes.ts";

/** One level's deadline as the guide lists it. */
export interface GuideDeadline {
  level: string;
  date: string;
}

/** The guide page body. */
export function Guide({ deadlines }: { deadlines: GuideDeadline[] }) {
  return (
    <article class="guide">
      <h1>组织树建立操作指南</h1>
      <p class="guide-lead">
        自上而下、逐级建立从团中央到所有团支部的完整组织树。各级组织的简称和类别由上级组织管理员创建，其他组织信息由本级管理员填写。
        每个团组织完成以下四项（团支部只须完成第一、二项）：
      </p>
      <ol class="guide-steps">
        <li>
          <h2>第一步：注册管理员并登录</h2>
          <p>
            向上级团组织管理员索取<strong>管理员注册码</strong>，打开<a href="/register">管理员注册</a>：
            选择要注册的团组织和团内职务 → 填写注册码 →
            填写个人信息（姓名、身份证号码、手机号码、入团年月、密码）→ 完成。
          </p>
          <ul>
            <li>{CODE_HINT}</li>
            <li>注册码有效期 {CODE_TTL_DAYS} 天，只能注册一位管理员；过期或已用请联系上级管理员重新生成。</li>
            <li>入团时须年满 13 周岁（2016 年 9 月 1 日前入团的须年满 12 周岁）。</li>
          </ul>
        </li>
        <li>
          <h2>第二步：填写本组织信息</h2>
          <p>
            登录后进入“组织信息”，<span class="req">
              红色星号
            </span>为必填项，可以分次填写、随时保存；填完后点击“确认信息”。
          </p>
          <ul>
            <li>
              领导机关：组织类别、简称、全称、联系电话、电子邮箱、四项编制数，书记姓名、身份证号码、手机号码。
            </li>
            <li>基层团委、团工委、团总支：另加单位所属行业类别，不需联系电话和邮箱。</li>
            <li>团支部：组织类别、简称、全称、行业类别，书记姓名、身份证号码、手机号码。</li>
            <li>
              编制数如实填写，没有填“0”。确认后简称、全称、类别和行业类别不能再改，只能由上级管理员更正。
            </li>
          </ul>
        </li>
        <li>
          <h2>第三步：创建全部直属下级组织</h2>
          <p>
            进入“下级组织管理”：<strong>单个创建</strong>只填简称和类别，全称由系统生成，请核对修正；
            <strong>批量创建</strong>下载 Excel
            模板，按“填写说明”填写简称和类别（类别有下拉选项），上传后按提示修改失败的行再上传。
          </p>
          <ul>
            <li>领导机关简称为“团+行政区划名称+委”，如团山东省委、团济南市委、团天桥区委。</li>
            <li>
              基层组织简称为“单位或行政区划名称+团委/团工委/团总支/团支部”，如建国门街道团委、包装车间团支部。
            </li>
            <li>学校班级团支部为“（专业）入学年份+级+班号+班团支部”，如 2017级1班团支部。</li>
            <li>
              地市、区县团委已由系统初始化，无须再建，只须核对名称和排序。团委、团工委、团总支下必须有团支部。
            </li>
          </ul>
        </li>
        <li>
          <h2>第四步：为直属下级生成并下发注册码</h2>
          <p>
            在“下级组织管理”中点击某个组织的“注册码”查看或生成单个注册码，或点击“批量生成注册码并下载”得到全部直属下级的
            Excel 表，再通过微信群、QQ 群等分发给各下级组织。
          </p>
        </li>
      </ol>
      <h2>录入进度督导</h2>
      <p>
        有下级组织的管理员登录后可在“录入进度”中随时查看下级组织的创建、注册和信息录入情况，按进度督促。本组织“概况”页的
        <strong>待办清单</strong>列出以上各项的完成情况和本级截止日期。
      </p>
      {deadlines.length
        ? (
          <>
            <p>各级完成本级信息录入和直属下级创建的截止日期（北京时间）：</p>
            <ul class="guide-deadlines">
              {deadlines.map((d) => <li>{d.level} {d.date}</li>)}
            </ul>
          </>
        )
        : null}
      <p class="muted">
        任何浏览器（IE10 及以上、Edge、Chrome、Firefox、Safari，360 和 QQ
        浏览器请用极速模式）和手机均可使用，不需要 JavaScript。
        <a href="/login">返回登录</a>
      </p>
    </article>
  );
}
