/**
 * Spreadsheets as the use cases see them: an upload read into typed cells, and plain-text sheets written
 * out. The file formats (XLSX, CSV) are the adapter's business (adapters/spreadsheet/).
 */

/** The roster import's limits (issue: 5,000 rows and 5 MB). */
export const STAFF_IMPORT_LIMITS = { maxRows: 5000, maxBytes: 5 * 1024 * 1024 } as const;

/** A cell as the importer judges it: text, or why it cannot be text. */
export type SheetCell =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  /** A formula cell (its formula is never evaluated or trusted). */
  | { kind: 'formula' }
  /** A date, boolean or error value. */
  | { kind: 'other'; what: 'date' | 'boolean' | 'error' };

export interface SheetRow {
  /** The spreadsheet row number, 1-based (the header is row 1). */
  row: number;
  cells: Map<string, SheetCell>;
}

export interface ParsedSheet {
  headers: string[];
  rows: SheetRow[];
}

export interface SheetSpec {
  name: string;
  columns: { header: string; width: number; note?: string }[];
  /** Text cells (escaped when written) or numbers (written as numbers, e.g. scorecard figures). */
  rows: (string | number | null)[][];
}

export interface Spreadsheets {
  /**
   * Reads the sheet named `preferredSheet` (else the first) of an XLSX, or a UTF-8 CSV, with at most
   * `limits.maxRows` non-empty data rows after the header; refuses other files with a clear 4xx.
   */
  read(file: Buffer, preferredSheet: string, limits: { maxRows: number; maxBytes: number }): Promise<ParsedSheet>;
  /** A workbook of sheets; every written text cell passes escapeCell, numbers stay numbers. */
  write(sheets: SheetSpec[]): Promise<Buffer>;
}

/**
 * A cell spreadsheet programs would run as a formula (CSV/formula injection: OWASP,
 * https://owasp.org/www-community/attacks/CSV_Injection) is prefixed with a single quote when written.
 */
export function escapeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export interface SheetSpec {
  name: string;
  columns: { header: string; width: number; note?: string }[];
  /** Text cells (escaped when written) or numbers (written as numbers, e.g. scorecard figures). */
  rows: (string | number | null)[][];
}
