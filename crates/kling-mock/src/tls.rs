//! HTTPS: the certificate and key the server presents, either generated at start
//! (self-signed, for the loopback names) or read from PEM files.
//!
//! A generated certificate is written as PEM to a file so that clients can trust it
//! (`curl --cacert`, `requests(verify=...)`, `reqwest::Certificate::from_pem`); its key
//! stays in memory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Where the HTTPS certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsConfig {
    /// Generate a self-signed certificate for `localhost`, `127.0.0.1`, `::1` and the bound
    /// address at start.
    SelfSigned,
    /// A certificate chain and its private key, PEM files.
    Files {
        /// The certificate chain (leaf first).
        cert: PathBuf,
        /// The private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
}

/// Why HTTPS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The self-signed certificate could not be generated.
    #[error("cannot generate a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// A PEM file could not be read or holds nothing usable.
    #[error("cannot read {what} from {path}: {message}")]
    Pem {
        /// "certificate" or "private key".
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The generated certificate could not be written.
    #[error("cannot write the certificate to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// rustls refused the certificate or key.
    #[error("unusable certificate or key: {0}")]
    Rustls(#[from] tokio_rustls::rustls::Error),
}

/// HTTPS ready to serve: the acceptor, and the certificate file clients should trust.
#[derive(Clone)]
pub struct Tls {
    /// Performs the server side of handshakes.
    pub acceptor: TlsAcceptor,
    /// PEM file of the certificate presented: the generated one, or the one configured.
    pub certificate: PathBuf,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("certificate", &self.certificate).finish_non_exhaustive()
    }
}

impl Tls {
    /// Loads or generates the certificate for a server bound to `local`.
    pub fn prepare(config: &TlsConfig, local: SocketAddr) -> Result<Tls, TlsError> {
        let (chain, key, certificate) = match config {
            TlsConfig::SelfSigned => self_signed(local)?,
            TlsConfig::Files { cert, key } => (read_chain(cert)?, read_key(key)?, cert.clone()),
        };
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(server)), certificate })
    }
}

type Material = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, PathBuf);

/// A certificate for the loopback names and the bound address, written to
/// `<temp dir>/kling-mock-<pid>/cert-<port>.pem`.
fn self_signed(local: SocketAddr) -> Result<Material, TlsError> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    let ip = local.ip();
    if !ip.is_loopback() && !ip.is_unspecified() {
        names.push(ip.to_string());
    }
    let generated = rcgen::generate_simple_self_signed(names)?;
    let dir = std::env::temp_dir().join(format!("kling-mock-{}", std::process::id()));
    let path = dir.join(format!("cert-{}.pem", local.port()));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, generated.cert.pem()))
        .map_err(|source| TlsError::Write { path: path.clone(), source })?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.signing_key.serialize_der()));
    Ok((vec![generated.cert.der().clone()], key, path))
}

fn pem_error(what: &'static str, path: &Path, message: impl ToString) -> TlsError {
    TlsError::Pem { what, path: path.to_owned(), message: message.to_string() }
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| pem_error("certificate", path, e))?;
    if chain.is_empty() {
        return Err(pem_error("certificate", path, "no CERTIFICATE block"));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| pem_error("private key", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_written_and_accepted_by_rustls() {
        let local: SocketAddr = "127.0.0.1:1".parse().expect("address");
        let tls = Tls::prepare(&TlsConfig::SelfSigned, local).expect("generated");
        let pem = std::fs::read_to_string(&tls.certificate).expect("written");
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        let key = tls.certificate.with_extension("key");
        std::fs::write(&key, "not a key").expect("write");
        let files = TlsConfig::Files { cert: tls.certificate.clone(), key: key.clone() };
        let error = Tls::prepare(&files, local).expect_err("a broken key is refused");
        assert!(error.to_string().contains("private key"), "{error}");
        let _ = std::fs::remove_file(key);
    }
}
