//! Headless Chromium driven over the DevTools protocol, in real time: a
//! page is opened, runs its scripts on the wall clock (no virtual time, so
//! a page that polls sees the program move as a person would), is asked
//! questions with `Runtime.evaluate`, and photographed.
//!
//! The protocol runs over a WebSocket; the few frames it needs (masked
//! text out, text in, possibly fragmented) are written here rather than
//! adding a WebSocket client for one test.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::require_binary;
use crate::servers::{address_in, scratch_dir, Process};

/// A headless Chromium, stopped (and its profile removed) on drop.
pub struct Browser {
    devtools: SocketAddr,
    _process: Process,
}

impl Browser {
    /// Starts `chromium` on `PATH`; `None` when it is missing (see
    /// [`require_binary`]).
    pub fn start() -> Option<Browser> {
        let binary = require_binary("chromium")?;
        let profile: PathBuf = scratch_dir("chromium");
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let mut process = Process::new(child, Some(profile));
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..."
        let line = process.wait_for_line("DevTools listening on", Duration::from_secs(60));
        let devtools = address_in(&line, "ws://");
        Some(Browser {
            devtools,
            _process: process,
        })
    }

    /// `PUT /json/new`: a blank tab, described as JSON. DevTools keeps the
    /// connection open, so the answer is read to its length, not to EOF.
    fn new_tab(&self) -> Value {
        let mut socket = TcpStream::connect(self.devtools).expect("DevTools connects");
        socket
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a read timeout");
        let request = format!(
            "PUT /json/new?about:blank HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
            self.devtools
        );
        socket.write_all(request.as_bytes()).expect("ask DevTools");
        let head = read_head(&mut socket);
        let length = crate::parse_response(head.as_bytes())
            .and_then(|answer| answer.header("content-length")?.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no Content-Length in {head}"));
        let mut body = vec![0u8; length];
        socket.read_exact(&mut body).expect("the new tab");
        serde_json::from_slice(&body).expect("a tab as JSON")
    }

    /// Opens `url` in a new tab of `width` x `height` CSS pixels.
    pub fn open(&self, url: &str, width: u32, height: u32) -> Page {
        let target = self.new_tab();
        let socket = target["webSocketDebuggerUrl"]
            .as_str()
            .expect("the tab's WebSocket");
        let path = socket
            .split_once("/devtools/")
            .map(|(_, p)| p)
            .unwrap_or("");
        let mut page = Page::connect(self.devtools, &format!("/devtools/{path}"));
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        page.call("Page.navigate", json!({ "url": url }));
        page
    }
}

/// One tab.
pub struct Page {
    socket: TcpStream,
    next_id: u64,
}

impl Page {
    fn connect(devtools: SocketAddr, path: &str) -> Page {
        let mut socket = TcpStream::connect(devtools).expect("DevTools connects");
        socket
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("a read timeout");
        // Any 16 bytes, base64: the server only echoes a hash of it.
        let handshake = format!(
            "GET {path} HTTP/1.1\r\nHost: {devtools}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        socket.write_all(handshake.as_bytes()).expect("handshake");
        let head = read_head(&mut socket);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        Page { socket, next_id: 1 }
    }

    /// Calls a DevTools method and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.send(message.as_bytes());
        loop {
            let answer: Value =
                serde_json::from_slice(&self.receive()).expect("DevTools speaks JSON");
            // Events (no id) and other answers are not what we wait for.
            if answer["id"] == id {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression (made JSON by the browser).
    pub fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        result["result"]["value"].clone()
    }

    /// Saves what the tab shows as a PNG file.
    pub fn screenshot(&mut self, path: &Path) {
        let result = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = result["data"].as_str().expect("screenshot data");
        std::fs::write(path, base64_decode(data)).expect("write the screenshot");
    }

    /// A masked text frame (clients must mask).
    fn send(&mut self, payload: &[u8]) {
        let mask = [0x5a, 0x13, 0xc4, 0x7e];
        let mut frame = vec![0x81];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= 0xffff => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.socket.write_all(&frame).expect("send to DevTools");
    }

    /// One whole message, fragments joined.
    fn receive(&mut self) -> Vec<u8> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.socket
                .read_exact(&mut head)
                .expect("a frame from DevTools");
            let (fin, opcode) = (head[0] & 0x80 != 0, head[0] & 0x0f);
            let length = match head[1] & 0x7f {
                126 => {
                    let mut n = [0u8; 2];
                    self.socket.read_exact(&mut n).expect("length");
                    u64::from(u16::from_be_bytes(n))
                }
                127 => {
                    let mut n = [0u8; 8];
                    self.socket.read_exact(&mut n).expect("length");
                    u64::from_be_bytes(n)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; length as usize];
            self.socket.read_exact(&mut payload).expect("a payload");
            assert_ne!(opcode, 8, "DevTools closed the connection");
            // Text, binary or a continuation of them; control frames
            // (ping, pong) are not part of the message.
            if opcode < 8 {
                message.extend_from_slice(&payload);
                if fin {
                    return message;
                }
            }
        }
    }
}

/// An HTTP answer's head, read byte by byte up to the blank line (what
/// follows belongs to the caller).
fn read_head(socket: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        socket
            .read_exact(&mut byte)
            .expect("an answer from DevTools");
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Standard base64 (the screenshot's encoding).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, d)| acc | u32::from(*d) << (18 - 6 * i));
            let bytes = bits.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_every_padding() {
        assert_eq!(super::base64_decode("TWFu"), b"Man");
        assert_eq!(super::base64_decode("TWE="), b"Ma");
        assert_eq!(super::base64_decode("TQ=="), b"M");
        assert_eq!(super::base64_decode("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
    }
}
