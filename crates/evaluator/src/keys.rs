//! Condition keys by class (semantics.md section 4): who sets a key's value decides whether a
//! condition on it restricts who gets in.

use perimeter_model::{RequestPrincipal, Zone};

/// The class of a condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// Set by AWS from the caller's identity; part of the caller, never chosen freely.
    Identity,
    /// Set by AWS services acting for an account.
    Source,
    /// The network path of the request.
    Network,
    /// How the request reaches the resource (access point, function URL, via a service).
    AccessPath,
    /// A federated identity provider's own keys (`<host>:aud`, `SAML:aud`, …).
    Federated,
    /// Chosen by the caller or unknown: restricts nothing about who.
    Free,
}

/// Canonical spellings, for witness output (keys compare without regard to case).
const KNOWN: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:username",
    "aws:PrincipalType",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "kms:CallerAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpcSourceIp",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
    "lambda:FunctionUrlAuthType",
    "kms:ViaService",
    "aws:SecureTransport",
    "sts:ExternalId",
    "aws:CurrentTime",
    "aws:PrincipalServiceNamesList",
    "sts:RoleSessionName",
];

pub const SOURCE_KEYS: [&str; 5] =
    ["aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths"];

pub fn classify(key_lc: &str) -> KeyClass {
    match key_lc {
        "aws:principalarn" | "aws:principalaccount" | "aws:principalorgid" | "aws:principalorgpaths"
        | "aws:userid" | "aws:username" | "aws:principaltype" | "aws:principalisawsservice"
        | "aws:principalservicename" | "kms:calleraccount" => KeyClass::Identity,
        k if SOURCE_KEYS.contains(&k) => KeyClass::Source,
        "aws:sourceip" | "aws:sourcevpc" | "aws:sourcevpce" | "aws:vpcsourceip" => KeyClass::Network,
        "s3:dataaccesspointaccount" | "s3:dataaccesspointarn" | "lambda:functionurlauthtype" | "kms:viaservice" => {
            KeyClass::AccessPath
        }
        k if is_federated_key(k) => KeyClass::Federated,
        _ => KeyClass::Free,
    }
}

/// Keys of an identity provider: `<host with a dot>:<claim>` and `saml:<claim>`.
fn is_federated_key(key_lc: &str) -> bool {
    match key_lc.rsplit_once(':') {
        Some((host, _)) => host == "saml" || (host.contains('.') && !host.starts_with("aws")),
        None => false,
    }
}

/// Whether a condition on this key can pin the caller at all. For GitHub's OIDC provider the
/// audience is shared by everyone, so only `:sub` pins; `:amr` only says "authenticated".
pub fn audience_pins(key_lc: &str) -> bool {
    match classify(key_lc) {
        KeyClass::Source | KeyClass::Network => true,
        KeyClass::Federated => {
            !(key_lc == "token.actions.githubusercontent.com:aud" || key_lc.ends_with(":amr"))
        }
        _ => false,
    }
}

/// Whether a written value pins: a fixed value does; a pattern does when the part that names
/// the owner is fixed (the account of an ARN, the organization of a path, the owner of a
/// GitHub `repo:owner/…` subject).
pub fn value_pins(key_lc: &str, written: &str, wild: bool) -> bool {
    if !wild {
        return true;
    }
    if written.starts_with("arn:") {
        return written.split(':').nth(4).is_some_and(|a| !a.is_empty() && !a.contains(['*', '?']));
    }
    if key_lc.ends_with("orgpaths") {
        return !written.split('/').next().unwrap_or_default().contains(['*', '?']);
    }
    if key_lc == "token.actions.githubusercontent.com:sub" {
        let owner = written.strip_prefix("repo:").and_then(|r| r.split_once('/')).map(|(o, _)| o);
        return owner.is_some_and(|o| !o.is_empty() && !o.contains(['*', '?']));
    }
    false
}

/// Whether a key can be present for this caller: source keys only for services, a provider's
/// keys only for federated callers.
pub fn applies_to(key_lc: &str, principal: &RequestPrincipal) -> bool {
    match classify(key_lc) {
        KeyClass::Source => matches!(principal, RequestPrincipal::Service { .. }),
        KeyClass::Federated => matches!(principal, RequestPrincipal::Federated { .. }),
        _ => true,
    }
}

/// Whether the key's value is a bare account ID (so "some other value" is another account).
pub fn takes_account(key_lc: &str) -> bool {
    matches!(key_lc, "aws:sourceaccount" | "aws:sourceowner" | "s3:dataaccesspointaccount")
}

/// Whether a source value points inside the zone. A source ARN without an account (an S3
/// bucket) cannot be placed and counts as outside (conservative).
pub fn source_inside(zone: &Zone, key_lc: &str, value: &str) -> bool {
    match key_lc {
        "aws:sourceaccount" | "aws:sourceowner" => zone.contains_account(value),
        "aws:sourcearn" => crate::search::arn_account(value).is_some_and(|a| zone.contains_account(&a)),
        "aws:sourceorgid" => zone.is_own_org(value),
        "aws:sourceorgpaths" => zone.contains_org_path(value),
        _ => false,
    }
}

/// The canonical spelling of a lowercase key, for witnesses.
pub fn display_name(key_lc: &str) -> String {
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(key_lc))
        .map_or_else(|| key_lc.to_string(), |k| (*k).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fall_into_classes() {
        assert_eq!(classify("aws:principalorgid"), KeyClass::Identity);
        assert_eq!(classify("aws:sourcearn"), KeyClass::Source);
        assert_eq!(classify("aws:sourceip"), KeyClass::Network);
        assert_eq!(classify("token.actions.githubusercontent.com:sub"), KeyClass::Federated);
        assert_eq!(classify("saml:aud"), KeyClass::Federated);
        assert_eq!(classify("sts:externalid"), KeyClass::Free);
        assert!(!audience_pins("token.actions.githubusercontent.com:aud"));
        assert!(audience_pins("token.actions.githubusercontent.com:sub"));
        assert!(value_pins("token.actions.githubusercontent.com:sub", "repo:octo/*", true));
        assert!(!value_pins("token.actions.githubusercontent.com:sub", "repo:*", true));
    }
}
