// The roll import: pick the grid office's CSV on the phone or in the browser, check it, then write it.
import Taro from '@tarojs/taro';
import { ImportInvalidDetails, ImportResult } from '@linli/shared';
import { ApiError, request } from './api';
import { isH5 } from './platform';

export interface PickedFile {
  name: string;
  bytes: ArrayBuffer;
}

const maxFileBytes = 5 * 1024 * 1024; // the server's limit for an import

function pickInBrowser(): Promise<PickedFile | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.csv,text/csv';
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      file.arrayBuffer().then((bytes) => resolve({ name: file.name, bytes }), reject);
    });
    document.body.appendChild(input);
    input.click();
  });
}

async function pickInWechat(): Promise<PickedFile | null> {
  // The office sends the file into a WeChat chat; the mini-program picks it from there.
  const chosen = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['csv'] }).catch(() => null);
  const file = chosen?.tempFiles[0];
  if (!file) return null;
  const read = Taro.getFileSystemManager().readFileSync(file.path);
  return { name: file.name, bytes: read as ArrayBuffer };
}

/** Lets the user choose a CSV file; null when they cancel. Refuses a file over the server's 5 MB limit up front. */
export async function pickRollFile(): Promise<PickedFile | null> {
  const picked = isH5 ? await pickInBrowser() : await pickInWechat();
  if (picked && picked.bytes.byteLength > maxFileBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', '文件超过 5 MB，请分成几个文件导入', 413);
  }
  return picked;
}

/** dryRun: check every row and count what would change, writing nothing. */
export function uploadRoll(bytes: ArrayBuffer, dryRun: boolean) {
  return request('/api/v1/households/import', {
    method: 'POST',
    query: { dryRun },
    body: bytes,
    contentType: 'text/csv',
    schema: ImportResult,
  });
}

/** The bad lines of a refused file, or null when the failure was something else. */
export function badLinesOf(error: unknown) {
  if (!(error instanceof ApiError) || error.code !== 'IMPORT_INVALID') return null;
  const parsed = ImportInvalidDetails.safeParse(error.details);
  return parsed.success ? parsed.data.errors : null;
}
