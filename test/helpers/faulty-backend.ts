import type {LockHandle, LockOptions, StorageBackend} from '../../src/storage/backend.js'

/**
 * A StorageBackend over another one whose disk "fills up": once `budget` bytes have been put in all, every further put
 * fails with ENOSPC, exactly as a full file system answers a write (nothing of the failing put is stored). Everything
 * else passes through. `refill(bytes)` frees space again.
 */
export class FullDiskBackend implements StorageBackend {
  private written = 0
  /** puts refused so far */
  refused = 0

  constructor(
    private readonly inner: StorageBackend,
    private budget: number,
  ) {}

  get url(): string {
    return this.inner.url
  }

  /** bytes put since the last refill */
  get bytesWritten(): number {
    return this.written
  }

  refill(budget: number): void {
    this.budget = budget
    this.written = 0
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    if (this.written + data.byteLength > this.budget) {
      this.refused++
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), {code: 'ENOSPC', errno: -28, syscall: 'write'})
    }
    this.written += data.byteLength
    await this.inner.put(key, data)
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key)
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key)
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix)
  }

  lock(key: string, opts?: LockOptions): Promise<LockHandle> {
    return this.inner.lock(key, opts)
  }

  breakLock(key: string): Promise<boolean> {
    return this.inner.breakLock(key)
  }
}
