"""Optional signed C2PA manifests on written WAV files (pip install c2pa-python).

The manifest says the audio was created by a trained algorithm (IPTC digital source type
trainedAlgorithmicMedia), names voxtral-tts, the model and the watermark, and is signed with the deployment's
certificate and key: $VOXTRAL_C2PA_CERT (PEM chain, signer first) and $VOXTRAL_C2PA_KEY (PEM private key), or
the paths given. A verifier trusts it only if the chain leads to a CA it trusts; `make_test_credentials` makes
a throwaway CA for trying this out, which verifiers report as untrusted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import VoxtralError

ENV_CERT, ENV_KEY = "VOXTRAL_C2PA_CERT", "VOXTRAL_C2PA_KEY"
INSTALL = "pip install c2pa-python"
MIME = {".wav": "audio/wav", ".flac": "audio/flac", ".mp3": "audio/mpeg"}
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def credentials(cert: str | Path | None = None, key: str | Path | None = None) -> tuple[Path, Path] | None:
    """The signing certificate chain and key to use, from the arguments or the environment; None if neither."""
    cert = cert or os.environ.get(ENV_CERT)
    key = key or os.environ.get(ENV_KEY)
    if not cert and not key:
        return None
    if not cert or not key:
        raise VoxtralError(f"C2PA signing needs both a certificate chain and a key ({ENV_CERT} and {ENV_KEY})")
    return Path(cert).expanduser(), Path(key).expanduser()


def sign_file(
    path: str | Path, cert: str | Path, key: str | Path, model_name: str, watermark: str = "", alg: str = "es256"
) -> Path:
    """Embed a signed C2PA manifest in the audio file at `path` (rewritten in place)."""
    try:
        import c2pa
    except ImportError:
        raise VoxtralError(f"C2PA signing needs c2pa-python: {INSTALL}") from None
    from .. import __version__

    path = Path(path)
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        raise VoxtralError(f"{path}: C2PA signing supports {', '.join(MIME)} files")
    try:
        info = c2pa.C2paSignerInfo(alg.encode(), Path(cert).read_bytes(), Path(key).read_bytes(), None)
    except OSError as e:
        raise VoxtralError(f"C2PA credentials: {e}") from None
    action = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED,
        "softwareAgent": {"name": "voxtral-tts", "version": __version__},
        "parameters": {"model": model_name, "watermark": watermark},
    }
    manifest = {
        "claim_generator_info": [{"name": "voxtral-tts", "version": __version__}],
        "title": path.name,
        "format": mime,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}],
    }
    tmp = path.with_name(path.name + ".c2pa.tmp")
    try:
        signer = c2pa.Signer.from_info(info)
        builder = c2pa.Builder(json.dumps(manifest))
        with open(path, "rb") as src, open(tmp, "w+b") as dst:
            builder.sign(signer, mime, src, dst)
        tmp.replace(path)
    except c2pa.C2paError as e:
        tmp.unlink(missing_ok=True)
        raise VoxtralError(f"{path}: C2PA signing failed ({e})") from None
    return path


def read_manifest(path: str | Path) -> dict:
    """The file's C2PA manifest store as a dict (validation_status lists trust problems)."""
    import c2pa

    return json.loads(c2pa.Reader(str(path)).json())


def make_test_credentials(folder: str | Path) -> tuple[Path, Path]:
    """A throwaway CA and an ES256 signing certificate under `folder` (chain.pem, key.pem): for tests and demos
    only; verifiers will call the signature untrusted."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "voxtral-tts test"),
            ]
        )

    def usage(**on: bool) -> x509.KeyUsage:
        flags = dict.fromkeys(
            ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement"),
            False,
        )
        flags.update(key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
        flags.update(on)
        return x509.KeyUsage(**flags)

    def base(subject: x509.Name, issuer: x509.Name, public) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        base(name("voxtral-tts test CA"), name("voxtral-tts test CA"), ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        base(name("voxtral-tts test signer"), ca.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    chain, pem = folder / "chain.pem", folder / "key.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    pem.chmod(0o600)
    return chain, pem
