//! E-mail notifications over real SMTP: lettre talks to a loopback SMTP
//! server this test runs, which keeps every envelope, login and message.
//! Each alert transition reaches the inbox exactly once, the password is
//! read from the environment at send time (and never stored), a transient
//! 4xx is retried, and a permanent 5xx is given up without retrying.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;

use crate::action::{HOUR, MIN, T0, project, sightline_env, store_runs, transitions};
use crate::{stderr, stdout_json};

const PASSWORD: &str = "smtp-password-for-tests-7f3a";

/// One message the server accepted.
#[derive(Debug, Clone)]
struct Mail {
    from: String,
    to: Vec<String>,
    /// `AUTH PLAIN`'s decoded `\0user\0password`, if the client logged in.
    login: Option<String>,
    /// Headers and body as sent (dot-unstuffed).
    data: String,
}

impl Mail {
    fn header(&self, name: &str) -> Option<&str> {
        let (head, _) = self.data.split_once("\r\n\r\n")?;
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The body, with quoted-printable undone when the client used it.
    fn body(&self) -> String {
        let raw = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        if self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"))
        {
            let joined = raw.replace("=\r\n", "");
            let mut out = Vec::new();
            let b = joined.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                match (b[i], hex) {
                    (b'=', Some(v)) => {
                        out.push(v);
                        i += 3;
                    }
                    (c, _) => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        } else {
            raw.to_owned()
        }
    }
}

/// A loopback ESMTP server. `first_reply` answers the first MAIL FROM
/// instead of `250` (e.g. a 451 or a 550); `always` makes every MAIL FROM
/// get it. Stops when dropped, and after two minutes at most.
struct SmtpServer {
    addr: String,
    mails: Arc<Mutex<Vec<Mail>>>,
    mail_froms: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl SmtpServer {
    fn start(first_reply: Option<&'static str>, always: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let mail_froms = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, n, s) = (mails.clone(), mail_froms.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        let reject = |count: usize| match first_reply {
                            Some(r) if always || count == 0 => Some(r),
                            _ => None,
                        };
                        let _ = session(&stream, &m, &n, reject);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        SmtpServer {
            addr,
            mails,
            mail_froms,
            stop,
        }
    }

    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One SMTP conversation (RFC 5321's commands lettre uses).
fn session(
    stream: &TcpStream,
    mails: &Mutex<Vec<Mail>>,
    mail_froms: &AtomicUsize,
    reject: impl Fn(usize) -> Option<&'static str>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut r = BufReader::new(stream);
    let mut w = stream;
    w.write_all(b"220 sightline-test ESMTP\r\n")?;
    let (mut from, mut to, mut login) = (String::new(), Vec::new(), None);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_owned();
        let verb = cmd
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" => {
                "250-sightline-test\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SIZE 1000000".into()
            }
            "HELO" | "NOOP" => "250 ok".into(),
            "AUTH" => {
                let b64 = cmd.split_whitespace().nth(2).unwrap_or("").to_owned();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap_or_default();
                login = Some(String::from_utf8_lossy(&bytes).into_owned());
                "235 2.7.0 authenticated".into()
            }
            "MAIL" => {
                let n = mail_froms.fetch_add(1, Ordering::SeqCst);
                match reject(n) {
                    Some(r) => r.into(),
                    None => {
                        from = cmd
                            .get(10..)
                            .unwrap_or("")
                            .trim_matches(['<', '>', ' '])
                            .to_owned();
                        "250 2.1.0 ok".into()
                    }
                }
            }
            "RCPT" => {
                to.push(
                    cmd.get(8..)
                        .unwrap_or("")
                        .trim_matches(['<', '>', ' '])
                        .to_owned(),
                );
                "250 2.1.5 ok".into()
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                mails.lock().unwrap().push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    login: login.clone(),
                    data,
                });
                "250 2.0.0 queued".into()
            }
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                "250 ok".into()
            }
            "QUIT" => {
                w.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => "502 5.5.2 not implemented".into(),
        };
        w.write_all(format!("{reply}\r\n").as_bytes())?;
    }
}

/// The project with an SLO, one burst of failures, and every notice routed to
/// the e-mail target at `server`.
fn mail_project(dir: &Path, server: &str) -> std::path::PathBuf {
    project(dir, None);
    std::fs::write(
        dir.join("notify.yaml"),
        format!(
            "apiVersion: sightline/v1\nkind: Notifications\ntargets:\n  mail:\n    email:\n      server: \"{server}\"\n      tls: none\n      from: sightline@example.com\n      to: [sre@example.com, oncall@example.com]\n      username: alerts\n      password: {{ env: TEST_SMTP_PASSWORD }}\nroutes:\n  - to: [mail]\n"
        ),
    )
    .unwrap();
    let db = dir.join("s.db");
    store_runs(
        &db,
        T0 - 24 * HOUR,
        T0 + 4 * HOUR,
        &[(T0 + HOUR, T0 + HOUR + 15 * MIN)],
    );
    db
}

fn evaluate(db: &Path, dir: &Path, at: i64) -> std::process::Output {
    sightline_env(
        &[
            "--db",
            db.to_str().unwrap(),
            "--json",
            "notify",
            "evaluate",
            "--project",
            dir.to_str().unwrap(),
            "--at",
            &at.to_string(),
        ],
        &[("TEST_SMTP_PASSWORD", PASSWORD)],
    )
}

/// How many times each transition reached the inbox. A message holds one
/// block per notice: its title first (`[resolved] ...` for a resolution)
/// and the alert's link last.
fn deliveries(mails: &[Mail], key: &str, kind: &str) -> usize {
    let link = format!("Open in Sightline: sightline://alert/{key}");
    mails
        .iter()
        .flat_map(|m| {
            let body = m.body().replace("\r\n", "\n");
            body.split("\n\n").map(str::to_owned).collect::<Vec<_>>()
        })
        .filter(|block| {
            let lines: Vec<&str> = block.lines().collect();
            let (Some(title), Some(last)) = (lines.first(), lines.last()) else {
                return false;
            };
            title.starts_with("[resolved]") == (kind == "resolved") && *last == link
        })
        .count()
}

fn assert_each_transition_once(db: &Path, mails: &[Mail]) {
    let t = transitions(db);
    assert!(
        t.iter().any(|(_, k)| k == "resolved"),
        "the burst fired and resolved: {t:?}"
    );
    for (key, kind) in &t {
        assert_eq!(
            deliveries(mails, key, kind),
            1,
            "{kind} of {key} reached the inbox once; mails:\n{:#?}",
            mails.iter().map(Mail::body).collect::<Vec<_>>()
        );
    }
}

fn outbox(db: &Path) -> serde_json::Value {
    let out = sightline_env(
        &["--db", db.to_str().unwrap(), "--json", "notify", "outbox"],
        &[],
    );
    stdout_json(&out)
}

fn assert_no_password_stored(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes
                    .windows(PASSWORD.len())
                    .any(|w| w == PASSWORD.as_bytes()),
                "the SMTP password is in {}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn alerts_reach_the_inbox_once_per_transition_with_the_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(None, false);
    let db = mail_project(dir.path(), &smtp.addr);
    for at in [T0 + HOUR + 15 * MIN, T0 + 3 * HOUR] {
        let out = evaluate(&db, dir.path(), at);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(!text.contains(PASSWORD), "the password was printed: {text}");
    }
    let mails = smtp.mails();
    assert!(!mails.is_empty(), "no mail arrived");
    for m in &mails {
        assert_eq!(m.from, "sightline@example.com");
        assert_eq!(m.to, ["sre@example.com", "oncall@example.com"]);
        assert_eq!(
            m.login.as_deref(),
            Some(format!("\0alerts\0{PASSWORD}").as_str()),
            "logged in with the password read at send time"
        );
        let subject = m.header("Subject").unwrap_or_default();
        assert!(
            subject.contains("checkout-availability") || subject.contains("alert changes"),
            "{subject}"
        );
        assert!(m.body().contains("Sent by Sightline"), "{}", m.body());
    }
    assert_each_transition_once(&db, &mails);
    let doc = outbox(&db);
    assert_eq!(doc["pending"], 0, "{doc:#}");
    assert_eq!(doc["dead"], 0, "{doc:#}");
    assert_no_password_stored(dir.path());
}

#[test]
fn a_transient_smtp_refusal_is_retried_and_then_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(Some("451 4.3.0 try again later"), false);
    let db = mail_project(dir.path(), &smtp.addr);
    let out = evaluate(&db, dir.path(), T0 + HOUR + 15 * MIN);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = stdout_json(&out);
    assert!(
        doc["delivery"]["retrying"].as_u64().unwrap_or(0) > 0,
        "the 451 left the notice to retry: {doc:#}"
    );
    assert!(smtp.mails().is_empty());
    // The retry is due a second or two later (backoff from 1 s).
    let out = sightline_env(
        &[
            "--db",
            db.to_str().unwrap(),
            "--json",
            "notify",
            "deliver",
            "--project",
            dir.path().to_str().unwrap(),
            "--watch",
            "4s",
        ],
        &[("TEST_SMTP_PASSWORD", PASSWORD)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mails = smtp.mails();
    assert!(smtp.mail_froms.load(Ordering::SeqCst) >= 2);
    for (key, kind) in transitions(&db) {
        assert_eq!(deliveries(&mails, &key, &kind), 1, "{kind} of {key}");
    }
    let doc = outbox(&db);
    assert_eq!(doc["pending"], 0, "{doc:#}");
    assert_eq!(doc["dead"], 0, "{doc:#}");
}

#[test]
fn a_permanent_smtp_refusal_is_given_up_at_once_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(Some("550 5.7.1 relaying denied"), true);
    let db = mail_project(dir.path(), &smtp.addr);
    let out = evaluate(&db, dir.path(), T0 + HOUR + 15 * MIN);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = stdout_json(&out);
    let dead = doc["delivery"]["dead"].as_u64().unwrap_or(0);
    assert!(dead > 0, "{doc:#}");
    assert_eq!(doc["delivery"]["retrying"], 0, "{doc:#}");
    let messages = doc["delivery"]["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(
        smtp.mail_froms.load(Ordering::SeqCst),
        messages,
        "one attempt per message, no retry"
    );
    let outbox = outbox(&db);
    assert_eq!(outbox["pending"], 0, "{outbox:#}");
    let rows = outbox["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(r["state"], "dead", "{r:#}");
        let e = r["last_error"].as_str().unwrap_or_default();
        assert!(e.contains("550") || e.contains("relaying denied"), "{e}");
        assert!(!e.contains(PASSWORD), "{e}");
    }
    assert!(smtp.mails().is_empty());
}
