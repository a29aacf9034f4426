import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { AppError } from '../../domain/errors.js';
import { escapeCell, type ParsedSheet, type SheetCell, type SheetRow, type SheetSpec, type Spreadsheets } from '../../usecases/admin/spreadsheets.js';

/** Spreadsheets with exceljs (https://github.com/exceljs/exceljs): XLSX read and written, CSV read. */
export function excelSheets(): Spreadsheets {
  return { read: readSheet, write: writeWorkbook };
}

// exceljs is loaded on the first import or export, not when the server starts: it is the heaviest module of the
// graph (about 0.3 s of CPU per process measured with --cpu-prof), and most processes (workers, most test files)
// never read or write a spreadsheet.
let loaded: Promise<typeof ExcelJS> | null = null;
const exceljs = (): Promise<typeof ExcelJS> => (loaded ??= import('exceljs').then((m) => m.default));

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // a ZIP local file header (ECMA-376 Part 2, OPC)
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]); // legacy .xls (MS-CFB)

const unsupported = () => new AppError('request.unsupported_media_type', '请上传 Excel（.xlsx）或 CSV 文件');

/** Reads the first worksheet (or the one named 人员名单) of an XLSX, or a UTF-8 CSV. */
async function readSheet(buf: Buffer, preferredSheet: string, limits: { maxRows: number; maxBytes: number }): Promise<ParsedSheet> {
  if (buf.length === 0) throw new AppError('import.invalid_file', '文件是空的');
  if (buf.length > limits.maxBytes) throw new AppError('request.too_large', `文件超过 ${Math.round(limits.maxBytes / 1048576)}MB，请分批导入`);
  const { Workbook } = await exceljs();
  const wb = new Workbook();
  let ws: ExcelJS.Worksheet | undefined;
  if (buf.subarray(0, 4).equals(XLSX_MAGIC)) {
    try {
      await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    } catch {
      throw new AppError('import.invalid_file', '无法读取该 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx 后重试');
    }
    ws = wb.getWorksheet(preferredSheet) ?? wb.worksheets[0];
  } else if (buf.subarray(0, 4).equals(OLE_MAGIC)) {
    throw new AppError('request.unsupported_media_type', '不支持旧版 .xls 文件，请另存为 .xlsx 后重试');
  } else {
    const text = decodeCsv(buf);
    try {
      // Every CSV field stays text (exceljs would otherwise turn digits into numbers and some strings into dates).
      ws = await wb.csv.read(Readable.from([text]), { map: (d: string) => (d === '' ? null : d) } as unknown as ExcelJS.CsvReadOptions);
    } catch {
      throw new AppError('import.invalid_file', '无法读取该 CSV 文件，请检查格式');
    }
  }
  if (!ws) throw new AppError('import.invalid_file', '文件中没有工作表');
  return toRows(ws, limits.maxRows);
}

function decodeCsv(buf: Buffer): string {
  if (buf.includes(0)) throw unsupported();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new AppError('import.invalid_file', 'CSV 文件须为 UTF-8 编码：请在 Excel 中选择“CSV UTF-8（逗号分隔）”另存');
  }
  return text.replace(/^\uFEFF/, '');
}

function toRows(ws: ExcelJS.Worksheet, maxRows: number): ParsedSheet {
  const headerRow = ws.getRow(1);
  const headers: string[] = [];
  const colOf = new Map<number, string>();
  headerRow.eachCell({ includeEmpty: false }, (cell, col) => {
    const c = judge(cell.value);
    const name = c.kind === 'text' ? c.text.replace(/^\uFEFF/, '').trim() : '';
    if (name) {
      headers.push(name);
      colOf.set(col, name);
    }
  });
  const rows: SheetRow[] = [];
  let tooMany = false;
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1 || tooMany) return;
    const cells = new Map<string, SheetCell>();
    let any = false;
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const name = colOf.get(col);
      if (!name) return;
      const c = judge(cell.value);
      if (c.kind !== 'empty') any = true;
      cells.set(name, c);
    });
    if (!any) return;
    if (rows.length >= maxRows) {
      tooMany = true;
      return;
    }
    rows.push({ row: n, cells });
  });
  if (tooMany) throw new AppError('import.too_many_rows', `一次最多导入 ${maxRows} 行，请分批导入`, { maxRows });
  return { headers, rows };
}

function judge(v: ExcelJS.CellValue): SheetCell {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'string') return v.trim() === '' && !/^[\t\r]/.test(v) ? { kind: 'empty' } : { kind: 'text', text: v };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'other', what: 'boolean' };
  if (v instanceof Date) return { kind: 'other', what: 'date' };
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) return { kind: 'formula' };
    if ('error' in v) return { kind: 'other', what: 'error' };
    if ('richText' in v) return { kind: 'text', text: v.richText.map((r) => r.text).join('') };
    if ('text' in v && typeof v.text === 'string') return { kind: 'text', text: v.text };
  }
  return { kind: 'other', what: 'error' };
}

/** A workbook of plain-text sheets: header row bold and frozen, every written cell a string (escaped). */
async function writeWorkbook(sheets: SheetSpec[]): Promise<Buffer> {
  const { Workbook } = await exceljs();
  const wb = new Workbook();
  wb.creator = 'FineCity';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({ header: c.header, width: c.width, style: { numFmt: '@' } }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    s.columns.forEach((c, i) => {
      if (c.note) header.getCell(i + 1).note = c.note;
    });
    for (const r of s.rows) ws.addRow(r.map((v) => (v === null ? null : typeof v === 'number' ? v : escapeCell(v))));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
