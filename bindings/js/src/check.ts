/** Checks shared by both modules' loaders. */

/** Throws a `TypeError` unless `options.module` is a `WebAssembly.Module`, an `ArrayBuffer` or a view of one. */
export function checkSyncInput(options: unknown, name: string): void {
  const module = (options as { module?: unknown } | null)?.module;
  const ok = module instanceof WebAssembly.Module || module instanceof ArrayBuffer || ArrayBuffer.isView(module);
  if (options === null || typeof options !== "object" || !ok) {
    throw new TypeError(`${name}: options.module must be a WebAssembly.Module or the module's bytes, not ${module === null ? "null" : typeof module}`);
  }
}

