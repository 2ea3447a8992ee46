/**
 * What went wrong opening or reading a file, in a plain sentence for the user, from the
 * system's error code (never Node's own text, which quotes the syscall: "ELOOP: too many
 * symbolic links encountered, stat 'x'"). The caller puts the file's name in front.
 */
export function fileErrorMessage(err: unknown, expected = 'a file'): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: quiclens may not read it';
    case 'ELOOP':
      return 'too many levels of symbolic links: a link leads back to itself';
    case 'EISDIR':
      return `is a folder, expected ${expected}`;
    case 'ENOTDIR':
      return 'a part of the path before the name is a file, not a folder';
    case 'ENXIO':
      return `cannot be opened for reading (a socket, or a device with nothing behind it), expected ${expected}`;
    case 'ENAMETOOLONG':
      return 'the name is too long for the file system';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open: cannot open one more';
    case 'EIO':
      return 'the system could not read it (input/output error)';
    default:
      return code ? `cannot be read (system error ${code})` : `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
}
