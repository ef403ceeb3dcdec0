//! A small W3C WebDriver client driving Debian's headless Chromium through `chromedriver`, for
//! the explorer's browser tests: open a page, read it with a script, take a screenshot, and
//! read the browser's console and network logs (`goog:loggingPrefs`). No browser or driver is
//! downloaded: both come from the system's packages (`scripts/setup.sh` installs them).
//!
//! Every wait is bounded, and the driver process is killed when the session is dropped.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use base64::Engine;
use eyre::{WrapErr, bail, eyre};
use serde_json::{Value, json};

/// Where Debian puts the driver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where Debian puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Flags that keep a headless Chromium off the network: no background fetches, no component or
/// sync updates, no QUIC, no first-run pages.
const FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
];

/// One browser session.
#[derive(Debug)]
pub struct Chrome {
    driver: Child,
    addr: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Chrome {
    /// Starts `chromedriver` on a free loopback port and opens a headless Chromium session with
    /// a fresh profile. `None` if the driver is not installed.
    pub fn start() -> eyre::Result<Option<Self>> {
        if !Path::new(CHROMEDRIVER).exists() {
            return Ok(None);
        }
        let port = TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .wrap_err("spawning chromedriver")?;
        let profile = tempfile::tempdir()?;
        let mut chrome = Self {
            driver,
            addr: format!("127.0.0.1:{port}"),
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !matches!(chrome.raw("GET", "/status", None), Ok((200, _))) {
            if Instant::now() > deadline {
                bail!("chromedriver did not answer on {} within 20 s", chrome.addr);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut args: Vec<String> = FLAGS.iter().map(|flag| (*flag).to_owned()).collect();
        args.push(format!("--user-data-dir={}", chrome._profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                "perfLoggingPrefs": {"enableNetwork": true, "enablePage": false},
            },
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
        }}});
        let session = chrome.call("POST", "/session", Some(capabilities))?;
        chrome.session = session["sessionId"]
            .as_str()
            .ok_or_else(|| eyre!("no session id in {session}"))?
            .to_owned();
        Ok(Some(chrome))
    }

    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> eyre::Result<(u16, Value)> {
        let body = body.map(|body| ("application/json", body.to_string().into_bytes()));
        let (status, bytes) =
            onebook_query::blocking::request(&self.addr, method, path, &[], body)?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    /// One WebDriver command; its `value`.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> eyre::Result<Value> {
        let (status, answer) = self.raw(method, path, body.as_ref())?;
        if status != 200 {
            bail!("webdriver {method} {path}: {status} {answer}");
        }
        Ok(answer["value"].clone())
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) -> eyre::Result<()> {
        self.call("POST", &self.session_path("/url"), Some(json!({ "url": url })))?;
        Ok(())
    }

    /// Sets the browser window to `width` x `height` CSS pixels (390 wide for a phone).
    pub fn set_window_size(&self, width: u32, height: u32) -> eyre::Result<()> {
        let rect = json!({ "width": width, "height": height });
        self.call("POST", &self.session_path("/window/rect"), Some(rect))?;
        Ok(())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page; what it returns.
    pub fn execute(&self, script: &str, args: Value) -> eyre::Result<Value> {
        let body = json!({ "script": script, "args": args });
        self.call("POST", &self.session_path("/execute/sync"), Some(body))
    }

    /// The page's visible text.
    pub fn text(&self) -> eyre::Result<String> {
        let text = self.execute("return document.body.innerText;", json!([]))?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// The `href` of every link matching the CSS `selector`.
    pub fn links(&self, selector: &str) -> eyre::Result<Vec<String>> {
        let script = "return Array.from(document.querySelectorAll(arguments[0])).map(a => a.getAttribute('href'));";
        let links = self.execute(script, json!([selector]))?;
        Ok(links
            .as_array()
            .map(|links| links.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
            .unwrap_or_default())
    }

    /// Writes a PNG of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) -> eyre::Result<()> {
        let encoded = self.call("GET", &self.session_path("/screenshot"), None)?;
        let encoded = encoded.as_str().ok_or_else(|| eyre!("no screenshot"))?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded)?;
        std::fs::write(path, bytes).wrap_err_with(|| format!("writing {}", path.display()))
    }

    fn log(&self, kind: &str) -> eyre::Result<Vec<Value>> {
        let entries =
            self.call("POST", &self.session_path("/se/log"), Some(json!({ "type": kind })))?;
        Ok(entries.as_array().cloned().unwrap_or_default())
    }

    /// The console messages of level `SEVERE` (errors, failed loads) since the last call.
    pub fn console_errors(&self) -> eyre::Result<Vec<String>> {
        Ok(self
            .log("browser")?
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// The URL of every request the browser sent since the last call, from its network log.
    pub fn requested_urls(&self) -> eyre::Result<Vec<String>> {
        let mut urls = Vec::new();
        for entry in self.log("performance")? {
            let Some(message) = entry["message"].as_str() else { continue };
            let Ok(message) = serde_json::from_str::<Value>(message) else { continue };
            let message = &message["message"];
            if message["method"] == "Network.requestWillBeSent"
                && let Some(url) = message["params"]["request"]["url"].as_str()
            {
                urls.push(url.to_owned());
            }
        }
        Ok(urls)
    }
}

/// One request the browser sent, as its network log saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentRequest {
    /// The HTTP method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// Whether the request had a body.
    pub has_body: bool,
    /// The body's bytes, where the log holds them (`postDataEntries`, else `postData`).
    pub body: Option<Vec<u8>>,
}

impl Chrome {
    /// Every request the browser sent since the last read of the network log, with its body.
    pub fn sent_requests(&self) -> eyre::Result<Vec<SentRequest>> {
        let mut sent = Vec::new();
        for entry in self.log("performance")? {
            let Some(message) = entry["message"].as_str() else { continue };
            let Ok(message) = serde_json::from_str::<Value>(message) else { continue };
            let message = &message["message"];
            if message["method"] != "Network.requestWillBeSent" {
                continue;
            }
            let request = &message["params"]["request"];
            let entries = request["postDataEntries"].as_array();
            let body = match (entries, request["postData"].as_str()) {
                (Some(entries), _) => {
                    let mut bytes = Vec::new();
                    for part in entries {
                        let encoded = part["bytes"].as_str().unwrap_or_default();
                        bytes.extend(base64::engine::general_purpose::STANDARD.decode(encoded)?);
                    }
                    Some(bytes)
                }
                (None, Some(text)) => Some(text.as_bytes().to_vec()),
                (None, None) => None,
            };
            sent.push(SentRequest {
                method: request["method"].as_str().unwrap_or_default().to_owned(),
                url: request["url"].as_str().unwrap_or_default().to_owned(),
                has_body: request["hasPostData"].as_bool().unwrap_or(false) || body.is_some(),
                body,
            });
        }
        Ok(sent)
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.raw("DELETE", &self.session_path(""), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether `url` names a loopback host, or no network host at all: `data:`, `about:`, `blob:`,
/// and the browser's own pages and resources (`chrome://`, such as the new-tab page a fresh
/// session opens on), which it serves from its binary without a request to the network.
pub fn is_loopback(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.starts_with("data:") || url.starts_with("about:") || url.starts_with("blob:");
    };
    if scheme == "chrome" {
        return true;
    }
    if !matches!(scheme, "http" | "https" | "ws" | "wss") {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or_default().trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or_default()
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The folder screenshots go to: `ONEBOOK_ARTIFACTS`, else `explorer-artifacts` under
/// `CARGO_TARGET_DIR`, else under `fallback`.
pub fn artifacts_dir(fallback: &Path) -> eyre::Result<PathBuf> {
    let dir = match (std::env::var_os("ONEBOOK_ARTIFACTS"), std::env::var_os("CARGO_TARGET_DIR")) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(target)) => PathBuf::from(target).join("explorer-artifacts"),
        (None, None) => fallback.join("explorer-artifacts"),
    };
    std::fs::create_dir_all(&dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_hosts_count_as_loopback() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/",
            "ws://[::1]:9/",
            "data:image/png;base64,",
            "about:blank",
            "chrome://new-tab-page-third-party/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://example.com/",
            "http://10.0.0.1/",
            "http://127.0.0.1.example.com/",
            "file:///etc/passwd",
            "chrome-extension://abc/x.js",
            "https://chrome.google.com/webstore",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
