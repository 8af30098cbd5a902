//! AWS SDK configuration in one place: the base config from the standard credential chain, the
//! HTTP client, retries and timeouts, the per-service clients (one set per region for the whole
//! scan, acting for whichever account's call is being sent), and the two adjustments an
//! endpoint override (an emulator) needs: path-style S3 and a fixed S3 Control endpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use aws_config::identity::IdentityCache;
use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::calls::CallLog;

/// Settings that change how the SDK is reached. Credentials still come from the standard chain
/// unless `static_credentials` is set (tests against an emulator only).
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Endpoint override (an emulator). `None` uses the SDK's own resolution, which also
    /// honours `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// Region for global calls (Organizations, IAM, STS) and the default client region.
    pub region: Option<String>,
    /// `(access key, secret key)`, for tests only.
    pub static_credentials: Option<(String, String)>,
    /// Total attempts per call, including the first; `None` keeps the adaptive default of 5.
    pub max_attempts: Option<u32>,
    /// Timeout of one attempt; `None` keeps [`ATTEMPT_TIMEOUT`].
    pub attempt_timeout: Option<Duration>,
    /// Timeout of the first call (sts:GetCallerIdentity, all its attempts); `None` keeps
    /// [`STARTUP_TIMEOUT`]. Tests shorten it.
    pub startup_timeout: Option<Duration>,
    /// First retry delay (doubling after); `None` keeps 200 ms. Tests shorten it.
    pub initial_backoff: Option<Duration>,
}

/// Time to open a TCP (and TLS) connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time one attempt of a call may take once connected.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Time one call may take with all its retries and the adaptive rate limiter's waits: long
/// enough for a throttled call to get through (5 attempts of 20 s fit), short enough that a
/// call never hangs for good.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);
/// Time the first call may take: a dead or silent endpoint is reported at once.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Loads the base configuration: standard credential chain, rustls+ring HTTP client, adaptive
/// retries (for throttling) and timeouts (docs/running.md says what they are).
pub async fn load_base_config(settings: &AwsSettings) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let http = SharedHttpClient::new(ConnectorOnce(http));
    let retry = RetryConfig::adaptive()
        .with_max_attempts(settings.max_attempts.unwrap_or(5))
        .with_initial_backoff(settings.initial_backoff.unwrap_or(Duration::from_millis(200)));
    let attempt = settings.attempt_timeout.unwrap_or(ATTEMPT_TIMEOUT);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(attempt)
        .operation_timeout(OPERATION_TIMEOUT.max(attempt))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url.clone());
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some((key, secret)) = &settings.static_credentials {
        loader = loader.credentials_provider(Credentials::new(
            key.clone(),
            secret.clone(),
            None,
            None,
            "perimeter-static",
        ));
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return config.to_builder().region(Region::new("us-east-1")).build();
    }
    config
}

/// A config with the same settings and other credentials (an assumed role's).
pub fn with_credentials(base: &SdkConfig, credentials: Credentials) -> SdkConfig {
    base.to_builder().credentials_provider(SharedCredentialsProvider::new(credentials)).build()
}

/// A config for another region.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config.to_builder().region(Region::new(region.to_string())).build()
}

/// The account a call is sent for, with its credentials: set around each of an account's calls
/// ([`acting`]), and read by the pooled clients' credentials and the call log.
#[derive(Debug, Clone)]
pub struct Acting {
    pub account: Arc<str>,
    pub credentials: SharedCredentialsProvider,
}

tokio::task_local! {
    static ACTING: Acting;
}

/// Runs `request` as a call of `acting`'s account.
pub async fn acting<F: std::future::Future>(who: Acting, request: F) -> F::Output {
    ACTING.scope(who, request).await
}

/// The account the call being sent acts for, if it is sent through [`acting`].
pub fn acting_account() -> Option<Arc<str>> {
    ACTING.try_with(|a| a.account.clone()).ok()
}

/// The credentials of the pooled clients: those of the account the call acts for. A call sent
/// outside any account's scope gets none and fails: it can never go out as another account.
#[derive(Debug)]
struct ActingCredentials;

impl ProvideCredentials for ActingCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match ACTING.try_with(|a| a.credentials.clone()) {
            Ok(credentials) => future::ProvideCredentials::new(async move { credentials.provide_credentials().await }),
            Err(_) => future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                "a call was sent outside any account's scope (a perimeter bug)",
            ))),
        }
    }
}

/// The clients of every region, made once for the whole scan and shared by every account: a
/// call gets its account's credentials from [`acting`] (no identity cache: the account's own
/// provider keeps its credentials). One set is about 0.5 MiB; one set per account and region,
/// as before, made an account in flight cost about 20 MiB at 17 regions and a fifth of the
/// scan's CPU time.
#[derive(Debug)]
pub struct ClientPool {
    config: SdkConfig,
    log: CallLog,
    by_region: Mutex<HashMap<String, Clients>>,
}

impl ClientPool {
    pub fn new(base: &SdkConfig, log: &CallLog) -> ClientPool {
        let config = base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(ActingCredentials))
            .identity_cache(IdentityCache::no_cache())
            .build();
        ClientPool { config, log: log.clone(), by_region: Mutex::new(HashMap::new()) }
    }

    /// The clients of one region, made on first use.
    pub fn clients(&self, region: &str) -> Clients {
        let mut map = match self.by_region.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(region.to_string()).or_insert_with(|| Clients::new(&in_region(&self.config, region), &self.log, "")).clone()
    }
}

/// The service clients of one region, each with the call log's interceptor.
#[derive(Debug, Clone)]
pub struct Clients {
    pub organizations: aws_sdk_organizations::Client,
    pub sts: aws_sdk_sts::Client,
    pub account: aws_sdk_account::Client,
    pub s3: aws_sdk_s3::Client,
    /// The S3 client for directory buckets (S3 Express One Zone): its calls are logged as
    /// `S3Express`'s, whose IAM actions they need.
    pub s3express: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    /// The S3 Control client for directory-bucket access points: its calls are logged as
    /// `S3ExpressControl`'s, since they need S3 Express's IAM actions.
    pub s3express_control: aws_sdk_s3control::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub sns: aws_sdk_sns::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub efs: aws_sdk_efs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub dynamodbstreams: aws_sdk_dynamodbstreams::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub kinesis: aws_sdk_kinesis::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub backup: aws_sdk_backup::Client,
    pub codeartifact: aws_sdk_codeartifact::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ses: aws_sdk_sesv2::Client,
    pub glacier: aws_sdk_glacier::Client,
    pub opensearch: aws_sdk_opensearch::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub glue: aws_sdk_glue::Client,
}

impl Clients {
    /// Clients for `config`, whose calls are logged as made for `account` (empty: for the
    /// account each call acts for).
    pub fn new(config: &SdkConfig, log: &CallLog, account: &str) -> Clients {
        let overridden = config.endpoint_url().is_some();
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(overridden)
            .interceptor(log.interceptor(account))
            .build();
        // Directory bucket calls go to the Regional `s3express-control` endpoint (or to an
        // overridden endpoint): the SDK's endpoint rules choose. Only control-plane operations
        // are sent (ListDirectoryBuckets, GetBucketPolicy), signed with plain SigV4: session
        // authentication (CreateSession) is for the zonal data plane, and with an overridden
        // endpoint the SDK would otherwise ask for it.
        let s3express = aws_sdk_s3::config::Builder::from(config)
            .disable_s3_express_session_auth(true)
            .interceptor(log.interceptor_as(account, "S3Express"))
            .build();
        let mut s3control = aws_sdk_s3control::config::Builder::from(config).interceptor(log.interceptor(account));
        let mut s3express_control =
            aws_sdk_s3control::config::Builder::from(config).interceptor(log.interceptor_as(account, "S3ExpressControl"));
        if let Some(url) = config.endpoint_url() {
            // S3 Control's endpoint rules prefix `<account>.` to every host, which an emulator
            // on an IP address cannot serve; with an override, send everything to it as is.
            s3control = s3control.endpoint_resolver(FixedEndpoint(url.to_string()));
            s3express_control = s3express_control.endpoint_resolver(FixedEndpoint(url.to_string()));
        }
        macro_rules! client {
            ($sdk:ident) => {
                $sdk::Client::from_conf($sdk::config::Builder::from(config).interceptor(log.interceptor(account)).build())
            };
        }
        Clients {
            organizations: client!(aws_sdk_organizations),
            sts: client!(aws_sdk_sts),
            account: client!(aws_sdk_account),
            s3: aws_sdk_s3::Client::from_conf(s3),
            s3express: aws_sdk_s3::Client::from_conf(s3express),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            s3express_control: aws_sdk_s3control::Client::from_conf(s3express_control.build()),
            iam: client!(aws_sdk_iam),
            kms: client!(aws_sdk_kms),
            lambda: client!(aws_sdk_lambda),
            sqs: client!(aws_sdk_sqs),
            secretsmanager: client!(aws_sdk_secretsmanager),
            sns: client!(aws_sdk_sns),
            ecr: client!(aws_sdk_ecr),
            efs: client!(aws_sdk_efs),
            ec2: client!(aws_sdk_ec2),
            rds: client!(aws_sdk_rds),
            dynamodb: client!(aws_sdk_dynamodb),
            dynamodbstreams: client!(aws_sdk_dynamodbstreams),
            cloudfront: client!(aws_sdk_cloudfront),
            kinesis: client!(aws_sdk_kinesis),
            events: client!(aws_sdk_eventbridge),
            backup: client!(aws_sdk_backup),
            codeartifact: client!(aws_sdk_codeartifact),
            logs: client!(aws_sdk_cloudwatchlogs),
            ses: client!(aws_sdk_sesv2),
            glacier: client!(aws_sdk_glacier),
            opensearch: client!(aws_sdk_opensearch),
            apigateway: client!(aws_sdk_apigateway),
            glue: client!(aws_sdk_glue),
        }
    }
}

/// The HTTP client, which builds its TLS connector once, on the first request. The SDK's
/// client checks its HTTP client each time a service client is made, and the hyper client
/// answers by building a whole TLS configuration (the root certificates parsed) that it throws
/// away: when every account made its own clients (about 30 per region), those builds were a
/// fifth of a scan's CPU time (perf, 17 regions). Requests get their connector from the hyper
/// client's own cache, shared by every service client.
#[derive(Debug)]
struct ConnectorOnce(SharedHttpClient);

impl HttpClient for ConnectorOnce {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// Resolves every S3 Control request to one fixed URL (endpoint overrides only).
#[derive(Debug)]
struct FixedEndpoint(String);

impl ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}
