//! Running the `kling-mock` binary from the integration tests that need the real process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The binary cargo built for these tests.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_kling-mock");

/// A running `kling-mock` process, killed on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base_url: String,
    pub(crate) banner: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary with `args` and `env` added, and reads its banner up to the first
    /// line that contains `banner_end`.
    pub(crate) fn start(args: &[&str], env: &[(&str, &str)], banner_end: &str) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let base_url = first.rsplit(' ').next().unwrap_or_default().to_owned();
        assert!(base_url.starts_with("http://127.0.0.1:"), "banner: {first}");
        let mut banner = first;
        for line in lines.by_ref().map_while(Result::ok) {
            banner.push('\n');
            banner.push_str(&line);
            if line.contains(banner_end) {
                break;
            }
        }
        Server { child, base_url, banner }
    }
}

/// `kling-mock token ARGS`: a token for the development account unless `args` say otherwise.
pub(crate) fn token(args: &[&str]) -> String {
    let output = Command::new(BIN).arg("token").args(args).output().unwrap_or_else(|e| panic!("token: {e}"));
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
