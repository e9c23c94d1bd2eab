/**
 * Remembers the stock kernels we replace, so a replacement can hand the cases it does not
 * speed up back to the original implementation.
 * @module
 */
import type { KernelFunc } from "@tensorflow/tfjs-core";

const stock = new Map<string, KernelFunc>();

/** Records the stock kernel `kernelName` of `backendName` (done by `installKernels`). */
export function rememberStock(kernelName: string, backendName: string, fn: KernelFunc): void {
  stock.set(`${backendName}/${kernelName}`, fn);
}

/** The stock kernel replaced by ours; throws if it was never recorded. */
export function stockKernel(kernelName: string, backendName: string): KernelFunc {
  const fn = stock.get(`${backendName}/${kernelName}`);
  if (!fn) {
    throw new Error(`No stock ${kernelName} kernel recorded for backend "${backendName}"`);
  }
  return fn;
}
