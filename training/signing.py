"""Ed25519 signatures over model versions: who may write a model the servers will load.

The private key (`MOTIVO_SIGNING_KEY`, default `var/keys/model-signing.key`, mode 0600) is
read only by the commands that write versions (`motivo train`, `motivo retrain`, `motivo models
sign`). Servers read only the trusted public keys (`MOTIVO_TRUSTED_KEYS`, default
`var/keys/trusted-keys.pub`, one base64 key per line, `#` comments allowed), so a compromised
web worker cannot sign. Both live outside the model registry: whoever can write the registry
(a shared NFS mount, a leaked deploy account) still cannot make a version the servers accept.

What is signed is the version's name and the exact bytes of its manifest; the manifest holds
the artifact's sha256, so the signature covers the artifact too.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from model.paths import var_dir

_DOMAIN = b"motivo-model-signature-v1\n"


class SignatureError(RuntimeError):
    """A version is unsigned, signed by an untrusted key, or its signature does not match."""


def signing_key_path() -> Path:
    return Path(os.environ.get("MOTIVO_SIGNING_KEY") or var_dir() / "keys" / "model-signing.key")


def trusted_keys_path() -> Path:
    return Path(os.environ.get("MOTIVO_TRUSTED_KEYS") or var_dir() / "keys" / "trusted-keys.pub")


def _message(version: str, manifest_bytes: bytes) -> bytes:
    return _DOMAIN + version.encode("utf-8") + b"\n" + manifest_bytes


def _public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    """Write the key with mode 0600 from the first byte (never readable by others, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _trust(key: Ed25519PublicKey) -> None:
    path = trusted_keys_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = _public_text(key)
    existing = path.read_text(encoding="ascii") if path.exists() else ""
    if line not in existing.split():
        with open(path, "a", encoding="ascii") as handle:
            handle.write(("" if not existing or existing.endswith("\n") else "\n") + line + "\n")


def ensure_signing_key(registry_root: Path | None = None) -> Path:
    """The private key's path, creating the key pair on first use (and trusting its public key)."""
    path = signing_key_path()
    if registry_root is not None:
        _refuse_inside(path, registry_root)
        _refuse_inside(trusted_keys_path(), registry_root)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        _write_private(path, key)
        _trust(key.public_key())
    return path


def rotate_signing_key() -> str:
    """A new private key replaces the old one; its public key joins the trusted ones. Returns it."""
    key = Ed25519PrivateKey.generate()
    _write_private(signing_key_path(), key)
    _trust(key.public_key())
    return _public_text(key.public_key())


def _refuse_inside(key_path: Path, registry_root: Path) -> None:
    if key_path.resolve().is_relative_to(registry_root.resolve()):
        raise SignatureError(
            f"the signing keys must live outside the model registry: {key_path} is inside {registry_root}"
        )


def _private_key() -> Ed25519PrivateKey:
    path = signing_key_path()
    if path.stat().st_mode & 0o077:
        raise SignatureError(f"{path} is readable by others: chmod 600 {path}")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(f"{path} is not an Ed25519 private key")
    return key


def trusted_keys() -> list[Ed25519PublicKey]:
    path = trusted_keys_path()
    if not path.exists():
        return []
    keys = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            keys.append(Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True)))
        except (ValueError, binascii.Error) as error:
            raise SignatureError(f"{path}:{number}: not a base64 Ed25519 public key ({error})") from error
    return keys


def sign(version: str, manifest_bytes: bytes, registry_root: Path | None = None) -> bytes:
    """The signature (base64, one line) of a version's name and manifest with the private key."""
    ensure_signing_key(registry_root)
    signature = _private_key().sign(_message(version, manifest_bytes))
    return base64.b64encode(signature) + b"\n"


def check(version: str, manifest_bytes: bytes, signature_text: bytes | None) -> None:
    """Raise SignatureError unless one trusted key signed this version's name and manifest."""
    if signature_text is None:
        raise SignatureError(
            f"version {version!r} is not signed: refusing to load it "
            f"(if it is yours, adopt it with `motivo models sign {version}`)"
        )
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (ValueError, binascii.Error) as error:
        raise SignatureError(f"version {version!r}: its signature is not base64") from error
    keys = trusted_keys()
    if not keys:
        raise SignatureError(f"no trusted public key in {trusted_keys_path()}: cannot verify any model")
    message = _message(version, manifest_bytes)
    for key in keys:
        try:
            key.verify(signature, message)
            return
        except InvalidSignature:
            continue
    raise SignatureError(
        f"version {version!r}: its signature does not match its manifest under any trusted key "
        "(the manifest or the artifact was changed, or another key signed it); refusing to load"
    )
