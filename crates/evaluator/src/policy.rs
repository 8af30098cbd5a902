//! The policy document: an AST of statements, principals, action and resource clauses and
//! conditions, parsed strictly from JSON (a key written twice is an error). Every error names
//! the JSON pointer of its place. The `Version` decides whether `${…}` is a policy variable
//! (2012-10-17) or literal text (2008-10-17, or no `Version`), as in AWS. What only resource
//! policies must contain is checked apart, by [`Policy::check_resource_policy`].

use std::borrow::Cow;

use serde_json::Value as Json;

use perimeter_model::Principal;

use crate::condition::{self, BaseOp, Operator, Value};
use crate::error::{Error, Place, MAX_DOCUMENT_BYTES};
use crate::json::Doc;
use crate::pattern::Pattern;

/// A parsed policy document.
#[derive(Debug, Clone)]
pub struct Policy {
    pub version: Version,
    pub statements: Vec<Statement>,
}

/// The policy language version the document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: policy variables are resolved.
    Current,
    /// `2008-10-17`: `${…}` is literal text.
    Legacy,
    /// No `Version`: AWS reads the document as the old language, so `${…}` is literal text.
    Missing,
}

impl Version {
    /// Whether `${…}` is a policy variable (IAM User Guide, policy variables: only in
    /// `2012-10-17`; elsewhere variables "are treated as literal strings").
    pub fn has_variables(self) -> bool {
        self == Version::Current
    }
}

/// Whether a resource type's policy statements must name their resources. AWS requires
/// `Resource` or `NotResource` in every statement except those of role trust policies, which
/// apply to the role they are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceElement {
    Required,
    /// Role trust policies: the statement applies to the role.
    NotRequired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the document's `Statement` list.
    pub index: usize,
    /// The document's `Statement` is this one object, not a list (for [`Statement::pointer`]).
    pub lone: bool,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: PrincipalClause,
    pub action: ActionClause,
    /// `None` when the statement has neither `Resource` nor `NotResource` (trust policies):
    /// it applies to the resource the policy is attached to.
    pub resource: Option<ResourceClause>,
    pub conditions: Vec<Condition>,
    /// On the copies of a resource control policy's Denies that a search adds to a resource's
    /// policy: which RCP of the search's scope it comes from. `None` on a document's own.
    pub rcp: Option<usize>,
}

impl Statement {
    /// JSON pointer of the statement in its document (`/Statement/0`, or `/Statement` for a
    /// lone object), written when an error names it.
    pub fn pointer(&self) -> String {
        if self.lone {
            "/Statement".to_string()
        } else {
            format!("/Statement/{}", self.index)
        }
    }
}

/// `Principal`, `NotPrincipal`, or neither (identity-policy style; matches nobody, and a
/// resource policy with such a statement fails [`Policy::check_resource_policy`]).
#[derive(Debug, Clone)]
pub enum PrincipalClause {
    Principal(Vec<PrincipalEntry>),
    NotPrincipal(Vec<PrincipalEntry>),
    Missing,
}

/// One principal as the policy names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `*`, `{"AWS": "*"}`, or an ARN with a wildcard (which IAM treats as anyone).
    Anyone,
    /// Every principal of an account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account(String),
    /// A user, role, session or other IAM ARN.
    Arn { arn: String, account: String },
    /// A unique ID left where a deleted principal was (`AROA…`, `AIDA…`).
    UniqueId(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
    /// A CloudFront origin access identity,
    /// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <ID>`: CloudFront fetching
    /// for the distributions that use it (semantics.md section 2).
    OriginAccessIdentity(String),
}

/// The account field and resource prefix of a CloudFront origin access identity's ARN.
const OAI_ACCOUNT: &str = "cloudfront";
const OAI_PREFIX: &str = "user/CloudFront Origin Access Identity ";

impl PrincipalEntry {
    /// The principal as a finding reports it (docs/findings.md).
    pub fn reported(&self) -> Principal {
        match self {
            PrincipalEntry::Anyone => Principal::anyone(),
            PrincipalEntry::Account(a) => Principal::Aws(a.clone()),
            PrincipalEntry::Arn { arn, .. } => Principal::Aws(arn.clone()),
            PrincipalEntry::UniqueId(u) => Principal::Aws(u.clone()),
            PrincipalEntry::Service(s) => Principal::Service(s.clone()),
            PrincipalEntry::Federated(f) => Principal::Federated(f.clone()),
            PrincipalEntry::CanonicalUser(c) => Principal::CanonicalUser(c.clone()),
            PrincipalEntry::OriginAccessIdentity(arn) => Principal::Aws(arn.clone()),
        }
    }
}

/// `Action` (positive) or `NotAction`.
#[derive(Debug, Clone)]
pub struct ActionClause {
    pub negated: bool,
    pub patterns: Vec<Pattern>,
    pub written: Vec<String>,
}

impl ActionClause {
    pub fn matches(&self, action: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(action)) != self.negated
    }
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone)]
pub struct ResourceClause {
    pub negated: bool,
    pub values: Vec<Value>,
    pub written: Vec<String>,
}

/// One (operator, key, values) of a `Condition` block.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// The operator as written, for reports.
    pub operator_name: String,
    /// The key as written.
    pub key: String,
    /// The key lowercased (keys compare without regard to case).
    pub key_lc: String,
    /// The values as written (numbers and booleans as text).
    pub written: Vec<String>,
    pub values: Vec<Value>,
}

impl Condition {
    pub fn base(&self) -> BaseOp {
        self.operator.base
    }
}

impl Policy {
    /// Parses a policy document from its JSON text.
    pub fn parse(text: &str) -> Result<Policy, Error> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(Error::TooLarge { size: text.len(), limit: MAX_DOCUMENT_BYTES });
        }
        Policy::from_doc(&crate::json::parse_doc(text)?)
    }

    /// [`Policy::parse`], with `rewrite` applied to the JSON before it is read as a policy.
    pub fn parse_with(text: &str, rewrite: impl FnOnce(&mut Json)) -> Result<Policy, Error> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(Error::TooLarge { size: text.len(), limit: MAX_DOCUMENT_BYTES });
        }
        let mut json = crate::json::parse(text)?;
        rewrite(&mut json);
        Policy::from_json(&json)
    }

    /// Parses a policy document already read as JSON.
    pub fn from_json(json: &Json) -> Result<Policy, Error> {
        Policy::from_doc(&Doc::from_value(json))
    }

    /// Parses a policy document read by [`crate::json::parse_doc`].
    pub fn from_doc(json: &Doc<'_>) -> Result<Policy, Error> {
        let top = json.as_object().ok_or_else(|| Error::parse("", "a policy must be a JSON object"))?;
        let mut version = Version::Missing;
        let mut statement = None;
        for (key, value) in top {
            match key.as_ref() {
                "Version" => {
                    let at = Place::ROOT.key("Version");
                    let v = value.as_str().ok_or_else(|| Error::at(&at, "`Version` must be a string"))?;
                    version = match v {
                        "2012-10-17" => Version::Current,
                        "2008-10-17" => Version::Legacy,
                        _ => return Err(Error::at(&at, format!("unknown policy version `{v}`"))),
                    };
                }
                "Id" => {
                    value.as_str().ok_or_else(|| Error::at(&Place::ROOT.key("Id"), "`Id` must be a string"))?;
                }
                "Statement" => statement = Some(value),
                other => return Err(Error::at(&Place::ROOT.key(other), format!("unknown policy element `{other}`"))),
            }
        }
        let variables = version.has_variables();
        let at = Place::ROOT.key("Statement");
        let statements = match statement {
            None => return Err(Error::parse("", "a policy needs a `Statement`")),
            Some(Doc::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, s)| parse_statement(s, i, false, &at.index(i), variables))
                .collect::<Result<Vec<_>, _>>()?,
            Some(s @ Doc::Object(_)) => vec![parse_statement(s, 0, true, &at, variables)?],
            Some(_) => return Err(Error::at(&at, "`Statement` must be an object or a list of objects")),
        };
        Ok(Policy { version, statements })
    }

    /// Checks what AWS requires of every statement of a resource-based policy (bucket, access
    /// point, queue, key, function and layer policies, role trust policies), which the parser,
    /// not knowing where the document is attached, does not: a `Principal` or `NotPrincipal`
    /// (IAM User Guide: "You must use the Principal element in resource-based policies"), and,
    /// unless `resource` says otherwise, a `Resource` or `NotResource`.
    pub fn check_resource_policy(&self, resource: ResourceElement) -> Result<(), Error> {
        for st in &self.statements {
            if matches!(st.principal, PrincipalClause::Missing) {
                return Err(Error::parse(
                    &st.pointer(),
                    "a statement of a resource-based policy needs `Principal` or `NotPrincipal`",
                ));
            }
            if resource == ResourceElement::Required && st.resource.is_none() {
                return Err(Error::parse(&st.pointer(), "a statement of this policy needs `Resource` or `NotResource`"));
            }
        }
        Ok(())
    }

    /// Checks what the Organizations guide requires of a resource control policy ("RCP
    /// syntax"): every statement has `Principal` `"*"` (no `NotPrincipal`). Its Allows (only
    /// AWS's own `RCPFullAWSAccess` has one) grant nothing and are never read.
    pub fn check_resource_control_policy(&self) -> Result<(), Error> {
        for st in &self.statements {
            match &st.principal {
                PrincipalClause::Principal(entries) if entries.iter().all(|e| *e == PrincipalEntry::Anyone) => {}
                _ => return Err(Error::parse(&st.pointer(), "a statement of a resource control policy needs `Principal: \"*\"`")),
            }
        }
        Ok(())
    }
}

fn parse_statement(json: &Doc<'_>, index: usize, lone: bool, at: &Place<'_>, variables: bool) -> Result<Statement, Error> {
    let obj = json.as_object().ok_or_else(|| Error::at(at, "a statement must be a JSON object"))?;
    let element = |name: &str| json.get(name);
    for (key, _) in obj {
        if !matches!(
            key.as_ref(),
            "Sid" | "Effect" | "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Resource"
                | "NotResource" | "Condition"
        ) {
            return Err(Error::at(&at.key(key), format!("unknown statement element `{key}`")));
        }
    }
    let sid = match element("Sid") {
        None => None,
        Some(Doc::String(s)) => Some(s.to_string()),
        Some(_) => return Err(Error::at(&at.key("Sid"), "`Sid` must be a string")),
    };
    let effect = match element("Effect") {
        Some(Doc::String(s)) if s == "Allow" => Effect::Allow,
        Some(Doc::String(s)) if s == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(Error::at(&at.key("Effect"), format!("`Effect` must be `Allow` or `Deny`, not {other}")))
        }
        None => return Err(Error::at(at, "a statement needs an `Effect`")),
    };
    let principal = match (element("Principal"), element("NotPrincipal")) {
        (Some(_), Some(_)) => return Err(Error::at(at, "a statement cannot have both `Principal` and `NotPrincipal`")),
        (Some(p), None) => PrincipalClause::Principal(parse_principal(p, &at.key("Principal"))?),
        (None, Some(p)) => PrincipalClause::NotPrincipal(parse_principal(p, &at.key("NotPrincipal"))?),
        (None, None) => PrincipalClause::Missing,
    };
    let action = match (element("Action"), element("NotAction")) {
        (Some(_), Some(_)) => return Err(Error::at(at, "a statement cannot have both `Action` and `NotAction`")),
        (Some(a), None) => parse_actions(a, false, &at.key("Action"))?,
        (None, Some(a)) => parse_actions(a, true, &at.key("NotAction"))?,
        (None, None) => return Err(Error::at(at, "a statement needs `Action` or `NotAction`")),
    };
    let resource = match (element("Resource"), element("NotResource")) {
        (Some(_), Some(_)) => return Err(Error::at(at, "a statement cannot have both `Resource` and `NotResource`")),
        (Some(r), None) => Some(parse_resources(r, false, &at.key("Resource"), variables)?),
        (None, Some(r)) => Some(parse_resources(r, true, &at.key("NotResource"), variables)?),
        (None, None) => None,
    };
    let conditions = match element("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(c, &at.key("Condition"), variables)?,
    };
    Ok(Statement { index, lone, sid, effect, principal, action, resource, conditions, rcp: None })
}

/// A string or a non-empty list of strings: `each` is given every string with its place.
fn strings(json: &Doc<'_>, at: &Place<'_>, what: &str, mut each: impl FnMut(&str, &Place<'_>) -> Result<(), Error>) -> Result<(), Error> {
    match json {
        Doc::String(s) => each(s, at),
        Doc::Array(list) if !list.is_empty() => {
            for (i, v) in list.iter().enumerate() {
                let place = at.index(i);
                match v.as_str() {
                    Some(s) => each(s, &place)?,
                    None => return Err(Error::at(&place, format!("{what} must be a string"))),
                }
            }
            Ok(())
        }
        Doc::Array(_) => Err(Error::at(at, format!("{what} list is empty"))),
        _ => Err(Error::at(at, format!("{what} must be a string or a list of strings"))),
    }
}

/// How many strings [`strings`] gives (for the capacity of what is built from them).
fn count(json: &Doc<'_>) -> usize {
    match json {
        Doc::Array(list) => list.len(),
        _ => 1,
    }
}

fn parse_principal(json: &Doc<'_>, at: &Place<'_>) -> Result<Vec<PrincipalEntry>, Error> {
    match json {
        Doc::String(s) if s == "*" => Ok(vec![PrincipalEntry::Anyone]),
        Doc::String(s) => Err(Error::at(at, format!("a principal string must be `*`, not `{s}`"))),
        Doc::Object(map) if map.is_empty() => Err(Error::at(at, "the principal is empty")),
        Doc::Object(map) => {
            let mut entries = Vec::new();
            for (kind, value) in map {
                let here = at.key(kind);
                strings(value, &here, "a principal", |text, place| {
                    entries.push(parse_principal_entry(kind, text, place)?);
                    Ok(())
                })?;
            }
            Ok(entries)
        }
        _ => Err(Error::at(at, "a principal must be `*` or an object")),
    }
}

fn parse_principal_entry(kind: &str, text: &str, at: &Place<'_>) -> Result<PrincipalEntry, Error> {
    let text = text.trim();
    match kind {
        "AWS" => parse_aws_principal(text, at),
        "Service" if !text.is_empty() => Ok(if text == "*" {
            PrincipalEntry::Anyone
        } else {
            PrincipalEntry::Service(text.to_string())
        }),
        "Federated" if !text.is_empty() => Ok(PrincipalEntry::Federated(text.to_string())),
        "CanonicalUser" if !text.is_empty() => Ok(if text == "*" {
            PrincipalEntry::Anyone
        } else {
            PrincipalEntry::CanonicalUser(text.to_string())
        }),
        "Service" | "Federated" | "CanonicalUser" => Err(Error::at(at, format!("empty `{kind}` principal"))),
        other => Err(Error::at(at, format!("unknown principal type `{other}`"))),
    }
}

fn parse_aws_principal(text: &str, at: &Place<'_>) -> Result<PrincipalEntry, Error> {
    if text == "*" {
        return Ok(PrincipalEntry::Anyone);
    }
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(PrincipalEntry::Account(text.to_string()));
    }
    if let Some(rest) = text.strip_prefix("arn:") {
        let mut split = rest.splitn(5, ':');
        let parts: [&str; 5] = std::array::from_fn(|_| split.next().unwrap_or_default());
        if rest.matches(':').count() < 4 || parts[0].is_empty() || !(parts[1] == "iam" || parts[1] == "sts") {
            return Err(Error::at(at, format!("`{text}` is not an IAM principal ARN")));
        }
        if text.contains(['*', '?']) {
            // IAM allows no partial wildcard in a principal: treated as anyone (semantics.md 2).
            return Ok(PrincipalEntry::Anyone);
        }
        let account = parts[3];
        if parts[1] == "iam" && account == OAI_ACCOUNT {
            return match parts[4].strip_prefix(OAI_PREFIX) {
                Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    Ok(PrincipalEntry::OriginAccessIdentity(text.to_string()))
                }
                _ => Err(Error::at(at, format!("`{text}` is not a CloudFront origin access identity"))),
            };
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::at(at, format!("`{text}` has no 12-digit account")));
        }
        if parts[4] == "root" {
            return Ok(PrincipalEntry::Account(account.to_string()));
        }
        return Ok(PrincipalEntry::Arn { arn: text.to_string(), account: account.to_string() });
    }
    if text.len() >= 16
        && text.starts_with('A')
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Ok(PrincipalEntry::UniqueId(text.to_string()));
    }
    Err(Error::at(at, format!("`{text}` is not an account ID, IAM ARN or unique ID")))
}

fn parse_actions(json: &Doc<'_>, negated: bool, at: &Place<'_>) -> Result<ActionClause, Error> {
    let mut patterns = Vec::with_capacity(count(json));
    let mut written = Vec::with_capacity(count(json));
    strings(json, at, "an action", |text, place| {
        if text != "*" && !text.contains(':') {
            return Err(Error::at(place, format!("`{text}` is not an action (`service:Action`)")));
        }
        patterns.push(Pattern::new(text, true));
        written.push(text.to_string());
        Ok(())
    })?;
    Ok(ActionClause { negated, patterns, written })
}

fn parse_resources(json: &Doc<'_>, negated: bool, at: &Place<'_>, variables: bool) -> Result<ResourceClause, Error> {
    let mut values = Vec::with_capacity(count(json));
    let mut written = Vec::with_capacity(count(json));
    strings(json, at, "a resource", |text, place| {
        if text != "*" && !text.starts_with("arn:") {
            return Err(Error::at(place, format!("`{text}` is not a resource ARN")));
        }
        values.push(condition::parse_value(BaseOp::StringLike, text, place, variables)?);
        written.push(text.to_string());
        Ok(())
    })?;
    Ok(ResourceClause { negated, values, written })
}

fn parse_conditions(json: &Doc<'_>, at: &Place<'_>, variables: bool) -> Result<Vec<Condition>, Error> {
    let block = json.as_object().ok_or_else(|| Error::at(at, "`Condition` must be an object"))?;
    let mut conditions = Vec::new();
    for (name, keys) in block {
        let op_at = at.key(name);
        let operator = Operator::parse(name, &op_at)?;
        let keys = keys.as_object().ok_or_else(|| Error::at(&op_at, format!("`{name}` must map condition keys to values")))?;
        for (key, values) in keys {
            let key_at = op_at.key(key);
            if key.is_empty() {
                return Err(Error::at(&key_at, "empty condition key"));
            }
            let raw: Vec<(Cow<'_, str>, Place<'_>)> = match values {
                // AWS documents an empty list only with `ForAllValues:`, `ForAnyValue:` and
                // `…IfExists` (docs/findings.md, "Empty value lists").
                Doc::Array(list) if list.is_empty() && operator.qualifier.is_none() && !operator.if_exists => {
                    return Err(Error::at(
                        &key_at,
                        format!("`{name}` gives `{key}` no values; AWS documents no meaning for an empty list here"),
                    ));
                }
                Doc::Array(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &key_at.index(i)).map(|text| (text, key_at.index(i))))
                    .collect::<Result<_, _>>()?,
                other => vec![(scalar(other, &key_at)?, key_at)],
            };
            let mut parsed = Vec::with_capacity(raw.len());
            let mut written = Vec::with_capacity(raw.len());
            for (text, place) in raw {
                parsed.push(condition::parse_value(operator.base, &text, &place, variables)?);
                written.push(text.into_owned());
            }
            conditions.push(Condition {
                operator,
                operator_name: name.to_string(),
                key: key.to_string(),
                key_lc: key.to_ascii_lowercase(),
                written,
                values: parsed,
            });
        }
    }
    Ok(conditions)
}

/// A condition value as text.
fn scalar<'d>(json: &'d Doc<'_>, at: &Place<'_>) -> Result<Cow<'d, str>, Error> {
    match json {
        Doc::String(s) => Ok(Cow::Borrowed(s.as_ref())),
        // An integer literal arrives as a 64-bit integer and keeps its digits. Any other number
        // literal (a fraction, an exponent, or an integer past 64 bits) arrives as a binary
        // double whose digits are lost, so it is not read (docs/findings.md, "Numbers").
        Doc::Number(n) if n.is_f64() => Err(Error::at(
            at,
            format!(
                "the JSON number `{n}` cannot be read exactly (a fraction, an exponent or more than \
                 64 bits); write the value as a string such as \"2.5\""
            ),
        )),
        Doc::Number(n) => Ok(Cow::Owned(n.to_string())),
        Doc::Bool(b) => Ok(Cow::Owned(b.to_string())),
        _ => Err(Error::at(at, "a condition value must be a string, number or boolean")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_place() {
        let e = Policy::parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualz":{"a":"b"}}}]}"#)
            .expect_err("unknown operator");
        assert_eq!(e.pointer(), "/Statement/0/Condition/StringEqualz");
        let e = Policy::parse(r#"{"Statement":{"Effect":"Permit","Principal":"*","Action":"s3:GetObject"}}"#)
            .expect_err("bad effect");
        assert_eq!(e.pointer(), "/Statement/Effect");
        assert!(matches!(Policy::parse(&"x".repeat(MAX_DOCUMENT_BYTES + 1)), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn principals_normalise() {
        let p = Policy::parse(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::*:root","AROAEXAMPLEID1234567"]},"Action":"sts:AssumeRole"}}"#)
            .expect("valid");
        let PrincipalClause::Principal(entries) = &p.statements[0].principal else { panic!("principal") };
        assert_eq!(entries[0], PrincipalEntry::Account("444455556666".into()));
        assert_eq!(entries[1], PrincipalEntry::Anyone);
        assert_eq!(entries[2], PrincipalEntry::UniqueId("AROAEXAMPLEID1234567".into()));
        let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE1ABCD";
        let p = Policy::parse(&format!(r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"{oai}"}},"Action":"s3:GetObject"}}}}"#))
            .expect("an origin access identity is a principal");
        let PrincipalClause::Principal(entries) = &p.statements[0].principal else { panic!("principal") };
        assert_eq!(entries[0], PrincipalEntry::OriginAccessIdentity(oai.into()));
        assert!(Policy::parse(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/x"},"Action":"s3:GetObject"}}"#).is_err());
    }
}
