/** The spreadsheet thread: answers in any order reach their callers; a stopped thread fails what it held. */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { SheetThread } from "../lib/sheet_thread.ts";
import { branchRows, xlsxFile } from "./import_files.ts";

Deno.test("sheet thread: concurrent reads (in subprocesses) and writes each get their own answer", async () => {
  const sheets = new SheetThread();
  try {
    const [bad, table, good] = await Promise.all([
      sheets.readChildRows(new TextEncoder().encode("名称,类别\n")),
      sheets.tableToXlsx("表", ["序号", "名称"], [[1, "第1团支部"], [2, "第2团支部"]]),
      sheets.readChildRows(await xlsxFile(branchRows(3))),
    ]);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : "", /不是 Excel（.xlsx）格式/);
    assert.equal(good.ok && good.value.length, 3);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(table.slice().buffer);
    const ws = wb.getWorksheet("表")!;
    assert.equal(ws.getCell("B3").value, "第2团支部");
    assert.equal(ws.getRow(1).font?.bold, true);
  } finally {
    sheets.close();
  }
});

Deno.test("sheet thread: stopping fails a pending request; the next one starts a new thread", async () => {
  const sheets = new SheetThread();
  try {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, `第${i}团支部`]);
    const pending = sheets.tableToXlsx("表", ["序号", "名称"], rows);
    sheets.close();
    await assert.rejects(pending, /spreadsheet thread stopped/);
    const again = await sheets.tableToXlsx("表", ["序号"], [[1]]);
    assert.ok(again.length > 0);
  } finally {
    sheets.close();
  }
});

/**
 * A reader heap (MB) that reads a small file, after the warm-up too (16 MB is enough here), but runs out of heap
 * ("Fatal JavaScript out of memory") on {@link heavyFile}, which needs about 60 MB. Wide margins on both sides:
 * 24 MB with 10,000 short rows (which need 40) once failed the small file in CI.
 */
const SMALL_HEAP_MB = 36;

/** 10,000 rows (the most a file may hold) of four cells of 180-odd characters each (under the 200 allowed). */
function heavyFile(): Promise<Uint8Array<ArrayBuffer>> {
  const pad = "团".repeat(180);
  return xlsxFile(
    Array.from({ length: 10_000 }, (_, i) => [`${i}${pad}`, `${i}类${pad}`, `${i}全${pad}`, `${i}序${pad}`]),
  );
}

Deno.test("sheet reader: a file that exhausts the reader's heap ends only the reader; the next file is read", async () => {
  const sheets = new SheetThread();
  const small = await sheets.readChildRows(await xlsxFile(branchRows(3)), SMALL_HEAP_MB);
  assert.equal(small.ok && small.value.length, 3);
  const died = await sheets.readChildRows(await heavyFile(), SMALL_HEAP_MB);
  assert.equal(died.ok, false);
  assert.match(!died.ok ? died.error : "", /超出了系统的处理上限/);
  const next = await sheets.readChildRows(await xlsxFile(branchRows(3)));
  assert.equal(next.ok && next.value.length, 3);
});

Deno.test("sheet reader: the server's kept reader reads upload after upload, is replaced after a large file or a death", async () => {
  const sheets = new SheetThread({ keepReader: true });
  const waitForReader = async (not?: number) => {
    for (let i = 0; i < 200 && (sheets.readerPid === undefined || sheets.readerPid === not); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return sheets.readerPid;
  };
  try {
    const first = sheets.readerPid;
    assert.ok(first, "a reader is started with the thread");
    const read = await sheets.readChildRows(await xlsxFile(branchRows(3)));
    assert.deepEqual(read.ok && read.value.map((r) => r.shortName), [
      "第1车间团支部",
      "第2车间团支部",
      "第3车间团支部",
    ]);
    // The same process reads the next files, each answer its own, a bad file among them.
    const [two, bad, four] = await Promise.all([
      sheets.readChildRows(await xlsxFile(branchRows(2))),
      sheets.readChildRows(new TextEncoder().encode("名称,类别\n")),
      sheets.readMemberRows(new Uint8Array(0)),
    ]);
    assert.equal(two.ok && two.value.length, 2);
    assert.match(!bad.ok ? bad.error : "", /不是 Excel（.xlsx）格式/);
    assert.equal(four.ok, false);
    assert.equal(sheets.readerPid, first, "the kept reader read them all");
    // A large file is read, then its reader is ended and a fresh one started.
    const large = await sheets.readChildRows(await xlsxFile(branchRows(9_000)));
    assert.equal(large.ok && large.value.length, 9_000);
    const second = await waitForReader(first);
    assert.ok(second && second !== first, "a new reader after the large file");
    // A reader that died while waiting (killed here) is not handed the next file: that upload still reads.
    Deno.kill(second!, "SIGKILL");
    for (let i = 0; i < 100 && sheets.readerPid !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = await sheets.readChildRows(await xlsxFile(branchRows(2)));
    assert.equal(after.ok && after.value.length, 2);
    const third = sheets.readerPid;
    assert.ok(third && third !== second, "the upload after the death started a reader, which is kept");
    // A kept reader that dies in the middle of a file, after reading another, may have died of that one:
    // the file is read again by a new reader.
    const pending = sheets.readChildRows(await xlsxFile(branchRows(9_000)));
    await new Promise((r) => setTimeout(r, 200));
    Deno.kill(third!, "SIGKILL");
    const again = await pending;
    assert.equal(again.ok && again.value.length, 9_000);
    const last = await sheets.readChildRows(await xlsxFile(branchRows(1)));
    assert.equal(last.ok && last.value.length, 1);
    assert.ok(sheets.readerPid !== third);
  } finally {
    await sheets.close();
  }
  assert.equal(sheets.readerPid, undefined);
});

Deno.test("sheet reader: a file that exhausts the kept reader's heap is refused after a second try; the next is read", async () => {
  const sheets = new SheetThread({ keepReader: true, readerHeapMb: SMALL_HEAP_MB });
  try {
    const one = await sheets.readChildRows(await xlsxFile(branchRows(3)));
    assert.equal(one.ok && one.value.length, 3);
    const two = await sheets.readChildRows(await xlsxFile(branchRows(2)));
    assert.equal(two.ok && two.value.length, 2);
    const kept = sheets.readerPid;
    assert.ok(kept, "the reader is kept");
    const died = await sheets.readChildRows(await heavyFile());
    assert.equal(died.ok, false);
    assert.match(!died.ok ? died.error : "", /超出了系统的处理上限/);
    const next = await sheets.readChildRows(await xlsxFile(branchRows(3)));
    assert.equal(next.ok && next.value.length, 3);
    assert.ok(sheets.readerPid && sheets.readerPid !== kept, "a new reader read it, and is kept");
  } finally {
    await sheets.close();
  }
});
