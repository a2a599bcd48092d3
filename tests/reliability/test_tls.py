# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: an HTTPS emulator with a certificate from a private CA."""

from __future__ import annotations

import datetime
import ipaddress
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import record


def _write_pki(directory):
    """A self-signed CA and a server certificate for 127.0.0.1/localhost it signed; returns (ca.pem, cert, key)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "capgo reliability test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_pem, cert_pem, key_pem = directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return ca_pem, cert_pem, key_pem


@pytest.fixture
def tls_emulator(tmp_path, emulator_factory):
    ca_pem, cert_pem, key_pem = _write_pki(tmp_path)
    emu = emulator_factory("--tls-cert", cert_pem, "--tls-key", key_pem)
    assert emu.url.startswith("https://")
    return emu, ca_pem


PLAY = """
- name: tls
  hosts: localhost
  gather_facts: false
  tasks:
    - name: default verification
      capgo.cloud.capgo_organization_info:
        api_retries: 0
      ignore_errors: true
    - name: validate_certs false
      capgo.cloud.capgo_organization_info:
        validate_certs: false
    - name: ca_path
      capgo.cloud.capgo_organization:
        name: TLS Org
        ca_path: "%(ca)s"
    - name: ca_path again
      capgo.cloud.capgo_organization:
        name: TLS Org
        ca_path: "%(ca)s"
"""


def test_tls_refused_by_default_then_validate_certs_false_and_ca_path(tls_emulator, run_playbook):
    emu, ca_pem = tls_emulator
    run = run_playbook(PLAY % {"ca": ca_pem}, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key})
    assert run.rc == 0, run.describe()
    refused = run.one("default verification")
    assert refused["status"] == "failed"
    assert "TLS certificate verification failed" in refused["msg"] and "certificate verify failed" in refused["msg"]
    assert "ca_path" in refused["msg"] and "validate_certs" in refused["msg"]
    assert run.one("validate_certs false")["status"] == "ok"
    assert run.one("ca_path")["status"] == "changed"
    assert run.one("ca_path again")["status"] == "ok"
    assert len(emu.orgs("TLS Org")) == 1
    record("tls", refused_message=refused["msg"])


def test_tls_ca_path_from_environment(tls_emulator, run_playbook):
    emu, ca_pem = tls_emulator
    play = "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: env\n      capgo.cloud.capgo_organization_info: {}\n"
    run = run_playbook(play, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key, "CAPGO_CA_PATH": str(ca_pem)})
    assert run.rc == 0, run.describe()
    assert run.one("env")["status"] == "ok"


def test_tls_refusal_is_immediate(tls_emulator, run_playbook):
    emu, _ca = tls_emulator
    play = ("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: default\n"
            "      capgo.cloud.capgo_organization_info:\n        api_retries: 2\n")
    start = time.monotonic()
    run = run_playbook(play, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key})
    seconds = time.monotonic() - start
    assert run.one("default")["status"] == "failed"
    assert "gave up after" not in run.one("default")["msg"]
    assert seconds < 10, "a certificate failure took %.1fs" % seconds
    record("tls", seconds_refusal_with_2_retries=round(seconds, 1))
