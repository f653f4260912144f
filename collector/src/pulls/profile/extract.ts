// Extracts an uncompressed layer tar onto disk and times it: the "extract" share of decompress.
import { closeSync, createReadStream, linkSync, mkdirSync, openSync, symlinkSync, writeSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { type TarHeader, TarReader } from './tar.ts'

export interface LayerExtract {
  entries: number
  files: number
  directories: number
  symlinks: number
  hardlinks: number
  /** Devices, fifos and unknown types: counted, not created. */
  other: number
  /** Entries not created because their path would leave the target or pass through a symlink. */
  skipped: number
  /** File data bytes written. */
  fileBytes: number
  /** Bytes of the tar stream read (the layer's uncompressed size). */
  tarBytes: number
  ms: number
}

/** A layer path made relative and free of `..`; undefined when it cannot be made safe. */
function safeRelative(name: string): string | undefined {
  const rel = normalize(name.replace(/^\/+/, '')).replace(/\/+$/, '')
  if (rel === '' || rel === '.') return ''
  if (rel === '..' || rel.startsWith('../')) return undefined
  return rel
}

/**
 * Writes the entries of a tar file under `target` (which must be empty) the way a snapshotter would:
 * directories, regular files with their data, symlinks and hard links. Extraction runs as root here, so
 * nothing is written through a symlink the layer itself created (that could point anywhere).
 */
export async function extractLayer(
  tarFile: string,
  target: string,
  onBytes?: (n: number) => void,
): Promise<LayerExtract> {
  const started = performance.now()
  const stats: LayerExtract = {
    entries: 0,
    files: 0,
    directories: 0,
    symlinks: 0,
    hardlinks: 0,
    other: 0,
    skipped: 0,
    fileBytes: 0,
    tarBytes: 0,
    ms: 0,
  }
  const links = new Set<string>()
  const throughLink = (rel: string) => {
    for (let p = dirname(rel); p !== '.' && p !== '/'; p = dirname(p)) if (links.has(p)) return true
    return false
  }
  let fd: number | undefined
  const mkParent = (abs: string) => mkdirSync(dirname(abs), { recursive: true })
  const reader = new TarReader({
    entry(h: TarHeader) {
      stats.entries++
      const rel = safeRelative(h.name)
      if (rel === undefined || throughLink(rel) || (rel === '' && h.type !== 'directory')) {
        stats.skipped++
        return
      }
      const abs = join(target, rel)
      try {
        switch (h.type) {
          case 'directory':
            mkdirSync(abs, { recursive: true })
            stats.directories++
            return
          case 'file':
            mkParent(abs)
            fd = openSync(abs, 'w', (h.mode & 0o777) | 0o600)
            stats.files++
            return
          case 'symlink':
            mkParent(abs)
            symlinkSync(h.linkname, abs)
            links.add(rel)
            stats.symlinks++
            return
          case 'hardlink': {
            const linkRel = safeRelative(h.linkname)
            if (linkRel === undefined || linkRel === '' || throughLink(linkRel)) {
              stats.skipped++
              return
            }
            mkParent(abs)
            linkSync(join(target, linkRel), abs)
            stats.hardlinks++
            return
          }
          default:
            stats.other++
        }
      } catch {
        // A later layer's whiteout or a duplicate path: count it and keep going, the timing stays meaningful.
        stats.skipped++
      }
    },
    data(chunk) {
      if (fd === undefined) return
      writeSync(fd, chunk)
      stats.fileBytes += chunk.length
    },
    entryEnd() {
      if (fd !== undefined) closeSync(fd)
      fd = undefined
    },
  })
  mkdirSync(target, { recursive: true })
  try {
    for await (const chunk of createReadStream(tarFile, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer
      stats.tarBytes += buf.length
      reader.write(buf)
      onBytes?.(buf.length)
    }
    reader.end()
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  stats.ms = performance.now() - started
  return stats
}
