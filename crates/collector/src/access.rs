//! Access to a member account: an STS AssumeRole into the audit role, made once up front so that
//! a refusal is known before anything else is tried. The credentials are cached here and serve
//! every call of the account (the scan's clients are shared by all accounts and have no identity
//! cache: each call asks its account's provider); they are renewed by a new AssumeRole, through
//! the same logged and paced STS client, when less than five minutes remain. The scanner's own
//! account keeps its base credentials the same way ([`kept`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};

use crate::aws::Clients;
use crate::failure::{classify, Failure};
use crate::pacing::{Api, Pacing, GLOBAL};

/// The role to assume in member accounts.
#[derive(Debug, Clone)]
pub struct RoleSpec {
    pub name: String,
    pub external_id: Option<String>,
}

/// Assumes `role` in `account` with the base credentials' STS client (paced as the scanner's
/// own account's calls) and returns a config whose credentials are that role's, renewed when
/// they expire.
pub async fn assume(base: &SdkConfig, caller: &Clients, pacing: &Arc<Pacing>, account: &str, role: &RoleSpec) -> Result<SdkConfig, Failure> {
    let provider = AssumedRole {
        sts: caller.sts.clone(),
        pacing: pacing.clone(),
        role_arn: format!("arn:aws:iam::{account}:role/{}", role.name),
        external_id: role.external_id.clone(),
        cached: Renewed::default(),
    };
    provider.current().await?;
    Ok(base.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build())
}

/// The scanner's own credentials, for the account it runs in (the pooled clients have no
/// identity cache of their own): resolved on first use and kept until five minutes before they
/// expire, like an assumed role's. `None` when the config has no credentials provider.
pub fn kept(base: &SdkConfig) -> Option<SharedCredentialsProvider> {
    let inner = base.credentials_provider()?;
    Some(SharedCredentialsProvider::new(Kept { inner, cached: Renewed::default() }))
}

#[derive(Debug)]
struct Kept {
    inner: SharedCredentialsProvider,
    cached: Renewed,
}

impl ProvideCredentials for Kept {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.cached.get(|| self.inner.provide_credentials()))
    }
}

/// Credentials kept until less than [`RENEW_BEFORE`] is left of them; the lock is held while
/// they are renewed, so one renewal serves every waiting request.
#[derive(Debug, Default)]
struct Renewed(tokio::sync::Mutex<Option<Credentials>>);

impl Renewed {
    /// The kept credentials, or fresh ones from `renew` when they are about to expire.
    async fn get<E, F: std::future::Future<Output = Result<Credentials, E>>>(&self, renew: impl FnOnce() -> F) -> Result<Credentials, E> {
        let mut slot = self.0.lock().await;
        if let Some(c) = slot.as_ref().filter(|c| c.expiry().is_none_or(|e| e > SystemTime::now() + RENEW_BEFORE)) {
            return Ok(c.clone());
        }
        let fresh = renew().await?;
        *slot = Some(fresh.clone());
        Ok(fresh)
    }
}

#[derive(Debug)]
struct AssumedRole {
    sts: aws_sdk_sts::Client,
    pacing: Arc<Pacing>,
    role_arn: String,
    external_id: Option<String>,
    /// The current credentials; one AssumeRole renews them for every waiting request.
    cached: Renewed,
}

/// Credentials are renewed when less than this remains of them.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

impl AssumedRole {
    async fn current(&self) -> Result<Credentials, Failure> {
        self.cached.get(|| self.call()).await
    }

    async fn call(&self) -> Result<Credentials, Failure> {
        let call = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name("perimeter")
            .set_external_id(self.external_id.clone())
            .send();
        let out = self
            .pacing
            .call(Api::at(GLOBAL, "sts:AssumeRole"), call)
            .await
            .map_err(|e| classify(&e).reading(&format!("AssumeRole {}", self.role_arn)))?;
        let c = out.credentials().ok_or_else(|| {
            Failure::new(perimeter_model::ErrorCode::ServiceError, format!("AssumeRole {}: no credentials returned", self.role_arn))
        })?;
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            expiry,
            "perimeter-assume-role",
        ))
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move { self.current().await.map_err(|f| CredentialsError::provider_error(f.message)) })
    }
}

