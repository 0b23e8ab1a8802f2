import type {ShadowRelease} from '../app/shadow.js'

/** The lines `backup cleanup` and `backup delete` print about the shadow copies they deleted (or would). */
export function reportShadows(out: {log(message: string): void; warn(message: string): unknown}, shadows: ShadowRelease | undefined): void {
  if (!shadows) return
  const verb = shadows.dryRun ? 'would delete' : 'deleted'
  for (const s of shadows.deleted) out.log(`  shadow copy ${verb}: ${s.title} (${s.url}): no kept backup names it`)
  for (const f of shadows.failed) out.warn(`shadow copy ${f.shadow.title} (${f.shadow.url}) was not deleted: ${f.error}; the next cleanup or delete tries again`)
  if (shadows.error) out.warn(shadows.error)
}
