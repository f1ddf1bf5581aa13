//! Just enough of a kubeconfig to reach the API server: the current
//! context's cluster (server, CA) and user (token, token file, or client
//! certificate). Exec and auth-provider plugins are refused with a clear
//! error rather than half-supported.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;

use crate::{Result, TelemetryError};

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    current_context: Option<String>,
    #[serde(default)]
    contexts: Vec<Named<ContextBody>>,
    #[serde(default)]
    clusters: Vec<Named<ClusterBody>>,
    #[serde(default)]
    users: Vec<Named<UserBody>>,
}

#[derive(Deserialize)]
struct Named<T> {
    name: String,
    #[serde(alias = "context", alias = "cluster", alias = "user")]
    body: T,
}

#[derive(Deserialize)]
struct ContextBody {
    cluster: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ClusterBody {
    server: String,
    #[serde(default)]
    certificate_authority_data: Option<String>,
    #[serde(default)]
    certificate_authority: Option<PathBuf>,
    #[serde(default)]
    insecure_skip_tls_verify: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct UserBody {
    token: Option<String>,
    token_file: Option<PathBuf>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
    client_certificate: Option<PathBuf>,
    client_key: Option<PathBuf>,
    exec: Option<serde_json::Value>,
    auth_provider: Option<serde_json::Value>,
}

/// The resolved connection settings. The token is never printed.
#[derive(Clone)]
pub struct Kubeconfig {
    /// API server base URL, e.g. `https://127.0.0.1:6443`.
    pub server: String,
    /// The context's namespace, if any.
    pub namespace: Option<String>,
    token: Option<String>,
    ca_pem: Option<Vec<u8>>,
    identity_pem: Option<(Vec<u8>, Vec<u8>)>,
    insecure: bool,
}

impl std::fmt::Debug for Kubeconfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kubeconfig")
            .field("server", &self.server)
            .field("namespace", &self.namespace)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("client_certificate", &self.identity_pem.is_some())
            .finish()
    }
}

impl Kubeconfig {
    /// Reads `path`, using `context` or else the file's current context.
    pub fn load(path: &Path, context: Option<&str>) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| TelemetryError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path, context)
    }

    /// Parses kubeconfig YAML; `path` names it in errors and anchors relative
    /// certificate and token paths.
    pub fn parse(text: &str, path: &Path, context: Option<&str>) -> Result<Self> {
        let bad = |message: String| TelemetryError::Kubeconfig {
            path: path.to_owned(),
            message,
        };
        let file: File = serde_norway::from_str(text).map_err(|e| bad(e.to_string()))?;
        let name = context
            .map(str::to_owned)
            .or(file.current_context)
            .ok_or_else(|| bad("no current-context, and no context was named".into()))?;
        let ctx = file
            .contexts
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| bad(format!("context {name:?} is not in contexts")))?;
        let cluster = file
            .clusters
            .iter()
            .find(|c| c.name == ctx.body.cluster)
            .ok_or_else(|| bad(format!("cluster {:?} is not in clusters", ctx.body.cluster)))?;
        let user = match &ctx.body.user {
            None => UserBody::default(),
            Some(u) => {
                let found = file.users.into_iter().find(|x| &x.name == u);
                found
                    .ok_or_else(|| bad(format!("user {u:?} is not in users")))?
                    .body
            }
        };
        if user.exec.is_some() || user.auth_provider.is_some() {
            return Err(bad(
                "exec and auth-provider credential plugins are not supported; use a token or a client certificate".into(),
            ));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let read = |p: &Path| {
            std::fs::read(dir.join(p)).map_err(|e| bad(format!("{}: {e}", dir.join(p).display())))
        };
        let b64 = |field: &str, s: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| bad(format!("{field}: not base64: {e}")))
        };
        let ca_pem = match (
            &cluster.body.certificate_authority_data,
            &cluster.body.certificate_authority,
        ) {
            (Some(d), _) => Some(b64("certificate-authority-data", d)?),
            (None, Some(p)) => Some(read(p)?),
            (None, None) => None,
        };
        let cert = match (&user.client_certificate_data, &user.client_certificate) {
            (Some(d), _) => Some(b64("client-certificate-data", d)?),
            (None, Some(p)) => Some(read(p)?),
            _ => None,
        };
        let key = match (&user.client_key_data, &user.client_key) {
            (Some(d), _) => Some(b64("client-key-data", d)?),
            (None, Some(p)) => Some(read(p)?),
            _ => None,
        };
        let identity_pem = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => {
                return Err(bad(
                    "a client certificate needs both its certificate and its key".into(),
                ));
            }
        };
        let token = match (user.token, user.token_file) {
            (Some(t), _) => Some(t),
            (None, Some(p)) => Some(String::from_utf8_lossy(&read(&p)?).trim().to_owned()),
            _ => None,
        };
        Ok(Kubeconfig {
            server: cluster.body.server.trim_end_matches('/').to_owned(),
            namespace: ctx.body.namespace.clone(),
            token,
            ca_pem,
            identity_pem,
            insecure: cluster.body.insecure_skip_tls_verify,
        })
    }

    /// An HTTP client that trusts the cluster's CA and presents the user's
    /// certificate. Reads may stream for long, so only connecting is timed.
    pub fn client(&self) -> Result<reqwest::Client> {
        let bad = |m: String| TelemetryError::Http {
            url: self.server.clone(),
            message: m,
        };
        let mut b = reqwest::Client::builder().connect_timeout(std::time::Duration::from_secs(10));
        if let Some(ca) = &self.ca_pem {
            b = b.add_root_certificate(
                reqwest::Certificate::from_pem(ca)
                    .map_err(|e| bad(format!("certificate authority: {e}")))?,
            );
        }
        if let Some((cert, key)) = &self.identity_pem {
            // native-tls takes PKCS#8 keys; kubeadm's RSA keys need
            // `openssl pkcs8 -topk8 -nocrypt` first.
            let id = reqwest::Identity::from_pkcs8_pem(cert, key)
                .map_err(|e| bad(format!("client certificate (the key must be PKCS#8): {e}")))?;
            b = b.identity(id);
        }
        if self.insecure {
            b = b.danger_accept_invalid_certs(true);
        }
        b.build().map_err(|e| bad(e.to_string()))
    }

    /// Adds the bearer token, if any, to a request.
    pub fn authorize(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }
}
