// The bytes of a CSV saved by Excel → text (UTF-8 with or without BOM, or GBK) → records (RFC 4180) with their file line.
import iconv from 'iconv-lite';

export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

const utf8Bom = [0xef, 0xbb, 0xbf];
const gbkCharsets = new Set(['gbk', 'gb2312', 'gb18030', 'cp936', 'x-gbk']);

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK, "CSV UTF-8" with a BOM, and other tools UTF-8 without one.
 * A GBK file is almost never valid UTF-8, so strict UTF-8 first and GB18030 (a superset of GBK, which also covers
 * rare name characters) as the fallback tells them apart. An explicit `charset=gbk` in the Content-Type wins.
 */
export function decodeCsvBytes(bytes: Uint8Array, declaredCharset?: string): string {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new CsvFormatError(1, '这是 Excel 工作簿而不是 CSV 文件：请在 Excel 中“另存为” CSV 后再导入');
  }
  if (startsWith(bytes, utf8Bom)) return decodeUtf8(bytes.subarray(3));
  if (declaredCharset && gbkCharsets.has(declaredCharset.toLowerCase())) return decodeGb18030(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return decodeGb18030(bytes);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CsvFormatError(1, '文件以 UTF-8 标记开头，但内容不是有效的 UTF-8 编码');
  }
}

function decodeGb18030(bytes: Uint8Array): string {
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
  if (text.includes('\uFFFD')) {
    throw new CsvFormatError(lineOf(text, text.indexOf('\uFFFD')), '文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV');
  }
  return text;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted field may span several lines). */
  line: number;
  fields: string[];
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * RFC 4180: fields separated by commas, records by CRLF, LF or a lone CR (old Mac Excel); a field in double quotes may
 * hold commas, line breaks and "" for a quote. Blank lines yield no record. A quote opened and never closed, or text
 * after a closing quote, is an error naming its line; a quote inside an unquoted field is kept as text, as Excel does.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  let i = 0;
  let line = 1;
  let fields: string[] = [];
  let recordLine = 1;

  const endRecord = () => {
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  // Consumes one line break at i (CRLF counts once); true when there was one.
  const lineBreak = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === LF) {
      i++;
    } else if (c === CR) {
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else {
      return false;
    }
    line++;
    return true;
  };

  while (i < length) {
    if (fields.length === 0) recordLine = line;
    if (text.charCodeAt(i) === QUOTE) {
      const openedOn = line;
      let value = '';
      let chunkStart = ++i;
      for (;;) {
        if (i >= length) throw new CsvFormatError(openedOn, `第 ${openedOn} 行的引号没有闭合`);
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (text.charCodeAt(i + 1) === QUOTE) {
            value += text.slice(chunkStart, i + 1);
            i += 2;
            chunkStart = i;
            continue;
          }
          value += text.slice(chunkStart, i);
          i++;
          break;
        }
        if (c === LF || c === CR) {
          const before = i;
          lineBreak();
          value += text.slice(chunkStart, before) + '\n';
          chunkStart = i;
          continue;
        }
        i++;
      }
      fields.push(value);
      if (i >= length) break;
      const next = text.charCodeAt(i);
      if (next === COMMA) {
        i++;
        if (i >= length) fields.push('');
        continue;
      }
      if (lineBreak()) {
        endRecord();
        continue;
      }
      throw new CsvFormatError(line, `第 ${line} 行：引号结束后还有多余的字符（字段内的引号应写成两个 ""）`);
    }

    let end = i;
    while (end < length) {
      const c = text.charCodeAt(end);
      if (c === COMMA || c === LF || c === CR) break;
      end++;
    }
    fields.push(text.slice(i, end));
    i = end;
    if (i >= length) break;
    if (text.charCodeAt(i) === COMMA) {
      i++;
      if (i >= length) fields.push('');
      continue;
    }
    lineBreak();
    endRecord();
  }
  if (fields.length) endRecord();
  return records;
}

/** One CSV line (CRLF-terminated, as Excel writes them), quoting only the fields that need it. */
export function formatCsvRow(fields: readonly string[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\r\n`;
}
