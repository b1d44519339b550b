// The evidence bundle: an uncompressed ustar archive, reproducible byte for byte. Every header field
// is set explicitly (tar-stream would otherwise stamp the current time): fixed mtime, uid/gid 0, empty
// owner names, mode 0644, regular files only, entries sorted by byte order of their paths.
import { extract, pack } from 'tar-stream';
import { comparePaths, isSafePath, type FileSet } from './files.js';

export async function packTar(files: FileSet, mtime: Date): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(c as Buffer);
  })();
  for (const name of [...files.keys()].sort(comparePaths)) {
    if (!isSafePath(name)) throw new Error(`refusing to bundle unsafe path ${JSON.stringify(name)}`);
    const body = files.get(name)!;
    await new Promise<void>((resolve, reject) =>
      p.entry({ name, size: body.length, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime, type: 'file' }, body, (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A tar's regular files by path. Links, devices and unsafe paths are refused: an evidence set has none. */
export async function readTar(tar: Buffer): Promise<FileSet> {
  const x = extract();
  const files: FileSet = new Map();
  const reading = (async () => {
    for await (const entry of x) {
      const { name, type } = entry.header;
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(c as Buffer);
      if (type === 'directory') continue;
      if (type !== 'file' && type !== 'contiguous-file') throw new Error(`${name}: a ${type ?? 'special'} entry; an evidence bundle holds regular files only`);
      const clean = name.replace(/^\.\//, '');
      if (!isSafePath(clean)) throw new Error(`unsafe path in the bundle: ${JSON.stringify(name)}`);
      if (files.has(clean)) throw new Error(`${clean} appears twice in the bundle`);
      files.set(clean, Buffer.concat(parts));
    }
  })();
  x.end(tar);
  await reading;
  return files;
}
