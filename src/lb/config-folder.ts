import { opendirSync, type Dir } from 'node:fs';
import { extname, join } from 'node:path';
import { fileErrorMessage } from '../wire/file-error.js';
import type { InputIssue } from '../wire/input-issue.js';
import { MAX_FOLDER_CONFIGS, MAX_FOLDER_DEPTH, MAX_FOLDER_ENTRIES } from './config-limits.js';

/**
 * File names that may hold a load-balancer config: nginx and HAProxy write `.conf`/`.cfg`,
 * Envoy, Kubernetes and QUIC-LB files are YAML or JSON, `ipvsadm-save` output is kept as
 * `.rules`, `.txt` or a name without an extension (`/etc/sysconfig/ipvsadm`). Whether one is
 * a config is then told by its content; a README or a script is never read as one.
 */
const CONFIG_EXTENSIONS = new Set(['', '.conf', '.cfg', '.yaml', '.yml', '.json', '.rules', '.txt']);

/** folders that never hold a deployment's configs but can hold thousands of files */
const SKIPPED_FOLDERS = new Set(['node_modules']);

export interface ConfigFolderListing {
  /** the files that may be configs, in name order, folder by folder */
  files: string[];
  /** folders that could not be read, and a limit reached */
  issues: InputIssue[];
}

/**
 * The files under a folder that may be load-balancer configs, by name (CONFIG_EXTENSIONS),
 * walking subfolders. Hidden entries (`.git`, `.github`) and `node_modules` are passed
 * over; symbolic links to folders are not followed (a link loop cannot trap the walk),
 * links to files are taken. Bounded by config-limits.ts: past the count of entries or of
 * configs the walk stops and says so, and what was found is still returned; a branch nested
 * too deep is left out and said so.
 */
export function listConfigFolder(folder: string): ConfigFolderListing {
  const files: string[] = [];
  const issues: InputIssue[] = [];
  let entries = 0;
  let stopped = false;
  const stop = (message: string) => {
    issues.push({ file: folder, message: `${message}; the ${files.length} config file${files.length === 1 ? '' : 's'} found before it are checked, the rest are not`, fatal: true });
    stopped = true;
  };

  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_FOLDER_DEPTH) {
      // only this branch is left out; the walk goes on beside it
      issues.push({ file: folder, message: `folders nested more than ${MAX_FOLDER_DEPTH} deep are not walked (${dir})`, fatal: true });
      return;
    }
    let handle: Dir;
    try {
      handle = opendirSync(dir);
    } catch (err) {
      issues.push({ file: dir, message: fileErrorMessage(err, 'a folder of load-balancer configs'), fatal: true });
      return;
    }
    const here: { name: string; folder: boolean }[] = [];
    try {
      for (let d = handle.readSync(); d !== null; d = handle.readSync()) {
        if (++entries > MAX_FOLDER_ENTRIES) {
          stop(`more than ${MAX_FOLDER_ENTRIES} entries in the folders walked`);
          return;
        }
        if (d.name.startsWith('.')) continue;
        if (d.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(d.name)) here.push({ name: d.name, folder: true });
        } else if ((d.isFile() || d.isSymbolicLink()) && CONFIG_EXTENSIONS.has(extname(d.name).toLowerCase())) {
          here.push({ name: d.name, folder: false });
        }
      }
    } catch (err) {
      issues.push({ file: dir, message: fileErrorMessage(err, 'a folder of load-balancer configs'), fatal: true });
    } finally {
      handle.closeSync();
    }
    // name order, so the same tree gives the same report on every machine
    here.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of here) {
      if (stopped) return;
      const path = join(dir, e.name);
      if (e.folder) walk(path, depth + 1);
      else if (files.length >= MAX_FOLDER_CONFIGS) stop(`more than ${MAX_FOLDER_CONFIGS} config files`);
      else files.push(path);
    }
  };
  walk(folder, 0);
  return { files, issues };
}
