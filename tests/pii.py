"""Hypothesis strategies for Brazilian personal data, in the many ways agents and customers write it."""

from __future__ import annotations

from hypothesis import strategies as st

# Plain, no-break, narrow no-break, thin, figure spaces; zero-width space and joiner; dot, dash.
SEPARATORS = [" ", ".", "-", "", "\u00a0", "\u202f", "\u2009", "\u2007", "\u200b", "\u2060"]
SPACE_LIKE = [" ", "\u00a0", "\u202f", "\u200b", ""]


def _check_digit(digits: list[int], weights: range) -> int:
    total = sum(d * w for d, w in zip(digits, weights, strict=False))
    return total * 10 % 11 % 10


@st.composite
def cpfs(draw) -> str:
    base = draw(st.lists(st.integers(0, 9), min_size=9, max_size=9).filter(lambda d: len(set(d)) > 1))
    base.append(_check_digit(base, range(10, 1, -1)))
    base.append(_check_digit(base, range(11, 1, -1)))
    d = "".join(map(str, base))
    groups = [d[:3], d[3:6], d[6:9], d[9:]]
    style = draw(st.sampled_from(["formatted", "bare", "grouped"]))
    if style == "formatted":
        return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
    if style == "bare":
        return d
    return draw(st.sampled_from(SEPARATORS[:2] + SEPARATORS[4:])).join(groups)


@st.composite
def cnpjs(draw) -> str:
    d = "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=14, max_size=14))))
    style = draw(st.sampled_from(["formatted", "bare", "grouped"]))
    if style == "formatted":
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"
    if style == "bare":
        return d
    sep = draw(st.sampled_from([" ", ".", "\u00a0", "\u202f", "\u200b"]))
    return sep.join([d[:2], d[2:5], d[5:8], d[8:12], d[12:]])


@st.composite
def phones(draw) -> str:
    ddd = str(draw(st.integers(11, 99)))
    kind = draw(st.sampled_from(["mobile", "landline", "portugal"]))
    if kind == "portugal":
        n = "9" + "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))))
        sep = draw(st.sampled_from(SPACE_LIKE))
        return f"+351{sep}{n[:3]}{sep}{n[3:6]}{sep}{n[6:]}"
    first = "9" + str(draw(st.integers(6, 9))) if kind == "mobile" else str(draw(st.integers(2, 5)))
    rest = "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=7, max_size=7))))
    number = first + rest
    head, tail = number[:-4], number[-4:]
    sep = draw(st.sampled_from(SEPARATORS))
    local = f"{head}{sep}{tail}"
    area = draw(
        st.sampled_from(["", f"({ddd}) ", f"{ddd} ", f"{ddd}", f"+55 {ddd} ", f"+55{ddd}", f"0{ddd} "])
    )
    return area + local


@st.composite
def emails(draw) -> str:
    local = draw(st.from_regex(r"[a-z][a-z0-9._]{2,10}[a-z0-9]", fullmatch=True))
    domain = draw(st.from_regex(r"[a-z]{3,10}", fullmatch=True))
    tld = draw(st.sampled_from(["com", "com.br", "org", "net.br"]))
    at, dot = draw(
        st.sampled_from(
            [("@", "."), (" @ ", "."), ("(at)", "(dot)"), (" [at] ", " [dot] "), (" arroba ", " ponto ")]
        )
    )
    address = f"{local}{at}{domain}{dot}{tld.replace('.', dot)}"
    return address.upper() if draw(st.booleans()) else address


personal_data = st.one_of(cpfs(), cnpjs(), phones(), emails())
