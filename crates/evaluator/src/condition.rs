//! Condition operators: parsing of `Operator` names (with `IfExists`, `ForAnyValue:`,
//! `ForAllValues:`), typed condition values, policy variables, and the concrete evaluation of
//! one condition against the values a request carries for its key.

use crate::error::Error;
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
    pub fn parse(name: &str, pointer: &str) -> Result<Operator, Error> {
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
            .ok_or_else(|| Error::parse(pointer, format!("unknown condition operator `{name}`")))?;
        if base == BaseOp::Null && (if_exists || qualifier.is_some()) {
            return Err(Error::parse(pointer, format!("`Null` takes no qualifier or IfExists: `{name}`")));
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
    Number(f64),
    /// Seconds since the epoch.
    Date(f64),
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
/// already turned into their text).
pub fn parse_value(op: BaseOp, raw: &str, pointer: &str) -> Result<Value, Error> {
    let bad = |what: &str| Error::parse(pointer, format!("`{raw}` is not {what}"));
    match op.family() {
        Family::String | Family::Arn | Family::Binary => {
            let ignore_case = op.ignores_case();
            let wild = op.is_like();
            if raw.contains("${") {
                let template = parse_template(raw, pointer)?;
                Ok(Value::Text { pattern: None, template: Some(template) })
            } else {
                let pattern = if wild { Pattern::new(raw, ignore_case) } else { Pattern::literal(raw, ignore_case) };
                Ok(Value::Text { pattern: Some(pattern), template: None })
            }
        }
        Family::Numeric => raw.trim().parse::<f64>().map(Value::Number).map_err(|_| bad("a number")),
        Family::Date => parse_date(raw).map(Value::Date).ok_or_else(|| bad("a date (ISO 8601 or epoch seconds)")),
        Family::Bool | Family::Null => match raw.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("`true` or `false`")),
        },
        Family::Ip => Cidr::parse(raw).map(Value::Cidr).ok_or_else(|| bad("an IP address or CIDR range")),
    }
}

/// Splits a value with `${…}` policy variables into parts.
pub fn parse_template(raw: &str, pointer: &str) -> Result<Vec<TemplatePart>, Error> {
    let mut parts = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            parts.push(TemplatePart::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| Error::parse(pointer, format!("unclosed policy variable in `{raw}`")))?;
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
                            Error::parse(pointer, format!("policy variable default must be quoted: `{inner}`"))
                        })?;
                        (k.trim(), Some(d.to_string()))
                    }
                    None => (inner, None),
                };
                if key.is_empty() {
                    return Err(Error::parse(pointer, format!("empty policy variable in `{raw}`")));
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

/// Parses ISO 8601 (`2020-01-01`, `2020-01-01T00:00:00Z`, fractions, `+hh:mm` offsets) or
/// epoch seconds.
pub fn parse_date(raw: &str) -> Option<f64> {
    let s = raw.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && !s.contains('-') {
        return s.parse::<f64>().ok();
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: u32 = d.next().map_or(Some(1), |m| m.parse().ok())?;
    if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) as f64 * 86_400.0;
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut c = clock.split(':');
        let h: f64 = c.next()?.parse().ok()?;
        let m: f64 = c.next().map_or(Some(0.0), |v| v.parse().ok())?;
        let sec: f64 = c.next().map_or(Some(0.0), |v| v.parse().ok())?;
        if c.next().is_some() || h >= 24.0 || m >= 60.0 || sec >= 61.0 {
            return None;
        }
        seconds += h * 3600.0 + m * 60.0 + sec - offset;
    }
    Some(seconds)
}

fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0.0));
    }
    if let Some(pos) = time.rfind(['+', '-']) {
        let (clock, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
        let off = &off[1..];
        let (h, m) = off.split_once(':').unwrap_or((off, "0"));
        let h: f64 = h.parse().ok()?;
        let m: f64 = m.parse().ok()?;
        return Some((clock, sign * (h * 3600.0 + m * 60.0)));
    }
    Some((time, 0.0))
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

/// Formats epoch seconds as ISO 8601 UTC (whole seconds).
pub fn format_date(seconds: f64) -> String {
    let secs = seconds.floor() as i64;
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
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
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
        Value::Number(n) => match request_value.trim().parse::<f64>() {
            Ok(r) => match op {
                NumericEquals | NumericNotEquals => r == *n,
                NumericLessThan => r < *n,
                NumericLessThanEquals => r <= *n,
                NumericGreaterThan => r > *n,
                NumericGreaterThanEquals => r >= *n,
                _ => false,
            },
            Err(_) => false,
        },
        Value::Date(d) => match parse_date(request_value) {
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
        let op = Operator::parse("ForAnyValue:StringLikeIfExists", "/x").expect("valid");
        assert_eq!(op.base, BaseOp::StringLike);
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert!(op.if_exists);
        assert!(Operator::parse("StringEqualz", "/x").is_err());
        assert!(Operator::parse("stringequals", "/x").is_err());
        assert!(Operator::parse("NullIfExists", "/x").is_err());
    }

    #[test]
    fn dates_parse_and_format() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_date("2020-01-01"), Some(1_577_836_800.0));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), Some(1_577_836_800.0));
        assert_eq!(parse_date("1577836800"), Some(1_577_836_800.0));
        assert_eq!(format_date(1_577_836_800.0), "2020-01-01T00:00:00Z");
        assert!(parse_date("yesterday").is_none());
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
