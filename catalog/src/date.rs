//! The catalog's calendar days: ISO dates in `catalog.yaml`, "26 March 2025" in the documentation
//! page, and the build's as-of date. Plain integer arithmetic, so the crate needs no date library
//! (the `time` crate's newest releases need a newer Rust than this crate declares). The runtime has
//! the same few lines in `runtime/src/civil.rs`: neither crate can depend on the other.

use std::fmt;

/// A day of the proleptic Gregorian calendar, years 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // field order is the order of comparison
    year: i32,
    month: u8,
    day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The day, if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days_in_month).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Reads `YYYY-MM-DD`, checking that the day exists.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shaped {
            return None;
        }
        Date::from_ymd(
            text[0..4].parse().ok()?,
            text[5..7].parse().ok()?,
            text[8..10].parse().ok()?,
        )
    }

    /// The day a moment `seconds` after 1970-01-01 00:00 UTC falls on.
    pub fn from_unix_seconds(seconds: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days
        let z = seconds.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::from_ymd(i32::try_from(year).ok()?, month, day)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The month's English name, as the documentation writes it.
    pub fn month_name(self) -> &'static str {
        MONTHS[usize::from(self.month - 1)]
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn iso_dates_are_read_only_when_the_day_exists() {
        let date = Date::parse_iso("2024-02-29").unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 29));
        assert_eq!(date.to_string(), "2024-02-29");
        assert_eq!(date.month_name(), "February");
        for refused in [
            "2025-02-29",
            "2025-13-01",
            "2025-04-31",
            "2025-3-26",
            "+025-03-26",
            "2025/03/26",
            "0000-01-01",
        ] {
            assert_eq!(Date::parse_iso(refused), None, "{refused}");
        }
        assert!(Date::parse_iso("2025-03-26") < Date::parse_iso("2025-12-08"));
    }

    #[test]
    fn unix_seconds_fall_on_their_utc_day() {
        assert_eq!(Date::from_unix_seconds(0), Date::from_ymd(1970, 1, 1));
        assert_eq!(
            Date::from_unix_seconds(1_765_152_000),
            Date::from_ymd(2025, 12, 8)
        );
        assert_eq!(
            Date::from_unix_seconds(1_765_151_999),
            Date::from_ymd(2025, 12, 7)
        );
        assert_eq!(Date::from_unix_seconds(-1), Date::from_ymd(1969, 12, 31));
        assert_eq!(Date::from_unix_seconds(i64::MAX), None);
    }
}
