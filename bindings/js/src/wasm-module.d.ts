// What a `.wasm` import is where the package imports one (workerd, through wrangler): a compiled module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
