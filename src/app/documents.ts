import {promises as fs} from 'node:fs'
import {importDocument} from '../journal/export.js'
import {UserError} from '../util/errors.js'

export const MAX_IMPORT_BYTES = 512 * 1024 * 1024

/** Reads and verifies an exported document; nothing is written when it fails. */
export async function readExportFile(file: string) {
  let stat
  try {
    stat = await fs.stat(file)
  } catch {
    throw new UserError(`cannot read ${file}: no such file`, {code: 'ENOENT'})
  }
  if (stat.size > MAX_IMPORT_BYTES) throw new UserError(`${file} is ${stat.size} bytes, over the ${MAX_IMPORT_BYTES}-byte limit for a backup document`)
  return importDocument(await fs.readFile(file, 'utf8'))
}
