//! A scripted OpenAI-compatible server on loopback: it plays recorded
//! exchanges in order, checks each request holds what the recording
//! expects, and keeps the bodies for the test to read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One recorded exchange.
#[derive(Clone)]
pub struct Reply {
    /// Strings the request body must contain.
    pub expect: Vec<String>,
    /// HTTP status.
    pub status: u16,
    /// The body sent back.
    pub body: String,
    /// Wait this long before answering.
    pub delay: Duration,
}

/// The running server.
pub struct Scripted {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The request bodies received.
    pub requests: Arc<Mutex<Vec<String>>>,
    handle: Option<JoinHandle<()>>,
}

impl Scripted {
    /// Starts serving `script` on 127.0.0.1 (a port the OS picks). It
    /// answers each exchange once and stops after the last or after 30 s.
    pub fn start(script: Vec<Reply>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut i = 0;
            while i < script.len() && Instant::now() < deadline {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let body = read_request(&mut stream);
                let reply = &script[i];
                i += 1;
                let missing: Vec<&String> = reply
                    .expect
                    .iter()
                    .filter(|e| !body.contains(e.as_str()))
                    .collect();
                seen.lock().unwrap().push(body);
                std::thread::sleep(reply.delay);
                let (status, text) = if missing.is_empty() {
                    (reply.status, reply.body.clone())
                } else {
                    (
                        400,
                        format!("{{\"error\":\"request {i} lacks {missing:?}\"}}"),
                    )
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    text.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(text.as_bytes());
            }
        });
        Scripted {
            addr,
            requests,
            handle: Some(handle),
        }
    }

    /// The base URL to configure, `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Waits for the script to end.
    pub fn finish(mut self) -> Vec<String> {
        if let Some(h) = self.handle.take() {
            h.join().unwrap();
        }
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    let _ = reader.read_exact(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

/// The recorded exchanges of `fixtures/model-exchange.json`.
pub fn recorded() -> Vec<Reply> {
    recorded_from(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/model-exchange.json"),
    )
}

/// The exchanges recorded in `file` (the app's tests read this crate's).
pub fn recorded_from(file: &std::path::Path) -> Vec<Reply> {
    let text = std::fs::read_to_string(file).unwrap();
    let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    v.iter()
        .map(|x| Reply {
            expect: x["expect"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_owned())
                .collect(),
            status: 200,
            body: x["response"].to_string(),
            delay: Duration::ZERO,
        })
        .collect()
}
