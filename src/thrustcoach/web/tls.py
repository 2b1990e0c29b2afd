"""A self-signed TLS certificate for ``thrustcoach serve --https``, made here and reused.

Phones give the camera only to secure pages, so serving the Live page to a phone on the
same network needs https. The certificate is made locally (``cryptography``: an EC P-256
key, valid for ``localhost``, this computer's name and its addresses), stored in
``<data_dir>/tls/`` (the key readable by its owner only) and reused while it covers the
current addresses and has more than 30 days left. Browsers warn once about a certificate
no authority signed; the fingerprint printed at start lets you check it is this one.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from thrustcoach.errors import StorageError

__all__ = ["Certificate", "ensure_certificate"]

VALID_DAYS = 825
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    fingerprint_sha256: str  # AA:BB:... as browsers show it
    created: bool  # False: an existing one was reused


def _names(addresses: list[str]) -> tuple[set[str], set[str]]:
    dns = {"localhost", socket.gethostname()}
    ips = {"127.0.0.1", *addresses}
    return {d for d in dns if d}, ips


def _fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def _covers(cert: x509.Certificate, dns: set[str], ips: set[str]) -> bool:
    if cert.not_valid_after_utc - dt.datetime.now(dt.UTC) < RENEW_BEFORE:
        return False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have_dns = set(san.get_values_for_type(x509.DNSName))
    have_ips = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    return dns <= have_dns and ips <= have_ips


def ensure_certificate(data_dir: Path, *, addresses: list[str]) -> Certificate:
    """The certificate in ``data_dir/tls``, made (again) when missing, expiring or when it
    does not name one of ``addresses`` (e.g. the computer joined another network)."""
    folder = data_dir / "tls"
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    dns, ips = _names(addresses)
    if cert_path.is_file() and key_path.is_file():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        except ValueError:
            cert = None
        if cert is not None and _covers(cert, dns, ips):
            return Certificate(cert_path, key_path, _fingerprint(cert), created=False)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ThrustCoach on this computer")])
    now = dt.datetime.now(dt.UTC)
    san = [x509.DNSName(d) for d in sorted(dns)] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in sorted(ips)
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    except OSError as exc:
        raise StorageError(
            f"cannot write the certificate to {folder}: {exc.strerror}",
            hint="check that the data directory is writable",
        ) from exc
    return Certificate(cert_path, key_path, _fingerprint(cert), created=True)
