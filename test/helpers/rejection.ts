/** The error a promise (or a function, sync or async) fails with; a test fails when it does not fail. */
export async function rejection(p: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}
