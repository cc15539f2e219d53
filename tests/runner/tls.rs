//! TLS against an HTTPS target whose certificate a private CA signed (`fixtures/tls`): verified
//! by default, trusted with `--ca-cert`, skipped with `--insecure`.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::cli::{authprobe, scratch};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(name)
}

/// An HTTPS server on a free loopback port that answers every request `200 ok`.
async fn https_target() -> String {
    let certs = CertificateDer::pem_file_iter(fixture("server.pem"))
        .expect("reads the certificate")
        .collect::<Result<Vec<_>, _>>()
        .expect("a certificate");
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).expect("reads the key");
    // The provider the crate features choose: ring, as reqwest's.
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("a server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake here.
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("https://{address}")
}

#[tokio::test]
async fn a_certificate_is_verified_a_private_ca_is_trusted_with_ca_cert_and_insecure_skips_it() {
    let target = https_target().await;
    let dir = scratch("tls");
    std::fs::write(
        dir.join("tls.yaml"),
        "name: tls\nsteps:\n  - name: over https\n    request: { url: /health }\n    expect: { status: 200, body: ok }\n",
    )
    .expect("writes suite");
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = ["run", "tls.yaml", "--report", "json", "--target", &target]
            .iter()
            .map(|arg| (*arg).to_owned())
            .collect();
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        authprobe(args, &dir)
    };
    let ca = fixture("ca.pem").to_string_lossy().into_owned();

    let untrusted = run(&[]).await;
    let stdout = String::from_utf8_lossy(&untrusted.stdout);
    assert_eq!(untrusted.status.code(), Some(1), "{untrusted:?}");
    assert!(
        stdout.contains("could not connect") && stdout.contains("--ca-cert FILE"),
        "{stdout}"
    );

    for trusted in [&["--ca-cert", ca.as_str()][..], &["--insecure"]] {
        let output = run(trusted).await;
        assert_eq!(output.status.code(), Some(0), "{trusted:?}: {output:?}");
    }

    // A file with no certificate in it is a usage error, named.
    let output = run(&["--ca-cert", "tls.yaml"]).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--ca-cert tls.yaml: no certificate"),
        "{output:?}"
    );
}
