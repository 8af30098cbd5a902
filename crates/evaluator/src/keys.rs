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
    /// The resource's own values (its owner account, organization, OU path, tags): set by AWS
    /// from the resource being analysed, never by the caller.
    Resource,
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
    "s3express:DataAccessPointAccount",
    "s3express:DataAccessPointArn",
    "lambda:FunctionUrlAuthType",
    "kms:ViaService",
    "aws:SecureTransport",
    "sts:ExternalId",
    "aws:CurrentTime",
    "aws:PrincipalServiceNamesList",
    "aws:FederatedProvider",
    "sts:RoleSessionName",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "s3:ResourceAccount",
    "s3express:ResourceAccount",
];

pub const SOURCE_KEYS: [&str; 5] =
    ["aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths"];

pub fn classify(key_lc: &str) -> KeyClass {
    match key_lc {
        "aws:principalarn" | "aws:principalaccount" | "aws:principalorgid" | "aws:principalorgpaths"
        | "aws:userid" | "aws:username" | "aws:principaltype" | "aws:principalisawsservice"
        | "aws:principalservicename" | "aws:principalservicenameslist" | "aws:federatedprovider"
        | "kms:calleraccount" => KeyClass::Identity,
        k if SOURCE_KEYS.contains(&k) => KeyClass::Source,
        "aws:sourceip" | "aws:sourcevpc" | "aws:sourcevpce" | "aws:vpcsourceip" => KeyClass::Network,
        "s3:dataaccesspointaccount"
        | "s3:dataaccesspointarn"
        | "s3express:dataaccesspointaccount"
        | "s3express:dataaccesspointarn"
        | "lambda:functionurlauthtype"
        | "kms:viaservice" => KeyClass::AccessPath,
        "aws:resourceaccount" | "aws:resourceorgid" | "aws:resourceorgpaths" | "s3:resourceaccount"
        | "s3express:resourceaccount" => KeyClass::Resource,
        k if k.starts_with("aws:resourcetag/") => KeyClass::Resource,
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
/// keys only for callers federated by that provider.
pub fn applies_to(key_lc: &str, principal: &RequestPrincipal) -> bool {
    match classify(key_lc) {
        KeyClass::Source => matches!(principal, RequestPrincipal::Service { .. }),
        KeyClass::Federated => {
            matches!(principal, RequestPrincipal::Federated { provider } if provider_issues(provider, key_lc))
        }
        _ => true,
    }
}

/// The provider part of a provider key (`token.actions.githubusercontent.com` of
/// `token.actions.githubusercontent.com:sub`, `saml` of `saml:aud`).
pub fn provider_host(key_lc: &str) -> Option<&str> {
    key_lc.rsplit_once(':').map(|(host, _)| host).filter(|_| classify(key_lc) == KeyClass::Federated)
}

/// Whether the identity provider `provider` (as a `Federated` principal names it: a host such
/// as `accounts.google.com`, or an `oidc-provider/<host>` or `saml-provider/<name>` ARN) issues
/// the claim `key_lc`.
pub fn provider_issues(provider: &str, key_lc: &str) -> bool {
    let Some(host) = provider_host(key_lc) else { return false };
    let provider = provider.to_ascii_lowercase();
    if host == "saml" {
        return provider.contains(":saml-provider/");
    }
    provider == host || provider.ends_with(&format!(":oidc-provider/{host}"))
}

/// Whether every token or assertion of the caller's provider carries the claim, so that the
/// key is never absent for that caller: an OpenID Connect token's audience and subject
/// (`aud`, `sub`; Login with Amazon and Facebook name them `app_id` and `user_id`/`id`),
/// Cognito's `amr`, and a SAML assertion's `SAML:aud`.
pub fn always_present(key_lc: &str, principal: &RequestPrincipal) -> bool {
    let RequestPrincipal::Federated { provider } = principal else { return false };
    if !provider_issues(provider, key_lc) {
        return false;
    }
    let Some((host, claim)) = key_lc.rsplit_once(':') else { return false };
    match host {
        "saml" => claim == "aud",
        "graph.facebook.com" => matches!(claim, "app_id" | "id"),
        "www.amazon.com" => matches!(claim, "app_id" | "user_id"),
        "cognito-identity.amazonaws.com" => matches!(claim, "aud" | "sub" | "amr"),
        _ => matches!(claim, "aud" | "sub"),
    }
}

/// Keys that the IAM condition-key reference (and the service references of the services the
/// catalog covers) documents as multivalued: a request may carry several values of these, and
/// of no other key (semantics.md section 4).
const MULTIVALUED: [&str; 14] = [
    "aws:principalorgpaths",
    "aws:principalservicenameslist",
    "aws:tagkeys",
    "aws:calledvia",
    "aws:resourceorgpaths",
    "aws:sourceorgpaths",
    // ArrayOfString keys of the catalog's services.
    "sts:transitivetagkeys",
    "kms:encryptioncontextkeys",
    "kms:grantoperations",
    "kms:resourcealiases",
    "lambda:layer",
    "lambda:subnetids",
    "lambda:securitygroupids",
    // Amazon Cognito's authentication methods reference (`amr`) is a list.
    "cognito-identity.amazonaws.com:amr",
];

/// Whether a request may carry several values of the key (lowercase).
pub fn is_multivalued(key_lc: &str) -> bool {
    MULTIVALUED.contains(&key_lc)
}

/// Whether the key's value is a bare account ID (so "some other value" is another account).
pub fn takes_account(key_lc: &str) -> bool {
    matches!(key_lc, "aws:sourceaccount" | "aws:sourceowner" | "s3:dataaccesspointaccount" | "s3express:dataaccesspointaccount")
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
        assert_eq!(classify("aws:resourceorgid"), KeyClass::Resource);
        assert_eq!(classify("aws:resourcetag/team"), KeyClass::Resource);
        assert_eq!(classify("s3:resourceaccount"), KeyClass::Resource);
        assert!(is_multivalued("aws:tagkeys") && is_multivalued("aws:principalorgpaths"));
        let github = RequestPrincipal::Federated {
            provider: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com".into(),
        };
        let google = RequestPrincipal::Federated { provider: "accounts.google.com".into() };
        assert!(applies_to("token.actions.githubusercontent.com:sub", &github));
        assert!(!applies_to("token.actions.githubusercontent.com:sub", &google));
        assert!(always_present("token.actions.githubusercontent.com:sub", &github));
        assert!(!always_present("token.actions.githubusercontent.com:actor", &github));
        assert!(always_present("accounts.google.com:aud", &google));
        assert!(!is_multivalued("aws:sourceaccount") && !is_multivalued("aws:principalorgid"));
        assert!(!audience_pins("token.actions.githubusercontent.com:aud"));
        assert!(audience_pins("token.actions.githubusercontent.com:sub"));
        assert!(value_pins("token.actions.githubusercontent.com:sub", "repo:octo/*", true));
        assert!(!value_pins("token.actions.githubusercontent.com:sub", "repo:*", true));
    }
}
