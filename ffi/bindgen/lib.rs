//! Nothing: the package exists for its `uniffi-bindgen` binary (main.rs). The library lets `andopen-ffi`
//! name this package as a dependency that is never built, so that the Python sdist carries the generator.
