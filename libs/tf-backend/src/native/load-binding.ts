/**
 * Imports an optional native TensorFlow.js binding (tfjs-node, tfjs-node-gpu), which registers the
 * 'tensorflow' backend on import. Its own module so that backend selection can be tested with a binding
 * present or absent, whatever this machine has installed.
 */
export interface NativeBinding {
  version?: Record<string, string>;
}

/** Rejects with "<package> is not installed" when it is absent, or with the load error when it is broken. */
export async function loadNativeBinding(packageName: string): Promise<NativeBinding> {
  try {
    return (await import(/* @vite-ignore */ packageName)) as NativeBinding;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(`${packageName} is not installed`);
    throw new Error(`${packageName} is installed but failed to load: ${(error as Error).message}`);
  }
}
