"""Settings: the CLI's environment variables and the one-line errors for what it would refuse."""

import pytest

from baton_client import BatonClientError, Settings, parse_addresses, split_host_port


def test_defaults_to_the_local_master_in_plaintext():
    s = Settings.from_env({})
    assert s.addresses == ("127.0.0.1:7233",)
    assert not s.tls and s.token is None
    s.validate()


def test_reads_the_cli_variables_and_flags_win():
    env = {"BATON_MASTER": "m1:7233, m2:7233", "BATON_TLS_CA": "/ca.pem", "BATON_TOKEN": "t0k"}
    assert Settings.from_env(env).addresses == ("m1:7233", "m2:7233")
    assert Settings.from_env(env).tls_ca == "/ca.pem"
    assert Settings.from_env(env, master="other:1").addresses == ("other:1",)
    assert Settings.from_env(env, token="mine").token == "mine"
    assert Settings.from_env({"BATON_TOKEN": "t0k\n"}).token == "t0k"
    assert Settings.from_env({"BATON_TOKEN": " "}).token is None


@pytest.mark.parametrize("value, message", [
    ("nohost", "master address 'nohost': not host:port"),
    ("h:0", "port 1..65535"),
    ("h:99999", "port 1..65535"),
    (",", "names no master"),
    (",".join(f"h{i}:1" for i in range(17)), "17 addresses (expected: at most 16)"),
])
def test_rejects_bad_addresses_naming_them(value, message):
    with pytest.raises(BatonClientError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_addresses(value)


def test_splits_ipv6_addresses():
    assert split_host_port("[::1]:7233") == ("::1", 7233)


def test_a_token_goes_in_plaintext_to_loopback_only():
    Settings(addresses=("127.0.0.1:1", "localhost:2", "[::1]:3"), token="t").validate()
    with pytest.raises(BatonClientError) as e:
        Settings(addresses=("127.0.0.1:1", "10.0.0.5:7233"), token="t").validate()
    assert str(e.value) == ("BATON_TOKEN over plaintext to 10.0.0.5:7233 (expected: BATON_TLS_CA for TLS;"
                            " a token goes in plaintext to a loopback address only)")


def test_rejects_a_client_certificate_without_a_ca_or_half_a_pair():
    with pytest.raises(BatonClientError, match="without BATON_TLS_CA"):
        Settings(tls_cert="c.pem", tls_key="k.pem").validate()
    with pytest.raises(BatonClientError, match="BATON_TLS_KEY is missing"):
        Settings(tls_ca="ca.pem", tls_cert="c.pem").validate()


def test_rejects_tokens_with_spaces_or_too_long():
    with pytest.raises(BatonClientError, match="spaces or control characters"):
        Settings(token="Bearer abc").validate()
    with pytest.raises(BatonClientError, match="8193 characters"):
        Settings(token="x" * 8193).validate()


def test_unreadable_or_non_pem_files_are_named(tmp_path):
    with pytest.raises(BatonClientError, match=r"BATON_TLS_CA .*missing.pem: cannot read it"):
        Settings(tls_ca=str(tmp_path / "missing.pem")).read_pem()
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with pytest.raises(BatonClientError, match="not PEM"):
        Settings(tls_ca=str(junk)).read_pem()
