// Where prescription / box photos live: a small interface so a deployment can swap the disk for object storage.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PhotoStore {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
}

/** Files under `dir`; keys are server-made ids, never client text. */
export function fileSystemPhotoStore(dir: string): PhotoStore {
  const pathOf = (key: string) => {
    if (!/^[\w-]+$/.test(key)) throw new Error(`invalid photo key ${key}`);
    return join(dir, key);
  };
  return {
    async put(key, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(pathOf(key), bytes);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}
