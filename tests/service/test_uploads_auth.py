"""The streaming multipart parser, tokens and secret files, binding rules."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sdrscan.errors import ConfigError
from sdrscan.service.auth import check_bind, is_loopback, resolve_token
from sdrscan.service.secrets import new_key, read_or_create_secret
from sdrscan.service.settings import ApiSettings
from sdrscan.service.uploads import UploadError, UploadReceiver, check_content_type

B = b"----sdrscan-boundary"


def body(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += b"--" + B + b"\r\nContent-Disposition: " + disp.encode() + b"\r\n\r\n" + data + b"\r\n"
    return out + b"--" + B + b"--\r\n"


def receive(tmp: Path, raw: bytes, chunk: int, max_bytes: int = 10**7):
    folder = tmp / f"f{len(list(tmp.iterdir()))}"
    folder.mkdir()
    r = UploadReceiver(folder, B, max_bytes)
    for i in range(0, len(raw), chunk):
        r.feed(raw[i:i + chunk])
    return r.finish()


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_parts_are_saved_under_our_names_whatever_the_chunking(tmp_path: Path, chunk: int) -> None:
    data = bytes(range(256)) * 40 + b"\r\n--not-the-boundary\r\n"
    got = receive(tmp_path, body([("meta", "../../x.sigmf-meta", b'{"global": {}}'), ("data", "/etc/x", data),
                                  ("label", None, "Dach Süd".encode())]), chunk)
    assert got.files["data"].name == "recording.sigmf-data" and got.files["data"].read_bytes() == data
    assert got.files["meta"].read_bytes() == b'{"global": {}}'
    assert got.label() == "Dach S_d" and got.is_sigmf
    assert sorted(p.name for p in got.folder.iterdir()) == ["recording.sigmf-data", "recording.sigmf-meta"]


def test_raw_needs_its_parameters_and_sigmf_refuses_them(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="center_freq_hz"):
        receive(tmp_path, body([("data", "x", b"1234"), ("datatype", None, b"cu8"),
                                ("sample_rate_hz", None, b"1M")]), 64)
    with pytest.raises(UploadError, match="given with SigMF"):
        receive(tmp_path, body([("meta", "m", b"{}"), ("data", "x", b"12"), ("datatype", None, b"cu8")]), 64)
    got = receive(tmp_path, body([("data", "x", b"1234"), ("datatype", None, b"cu8"), ("sample_rate_hz", None, b"1M"),
                                  ("center_freq_hz", None, b"947M")]), 5)
    assert got.options() == {"fmt": "cu8", "sample_rate_hz": "1M", "center_freq_hz": "947M"}


@pytest.mark.parametrize("raw, status, text", [
    (body([("data", "x", b"1"), ("data", "y", b"2")]), 422, "twice"),
    (body([("other", None, b"1")]), 422, "unknown form field"),
    (body([("label", None, b"x" * 5000), ("data", "x", b"1")]), 413, "exceeds"),
    (body([("data", "x", b"1")])[:-10], 400, "ended before"),
    (b"--" + B + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + B + b"--\r\n", 400, "no Content-Disposition"),
])
def test_malformed_bodies(tmp_path: Path, raw: bytes, status: int, text: str) -> None:
    with pytest.raises(UploadError, match=text) as exc:
        receive(tmp_path, raw, 13)
    assert exc.value.status == status


def test_the_limit_is_enforced_while_streaming(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    r = UploadReceiver(tmp_path / "f", B, 10_000)
    r.feed(b"--" + B + b'\r\nContent-Disposition: form-data; name="data"; filename="x"\r\n\r\n')
    with pytest.raises(UploadError, match="exceeds the limit") as exc:
        for _ in range(100):
            r.feed(b"\0" * 1000)
    r.close()
    assert exc.value.status == 413
    assert (tmp_path / "f" / "part.data").stat().st_size < 10_000


def test_content_type_checks() -> None:
    assert check_content_type(f"multipart/form-data; boundary={B.decode()}") == B
    for bad, status in ((None, 415), ("application/json", 415), ("multipart/form-data", 400)):
        with pytest.raises(UploadError) as exc:
            check_content_type(bad)
        assert exc.value.status == status


def test_token_sources_and_the_generated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDRSCAN_API_TOKEN", raising=False)
    s = ApiSettings(token_file=tmp_path / "sub" / "token")
    t = resolve_token(s)
    assert t.source == "file" and t.created and len(t.value) >= 32
    assert stat.S_IMODE((tmp_path / "sub" / "token").stat().st_mode) == 0o600
    again = resolve_token(s)
    assert again.value == t.value and not again.created
    monkeypatch.setenv("SDRSCAN_API_TOKEN", "e" * 20)
    assert resolve_token(s).source == "env" and resolve_token(s).matches("e" * 20)
    monkeypatch.setenv("SDRSCAN_API_TOKEN", "short")
    with pytest.raises(ConfigError, match="at least 16"):
        resolve_token(s)
    monkeypatch.delenv("SDRSCAN_API_TOKEN")
    assert resolve_token(ApiSettings(token="s" * 16)).source == "settings"
    os.chmod(tmp_path / "sub" / "token", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        resolve_token(s)


def test_secret_files_are_created_once(tmp_path: Path) -> None:
    key, created = read_or_create_secret(tmp_path / "k", new_key)
    assert created and len(key) == 64
    assert read_or_create_secret(tmp_path / "k", new_key) == (key, False)


def test_non_loopback_binding_needs_an_explicit_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    check_bind("127.0.0.1", None)
    file_token = resolve_token(ApiSettings(token="f" * 16))
    check_bind("0.0.0.0", file_token)
    from sdrscan.service.auth import ApiToken

    with pytest.raises(ConfigError, match="refusing to bind 0.0.0.0"):
        check_bind("0.0.0.0", ApiToken("g" * 16, "file"))
    with pytest.raises(ConfigError):
        check_bind("0.0.0.0", None)
