use std::fmt;

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
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: i32 = text[0..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..10].parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(CatalogDate::new(year, month, day))
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        CatalogDate::from_days_since_epoch(seconds.div_euclid(86_400))
    }

    /// The date `days` after 1970-01-01 (before, when negative).
    pub const fn from_days_since_epoch(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (year_of_era + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
        CatalogDate::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    pub const fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let year = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = if year >= 0 { year } else { year - 399 } / 400;
        let year_of_era = year - era * 400;
        let month = self.month as i64;
        let day_of_year =
            (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + self.day as i64 - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
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
