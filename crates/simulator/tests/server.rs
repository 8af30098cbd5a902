//! The HTTP face, driven with raw HTTP/1.1 over a TCP stream: answers, latency, a dropped
//! connection, a hanging region, and the counters.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use perimeter_simulator::{serve, SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn start(config: SimConfig) -> (Arc<Simulator>, std::net::SocketAddr) {
    let sim = Arc::new(Simulator::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve(Arc::clone(&sim), listener));
    (sim, addr)
}

fn raw(method: &str, path: &str, service: &str, region: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nhost: sim\r\nconnection: close\r\ncontent-length: {}\r\n\
         authorization: AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=00\r\n",
        body.len()
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// Sends one request and reads until the server closes: (status, head and body).
async fn send(addr: std::net::SocketAddr, request: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((status, text))
}

#[tokio::test]
async fn answers_over_http_with_latency() {
    let (sim, addr) = start(SimConfig { latency: Duration::from_millis(150), ..SimConfig::default() }).await;
    let started = Instant::now();
    let (status, text) = send(addr, &raw("POST", "/", "sts", "us-east-1", &[("content-type", "application/x-www-form-urlencoded")], "Action=GetCallerIdentity&Version=2011-06-15"))
        .await
        .expect("answer");
    assert!(started.elapsed() >= Duration::from_millis(150), "the latency is slept");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<Account>100000000000</Account>"), "{text}");
    assert!(text.to_ascii_lowercase().contains("content-type: text/xml"));

    let (status, text) = send(addr, &raw("POST", "/", "organizations", "us-east-1", &[("x-amz-target", "AWSOrganizationsV20161128.ListAccounts"), ("content-type", "application/x-amz-json-1.1")], "{}"))
        .await
        .expect("answer");
    assert_eq!(status, 200);
    assert!(text.contains("\"Id\":\"100000000009\""), "{text}");

    let (status, text) = send(addr, &raw("GET", "/2015-03-31/functions/nope/policy", "lambda", "us-east-1", &[], "")).await.expect("answer");
    assert_eq!(status, 404);
    assert!(text.to_ascii_lowercase().contains("x-amzn-errortype: resourcenotfoundexception"), "{text}");

    let bucket = sim.org().management().buckets[0].clone();
    let (status, text) = send(addr, &raw("GET", &format!("/{}?policy", bucket.name), "s3", &bucket.region, &[], "")).await.expect("answer");
    assert_eq!(status, 200);
    assert!(text.ends_with(&bucket.policy), "the raw policy document is the body");

    let counts = sim.counts();
    assert_eq!(counts.get("STS:GetCallerIdentity"), Some(&1));
    assert_eq!(counts.get("Organizations:ListAccounts"), Some(&1));
    assert_eq!(counts.get("Lambda:GetPolicy"), Some(&1));
    assert_eq!(counts.get("S3:GetBucketPolicy"), Some(&1));
    assert_eq!(sim.total(), 4);
}

#[tokio::test]
async fn policy_services_over_http() {
    let (sim, addr) = start(SimConfig::default()).await;
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let (status, text) = send(addr, &raw("POST", "/", "sns", "us-east-1", &form, "Action=ListTopics&Version=2010-03-31")).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<TopicArn>arn:aws:sns:us-east-1:100000000000:sim-topic-0</TopicArn>"), "{text}");
    let body = "Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A100000000000%3Asim-topic-0";
    let (status, text) = send(addr, &raw("POST", "/", "sns", "us-east-1", &form, body)).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<entry><key>Policy</key><value>{&quot;Version&quot;:&quot;2012-10-17&quot;"), "{text}");

    let secrets = [("x-amz-target", "secretsmanager.ListSecrets"), ("content-type", "application/x-amz-json-1.1")];
    let (status, text) = send(addr, &raw("POST", "/", "secretsmanager", "eu-west-1", &secrets, "{}")).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"Name\":\"sim-secret-0\"") && text.contains(":secret:sim-secret-0-"), "{text}");

    let fs = sim.org().management().region("eu-west-1").expect("region").file_systems[0].name.clone();
    let (status, text) = send(addr, &raw("GET", &format!("/2015-02-01/file-systems/{fs}/policy"), "elasticfilesystem", "eu-west-1", &[], "")).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(&format!("\"FileSystemId\":\"{fs}\"")), "{text}");
    let (status, text) = send(addr, &raw("GET", &format!("/2015-02-01/file-systems/{fs}/policy"), "elasticfilesystem", "us-east-1", &[], "")).await.expect("answer");
    assert_eq!(status, 404, "another region's file system");
    assert!(text.to_ascii_lowercase().contains("x-amzn-errortype: filesystemnotfound"), "{text}");

    let ecr = [("x-amz-target", "AmazonEC2ContainerRegistry_V20150921.GetRepositoryPolicy"), ("content-type", "application/x-amz-json-1.1")];
    let (status, text) = send(addr, &raw("POST", "/", "ecr", "us-east-1", &ecr, r#"{"repositoryName":"sim-repo-0"}"#)).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"policyText\":"), "{text}");

    let snapshot = sim.org().management().region("us-east-1").expect("region").ebs_snapshots[0].id.clone();
    let body = "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self";
    let (status, text) = send(addr, &raw("POST", "/", "ec2", "us-east-1", &form, body)).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.to_ascii_lowercase().contains("content-type: text/xml;charset=utf-8"), "{text}");
    assert!(text.contains(&format!("<snapshotSet><item><snapshotId>{snapshot}</snapshotId>")), "{text}");
    let body = "Action=DescribeDBSnapshotAttributes&Version=2014-10-31&DBSnapshotIdentifier=sim-dbsnap-0";
    let (status, text) = send(addr, &raw("POST", "/", "rds", "us-east-1", &form, body)).await.expect("answer");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<AttributeName>restore</AttributeName><AttributeValues><AttributeValue>1000000000"), "{text}");

    let counts = sim.counts();
    assert_eq!(counts.get("EC2:DescribeSnapshots"), Some(&1));
    assert_eq!(counts.get("RDS:DescribeDBSnapshotAttributes"), Some(&1));
    assert_eq!(counts.get("SNS:GetTopicAttributes"), Some(&1));
    assert_eq!(counts.get("Secrets Manager:ListSecrets"), Some(&1));
    assert_eq!(counts.get("EFS:DescribeFileSystemPolicy"), Some(&2));
    assert_eq!(counts.get("ECR:GetRepositoryPolicy"), Some(&1));
    assert!(sim.unsupported().is_empty());
}

#[tokio::test]
async fn dropped_connections_and_retries() {
    let (sim, addr) = start(SimConfig { drop_rate: 1.0, max_consecutive_faults: 2, ..SimConfig::default() }).await;
    let request = raw("POST", "/", "kms", "us-east-1", &[("x-amz-target", "TrentService.ListKeys"), ("content-type", "application/x-amz-json-1.1")], "{}");
    for attempt in 0..2 {
        // Closed without a byte of answer (a reset is as good as an EOF).
        match send(addr, &request).await {
            Ok((_, text)) => assert!(text.is_empty(), "attempt {attempt}: {text}"),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
        }
    }
    let (status, text) = send(addr, &request).await.expect("third attempt answered");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"Keys\""));
    assert_eq!(sim.faults(), 2);
    assert_eq!(sim.counts().get("KMS:ListKeys"), Some(&3));
    assert!(sim.repeated().is_empty());
    send(addr, &request).await.ok();
    send(addr, &request).await.ok();
    let (status, _) = send(addr, &request).await.expect("answered again");
    assert_eq!(status, 200);
    assert_eq!(sim.repeated().len(), 1, "the same logical request answered twice is reported");
}

#[tokio::test]
async fn hang_regions_never_answer() {
    let (sim, addr) = start(SimConfig { hang_regions: BTreeSet::from(["eu-west-1".to_string()]), ..SimConfig::default() }).await;
    let hanging = raw("POST", "/", "sqs", "eu-west-1", &[("x-amz-target", "AmazonSQS.ListQueues"), ("content-type", "application/x-amz-json-1.0")], "{}");
    let waited = tokio::time::timeout(Duration::from_millis(300), send(addr, &hanging)).await;
    assert!(waited.is_err(), "no answer before the client's timeout");
    let global = raw("GET", "/", "s3", "eu-west-1", &[], "");
    let (status, text) = send(addr, &global).await.expect("ListBuckets is global");
    assert_eq!(status, 200);
    assert!(text.contains("<ListAllMyBucketsResult"));
    assert_eq!(sim.hung(), 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.hanging_now(), 0, "the hanging request ended with its connection");

    // A client that gives up closes its connection; the server lets the request go.
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(hanging.as_bytes()).await.expect("send");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sim.hanging_now(), 1);
    drop(stream);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sim.hanging_now(), 0, "no task or socket kept for a client that left");
}
