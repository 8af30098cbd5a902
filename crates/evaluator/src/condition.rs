//! Condition operators: parsing of `Operator` names (with `IfExists`, `ForAnyValue:`,
//! `ForAllValues:`), typed condition values, policy variables, and the concrete evaluation of
//! one condition against the values a request carries for its key. Numbers and dates are exact
//! decimals at any magnitude (`bigdecimal`), never binary floating point: a bound of 2^53 or
//! more must still have values just below and just above it.

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode, ToPrimitive, Zero};

use crate::error::{Error, Place};
use crate::pattern::Pattern;

/// The operator family and its exact variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const OPERATORS: [(&str, BaseOp); 27] = [
    ("StringEquals", BaseOp::StringEquals),
    ("StringNotEquals", BaseOp::StringNotEquals),
    ("StringEqualsIgnoreCase", BaseOp::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", BaseOp::StringNotEqualsIgnoreCase),
    ("StringLike", BaseOp::StringLike),
    ("StringNotLike", BaseOp::StringNotLike),
    ("NumericEquals", BaseOp::NumericEquals),
    ("NumericNotEquals", BaseOp::NumericNotEquals),
    ("NumericLessThan", BaseOp::NumericLessThan),
    ("NumericLessThanEquals", BaseOp::NumericLessThanEquals),
    ("NumericGreaterThan", BaseOp::NumericGreaterThan),
    ("NumericGreaterThanEquals", BaseOp::NumericGreaterThanEquals),
    ("DateEquals", BaseOp::DateEquals),
    ("DateNotEquals", BaseOp::DateNotEquals),
    ("DateLessThan", BaseOp::DateLessThan),
    ("DateLessThanEquals", BaseOp::DateLessThanEquals),
    ("DateGreaterThan", BaseOp::DateGreaterThan),
    ("DateGreaterThanEquals", BaseOp::DateGreaterThanEquals),
    ("Bool", BaseOp::Bool),
    ("BinaryEquals", BaseOp::BinaryEquals),
    ("IpAddress", BaseOp::IpAddress),
    ("NotIpAddress", BaseOp::NotIpAddress),
    ("ArnEquals", BaseOp::ArnEquals),
    ("ArnLike", BaseOp::ArnLike),
    ("ArnNotEquals", BaseOp::ArnNotEquals),
    ("ArnNotLike", BaseOp::ArnNotLike),
    ("Null", BaseOp::Null),
];

/// What kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOp {
    pub fn family(self) -> Family {
        use BaseOp::*;
        match self {
            StringEquals | StringNotEquals | StringEqualsIgnoreCase | StringNotEqualsIgnoreCase
            | StringLike | StringNotLike => Family::String,
            NumericEquals | NumericNotEquals | NumericLessThan | NumericLessThanEquals
            | NumericGreaterThan | NumericGreaterThanEquals => Family::Numeric,
            DateEquals | DateNotEquals | DateLessThan | DateLessThanEquals | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Negated operators hold when the request value differs from every listed value, and
    /// when the key is absent.
    pub fn is_negated(self) -> bool {
        use BaseOp::*;
        matches!(
            self,
            StringNotEquals | StringNotEqualsIgnoreCase | StringNotLike | NumericNotEquals
                | DateNotEquals | NotIpAddress | ArnNotEquals | ArnNotLike
        )
    }

    /// Whether values may contain wildcards.
    pub fn is_like(self) -> bool {
        use BaseOp::*;
        matches!(self, StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike)
    }

    pub fn ignores_case(self) -> bool {
        matches!(self, BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A parsed operator name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub base: BaseOp,
    pub qualifier: Option<SetQualifier>,
    pub if_exists: bool,
}

impl Operator {
    /// Parses `ForAnyValue:StringLikeIfExists` and the like. Operator names are case-sensitive
    /// in IAM; an unknown name is an error, never "true".
    pub fn parse(name: &str, pointer: &Place<'_>) -> Result<Operator, Error> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let base = OPERATORS
            .iter()
            .find(|(n, _)| *n == base_name)
            .map(|(_, op)| *op)
            .ok_or_else(|| Error::at(pointer, format!("unknown condition operator `{name}`")))?;
        if base == BaseOp::Null && (if_exists || qualifier.is_some()) {
            return Err(Error::at(pointer, format!("`Null` takes no qualifier or IfExists: `{name}`")));
        }
        Ok(Operator { base, qualifier, if_exists })
    }
}

/// One part of a string value with policy variables.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Text(String),
    /// `${key}` or `${key, 'default'}`; key lowercased.
    Variable { key: String, default: Option<String> },
    /// `${*}`, `${?}`, `${$}`: the literal character.
    Escape(char),
}

impl Value {
    /// Whether the value names exactly one thing: not a wildcard pattern, not a policy-variable
    /// template (whose value depends on the caller).
    pub fn is_fixed(&self) -> bool {
        match self {
            Value::Text { pattern: Some(p), .. } => !p.has_wildcard(),
            Value::Text { .. } => false,
            _ => true,
        }
    }
}

/// A typed condition value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// String, ARN and binary values: compiled for matching (policy variables resolved per request).
    Text { pattern: Option<Pattern>, template: Option<Vec<TemplatePart>> },
    /// An exact decimal.
    Number(BigDecimal),
    /// Seconds since the epoch, exact; `epoch` when the policy wrote the date as epoch seconds
    /// (candidate values are then written the same way).
    Date { seconds: BigDecimal, epoch: bool },
    Bool(bool),
    Cidr(Cidr),
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub v6: bool,
    pub network: u128,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let ip: std::net::IpAddr = addr.trim().parse().ok()?;
        let (v6, bits, max) = match ip {
            std::net::IpAddr::V4(v4) => (false, u128::from(u32::from(v4)), 32u8),
            std::net::IpAddr::V6(v6) => (true, u128::from(v6), 128u8),
        };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        let cidr = Cidr { v6, network: 0, prefix };
        Some(Cidr { network: bits & cidr.mask(), ..cidr })
    }

    fn width(&self) -> u32 {
        if self.v6 { 128 } else { 32 }
    }

    fn mask(&self) -> u128 {
        let width = self.width();
        if self.prefix == 0 {
            0
        } else {
            let ones = (!0u128) >> (128 - width);
            (ones >> (width - u32::from(self.prefix))) << (width - u32::from(self.prefix))
        }
    }

    pub fn contains(&self, ip: &Cidr) -> bool {
        ip.v6 == self.v6 && (ip.network & self.mask()) == self.network
    }

    /// The first address of the network and the address just past its end (when there is one).
    pub fn first_and_after(&self) -> (String, Option<String>) {
        let width = self.width();
        let size_minus_one = !self.mask() & ((!0u128) >> (128 - width));
        let last = self.network | size_minus_one;
        let after = last.checked_add(1).filter(|a| width == 128 || *a <= u128::from(u32::MAX));
        (self.format(self.network), after.map(|a| self.format(a)))
    }

    fn format(&self, bits: u128) -> String {
        if self.v6 {
            std::net::Ipv6Addr::from(bits).to_string()
        } else {
            std::net::Ipv4Addr::from(bits as u32).to_string()
        }
    }

    /// Private, loopback or link-local ranges.
    pub fn is_private(&self) -> bool {
        const PRIVATE_V4: [&str; 5] =
            ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16"];
        const PRIVATE_V6: [&str; 3] = ["fc00::/7", "fe80::/10", "::1/128"];
        let list: &[&str] = if self.v6 { &PRIVATE_V6 } else { &PRIVATE_V4 };
        list.iter().filter_map(|p| Cidr::parse(p)).any(|net| net.prefix <= self.prefix && net.contains(self))
    }

    /// Broader than S3's public threshold (/8 for IPv4, /32 for IPv6) and not private.
    pub fn is_broad(&self) -> bool {
        let limit = if self.v6 { 32 } else { 8 };
        self.prefix < limit && !self.is_private()
    }
}

/// Parses a condition value of `family`. `raw` is the value as written (numbers and booleans
/// already turned into their text). With `variables` false (a policy whose `Version` is not
/// `2012-10-17`), `${…}` is literal text, as AWS reads it there.
pub fn parse_value(op: BaseOp, raw: &str, pointer: &Place<'_>, variables: bool) -> Result<Value, Error> {
    let bad = |what: &str| Error::at(pointer, format!("`{raw}` is not {what}"));
    match op.family() {
        Family::String | Family::Arn | Family::Binary => {
            let ignore_case = op.ignores_case();
            let wild = op.is_like();
            if variables && raw.contains("${") {
                let template = parse_template(raw, pointer)?;
                Ok(Value::Text { pattern: None, template: Some(template) })
            } else {
                let pattern = if wild { Pattern::new(raw, ignore_case) } else { Pattern::literal(raw, ignore_case) };
                Ok(Value::Text { pattern: Some(pattern), template: None })
            }
        }
        Family::Numeric => {
            parse_number(raw).map(Value::Number).ok_or_else(|| bad("a number (an integer or decimal such as `-12` or `3.5`)"))
        }
        Family::Date => parse_date(raw)
            .map(|seconds| Value::Date { seconds, epoch: is_decimal(raw) })
            .ok_or_else(|| bad("a date (ISO 8601 or epoch seconds)")),
        Family::Bool | Family::Null => match raw.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("`true` or `false`")),
        },
        Family::Ip => Cidr::parse(raw).map(Value::Cidr).ok_or_else(|| bad("an IP address or CIDR range")),
    }
}

/// Splits a value with `${…}` policy variables into parts.
pub fn parse_template(raw: &str, pointer: &Place<'_>) -> Result<Vec<TemplatePart>, Error> {
    let mut parts = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            parts.push(TemplatePart::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| Error::at(pointer, format!("unclosed policy variable in `{raw}`")))?;
        let inner = after[..end].trim();
        match inner {
            "*" => parts.push(TemplatePart::Escape('*')),
            "?" => parts.push(TemplatePart::Escape('?')),
            "$" => parts.push(TemplatePart::Escape('$')),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        let d = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')).ok_or_else(|| {
                            Error::at(pointer, format!("policy variable default must be quoted: `{inner}`"))
                        })?;
                        (k.trim(), Some(d.to_string()))
                    }
                    None => (inner, None),
                };
                if key.is_empty() {
                    return Err(Error::at(pointer, format!("empty policy variable in `{raw}`")));
                }
                parts.push(TemplatePart::Variable { key: key.to_ascii_lowercase(), default });
            }
        }
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Text(rest.to_string()));
    }
    Ok(parts)
}

/// Resolves policy variables against a request; `None` when a variable has no value and no
/// default (the value then matches nothing).
pub fn resolve_template<'a>(
    parts: &[TemplatePart],
    wild: bool,
    ignore_case: bool,
    lookup: impl Fn(&str) -> Option<&'a [String]>,
) -> Option<Pattern> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for part in parts {
        match part {
            TemplatePart::Text(t) => pieces.push((t.clone(), wild)),
            TemplatePart::Escape(c) => pieces.push((c.to_string(), false)),
            TemplatePart::Variable { key, default } => {
                let value = lookup(key).and_then(|v| v.first().cloned()).or_else(|| default.clone())?;
                pieces.push((value, false));
            }
        }
    }
    Some(Pattern::from_parts(pieces.iter().map(|(t, w)| (t.as_str(), *w)), ignore_case))
}

/// Whether `text` is a number as AWS documents them (integers and decimals): an optional `-`,
/// digits, and optionally `.` and digits. No sign `+`, exponent, space, `inf` or `NaN`.
pub fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// Reads a number exactly; `None` unless [`is_decimal`].
pub fn parse_number(text: &str) -> Option<BigDecimal> {
    if !is_decimal(text) {
        return None;
    }
    BigDecimal::from_str(text).ok()
}

/// Unsigned decimal digits only (no sign, no space).
fn digits<T: FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses ISO 8601 (`2020-01-01`, `2020-01-01T00:00:00Z`, fractions, `+hh:mm` offsets) or
/// epoch seconds (a number as [`is_decimal`] reads it), exactly.
pub fn parse_date(raw: &str) -> Option<BigDecimal> {
    if is_decimal(raw) {
        return parse_number(raw);
    }
    let (date, time) = match raw.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (raw, None),
    };
    let mut d = date.split('-');
    let year_text = d.next()?;
    if year_text.len() > 6 {
        return None;
    }
    let year: i64 = digits(year_text)?;
    let month: u32 = d.next().map_or(Some(1), digits)?;
    let day: u32 = d.next().map_or(Some(1), digits)?;
    if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut whole = days_from_civil(year, month, day) * 86_400;
    let mut fraction = BigDecimal::zero();
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut c = clock.split(':');
        let h: i64 = digits(c.next()?)?;
        let m: i64 = c.next().map_or(Some(0), digits)?;
        let sec = match c.next() {
            Some(text) if !text.starts_with('-') => parse_number(text)?,
            Some(_) => return None,
            None => BigDecimal::zero(),
        };
        if c.next().is_some() || h >= 24 || m >= 60 || sec >= 61 {
            return None;
        }
        whole += h * 3600 + m * 60 - offset;
        fraction = sec;
    }
    Some(BigDecimal::from(whole) + fraction)
}

/// The clock part of a time and its UTC offset in seconds (`Z`, `+hh:mm`, `-hh`, `+hhmm`).
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(pos) = time.rfind(['+', '-']) {
        let (clock, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = &off[1..];
        let (h, m) = match off.split_once(':') {
            Some(parts) => parts,
            None if off.len() == 4 => off.split_at(2),
            None => (off, "0"),
        };
        let h: i64 = digits(h)?;
        let m: i64 = digits(m)?;
        if h > 23 || m > 59 {
            return None;
        }
        return Some((clock, sign * (h * 3600 + m * 60)));
    }
    Some((time, 0))
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// First and last second (epoch) that [`format_date`] writes as ISO 8601: years 0000 to 9999.
const ISO_SECONDS: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;

/// Formats epoch seconds as ISO 8601 UTC (with the fraction of a second, if any); a moment
/// outside the years 0000 to 9999 as epoch seconds, which [`parse_date`] reads back exactly.
pub fn format_date(seconds: &BigDecimal) -> String {
    let floor = seconds.with_scale_round(0, RoundingMode::Floor);
    let Some(secs) = floor.to_i64().filter(|s| ISO_SECONDS.contains(s)) else {
        return seconds.to_plain_string();
    };
    let fraction = (seconds - &floor).normalized();
    let fraction = if fraction.is_zero() {
        String::new()
    } else {
        fraction.to_plain_string().trim_start_matches('0').to_string()
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{fraction}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Whether one request value matches one condition value under the positive form of `op`.
pub fn value_matches<'a>(
    op: BaseOp,
    value: &Value,
    request_value: &str,
    lookup: &impl Fn(&str) -> Option<&'a [String]>,
) -> bool {
    use BaseOp::*;
    match value {
        Value::Text { pattern, template } => {
            let resolved;
            let pattern = match (pattern, template) {
                (Some(p), _) => p,
                (None, Some(t)) => {
                    match resolve_template(t, op.is_like(), op.ignores_case(), lookup) {
                        Some(p) => {
                            resolved = p;
                            &resolved
                        }
                        None => return false,
                    }
                }
                (None, None) => return false,
            };
            if op.family() == Family::Arn {
                arn_matches(pattern, request_value)
            } else {
                pattern.matches(request_value)
            }
        }
        Value::Number(n) => match parse_number(request_value) {
            Some(r) => match op {
                NumericEquals | NumericNotEquals => r == *n,
                NumericLessThan => r < *n,
                NumericLessThanEquals => r <= *n,
                NumericGreaterThan => r > *n,
                NumericGreaterThanEquals => r >= *n,
                _ => false,
            },
            None => false,
        },
        Value::Date { seconds: d, .. } => match parse_date(request_value) {
            Some(r) => match op {
                DateEquals | DateNotEquals => r == *d,
                DateLessThan => r < *d,
                DateLessThanEquals => r <= *d,
                DateGreaterThan => r > *d,
                DateGreaterThanEquals => r >= *d,
                _ => false,
            },
            None => false,
        },
        Value::Bool(b) => request_value.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Cidr(net) => Cidr::parse(request_value).is_some_and(|ip| net.contains(&ip)),
    }
}

/// ARN matching: the request value must be an ARN (six colon-separated parts); the pattern is
/// then matched against the whole ARN. (IAM matches the six parts one by one; the two differ
/// only for patterns whose wildcard spans a colon between parts, which real policies do not
/// write: documented in docs/findings.md.)
fn arn_matches(pattern: &Pattern, request_value: &str) -> bool {
    if request_value.splitn(6, ':').count() != 6 {
        return false;
    }
    pattern.matches(request_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_parse_with_qualifiers() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists", &Place::ROOT).expect("valid");
        assert_eq!(op.base, BaseOp::StringLike);
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert!(op.if_exists);
        assert!(Operator::parse("StringEqualz", &Place::ROOT).is_err());
        assert!(Operator::parse("stringequals", &Place::ROOT).is_err());
        assert!(Operator::parse("NullIfExists", &Place::ROOT).is_err());
    }

    fn decimal(text: &str) -> BigDecimal {
        BigDecimal::from_str(text).expect("a decimal")
    }

    #[test]
    fn dates_parse_and_format() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(decimal("0")));
        assert_eq!(parse_date("2020-01-01"), Some(decimal("1577836800")));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), Some(decimal("1577836800")));
        assert_eq!(parse_date("2020-01-01T01:00:00+0100"), Some(decimal("1577836800")));
        assert_eq!(parse_date("2020-01-01T00:00:00.25Z"), Some(decimal("1577836800.25")));
        assert_eq!(parse_date("1577836800"), Some(decimal("1577836800")));
        assert_eq!(format_date(&decimal("1577836800")), "2020-01-01T00:00:00Z");
        assert_eq!(format_date(&decimal("1577836799.75")), "2019-12-31T23:59:59.75Z");
        assert_eq!(format_date(&decimal("-62167219201")), "-62167219201");
        for bad in ["yesterday", " 2020-01-01", "+2020-01-01", "2020-01-01Tinf:00", "1e9", "", "NaN"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        for text in ["2020-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.5Z"] {
            assert_eq!(parse_date(text).map(|d| format_date(&d)).as_deref(), Some(text));
        }
    }

    #[test]
    fn numbers_are_exact_decimals() {
        for good in ["0", "-0", "5", "-12", "3.5", "007", "10000000000000000", "-9007199254740993.000001"] {
            assert!(parse_number(good).is_some(), "{good}");
        }
        for bad in ["", "-", "+5", " 5 ", "5 ", "1e16", "1E5", "inf", "-inf", "infinity", "NaN", "5.", ".5", "0x10", "1_000"] {
            assert!(parse_number(bad).is_none(), "{bad}");
        }
        let big = decimal("9007199254740993");
        assert!(big > decimal("9007199254740992") && big < decimal("9007199254740994"));
        assert_eq!(decimal("1.50"), decimal("1.5"));
        let lookup = |_: &str| -> Option<&[String]> { None };
        let bound = Value::Number(decimal("10000000000000000"));
        assert!(value_matches(BaseOp::NumericLessThan, &bound, "9999999999999999", &lookup));
        assert!(!value_matches(BaseOp::NumericLessThan, &bound, "10000000000000000", &lookup));
        assert!(!value_matches(BaseOp::NumericLessThan, &bound, "1e3", &lookup));
    }

    #[test]
    fn cidrs_contain_and_classify() {
        let net = Cidr::parse("203.0.113.0/24").expect("valid");
        assert!(net.contains(&Cidr::parse("203.0.113.9").expect("valid")));
        assert!(!net.contains(&Cidr::parse("203.0.114.9").expect("valid")));
        assert_eq!(net.first_and_after(), ("203.0.113.0".to_string(), Some("203.0.114.0".to_string())));
        assert!(Cidr::parse("0.0.0.0/1").expect("valid").is_broad());
        assert!(Cidr::parse("10.1.0.0/16").expect("valid").is_private());
        assert!(Cidr::parse("2001:db8::/32").is_some());
    }
}
