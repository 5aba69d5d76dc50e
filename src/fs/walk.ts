import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../domain/errors.js';

export interface WalkOptions {
  /** Folder names not entered (folders whose name starts with a dot never are). */
  skipDirs?: ReadonlySet<string>;
  /** Leave out files whose name starts with a dot as well. */
  skipDotFiles?: boolean;
  /** A folder taken as a whole (a git clone, a chat export): yielded as a folder and not entered. */
  claim?: (dir: string) => boolean;
  /** Folders nested deeper than this under the root are refused (default 32). */
  maxDepth?: number;
  /** More files (and claimed folders) than this are refused, naming the root. */
  maxEntries?: number;
}

/** One thing found: a regular file, or a folder `claim` took as a whole. */
export interface WalkEntry {
  path: string;
  dir: boolean;
}

const listed = (dir: string): Dirent[] => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new AppError(
      'io',
      `${dir}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
};

/** What an entry is, following a symbolic link to what it names (a dangling link is neither). */
function kindOf(dir: string, e: Dirent): 'dir' | 'file' | undefined {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return undefined;
  try {
    const st = statSync(join(dir, e.name));
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

const folderId = (dir: string): string | undefined => {
  try {
    const st = statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
};

/**
 * The one directory walker of the CLI and the evidence readers: the regular files under `root`, depth first,
 * each folder's entries in code-unit order of their names (the same on every machine and locale), without
 * dot-folders. The root itself may be claimed. Links are followed, but a link back up the tree (to a folder
 * being walked) is not entered, so it ends there instead of looping to the depth limit.
 */
export function* walkFiles(root: string, options: WalkOptions = {}): Generator<WalkEntry> {
  const { skipDirs, skipDotFiles = false, claim, maxDepth = 32, maxEntries = Infinity } = options;
  let count = 0;
  const counted = (entry: WalkEntry): WalkEntry => {
    if (++count > maxEntries) {
      throw new AppError('too_large', `${root}: holds more than ${maxEntries} files; name the files to read`);
    }
    return entry;
  };
  // The folders being walked (this one and those above it), by device and inode: a link back up the tree
  // (`loop -> .`) is not entered again. A link to a folder elsewhere is walked like the folder itself.
  const entered = new Set<string>();
  function* visit(dir: string, depth: number): Generator<WalkEntry> {
    if (claim?.(dir)) {
      yield counted({ path: dir, dir: true });
      return;
    }
    const id = folderId(dir);
    if (id !== undefined) {
      if (entered.has(id)) return;
      entered.add(id);
    }
    try {
      if (depth > maxDepth) throw new AppError('io', `${dir}: folders nested too deep`);
      const entries = listed(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const path = join(dir, e.name);
        const kind = kindOf(dir, e);
        if (kind === 'dir') {
          if (!e.name.startsWith('.') && !skipDirs?.has(e.name)) yield* visit(path, depth + 1);
        } else if (kind === 'file' && !(skipDotFiles && e.name.startsWith('.'))) {
          yield counted({ path, dir: false });
        }
      }
    } finally {
      if (id !== undefined) entered.delete(id);
    }
  }
  yield* visit(root, 0);
}
