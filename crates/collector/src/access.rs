//! Access to a member account: an STS AssumeRole into the audit role, made once up front so that
//! a refusal is known before anything else is tried, then renewed by the SDK's credential cache
//! on long scans (each renewal is one more AssumeRole, through the same logged STS client).

use std::sync::Mutex;
use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};

use crate::failure::{classify, Failure};

/// The role to assume in member accounts.
#[derive(Debug, Clone)]
pub struct RoleSpec {
    pub name: String,
    pub external_id: Option<String>,
}

/// Assumes `role` in `account` with the base credentials' STS client and returns a config whose
/// credentials are that role's, renewed when they expire.
pub async fn assume(base: &SdkConfig, sts: &aws_sdk_sts::Client, account: &str, role: &RoleSpec) -> Result<SdkConfig, Failure> {
    let provider = AssumedRole {
        sts: sts.clone(),
        role_arn: format!("arn:aws:iam::{account}:role/{}", role.name),
        external_id: role.external_id.clone(),
        first: Mutex::new(None),
    };
    let first = provider.call().await?;
    if let Ok(mut slot) = provider.first.lock() {
        *slot = Some(first);
    }
    Ok(base.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build())
}

#[derive(Debug)]
struct AssumedRole {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
    /// The credentials of the first call, handed out once.
    first: Mutex<Option<Credentials>>,
}

impl AssumedRole {
    async fn call(&self) -> Result<Credentials, Failure> {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name("perimeter")
            .set_external_id(self.external_id.clone())
            .send()
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
        future::ProvideCredentials::new(async move {
            if let Some(c) = self.first.lock().ok().and_then(|mut slot| slot.take()) {
                return Ok(c);
            }
            self.call().await.map_err(|f| CredentialsError::provider_error(f.message))
        })
    }
}

