//! Callers: the concrete principals from outside the zone to try for one principal entry of a
//! statement, each with the identity keys AWS would set for it, and whether it pins (names an
//! account, organization or identity that the policy wrote down).

use std::sync::Arc;

use perimeter_model::{RequestPrincipal, Zone};

use super::{Universe, PROFILE_BOUND};
use crate::keys;
use crate::pattern::Pattern;
use crate::policy::{PrincipalClause, PrincipalEntry, Statement};

/// Whether a principal the policy names is inside the zone: every request it can send is
/// internal, so no statement that grants to it alone gives external access.
pub fn entry_inside(entry: &PrincipalEntry, zone: &Zone) -> bool {
    match entry {
        PrincipalEntry::Account(a) => zone.contains_account(a),
        PrincipalEntry::Arn { account, .. } => zone.contains_account(account),
        PrincipalEntry::UniqueId(u) => zone.contains_principal_id(u),
        PrincipalEntry::CanonicalUser(c) => zone.contains_canonical_id(c),
        // Inside when the collector found the identity in a zone account; otherwise outside,
        // with a note (semantics.md section 2).
        PrincipalEntry::OriginAccessIdentity(oai) => zone.contains_origin_access_identity(oai),
        PrincipalEntry::Anyone | PrincipalEntry::Service(_) | PrincipalEntry::Federated(_) => false,
    }
}

/// Whether an Allow statement can grant anything to a caller outside the zone: it has a
/// `NotPrincipal` (which grants to everyone it does not name) or names a principal outside.
/// Only such statements can allow a witness, so only their actions are searched.
pub fn may_grant_outside(st: &Statement, zone: &Zone) -> bool {
    match &st.principal {
        PrincipalClause::Principal(entries) => entries.iter().any(|e| !entry_inside(e, zone)),
        PrincipalClause::NotPrincipal(_) => true,
        PrincipalClause::Missing => false,
    }
}

/// The values of one identity key: shared between the keys and callers that carry the same.
pub(super) type Values = Arc<[String]>;

/// One value.
fn one(value: impl Into<String>) -> Values {
    Arc::from([value.into()])
}

/// A concrete caller with the identity keys it carries.
#[derive(Debug, Clone)]
pub(super) struct Profile {
    pub(super) principal: RequestPrincipal,
    pub(super) identity: Vec<(&'static str, Values)>,
    pub(super) pins: bool,
}

/// The account field of an origin access identity's ARN, and of its callers.
const OAI_ACCOUNT: &str = "cloudfront";
const FRESH_SERVICE: &str = "perimeter-witness.amazonaws.com";
const FRESH_PROVIDER: &str = "accounts.google.com";
/// The user name of witness callers that are IAM users.
pub const USER_NAME: &str = "perimeter-user";

impl Universe<'_> {
    /// Whether a principal the policy names is inside the zone.
    pub(super) fn entry_is_internal(&self, entry: &PrincipalEntry) -> bool {
        let inside = entry_inside(entry, self.scope.zone);
        if !inside
            && matches!(entry, PrincipalEntry::UniqueId(_) | PrincipalEntry::CanonicalUser(_) | PrincipalEntry::OriginAccessIdentity(_))
        {
            self.scope.budget.note_absent_id();
        }
        inside
    }

    /// Instances of the `aws:PrincipalArn` values that can name a principal of `account`.
    fn arns_in_account(&self, account: &str) -> Vec<String> {
        let mut out = Vec::new();
        for written in &self.arn_patterns {
            let parts: Vec<&str> = written.splitn(6, ':').collect();
            if parts.len() == 6 && Pattern::new(parts[4], false).matches(account) {
                let mut inst: Vec<String> = parts.iter().map(|p| Pattern::new(p, false).instance("perimeter")).collect();
                inst[4] = account.to_string();
                let arn = inst.join(":");
                if !out.contains(&arn) {
                    out.push(arn);
                }
            }
        }
        for entry in &self.named_principals {
            if let PrincipalEntry::Arn { arn, account: of } = entry
                && of == account
                && !out.contains(arn)
            {
                out.push(arn.clone());
            }
        }
        out
    }

    /// Concrete callers from outside the zone that the entry covers: the callers to try for
    /// one principal entry, and whether [`PROFILE_BOUND`] cut the list.
    pub(super) fn profiles(&self, entry: &PrincipalEntry) -> (Vec<Profile>, bool) {
        let mut out = Vec::new();
        match entry {
            PrincipalEntry::Anyone => {
                out.push(Profile { principal: RequestPrincipal::Anonymous, identity: Vec::new(), pins: false });
                self.aws_profiles(&self.fresh_account, None, None, false, &mut out);
                if self.mentions_username {
                    let user = format!("arn:aws:iam::{}:user/{USER_NAME}", self.fresh_account);
                    self.aws_profiles(&self.fresh_account, Some(&user), None, false, &mut out);
                }
                for (account, pins) in &self.named_accounts {
                    if out.len() > PROFILE_BOUND {
                        break;
                    }
                    self.aws_profiles(account, None, None, *pins, &mut out);
                    for arn in self.arns_in_account(account) {
                        self.aws_profiles(account, Some(&arn), None, true, &mut out);
                    }
                }
                for (arn, account, pins) in &self.named_arns {
                    self.aws_profiles(account, Some(arn), None, *pins, &mut out);
                }
                for (id, pins) in &self.user_ids {
                    self.aws_profiles(&self.fresh_account, None, Some(id), *pins, &mut out);
                }
                // Role sessions that a provider the conditions name federated, from outside.
                for (provider, pins) in &self.federated_providers {
                    let start = out.len();
                    // A role of the fresh account (its session's `aws:PrincipalArn` is the role's).
                    self.aws_profiles(&self.fresh_account, None, None, *pins, &mut out);
                    for p in &mut out[start..] {
                        p.identity.push(("aws:federatedprovider", one(provider.as_str())));
                    }
                }
                let mut services = self.services.clone();
                services.insert(FRESH_SERVICE.to_string());
                for s in services {
                    out.push(service_profile(&s));
                }
                if self.scope.federated_callers {
                    out.push(federated_profile(FRESH_PROVIDER));
                    for provider in self.providers_of_named_claims() {
                        out.push(federated_profile(&provider));
                    }
                }
                // Every principal named anywhere in the policy, a Deny's `NotPrincipal` above
                // all: the callers such a Deny exempts are the ones that get in.
                for entry in &self.named_principals {
                    if out.len() > PROFILE_BOUND {
                        break;
                    }
                    // A federated caller of `*` only where one can call (role trust policies).
                    let federated = matches!(entry, PrincipalEntry::Federated(_));
                    if !self.entry_is_internal(entry) && (!federated || self.scope.federated_callers) {
                        self.entry_profiles(entry, &mut out);
                    }
                }
            }
            named => self.entry_profiles(named, &mut out),
        }
        let capped = out.len() > PROFILE_BOUND;
        out.truncate(PROFILE_BOUND);
        (out, capped)
    }

    /// A provider for each provider whose claims the conditions name (`<host>:sub`, `SAML:aud`),
    /// as a `Federated` principal names it: the host for the public providers, otherwise a
    /// provider the resource's account registered (`oidc-provider/<host>`,
    /// `saml-provider/…`). Anyone may come through such a provider.
    fn providers_of_named_claims(&self) -> Vec<String> {
        let owner = self.scope.resource.account.clone().unwrap_or_else(|| self.fresh_account.clone());
        let mut out: Vec<String> = Vec::new();
        for key in self.candidates.keys() {
            let Some(host) = keys::provider_host(key) else { continue };
            let provider = match host {
                "saml" => format!("arn:aws:iam::{owner}:saml-provider/perimeter-witness"),
                "accounts.google.com" | "graph.facebook.com" | "www.amazon.com" | "cognito-identity.amazonaws.com" => {
                    host.to_string()
                }
                _ => format!("arn:aws:iam::{owner}:oidc-provider/{host}"),
            };
            if provider != FRESH_PROVIDER && !out.contains(&provider) {
                out.push(provider);
            }
        }
        out
    }

    /// The callers of one principal entry other than `*`.
    fn entry_profiles(&self, entry: &PrincipalEntry, out: &mut Vec<Profile>) {
        let start = out.len();
        match entry {
            PrincipalEntry::Anyone => {}
            PrincipalEntry::Account(a) => {
                self.aws_profiles(a, None, None, true, out);
                if self.mentions_username {
                    self.aws_profiles(a, Some(&format!("arn:aws:iam::{a}:user/{USER_NAME}")), None, true, out);
                }
                for arn in self.arns_in_account(a) {
                    self.aws_profiles(a, Some(&arn), None, true, out);
                }
            }
            PrincipalEntry::Arn { arn, account } => self.aws_profiles(account, Some(arn), None, true, out),
            PrincipalEntry::UniqueId(u) => {
                self.aws_profiles(&self.fresh_account, None, Some(&format!("{u}:perimeter")), true, out);
                for p in &mut out[start..] {
                    if let RequestPrincipal::Aws { unique_id, .. } = &mut p.principal {
                        *unique_id = Some(u.clone());
                    }
                }
            }
            PrincipalEntry::CanonicalUser(c) => {
                self.aws_profiles(&self.fresh_account, None, None, true, out);
                for p in &mut out[start..] {
                    if let RequestPrincipal::Aws { canonical_id, .. } = &mut p.principal {
                        *canonical_id = Some(c.clone());
                    }
                }
            }
            PrincipalEntry::Service(s) => out.push(service_profile(s)),
            PrincipalEntry::Federated(f) => out.push(federated_profile(f)),
            PrincipalEntry::OriginAccessIdentity(oai) => self.oai_profiles(oai, out),
        }
    }

    /// CloudFront fetching through an origin access identity. Which account AWS names for it
    /// (`aws:PrincipalAccount`) is not documented: tried without one and as a zone account
    /// (the identity belongs to the account that created it), so that neither reading hides it.
    fn oai_profiles(&self, oai: &str, out: &mut Vec<Profile>) {
        let principal = RequestPrincipal::Aws {
            account: OAI_ACCOUNT.to_string(),
            arn: oai.to_string(),
            unique_id: None,
            canonical_id: None,
        };
        let identity: Vec<(&'static str, Values)> =
            vec![("aws:principalarn", one(oai)), ("aws:principalisawsservice", one("false"))];
        out.push(Profile { principal: principal.clone(), identity: identity.clone(), pins: true });
        if let Some(account) = self.scope.zone.accounts.keys().next() {
            let mut identity = identity;
            let account = one(account.as_str());
            identity.push(("aws:principalaccount", account.clone()));
            identity.push(("kms:calleraccount", account));
            out.push(Profile { principal, identity, pins: true });
        }
    }

    /// AWS callers of one account outside the zone, in every organization choice.
    fn aws_profiles(&self, account: &str, arn: Option<&String>, user_id: Option<&String>, pins: bool, out: &mut Vec<Profile>) {
        let zone = self.scope.zone;
        if zone.contains_account(account) || out.len() > PROFILE_BOUND {
            return;
        }
        if let Some(id) = user_id {
            if zone.contains_principal_id(id.split(':').next().unwrap_or_default()) {
                return;
            }
            self.scope.budget.note_absent_id();
        }
        let arn = arn.cloned().unwrap_or_else(|| format!("arn:aws:iam::{account}:role/perimeter-witness"));
        let resource = arn.splitn(6, ':').nth(5).unwrap_or_default().to_string();
        let (kind, username) = if let Some(user) = resource.strip_prefix("user/") {
            ("User", Some(user.rsplit('/').next().unwrap_or(user).to_string()))
        } else if resource == "root" {
            ("Account", None)
        } else {
            ("AssumedRole", None)
        };
        let account_v = one(account);
        let mut base: Vec<(&'static str, Values)> = vec![
            ("aws:principalaccount", account_v.clone()),
            ("kms:calleraccount", account_v),
            ("aws:principalarn", one(arn.as_str())),
            ("aws:principaltype", one(kind)),
            ("aws:principalisawsservice", one("false")),
            ("aws:userid", one(user_id.map_or("AROAPERIMETERWITNESS0:perimeter", String::as_str))),
        ];
        if let Some(u) = username {
            base.push(("aws:username", one(u)));
        }
        for (org, path, org_pins) in &self.orgs {
            let mut identity = base.clone();
            if let Some(o) = org {
                identity.push(("aws:principalorgid", one(o.as_str())));
            }
            if let Some(p) = path {
                identity.push(("aws:principalorgpaths", one(p.as_str())));
            }
            out.push(Profile {
                principal: RequestPrincipal::Aws {
                    account: account.to_string(),
                    arn: arn.clone(),
                    unique_id: None,
                    canonical_id: None,
                },
                identity,
                pins: pins || *org_pins,
            });
        }
    }
}

/// An AWS service principal as the caller.
fn service_profile(service: &str) -> Profile {
    Profile {
        principal: RequestPrincipal::Service { service: service.to_string() },
        identity: Vec::new(),
        pins: false,
    }
}

/// A caller federated by an identity provider.
fn federated_profile(provider: &str) -> Profile {
    Profile {
        principal: RequestPrincipal::Federated { provider: provider.to_string() },
        identity: Vec::new(),
        pins: false,
    }
}
