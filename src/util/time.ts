import {UserError} from './errors.js'

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
}

/** Parses a duration such as `30d`, `12h`, `90m`, `2w` or `45s` into milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text)
  if (!m) throw new UserError(`${flag} "${text}" is not a duration: use a number and a unit, e.g. 30d, 12h, 90m, 2w`)
  return Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()])
}

/**
 * Parses a point in time: ISO 8601 (`2026-11-25T10:00:00Z`, `2026-11-25`) or a relative age (`2d` = two days ago).
 */
export function parseTime(text: string, now: Date = new Date(), flag = '--at'): Date {
  if (/^\s*\d+(?:\.\d+)?\s*[smhdw]\s*$/i.test(text)) return new Date(now.getTime() - parseDuration(text, flag))
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const d = new Date(text.trim())
    if (!Number.isNaN(d.getTime())) return d
  }
  throw new UserError(`${flag} "${text}" is not a time: use ISO 8601 (2026-11-25T10:00:00Z) or an age such as 2d or 6h`)
}

/** `20261125-101500` in UTC: the stamp used in automatic backup names. */
export function stamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}
