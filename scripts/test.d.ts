/** Types of scripts/test.js, for the tests that check the classification. */
export declare const TIERS: Record<string, string[]>
export declare const SERIAL: string[]
export declare function testFiles(dir?: string): string[]
export declare function classify(
  files: string[],
  tiers?: Record<string, string[]>,
  read?: (file: string) => string,
  serial?: string[],
): {byTier: Record<string, string[]>; problems: string[]}
export declare function groups(files: string[], serial?: string[]): {parallel: string[]; serial: string[]}
export declare function runtimeImports(text: string): string[]
