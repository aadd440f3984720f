//! TLS to the server as libpq's `sslmode` means it: `disable`; `prefer` (the default) and
//! `require` encrypt without checking who answers (libpq's meaning, not a safe one); `verify-ca`
//! checks the certificate against trusted roots; `verify-full` checks the server's name too.
//! Roots come from `sslrootcert` (a PEM file, or `system` for the machine's store), else
//! `~/.postgresql/root.crt` as libpq reads it, else the machine's store. `PGSSLMODE` and
//! `PGSSLROOTCERT` give the defaults, as for `psql`. rustls (with ring) needs no system library.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: Mode,
    pub root: Option<String>,
}

/// The address without the TLS settings kehu handles itself (the `postgres` crate knows only
/// disable/prefer/require and no root file), and those settings.
pub fn split(address: &str) -> (String, Result<Tls, String>) {
    let mut mode = std::env::var("PGSSLMODE").ok();
    let mut root = std::env::var("PGSSLROOTCERT").ok();
    // Whether a `key=value` is one of ours (then kept aside) or the crate's.
    let mut ours = |pair: &str| match pair.split_once('=') {
        Some(("sslmode", v)) => {
            mode = Some(v.to_string());
            true
        }
        Some(("sslrootcert", v)) => {
            root = Some(unescape(v));
            true
        }
        _ => false,
    };
    let rest = if let Some((base, query)) = address.split_once('?') {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !ours(pair))
            .collect();
        if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        }
    } else if address.contains('=') && !address.contains("://") {
        // The key=value form: `host=… sslmode=…`.
        let kept: Vec<&str> = address.split_whitespace().filter(|p| !ours(p)).collect();
        kept.join(" ")
    } else {
        address.to_string()
    };
    let mode = match mode.as_deref().unwrap_or("prefer") {
        "disable" => Ok(Mode::Disable),
        "allow" | "prefer" => Ok(Mode::Prefer),
        "require" => Ok(Mode::Require),
        "verify-ca" => Ok(Mode::VerifyCa),
        "verify-full" => Ok(Mode::VerifyFull),
        other => Err(format!(
            "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
        )),
    };
    (rest, mode.map(|mode| Tls { mode, root }))
}

/// `%2F` and the like in a URL's value.
fn unescape(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = v
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Tls {
    /// What the `postgres` crate is told: whether to try TLS, and whether it must succeed.
    pub fn crate_mode(&self) -> postgres::config::SslMode {
        match self.mode {
            Mode::Disable => postgres::config::SslMode::Disable,
            Mode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        }
    }

    /// The TLS connector for this mode.
    pub fn connector(&self) -> Result<MakeRustlsConnect, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let algorithms = provider.signature_verification_algorithms;
        let verifier: Arc<dyn ServerCertVerifier> = match self.mode {
            Mode::Disable | Mode::Prefer | Mode::Require => Arc::new(Unchecked(algorithms)),
            Mode::VerifyCa | Mode::VerifyFull => {
                let roots = self.roots()?;
                let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|e| e.to_string())?;
                if self.mode == Mode::VerifyCa {
                    Arc::new(ChainOnly(webpki))
                } else {
                    webpki
                }
            }
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, String> {
        let libpq_default = directories::BaseDirs::new()
            .map(|d| d.home_dir().join(".postgresql").join("root.crt"))
            .filter(|p| p.exists());
        let file: Option<PathBuf> = match self.root.as_deref() {
            Some("system") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => libpq_default,
        };
        let mut roots = RootCertStore::empty();
        match file {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(&path)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                for cert in certs {
                    let cert = cert.map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                }
            }
            None => {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
        }
        if roots.is_empty() {
            return Err("no trusted root certificates (set sslrootcert)".into());
        }
        Ok(roots)
    }
}

/// `require` and `prefer`: encrypted, whoever answers (what libpq does without a root file).
#[derive(Debug)]
struct Unchecked(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the name in it is not compared.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_tls_settings_are_taken_out_of_the_address() {
        let (rest, tls) = split(
            "postgresql://li@db:5432/crm?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5",
        );
        assert_eq!(rest, "postgresql://li@db:5432/crm?connect_timeout=5");
        assert_eq!(
            tls,
            Ok(Tls {
                mode: Mode::VerifyFull,
                root: Some("/etc/ca.pem".into())
            })
        );
        let (rest, tls) = split("host=db dbname=crm sslmode=require");
        assert_eq!(rest, "host=db dbname=crm");
        assert_eq!(tls.map(|t| t.mode), Ok(Mode::Require));
        let (_, tls) = split("postgresql://db/crm?sslmode=sometimes");
        assert!(tls.unwrap_err().contains("verify-full"));
    }
}
