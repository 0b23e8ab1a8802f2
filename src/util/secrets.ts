const registered = new Set<string>()

/** Registers a secret (token, passphrase) so that `redact` removes it from any text we print or store. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) registered.add(secret)
}

/**
 * Forgets every registered secret: for a process that runs several commands one after the other, each with its own
 * credentials (the test suites' in-process CLI), so that each command redacts what a process of its own would, no more.
 */
export function forgetSecrets(): void {
  registered.clear()
}

/** Replaces every registered secret, and anything shaped like a GitHub token, with `***`. */
export function redact(text: string): string {
  let out = text
  for (const s of registered) out = out.split(s).join('***')
  return out
    .replace(/\b(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***')
    .replace(/(authorization:\s*(?:bearer|token)\s+)[^\s"']+/gi, '$1***')
}
