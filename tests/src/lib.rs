//! Integration tests live in `tests/`; this crate has no code of its own, except the README's and
//! the guide's examples, which run here as doctests (`cargo test -p partner-events-tests --doc`):
//! this crate depends on everything they use. Each file's Rust blocks are one struct's doc, only
//! under `cfg(doctest)`, so nothing is built from them otherwise.

/// `README.md`
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;

macro_rules! guide_chapters {
    ($($name:ident = $file:literal,)*) => {
        $(
            #[doc = concat!("`docs/", $file, "`")]
            #[cfg(doctest)]
            #[doc = include_str!(concat!("../../docs/", $file))]
            pub struct $name;
        )*
    };
}

guide_chapters! {
    GuideIndex = "README.md",
    TypesAndDecoding = "types-and-decoding.md",
    Handlers = "handlers.md",
    PageWasm = "page-wasm.md",
    Bridge = "bridge.md",
    Backbone = "backbone.md",
    Operating = "operating.md",
    TypeScript = "typescript.md",
    TestingKit = "testing-kit.md",
    Catalog = "catalog.md",
    Publishing = "publishing.md",
    Developing = "developing.md",
}
