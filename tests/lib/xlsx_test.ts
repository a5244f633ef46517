import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { sheetName, tableToXlsx } from "../../lib/xlsx.ts";

Deno.test("sheetName: Excel's forbidden characters replaced, 31 characters at most", () => {
  assert.equal(sheetName("团委/团工委/团总支下没有团支部"), "团委、团工委、团总支下没有团支部");
  assert.equal(sheetName("a:b\\c?d*e[f]g"), "a、b、c、d、e、f、g");
  assert.equal(sheetName("'引号'"), "引号");
  assert.equal(sheetName(""), "Sheet1");
  assert.equal(sheetName("/"), "、");
  const long = "一".repeat(40);
  assert.equal(sheetName(long), "一".repeat(31));
  assert.equal(sheetName("录入进度"), "录入进度");
});

Deno.test("tableToXlsx: a name with '/' still gives a file exceljs opens, with that sheet", async () => {
  const bytes = await tableToXlsx("团委/团工委/团总支下没有团支部", ["a"], [["1"]]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer);
  assert.equal(wb.worksheets[0].name, "团委、团工委、团总支下没有团支部");
  assert.equal(wb.worksheets[0].getCell("A2").value, "1");
});
