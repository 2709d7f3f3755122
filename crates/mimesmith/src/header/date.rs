//! The Date field (RFC 5322 §3.3) and RFC 3339 input.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SECS_PER_DAY: i64 = 86_400;
/// Offsets are at most ±99:59 in RFC 5322 §3.3 (`zone = (+ / -) 4DIGIT`);
/// real zones stay within ±14:00 hours.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;
/// Years RFC 5322 §3.3 can write with four digits, from the first year it
/// allows (1900, RFC 5322 §3.3: "year ... MUST be 1900 or later").
const MIN_YEAR: i64 = 1900;
const MAX_YEAR: i64 = 9999;

/// An instant and the UTC offset to show it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    unix: i64,
    offset_minutes: i32,
}

impl DateTime {
    /// An instant in seconds since the Unix epoch, shown at `offset_minutes`
    /// east of UTC.
    ///
    /// # Errors
    /// [`Error::InvalidDate`] for an offset beyond ±14:00 or a year outside
    /// 1900–9999.
    pub fn from_unix(unix: i64, offset_minutes: i32) -> Result<Self> {
        let d = Self {
            unix,
            offset_minutes,
        };
        let invalid = |reason| Error::InvalidDate {
            input: format!("{unix} {offset_minutes:+}"),
            reason,
        };
        if offset_minutes.abs() > MAX_OFFSET_MINUTES {
            return Err(invalid("the UTC offset is beyond ±14:00"));
        }
        let year = civil_from_days(d.local().div_euclid(SECS_PER_DAY)).0;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(invalid("the year is outside 1900–9999 (RFC 5322 §3.3)"));
        }
        Ok(d)
    }

    /// The current time, in UTC.
    #[must_use]
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Parses an RFC 3339 timestamp: `2026-11-23T10:00:00+08:00`,
    /// `2026-11-23 02:00:00Z`, fractions of a second ignored.
    ///
    /// # Errors
    /// [`Error::InvalidDate`] saying which part is wrong.
    pub fn parse_rfc3339(s: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidDate {
            input: s.to_owned(),
            reason,
        };
        let b = s.trim().as_bytes();
        let num = |range: std::ops::Range<usize>| -> Result<i64> {
            let digits = b
                .get(range)
                .ok_or_else(|| invalid("too short for RFC 3339"))?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(invalid(
                    "expected digits (RFC 3339: YYYY-MM-DDTHH:MM:SS±HH:MM)",
                ));
            }
            Ok(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |i: usize, allowed: &[u8]| -> Result<()> {
            match b.get(i) {
                Some(c) if allowed.contains(c) => Ok(()),
                _ => Err(invalid("expected RFC 3339: YYYY-MM-DDTHH:MM:SS±HH:MM")),
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        sep(4, b"-")?;
        sep(7, b"-")?;
        sep(10, b"Tt ")?;
        sep(13, b":")?;
        sep(16, b":")?;
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(invalid("no such day"));
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(invalid("no such time of day"));
        }
        if second == 60 {
            // RFC 3339 §5.7 and RFC 5322 §3.3 allow a leap second, but it has
            // no Unix time of its own (it would be written as 00:00:00 of the
            // next day, a silent change), and Python's email rejects second
            // 60 in a Date: refused rather than moved (issue 10 item 9).
            return Err(invalid(
                "a leap second (second 60) cannot be written faithfully: give 23:59:59",
            ));
        }
        let mut i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(invalid("a fraction of a second needs digits"));
            }
        }
        let offset = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() => {
                sep(i + 3, b":")?;
                let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if h > 23 || m > 59 {
                    return Err(invalid("no such UTC offset"));
                }
                let minutes =
                    i32::try_from(h * 60 + m).map_err(|_| invalid("no such UTC offset"))?;
                if sign == b'-' { -minutes } else { minutes }
            }
            _ => return Err(invalid("expected a UTC offset: Z or ±HH:MM")),
        };
        let local =
            days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second;
        Self::from_unix(local - i64::from(offset) * 60, offset)
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub const fn unix(&self) -> i64 {
        self.unix
    }

    /// The UTC offset in minutes east of UTC.
    #[must_use]
    pub const fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    fn local(&self) -> i64 {
        self.unix + i64::from(self.offset_minutes) * 60
    }

    /// `Mon, 23 Nov 2026 10:00:00 +0800` (RFC 5322 §3.3): always
    /// [`RFC5322_LEN`] octets (two digits per field, four for the year),
    /// formatted on the stack.
    pub(crate) fn rfc5322_bytes(&self) -> [u8; RFC5322_LEN] {
        let local = self.local();
        let days = local.div_euclid(SECS_PER_DAY);
        let secs = local.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let weekday = DAYS
            .get(days.rem_euclid(7) as usize)
            .copied()
            .unwrap_or("Mon")
            .as_bytes();
        let month = MONTHS
            .get((month - 1) as usize)
            .copied()
            .unwrap_or("Jan")
            .as_bytes();
        let off = i64::from(self.offset_minutes.abs());
        let sign = if self.offset_minutes < 0 { b'-' } else { b'+' };
        let [d0, d1] = two_digits(day);
        let [y0, y1] = two_digits(year / 100);
        let [y2, y3] = two_digits(year % 100);
        let [h0, h1] = two_digits(secs / 3600);
        let [m0, m1] = two_digits(secs / 60 % 60);
        let [s0, s1] = two_digits(secs % 60);
        let [oh0, oh1] = two_digits(off / 60);
        let [om0, om1] = two_digits(off % 60);
        let (w, mo) = (weekday, month);
        [
            w[0], w[1], w[2], b',', b' ', d0, d1, b' ', mo[0], mo[1], mo[2], b' ', y0, y1, y2, y3,
            b' ', h0, h1, b':', m0, m1, b':', s0, s1, b' ', sign, oh0, oh1, om0, om1,
        ]
    }

    /// The RFC 5322 form as a string.
    #[must_use]
    pub fn to_rfc5322(&self) -> String {
        String::from_utf8_lossy(&self.rfc5322_bytes()).into_owned()
    }
}

/// Octets of a date as [`DateTime::rfc5322_bytes`] writes it.
pub(crate) const RFC5322_LEN: usize = 31;

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        let unix = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self {
            unix,
            offset_minutes: 0,
        }
    }
}

/// The last two decimal digits of `n`.
fn two_digits(n: i64) -> [u8; 2] {
    TWO_DIGITS[n.rem_euclid(100) as usize]
}

/// `00` to `99`.
const TWO_DIGITS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

const fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

const fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
/// "chrono-Compatible Low-Level Date Algorithms").
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_rfc5322_dates_with_the_given_offset() {
        let d = DateTime::parse_rfc3339("2026-11-23T10:00:00+08:00").unwrap();
        assert_eq!(d.to_rfc5322(), "Mon, 23 Nov 2026 10:00:00 +0800");
        assert_eq!(d.unix(), 1_795_399_200);
        let d = DateTime::parse_rfc3339("1999-12-31t23:59:59.123-05:30").unwrap();
        assert_eq!(d.to_rfc5322(), "Fri, 31 Dec 1999 23:59:59 -0530");
        let d = DateTime::from_unix(0, 0).unwrap();
        assert_eq!(d.to_rfc5322(), "Thu, 01 Jan 1970 00:00:00 +0000");
        let d = DateTime::parse_rfc3339("2024-02-29 00:00:00Z").unwrap();
        assert_eq!(d.to_rfc5322(), "Thu, 29 Feb 2024 00:00:00 +0000");
    }

    #[test]
    fn rejects_bad_rfc3339_with_a_reason() {
        for bad in [
            "",
            "2026-11-23",
            "2026-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T10:00:00",
            "2026-11-23T10:00:00+8:00",
            "2026-11-23T10:00:00+15:00",
            "1800-01-01T00:00:00Z",
            "2026-11-23T10:00:00.Z",
            "２０２６-11-23T10:00:00Z",
        ] {
            assert!(DateTime::parse_rfc3339(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn civil_conversion_round_trips_over_centuries() {
        for days in (-25_567..=2_932_896).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
