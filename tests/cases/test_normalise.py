"""The URL normaliser: unit tests of each rule, then hypothesis property tests.

Everything here is synthetic (.test / .example hosts, documentation IP ranges)."""

import hashlib
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cases.normalise import (
    MAX_URL_LENGTH,
    TRACKING_PARAMETERS,
    InvalidURL,
    NormalisedURL,
    normalise_url,
)


def norm(url: str) -> str:
    return normalise_url(url).url


# --- Scheme, host, port ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("HTTP://EXAMPLE.TEST/Path", "http://example.test/Path"),  # the path keeps its case
        ("hTtPs://Www.Example.Test/a/B", "https://www.example.test/a/B"),
        ("https://example.test", "https://example.test/"),  # an empty path is "/"
        ("  https://example.test/a \n", "https://example.test/a"),  # pasted with whitespace
    ],
)
def test_scheme_and_host_case_are_folded(given_url, expected):
    assert norm(given_url) == expected


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("http://example.test:80/a", "http://example.test/a"),
        ("https://example.test:443/a", "https://example.test/a"),
        ("HTTPS://example.test:443", "https://example.test/"),
        ("http://example.test:0080/a", "http://example.test/a"),  # the same number
        # A default port only for its own scheme:
        ("http://example.test:443/a", "http://example.test:443/a"),
        ("https://example.test:80/a", "https://example.test:80/a"),
        ("http://example.test:8080/a", "http://example.test:8080/a"),
        ("https://example.test:8443/a?b=1", "https://example.test:8443/a?b=1"),
        ("http://example.test:08080/a", "http://example.test:8080/a"),
    ],
)
def test_default_ports_are_dropped_and_others_kept(given_url, expected):
    assert norm(given_url) == expected


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("http://example.test./", "http://example.test/"),
        ("http://EXAMPLE.TEST.:8080/x", "http://example.test:8080/x"),
        ("https://www.example.test./a", "https://www.example.test/a"),
        ("http://192.0.2.1./", "http://192.0.2.1/"),
        ("http://bücher.example./", "http://xn--bcher-kva.example/"),
    ],
)
def test_trailing_dots_on_the_host_are_removed(given_url, expected):
    assert norm(given_url) == expected
    assert not normalise_url(given_url).host.endswith(".")


def test_a_trailing_ideographic_full_stop_is_a_trailing_dot_too():
    # UTS 46 maps U+3002 (and U+FF0E, U+FF61) to "."; browsers treat "example.test。" as
    # "example.test.", so it must meet "example.test" like any other trailing dot.
    plain = normalise_url("http://example.test/a")
    for dot in ("\u3002", "\uff0e", "\uff61"):
        assert normalise_url(f"http://example.test{dot}/a") == plain


def test_www_is_kept_it_can_be_another_host():
    with_www = normalise_url("https://www.example.test/a")
    without = normalise_url("https://example.test/a")
    assert with_www.url == "https://www.example.test/a" and with_www.host == "www.example.test"
    assert without.url == "https://example.test/a" and without.host == "example.test"
    assert with_www.digest != without.digest


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("https://example.test/a#top", "https://example.test/a"),
        ("https://example.test/a?b=1#x?y=2", "https://example.test/a?b=1"),
        ("https://example.test/#", "https://example.test/"),
        ("https://example.test/a#frag#more%20", "https://example.test/a"),
        ("https://example.test#top", "https://example.test/"),
    ],
)
def test_fragments_are_dropped(given_url, expected):
    assert norm(given_url) == expected


# --- Tracking parameters --------------------------------------------------------------

TRACKING_SPELLINGS = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "UTM_SOURCE",
    "Utm_Campaign",
    "utm%5Fsource",
    "utm%5fmedium",
    "UTM%5FCONTENT",
    "%75tm_source",
    "%55TM%5Fterm",
    "FBCLID",
    "GClid",
    "%5Fga",
    *sorted(TRACKING_PARAMETERS),
]


@pytest.mark.parametrize("name", TRACKING_SPELLINGS)
def test_tracking_parameters_are_dropped_and_the_others_kept_in_order(name):
    assert (
        norm(f"https://example.test/p?id=7&{name}=abc&page=2&{name}")
        == "https://example.test/p?id=7&page=2"
    )
    assert norm(f"https://example.test/p?{name}=1") == "https://example.test/p"


def test_only_tracking_parameters_leave_no_query_at_all():
    assert (
        norm("https://example.test/p?utm_source=a&fbclid=b&gclid=c&_ga=d#x")
        == "https://example.test/p"
    )


def test_parameter_order_is_kept_reordering_could_merge_different_resources():
    assert norm("https://example.test/?z=1&a=2&m=3") == "https://example.test/?z=1&a=2&m=3"
    assert normalise_url("https://example.test/?b=2&a=1") != normalise_url(
        "https://example.test/?a=1&b=2"
    )


@pytest.mark.parametrize(
    "query",
    [
        "utm=1",
        "xutm_source=2",
        "utm-source=3",
        "fbclid2=4",
        "gclid_x=5",
        "q=utm_source",
        "next=/?fbclid=1",
        "ga=6",
    ],
)
def test_lookalikes_of_tracking_parameters_are_kept(query):
    assert norm(f"https://example.test/p?{query}") == f"https://example.test/p?{query}"


# --- Percent-encoding -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/%41%42%43", "/ABC"),
        ("/%7E%7euser", "/~~user"),
        ("/%2D%2e%5F%30%39%61%7A", "/-._09az"),
        ("/a%2fb", "/a%2Fb"),
        ("/a%3a%40%3f%23", "/a%3A%40%3F%23"),
        ("/%e2%82%ac", "/%E2%82%AC"),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),
        ("/ü", "/%C3%BC"),
        ("/%c3%bc", "/%C3%BC"),
        ("/€", "/%E2%82%AC"),
        ("/😀", "/%F0%9F%98%80"),
        ("/100%", "/100%25"),
        ("/%zz", "/%25zz"),
        ("/%4", "/%254"),
        ("/%25", "/%25"),
        ("/%2541", "/%2541"),  # an escaped "%" is not decoded twice
        ('/"<>\\^`{|}[]', "/%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D"),
        ("/!$&'()*+,;=:@", "/!$&'()*+,;=:@"),  # reserved characters stay as they are
    ],
)
def test_percent_encoding_is_normalised_in_the_path(path, expected):
    assert norm(f"https://example.test{path}") == f"https://example.test{expected}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=a b", "q=a%20b"),
        ("r=%7e&s=%2f", "r=~&s=%2F"),
        ("t=ü&u=%c3%bc", "t=%C3%BC&u=%C3%BC"),
        ("%69d=%41", "id=A"),
        ("next=/a/b?c=:@", "next=/a/b?c=:@"),
        ("v=%26&w=%3d", "v=%26&w=%3D"),  # an escaped "&" does not split the parameter
    ],
)
def test_percent_encoding_is_normalised_in_the_query(query, expected):
    assert norm(f"https://example.test/p?{query}") == f"https://example.test/p?{expected}"


# --- Dot segments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/b/c/./../../g", "/a/g"),  # RFC 3986, 5.2.4
        ("/mid/content=5/../6", "/mid/6"),
        ("/a/./b", "/a/b"),
        ("/a/../b", "/b"),
        ("/../b", "/b"),
        ("/../../b", "/b"),
        ("/a/.", "/a/"),
        ("/a/..", "/"),
        ("/a/b/..", "/a/"),
        ("/.", "/"),
        ("/..", "/"),
        ("/a/%2e/b", "/a/b"),
        ("/a/%2E%2E/b", "/b"),
        ("/a/.%2e/b", "/b"),
        ("/a/.../b", "/a/.../b"),
        ("/a/..b/.c", "/a/..b/.c"),
        ("/a//b", "/a//b"),
    ],
)
def test_dot_segments_are_resolved(path, expected):
    assert norm(f"https://example.test{path}") == f"https://example.test{expected}"


def test_dot_segments_in_the_query_are_left_alone():
    assert norm("https://example.test/p?next=./a/../b") == "https://example.test/p?next=./a/../b"


# --- IDN, IPv4, IPv6 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://BÜCHER.EXAMPLE/", "http://xn--bcher-kva.example/"),
        ("http://xn--bcher-kva.example/", "http://xn--bcher-kva.example/"),
        ("http://XN--BCHER-KVA.example/", "http://xn--bcher-kva.example/"),
        ("https://пример.test/a", "https://xn--e1afmkfd.test/a"),
        ("https://例え.test/", "https://xn--r8jz45g.test/"),
        ("https://www.münchen.test:443/a", "https://www.xn--mnchen-3ya.test/a"),
        ("https://ｅｘａｍｐｌｅ.test/", "https://example.test/"),  # full-width letters
        ("https://bücher\u3002example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_idn_hosts_become_punycode(given_url, expected):
    assert norm(given_url) == expected


def test_the_unicode_and_punycode_forms_of_a_host_meet():
    unicode_form = normalise_url("https://Bücher.example/v/1?utm_source=x")
    punycode_form = normalise_url("https://xn--bcher-kva.example/v/1")
    assert unicode_form == punycode_form
    assert unicode_form.host == "xn--bcher-kva.example"
    assert unicode_form.digest == punycode_form.digest


@pytest.mark.parametrize(
    ("given_url", "expected", "host"),
    [
        ("http://192.0.2.1/", "http://192.0.2.1/", "192.0.2.1"),
        ("http://192.0.2.1:80/a", "http://192.0.2.1/a", "192.0.2.1"),
        ("http://198.51.100.7:8080/a", "http://198.51.100.7:8080/a", "198.51.100.7"),
        ("https://[2001:DB8::1]/", "https://[2001:db8::1]/", "2001:db8::1"),
        ("https://[2001:db8:0:0:0:0:0:1]:443/x", "https://[2001:db8::1]/x", "2001:db8::1"),
        ("http://[2001:db8::1]:8080/", "http://[2001:db8::1]:8080/", "2001:db8::1"),
        ("http://[::1]/", "http://[::1]/", "::1"),
    ],
)
def test_ip_hosts(given_url, expected, host):
    result = normalise_url(given_url)
    assert (result.url, result.host) == (expected, host)


# --- Errors ---------------------------------------------------------------------------


def test_invalid_url_is_a_value_error():
    assert issubclass(InvalidURL, ValueError)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.test/file",
        "file:///etc/passwd",
        "mailto:someone@example.test",
        "javascript:alert(1)",
        "data:text/plain,hello",
        "ws://example.test/",
        "httpx://example.test/",
        "example.test/path",
        "//example.test/path",
    ],
)
def test_only_http_and_https_urls(url):
    with pytest.raises(InvalidURL, match=r"Only http\(s\) URLs"):
        normalise_url(url)


@pytest.mark.parametrize(
    "url", ["", "   ", "http://", "https:///path", "http:/path", "https:example.test"]
)
def test_a_url_without_a_host_is_refused(url):
    with pytest.raises(InvalidURL):
        normalise_url(url)


@pytest.mark.parametrize("url", ["http://:80/", "http://user@/", "https://.../", "https://./a"])
def test_no_host_is_named_in_the_message(url):
    with pytest.raises(InvalidURL, match="no host"):
        normalise_url(url)


@pytest.mark.parametrize("port", ["65536", "99999", "abc", "-1", "+80", "80:80", "8080a", " 80"])
def test_bad_ports_are_refused(port):
    with pytest.raises(InvalidURL):
        normalise_url(f"https://example.test:{port}/a")


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\t", "\n", "\r"])
@pytest.mark.parametrize(
    "template", ["https://exa{c}mple.test/", "https://example.test/a{c}b", "https://e.test/?q={c}1"]
)
def test_control_characters_are_refused(char, template):
    with pytest.raises(InvalidURL, match="control characters"):
        normalise_url(template.format(c=char))


def test_over_long_urls_are_refused():
    prefix = "https://example.test/"
    longest = prefix + "a" * (MAX_URL_LENGTH - len(prefix))
    assert normalise_url(longest).url == longest
    with pytest.raises(InvalidURL, match="longer than"):
        normalise_url(longest + "a")


@pytest.mark.parametrize(
    "host",
    [
        "exa mple.test",
        "-bad.test",
        "bad-.test",
        "a.b-.test",
        "a..test",
        ".test",
        "localhost",
        "a" * 64 + ".test",
        ".".join(["a" * 63] * 5),
        "under_score.test",
        "ex!ample.test",
        "xn--zz.test",
        "ab--c.test",
        "[2001:db8::g]",
        "[1.2.3.4]",
        "[example.test]",
    ],
)
def test_invalid_host_names_are_refused(host):
    with pytest.raises(InvalidURL):
        normalise_url(f"https://{host}/a")


def test_a_bracketed_future_ip_literal_is_not_a_domain_name():
    # urlsplit accepts "[v1.fe]" (RFC 3986 IPvFuture) and its hostname loses the
    # brackets; it must not become the domain "v1.fe" (a different host).
    with pytest.raises(InvalidURL):
        normalise_url("https://[v1.fe]/a")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.test/\ud800",
        "https://example.test/a?q=\udfff",
        "https://example.test/\udcff\udcfe",  # what surrogateescape makes of bad bytes
    ],
)
def test_lone_surrogates_are_an_invalid_url_not_a_crash(url):
    # A JSON body can carry "\ud800"; the API must answer with a field error, not a 500.
    with pytest.raises(InvalidURL):
        normalise_url(url)


# --- The digest -----------------------------------------------------------------------


def test_the_digest_is_the_sha256_of_the_normalised_url():
    result = normalise_url("HTTPS://Example.TEST:443/a/./b?utm_source=x&id=1#top")
    assert result == NormalisedURL(url="https://example.test/a/b?id=1", host="example.test")
    assert result.digest == hashlib.sha256(b"https://example.test/a/b?id=1").hexdigest()


def test_a_long_url_that_normalises_normalises_again_to_itself():
    # Escaping grows a URL (one "ü" is six characters once escaped): whatever passes the
    # length check must still pass it when normalised again (e.g. a search by the
    # normalised URL shown on the case page). Refusing the original is also fine.
    for url in (
        "https://example.test/" + "ü" * 1000,
        "https://example.test/?q=" + "a b " * 1000,
    ):
        try:
            result = normalise_url(url)
        except InvalidURL:
            continue
        assert normalise_url(result.url) == result


# --- Property tests -------------------------------------------------------------------
#
# A URL is generated as a model (scheme, host, port, path segments made of atoms,
# parameters); each model can be spelled in many ways that the normaliser must fold:
# case of scheme and host, default port, trailing dot, Unicode or punycode labels,
# escaped or literal unreserved / non-ASCII / unsafe characters, hex-digit case of
# escapes, dot segments, tracking parameters, a fragment.

UNRESERVED = string.ascii_letters + string.digits + "-._~"
PATH_RESERVED = "!$&'()*+,;=:@"
QUERY_RESERVED = "!$'()*+,;=:@/?"  # not "&": it separates parameters
UNSAFE_ASCII = ' "<>\\^`{|}[]'  # escaped by the normaliser; "%" is handled apart
DEFAULT_PORTS = {"http": 80, "https": 443}
IDN_LABELS = [
    ("bücher", "xn--bcher-kva"),
    ("münchen", "xn--mnchen-3ya"),
    ("пример", "xn--e1afmkfd"),
    ("例え", "xn--r8jz45g"),
    ("café", "xn--caf-dma"),
]
TRACKING_NAMES = [
    *sorted(TRACKING_PARAMETERS),
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_x",
]
ORDINARY_NAMES = ["id", "page", "q", "v", "lang", "sort", "ref", "s", "ga", "utm"]

non_ascii = st.characters(
    min_codepoint=0xA0, exclude_categories=("Cs", "Cc", "Co", "Zs", "Zl", "Zp")
)
ascii_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)


def atoms(reserved: str, *, messy: bool = False):
    kinds = [
        st.tuples(st.just("unreserved"), st.sampled_from(UNRESERVED)),
        st.tuples(st.just("reserved"), st.sampled_from(reserved)),
        st.tuples(
            st.just("escape"), st.integers(0, 255).filter(lambda b: chr(b) not in UNRESERVED)
        ),
        st.tuples(st.just("non_ascii"), non_ascii),
        st.tuples(st.just("unsafe"), st.sampled_from(UNSAFE_ASCII)),
    ]
    if messy:  # stray "%" signs: ambiguous, so only for idempotence
        kinds.append(st.tuples(st.just("raw"), st.sampled_from(["%", "%4", "%zz", "%%", "%g1"])))
    return st.one_of(kinds)


@st.composite
def url_models(draw, *, messy: bool = False):
    scheme = draw(st.sampled_from(["http", "https"]))
    host_kind = draw(st.sampled_from(["dns", "dns", "dns", "ipv4", "ipv6"]))
    if host_kind == "dns":
        labels = draw(
            st.lists(
                st.one_of(ascii_label.map(lambda s: (s, s)), st.sampled_from(IDN_LABELS)),
                min_size=1,
                max_size=3,
            )
        )
        if draw(st.booleans()):
            labels.insert(0, ("www", "www"))
        labels.append((tld := draw(st.sampled_from(["test", "example", "invalid"])), tld))
        host = (host_kind, labels)
    else:
        host = (host_kind, draw(st.ip_addresses(v=4 if host_kind == "ipv4" else 6)))
    port = draw(st.none() | st.integers(1, 65535).filter(lambda p: p != DEFAULT_PORTS[scheme]))
    segments = draw(st.lists(st.lists(atoms(PATH_RESERVED, messy=messy), max_size=5), max_size=5))
    params = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ORDINARY_NAMES),
                st.none() | st.lists(atoms(QUERY_RESERVED, messy=messy), max_size=5),
            ),
            max_size=4,
        )
    )
    return {"scheme": scheme, "host": host, "port": port, "path": segments, "params": params}


def random_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


def escape(draw, data: bytes) -> str:
    return "".join("%" + (f"{b:02X}" if draw(st.booleans()) else f"{b:02x}") for b in data)


def spell_atom(draw, kind: str, value) -> str:
    if kind == "reserved" or kind == "raw":
        return value
    if kind == "escape":
        return escape(draw, bytes([value]))
    if draw(st.booleans()):  # unreserved, non-ASCII and unsafe characters: as is, or escaped
        return value
    return escape(draw, value.encode())


def spell_host(draw, host) -> str:
    kind, value = host
    if kind == "ipv6":
        text = value.exploded if draw(st.booleans()) else value.compressed
        return "[" + random_case(draw, text) + "]"
    if kind == "ipv4":
        text = str(value)
    else:
        text = ".".join(
            random_case(draw, draw(st.sampled_from([unicode, puny]))) for unicode, puny in value
        )
    return text + ("." if draw(st.booleans()) else "")


def spell_path(draw, segments) -> str:
    if not segments:
        return draw(st.sampled_from(["", "/"]))
    parts = []
    for segment in segments:
        # Dot segments that cancel out, only before a real segment (a final "." or ".."
        # would add a trailing slash).
        extra = draw(st.sampled_from([None, None, ".", "%2e", "%2E", "zz/..", "zz/%2E%2e"]))
        if extra:
            parts.append(extra)
        parts.append("".join(spell_atom(draw, kind, value) for kind, value in segment))
    return "/" + "/".join(parts)


def spell_name(draw, name: str) -> str:
    out = []
    for char in random_case(draw, name) if name in TRACKING_NAMES else name:
        out.append(escape(draw, char.encode()) if draw(st.integers(0, 3)) == 0 else char)
    return "".join(out)


def spell_query(draw, params) -> str:
    spelled = [
        spell_name(draw, name)
        + ("" if value is None else "=" + "".join(spell_atom(draw, k, v) for k, v in value))
        for name, value in params
    ]
    for _ in range(draw(st.integers(0, 3))):  # tracking parameters anywhere
        name = spell_name(draw, draw(st.sampled_from(TRACKING_NAMES)))
        value = draw(st.sampled_from(["", "=", "=abc", "=x%20y", "=ü"]))
        spelled.insert(draw(st.integers(0, len(spelled))), name + value)
    if not spelled:
        return draw(st.sampled_from(["", "?"]))
    return "?" + "&".join(spelled)


def spell(draw, model) -> str:
    scheme = random_case(draw, model["scheme"])
    host = spell_host(draw, model["host"])
    if model["port"] is not None:
        port = f":{model['port']}"
    else:
        port = draw(st.sampled_from(["", f":{DEFAULT_PORTS[model['scheme']]}"]))
    path = spell_path(draw, model["path"])
    query = spell_query(draw, model["params"])
    fragment = ""
    if draw(st.booleans()):
        fragment = "#" + draw(st.text(UNRESERVED + "!$&'()*+,;=:@/?#%ü", max_size=10))
    url = f"{scheme}://{host}{port}{path}{query}{fragment}"
    assume(url == url.strip())  # a literal space at the very end is trimmed, not escaped
    return url


@st.composite
def messy_urls(draw):
    return spell(draw, draw(url_models(messy=True)))


@st.composite
def equivalent_spellings(draw):
    model = draw(url_models())
    return spell(draw, model), spell(draw, model)


property_settings = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@property_settings
@given(messy_urls())
def test_normalising_is_idempotent(url):
    once = normalise_url(url)
    assert normalise_url(once.url) == once


@property_settings
@given(equivalent_spellings())
def test_spellings_that_differ_only_in_folded_ways_give_the_same_digest(pair):
    first, second = (normalise_url(url) for url in pair)
    assert first.url == second.url
    assert first.digest == second.digest


@property_settings
@given(messy_urls())
def test_the_digest_is_the_sha256_of_the_url(url):
    result = normalise_url(url)
    assert result.digest == hashlib.sha256(result.url.encode("ascii")).hexdigest()


@property_settings
@given(messy_urls())
def test_the_result_is_an_ascii_http_url_without_fragment_space_or_tracking(url):
    result = normalise_url(url).url
    assert result.startswith(("http://", "https://"))
    assert "#" not in result and " " not in result and result.isascii()
    query = result.partition("?")[2]
    for parameter in filter(None, query.split("&")):
        name = parameter.split("=", 1)[0].lower()
        assert name not in TRACKING_PARAMETERS and not name.startswith("utm_")


@property_settings
@given(url_models(), st.data())
def test_the_host_is_folded_to_one_form(model, data):
    result = normalise_url(data.draw(st.composite(lambda draw: spell(draw, model))()))
    kind, value = model["host"]
    if kind == "dns":
        expected = ".".join(puny for _unicode, puny in value)
    elif kind == "ipv4":
        expected = str(value)
    else:
        expected = value.compressed
    assert result.host == expected
    port = "" if model["port"] is None else f":{model['port']}"
    authority = f"[{expected}]" if kind == "ipv6" else expected
    assert result.url.startswith(f"{model['scheme']}://{authority}{port}/")


@property_settings
@given(
    st.one_of(
        st.text(),
        st.text().map(lambda t: "https://" + t),
        st.text().map(lambda t: "http://example.test/" + t),
    )
)
def test_any_text_normalises_or_is_an_invalid_url(text):
    try:
        result = normalise_url(text)
    except InvalidURL as exc:
        assert str(exc)
        return
    assert result.url.startswith(("http://", "https://")) and result.url.isascii()
    assert normalise_url(result.url) == result
