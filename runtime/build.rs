//! The lifecycle date for targets without a clock.
//!
//! `wasm32-unknown-unknown` has no system clock: `SystemTime::now()` panics there
//! (rust-lang/rust#48564). On such a target the runtime judges lifecycles, unless told a date with
//! `Decoder::as_of`, on the day it was built: `PARTNER_EVENTS_AS_OF` (`YYYY-MM-DD`), else
//! `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention), else the build
//! machine's clock. Other targets read the clock at run time, and their `BUILD_DATE` is `None`.

use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PARTNER_EVENTS_AS_OF");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    // `CatalogDate::BUILD_DATE`'s value
    let value = if arch.starts_with("wasm") && os == "unknown" {
        match build_date() {
            Ok((year, month, day)) => {
                format!("Some(crate::CatalogDate::new({year}, {month}, {day}))")
            }
            Err(message) => {
                // a bad variable is the builder's mistake: say which and stop, rather than guess
                eprintln!("error: {message}");
                std::process::exit(1);
            }
        }
    } else {
        "None".to_owned()
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("build_date.rs"), value).expect("OUT_DIR is writable");
}

#[path = "src/civil.rs"]
#[allow(dead_code)] // the script uses two of the three functions
mod civil;

fn build_date() -> Result<(i32, u8, u8), String> {
    if let Some(text) = std::env::var("PARTNER_EVENTS_AS_OF")
        .ok()
        .filter(|t| !t.is_empty())
    {
        return civil::parse_iso_date(text.trim()).ok_or_else(|| {
            format!("PARTNER_EVENTS_AS_OF=`{text}` is not a date; write it as YYYY-MM-DD")
        });
    }
    let seconds = match std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|t| !t.is_empty())
    {
        Some(text) => text.trim().parse::<i64>().map_err(|_| {
            format!("SOURCE_DATE_EPOCH=`{text}` is not a number of seconds since 1970-01-01")
        })?,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64),
    };
    Ok(civil::civil_from_days(seconds.div_euclid(86_400)))
}
