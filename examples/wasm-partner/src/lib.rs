//! An example partner app that runs in the page: `#[partner_events::handler]` compiled to
//! WebAssembly.
//!
//! The page's JavaScript (`web/partner-wasm/main.js`) initialises the partner SDK, hands every
//! message `onMessage` receives to [`abi`], and calls `partnerSDK.system.sendEvent(name, data)`
//! for each event the app sends back. The module imports nothing: the page's clock comes in as an
//! argument, and the runtime never reads one.
//!
//! Build it (see the guide, `docs/page-wasm.md`):
//!
//! ```text
//! source target/wasm-toolchain/env.sh
//! cargo build -p partner-events-example-wasm --profile wasm-release \
//!     --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
//! ```

pub mod abi;
mod app;

pub use app::{AgentAssist, Outcome, Outgoing};
