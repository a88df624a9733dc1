use std::fmt;

use crate::civil;

/// A calendar date from the catalog (no time zone: the catalog's dates are whole days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CatalogDate {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl CatalogDate {
    /// A date from its parts. The catalog loader has already checked that it is a real date.
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        CatalogDate { year, month, day }
    }

    /// Parses an ISO date, `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month, day) = civil::parse_iso_date(text)?;
        Some(CatalogDate::new(year, month, day))
    }

    /// Today's date in UTC: from the system clock, or, on a target that has none
    /// (`wasm32-unknown-unknown`, where `SystemTime::now()` panics), the date the runtime was
    /// built ([`CatalogDate::BUILD_DATE`]). A page that wants the browser's date passes it to
    /// [`Decoder::as_of`](crate::Decoder::as_of), e.g. from
    /// [`CatalogDate::from_unix_millis`]`(Date.now())`.
    pub fn today_utc() -> Self {
        // only a target without a clock has a build date
        if let Some(date) = CatalogDate::BUILD_DATE {
            return date;
        }
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        CatalogDate::from_days_since_epoch(seconds.div_euclid(86_400))
    }

    /// On a target without a clock, the date the runtime was built: `PARTNER_EVENTS_AS_OF`
    /// (`YYYY-MM-DD`), else `SOURCE_DATE_EPOCH`, else the build machine's date. `None` on targets
    /// with a clock, where [`CatalogDate::today_utc`] reads it.
    pub const BUILD_DATE: Option<CatalogDate> =
        include!(concat!(env!("OUT_DIR"), "/build_date.rs"));

    /// The UTC date of a moment given in milliseconds since 1970 (JavaScript's `Date.now()`).
    /// Not-a-number and infinities give 1970-01-01.
    pub fn from_unix_millis(millis: f64) -> Self {
        let days = if millis.is_finite() {
            (millis / 86_400_000.0).floor() as i64
        } else {
            0
        };
        CatalogDate::from_days_since_epoch(days)
    }

    /// The date `days` after 1970-01-01 (before, when negative).
    pub const fn from_days_since_epoch(days: i64) -> Self {
        let (year, month, day) = civil::civil_from_days(days);
        CatalogDate::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    pub const fn days_since_epoch(self) -> i64 {
        civil::days_from_civil(self.year, self.month, self.day)
    }
}

impl fmt::Display for CatalogDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An event's lifecycle, from its catalog row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lifecycle {
    /// First day the event is sent.
    pub active: CatalogDate,
    /// Day it was deprecated, if it was.
    pub deprecation: Option<CatalogDate>,
    /// Last day it is supported, if set.
    pub sunset: Option<CatalogDate>,
    /// The wire name of the event that replaces it.
    pub replaced_by: Option<&'static str>,
}

/// Where an event stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleStatus {
    /// Before its active date.
    NotYetActive {
        /// The day it becomes active.
        active: CatalogDate,
    },
    /// Active and not deprecated.
    Active,
    /// Deprecated, and not past its sunset.
    Deprecated {
        /// The last supported day, if set.
        sunset: Option<CatalogDate>,
        /// The replacement, if any.
        replaced_by: Option<&'static str>,
    },
    /// Past its sunset date.
    Sunset {
        /// The day it sunset.
        sunset: CatalogDate,
        /// The replacement, if any.
        replaced_by: Option<&'static str>,
    },
}

impl Lifecycle {
    /// Where the event stands on `date`. The sunset day itself is the last supported day.
    pub fn status_on(&self, date: CatalogDate) -> LifecycleStatus {
        if date < self.active {
            return LifecycleStatus::NotYetActive {
                active: self.active,
            };
        }
        if let Some(sunset) = self.sunset {
            if date > sunset {
                return LifecycleStatus::Sunset {
                    sunset,
                    replaced_by: self.replaced_by,
                };
            }
        }
        match self.deprecation {
            Some(deprecation) if date >= deprecation => LifecycleStatus::Deprecated {
                sunset: self.sunset,
                replaced_by: self.replaced_by,
            },
            _ => LifecycleStatus::Active,
        }
    }
}

impl LifecycleStatus {
    /// `not_yet_active`, `active`, `deprecated` or `sunset`: the one word for the status, as the
    /// command-line tool reports it and the bridge's metrics count it (`status` label).
    pub fn as_str(&self) -> &'static str {
        match self {
            LifecycleStatus::NotYetActive { .. } => "not_yet_active",
            LifecycleStatus::Active => "active",
            LifecycleStatus::Deprecated { .. } => "deprecated",
            LifecycleStatus::Sunset { .. } => "sunset",
        }
    }
}

/// `active`, `not yet active (from 2025-03-26)`, `deprecated (sunset 2026-12-08; use
/// aw-interaction-focus-v2)` or `past its sunset (2026-12-08; use aw-interaction-focus-v2)`: for
/// logs and tools.
impl fmt::Display for LifecycleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (label, date, replaced_by) = match *self {
            LifecycleStatus::Active => return f.write_str("active"),
            LifecycleStatus::NotYetActive { active } => {
                return write!(f, "not yet active (from {active})")
            }
            LifecycleStatus::Deprecated {
                sunset,
                replaced_by,
            } => ("deprecated", sunset, replaced_by),
            LifecycleStatus::Sunset {
                sunset,
                replaced_by,
            } => ("past its sunset", Some(sunset), replaced_by),
        };
        f.write_str(label)?;
        match (date, replaced_by) {
            (None, None) => Ok(()),
            (Some(date), None) => write!(f, " (sunset {date})"),
            (None, Some(replacement)) => write!(f, " (use {replacement})"),
            (Some(date), Some(replacement)) => {
                write!(f, " (sunset {date}; use {replacement})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOCUS_V1: Lifecycle = Lifecycle {
        active: CatalogDate::new(2025, 3, 26),
        deprecation: Some(CatalogDate::new(2025, 9, 8)),
        sunset: Some(CatalogDate::new(2026, 12, 8)),
        replaced_by: Some("aw-interaction-focus-v2"),
    };

    #[test]
    fn status_follows_the_dates() {
        let on = |y, m, d| FOCUS_V1.status_on(CatalogDate::new(y, m, d));
        assert_eq!(
            on(2025, 3, 25),
            LifecycleStatus::NotYetActive {
                active: FOCUS_V1.active
            }
        );
        assert_eq!(on(2025, 3, 26), LifecycleStatus::Active);
        assert_eq!(
            on(2025, 9, 8),
            LifecycleStatus::Deprecated {
                sunset: FOCUS_V1.sunset,
                replaced_by: Some("aw-interaction-focus-v2")
            }
        );
        assert!(matches!(
            on(2026, 12, 8),
            LifecycleStatus::Deprecated { .. }
        ));
        assert!(matches!(on(2026, 12, 9), LifecycleStatus::Sunset { .. }));
    }

    #[test]
    fn status_reads_as_text() {
        let on = |y, m, d| FOCUS_V1.status_on(CatalogDate::new(y, m, d)).to_string();
        assert_eq!(on(2025, 3, 1), "not yet active (from 2025-03-26)");
        assert_eq!(on(2025, 4, 1), "active");
        assert_eq!(
            on(2025, 9, 8),
            "deprecated (sunset 2026-12-08; use aw-interaction-focus-v2)"
        );
        assert_eq!(
            on(2027, 1, 1),
            "past its sunset (sunset 2026-12-08; use aw-interaction-focus-v2)"
        );
    }

    #[test]
    fn javascript_milliseconds_give_the_utc_day() {
        // 2025-07-02T08:41:06.638Z, the SDK docs' sample timestamp
        assert_eq!(
            CatalogDate::from_unix_millis(1_751_445_666_638.0),
            CatalogDate::new(2025, 7, 2)
        );
        // the last millisecond of 1969 is still 1969
        assert_eq!(
            CatalogDate::from_unix_millis(-1.0),
            CatalogDate::new(1969, 12, 31)
        );
        assert_eq!(
            CatalogDate::from_unix_millis(f64::NAN),
            CatalogDate::new(1970, 1, 1)
        );
    }

    #[test]
    fn the_tests_run_on_a_target_with_a_clock_and_read_it() {
        assert_eq!(CatalogDate::BUILD_DATE, None);
        assert!(CatalogDate::today_utc() >= CatalogDate::new(2025, 1, 1));
    }

    #[test]
    fn dates_parse_strictly_and_count_days() {
        assert_eq!(
            CatalogDate::parse("2024-02-29"),
            Some(CatalogDate::new(2024, 2, 29))
        );
        assert_eq!(CatalogDate::parse("2025-02-29"), None);
        assert_eq!(CatalogDate::parse("2025-13-01"), None);
        assert_eq!(CatalogDate::parse("2025-1-01"), None);
        assert_eq!(CatalogDate::new(1970, 1, 1).days_since_epoch(), 0);
        for date in [
            CatalogDate::new(1970, 1, 1),
            CatalogDate::new(2024, 2, 29),
            CatalogDate::new(2026, 12, 8),
            CatalogDate::new(1969, 12, 31),
        ] {
            assert_eq!(
                CatalogDate::from_days_since_epoch(date.days_since_epoch()),
                date
            );
        }
        assert_eq!(
            CatalogDate::new(2026, 12, 8).days_since_epoch()
                - CatalogDate::new(2026, 11, 25).days_since_epoch(),
            13
        );
    }
}
