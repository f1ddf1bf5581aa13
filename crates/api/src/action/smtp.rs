//! E-mail over SMTP with lettre: STARTTLS by default, implicit TLS, or
//! plain (only for a loopback relay). Transient SMTP replies (4xx) and
//! network failures are retried; permanent ones (5xx) are not.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sightline_action::delivery::Attempt;

/// One message to send.
pub struct Mail<'a> {
    /// `host:port`.
    pub server: &'a str,
    /// `starttls`, `tls` or `none`.
    pub tls: &'a str,
    /// Sender.
    pub from: &'a str,
    /// Recipients.
    pub to: &'a [String],
    /// SMTP user.
    pub username: Option<&'a str>,
    /// SMTP password (from the keyring or the environment).
    pub password: Option<&'a str>,
    /// Subject line.
    pub subject: &'a str,
    /// Plain-text body.
    pub body: &'a str,
}

fn mailbox(s: &str, field: &str) -> Result<Mailbox, Attempt> {
    s.parse().map_err(|e| Attempt::Refused {
        reason: format!("{field} {s:?} is not an e-mail address: {e}"),
    })
}

/// Sends `m`.
pub async fn send(m: &Mail<'_>) -> Attempt {
    match try_send(m).await {
        Ok(()) => Attempt::Delivered,
        Err(a) => a,
    }
}

async fn try_send(m: &Mail<'_>) -> Result<(), Attempt> {
    let mut b = Message::builder()
        .from(mailbox(m.from, "from")?)
        .subject(m.subject)
        .header(ContentType::TEXT_PLAIN);
    for t in m.to {
        b = b.to(mailbox(t, "to")?);
    }
    let msg = b.body(m.body.to_owned()).map_err(|e| Attempt::Refused {
        reason: format!("building the message: {e}"),
    })?;
    let (host, port) = match m.server.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()),
        None => (m.server, None),
    };
    let refused = |reason: String| Attempt::Refused { reason };
    sightline_action::route::check_tls(Some(m.tls), m.server)
        .map_err(|e| refused(format!("tls {e}")))?;
    let mut builder = match m.tls {
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
            .map_err(|e| refused(format!("SMTP server {host}: {e}")))?,
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .map_err(|e| refused(format!("SMTP server {host}: {e}")))?,
        other => return Err(refused(format!("tls {other:?}: use starttls, tls or none"))),
    };
    if let Some(p) = port {
        builder = builder.port(p);
    }
    if let (Some(u), Some(p)) = (m.username, m.password) {
        builder = builder.credentials(Credentials::new(u.to_owned(), p.to_owned()));
    }
    builder
        .timeout(Some(std::time::Duration::from_secs(10)))
        .build()
        .send(msg)
        .await
        .map(|_| ())
        .map_err(|e| {
            if e.is_permanent() {
                Attempt::Refused {
                    reason: format!("SMTP: {e}"),
                }
            } else {
                Attempt::Retry {
                    reason: format!("SMTP: {e}"),
                    retry_after_ms: None,
                }
            }
        })
}
