"""Which new passwords are too easy to guess: common ones, sequences, repeats, the username.

The list holds the passwords that lead public breach rankings (NordPass, SecLists' top list)
plus Indonesian favourites; the length rule (10 characters) already refuses the shorter ones,
so the list only needs the long enough ones and the words people pad with digits.
"""

from __future__ import annotations

import re

COMMON_PASSWORDS = frozenset(
    """
    1234567890 0987654321 12345678910 1234567890a 123456789a 1q2w3e4r5t 1qaz2wsx3edc
    qwertyuiop qwerty12345 qwerty123456 asdfghjkl; asdfghjkl1 zxcvbnm123 password12 password123
    password1234 passw0rd12 p@ssw0rd123 iloveyou12 iloveyou123 princess12 football12
    welcome123 welcome1234 abc1234567 abcd123456 admin12345 admin123456 administrator
    letmein123 sunshine12 superman12 trustno1234 monkey1234 dragon1234 master1234
    bismillah bismillah1 bismillah12 bismillah123 indonesia indonesia1 indonesia12
    indonesia123 indonesia45 merdeka123 merdeka1945 katasandi katasandi1 katasandi12
    katasandi123 rahasia123 rahasia1234 sayangku12 sayangkamu aku1234567 kesbangpol
    satpolpp123 linmas12345 pemilu2024 pilkada2024 kpu1234567 garuda1234 pancasila
    pancasila45 jakarta123 alhamdulillah
    """.split()  # noqa: SIM905 - one word per entry reads better than 70 quoted strings
)
# Words people pad with digits or symbols ("linmas2024!"): the word alone is the guess.
COMMON_WORDS = frozenset(
    """
    password passw0rd p@ssword p@ssw0rd qwerty admin administrator welcome letmein iloveyou
    bismillah indonesia merdeka katasandi rahasia sayang sayangku linmas satlinmas satpolpp
    kesbangpol pemilu pilkada garuda pancasila jakarta dashboard kesiapan
    """.split()  # noqa: SIM905 - one word per entry reads better than 70 quoted strings
)
SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
MIN_DISTINCT_AFTER_SEQUENCES = 6


def _collapse_sequences(text: str) -> str:
    """``text`` with every run of 3+ consecutive sequence characters (either way) cut to one."""
    out: list[str] = []
    i = 0
    while i < len(text):
        run = 1
        for seq in SEQUENCES:
            for line in (seq, seq[::-1]):
                j = i
                while j + 1 < len(text) and line.find(text[j] + text[j + 1]) >= 0:
                    j += 1
                run = max(run, j - i + 1)
        out.append(text[i])
        i += run if run >= 3 else 1
    return "".join(out)


def _repeats_a_unit(text: str) -> bool:
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size)
        for size in range(1, len(text) // 2 + 1)
    )


def weakness(username: str, password: str) -> str | None:
    """Why ``password`` is easy to guess (Indonesian words), or None when it is not.

    >>> weakness("admin", "9876543210")
    'berupa urutan (123…, abc…, qwerty…)'
    >>> weakness("admin", "kopi-hujan-sepeda") is None
    True
    """
    lower = password.lower()
    name = username.lower()
    if name and (
        name in lower or any(len(p) >= 5 and p in lower for p in re.split(r"[._@-]", name))
    ):
        return "memuat nama pengguna"
    core = re.sub(r"[\W_\d]+$", "", re.sub(r"^[\W_\d]+", "", lower))
    if lower in COMMON_PASSWORDS or core in COMMON_WORDS:
        return "termasuk kata sandi yang paling sering dipakai"
    if len(set(lower)) < 4 or _repeats_a_unit(lower):
        return "berupa huruf atau pola yang berulang"
    if len(_collapse_sequences(lower)) < MIN_DISTINCT_AFTER_SEQUENCES:
        return "berupa urutan (123…, abc…, qwerty…)"
    return None
