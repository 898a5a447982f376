/** npm \`koffi\` (an FFI with its prebuilt binary inside the package), imported only when a native library is wanted. */
export async function importKoffi<Koffi>(): Promise<Koffi> {
  try {
    return ((await import('koffi')) as unknown as { default: Koffi }).default;
  } catch (error) {
    throw new Error(`the koffi FFI package cannot load: ${(error as Error).message}`);
  }
}
