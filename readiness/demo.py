"""A deterministic demo database (DATA CONTOH): every state a head should recognise.

Rejang Lebong's 445 TPS of Pilkada 2024 (KPU Rejang Lebong) are spread over its 156
desa/kelurahan; some kecamatan have sent every list, some part, one nothing; BPJS and
training are partial; a few TPS rawan are left uncovered. All people are invented.

The demo is always a live run-up: it is built for a day (``today``), with voting day
:data:`VOTING_IN_DAYS` ahead, the submission deadline :data:`DEADLINE_DAYS_AGO` behind, and
uploads, BPJS enrolments and training spread over the weeks before. Those dates are kept in
the database's ``meta`` table; :func:`with_demo_election` puts them in the settings of a
store opened on a demo database, so the bundled settings (the real election) stay untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random

import polars as pl

from readiness.db import OFFICER_COLUMNS, SYSTEM, Actor, Store
from readiness.metrics import WIB
from readiness.permissions import check_permission
from readiness.scope import Scope
from readiness.validation import OFFICER_SCHEMA

TOTAL_TPS = 445
SEED = 20241127
COMPLETE_KECAMATAN = ("17.02.06", "17.02.09", "17.02.16", "17.02.17", "17.02.19")
SILENT_KECAMATAN = ("17.02.20",)
# One complete kecamatan fully insured and trained, so the "siap" status shows too.
READY_KECAMATAN = ("17.02.06",)

MEN = (
    "Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irwan", "Joko", "Rahmat", "Syahrial",
    "Yusuf", "Zainal", "Agus", "Bambang", "Darmawan", "Edi", "Firdaus", "Gunawan", "Hasan",
    "Iwan", "Jamal", "Lukman", "Mulyadi", "Nasrul", "Rudi", "Samsul", "Taufik", "Wahyu",
    "Rusdi", "Heri", "Suryadi", "Ma’ruf", "Andi", "Herman", "Sapri", "Jumadi",
)  # fmt: skip
WOMEN = ("Sri", "Siti", "Nurhayati", "Yuliana", "Rina", "Dewi", "Fitri", "Lestari", "Ratna")
FAMILY = (
    "Saputra", "Pratama", "Hidayat", "Setiawan", "Susanto", "Rahman", "Harahap", "Firmansyah",
    "Nugroho", "Wijaya", "Kurniawan", "Effendi", "Syahputra", "Hamdani", "Sulaiman", "Fauzi",
)  # fmt: skip
PLACES = ("Curup", "Rejang Lebong", "Kepahiang", "Lebong", "Bengkulu", "Lubuklinggau")

# The demo's own election, relative to the day it is built for.
VOTING_IN_DAYS = 20
DEADLINE_DAYS_AGO = 2
DEMO_ELECTION_NAME = "Simulasi Pilkada (DATA CONTOH)"
_META_KEYS = ("demo_built_on", "demo_voting_date", "demo_submission_deadline", "demo_election")


def demo_election(today: dt.date) -> tuple[dt.date, dt.date]:
    """(voting day, submission deadline) of a demo built for ``today``."""
    return today + dt.timedelta(days=VOTING_IN_DAYS), today - dt.timedelta(days=DEADLINE_DAYS_AGO)


def with_demo_election(store: Store) -> Store:
    """``store`` with the election its demo was built for; any other database as given."""
    if store.meta("mode") != "demo" or store.meta("demo_voting_date") is None:
        return store
    settings = dataclasses.replace(
        store.settings,
        election_name=store.meta("demo_election") or DEMO_ELECTION_NAME,
        voting_date=dt.date.fromisoformat(store.meta("demo_voting_date")),
        submission_deadline=dt.date.fromisoformat(store.meta("demo_submission_deadline")),
    )
    return type(store)(store.path, settings)


def demo_built_on(store: Store) -> dt.date | None:
    """The day a demo database was built for (None: not a demo, or one without that record)."""
    value = store.meta("demo_built_on") if store.meta("mode") == "demo" else None
    return dt.date.fromisoformat(value) if value else None


def spread_tps(villages: pl.DataFrame, total: int, rng: random.Random) -> list[int]:
    """Give each desa at least one TPS and split the rest by a random size (largest remainder)."""
    weights = [
        rng.uniform(1.5, 4.0) if kind == "kelurahan" else rng.uniform(1.0, 3.5)
        for kind in villages["desa_kind"]
    ]
    spare = total - len(weights)
    shares = [w * spare / sum(weights) for w in weights]
    counts = [1 + int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def make_nik(kecamatan_code: str, birth: dt.date, female: bool, serial: int) -> str:
    """A NIK of the right shape: PP KK CC, DDMMYY (day + 40 for women), serial."""
    province, kabupaten, kecamatan = kecamatan_code.split(".")
    day = birth.day + (40 if female else 0)
    return f"{province}{kabupaten}{kecamatan}{day:02d}{birth:%m%y}{serial:04d}"


def _officer(rng: random.Random, kecamatan_code: str, desa: str, tps_number: int, used: set):
    female = rng.random() < 0.12
    birth = dt.date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
    while True:
        nik = make_nik(kecamatan_code, birth, female, rng.randint(1, 9999))
        if nik not in used:
            used.add(nik)
            break
    first = rng.choice(WOMEN if female else MEN)
    return {
        "nama": f"{first} {rng.choice(FAMILY)}",
        "nik": nik,
        "jenis_kelamin": "P" if female else "L",
        "tempat_lahir": rng.choice(PLACES),
        "tanggal_lahir": birth,
        "alamat": f"Dusun {rng.randint(1, 5)}, {desa}",
        "no_hp": f"08{rng.choice('1235')}{rng.randint(10**8, 10**9 - 1)}",
        "nomor_tps": tps_number,
        "status_bpjs": None,
        "no_kpj": None,
        "status_pelatihan": None,
        "tanggal_pelatihan": None,
        "keterangan": None,
        "warning_codes": [],
    }


def _roster_frame(rows: list[dict]) -> pl.DataFrame:
    schema = {c: t for c, t in OFFICER_SCHEMA.items() if c != "row_number"}
    frame = pl.DataFrame(rows, schema=schema)
    # Row 1 of the template is the header, so the first officer sits on Excel row 2.
    return (
        frame.with_row_index("row_number", offset=2)
        .with_columns(pl.col("row_number").cast(pl.Int64))
        .select(OFFICER_COLUMNS)
    )


def build_demo(store: Store, today: dt.date) -> dict[str, int]:
    """Fill an empty database with the demo for ``today``; refuse one that already holds rosters.

    Every recorded moment lies before ``today`` 07:00 WIB, so a demo built for the same day is
    the same demo, whatever the hour.
    """
    if store.count("submissions") or store.count("tps"):
        msg = "build_demo needs an empty database"
        raise ValueError(msg)
    # Hundreds of writes, each with its audit row: one transaction, one recount at the end.
    with store.batch():
        return _fill_demo(store, today)


def _fill_demo(store: Store, today: dt.date) -> dict[str, int]:
    """The writes of ``build_demo`` (inside its batch)."""
    voting_date, deadline = demo_election(today)
    for key, value in zip(
        _META_KEYS,
        (today.isoformat(), voting_date.isoformat(), deadline.isoformat(), DEMO_ELECTION_NAME),
        strict=True,
    ):
        store.set_meta(SYSTEM, key, value)
    store = type(store)(
        store.path,
        dataclasses.replace(
            store.settings,
            election_name=DEMO_ELECTION_NAME,
            voting_date=voting_date,
            submission_deadline=deadline,
        ),
    )
    settings = store.settings
    yesterday = today - dt.timedelta(days=1)
    built_at = dt.datetime.combine(today, dt.time(7), tzinfo=WIB)
    rng = random.Random(SEED)
    villages = store.villages(Scope(settings.kabupaten_code))
    counts = spread_tps(villages, TOTAL_TPS, rng)
    tps_rows = []
    for desa_code, count in zip(villages["desa_code"], counts, strict=True):
        tps_rows.extend(
            {"desa_code": desa_code, "tps_number": n, "rawan": False, "address": None}
            for n in range(1, count + 1)
        )
    tps = pl.DataFrame(tps_rows)
    # About fifteen TPS are hard to reach (Antara): flag them rawan.
    rawan_index = set(rng.sample(range(tps.height), 15))
    tps = (
        tps.with_row_index("i")
        .with_columns(
            pl.col("i").is_in(list(rawan_index)).alias("rawan"),
            pl.when(pl.col("i").is_in(list(rawan_index)))
            .then(pl.lit("Lokasi sulit dijangkau (pemetaan Bawaslu)"))
            .otherwise(None)
            .alias("rawan_reason"),
        )
        .drop("i")
    )
    store.replace_tps(SYSTEM, tps, file_name="DATA CONTOH: daftar TPS KPU")

    used: set[str] = set()
    officers_by_desa: dict[str, list[dict]] = {}
    stored = 0
    for desa_code, desa_name, kec_code, tps_count in zip(
        villages["desa_code"],
        villages["desa_name"],
        villages["kecamatan_code"],
        counts,
        strict=True,
    ):
        if kec_code in SILENT_KECAMATAN:
            continue
        if kec_code not in COMPLETE_KECAMATAN and rng.random() < 0.3:
            continue
        needed = tps_count * settings.officers_per_tps
        roll = rng.random()
        size = needed if roll < 0.6 else needed - rng.randint(1, 2) if roll < 0.85 else needed + 1
        size = max(size, 1)
        rows = [_officer(rng, kec_code, desa_name, 1 + i % tps_count, used) for i in range(size)]
        officers_by_desa[desa_code] = rows
        # From three weeks before the deadline to a day after it (late), never today.
        uploaded = dt.datetime.combine(
            min(deadline - dt.timedelta(days=rng.randint(-4, 21)), yesterday),
            dt.time(rng.randint(8, 20), rng.randint(0, 59)),
            tzinfo=WIB,
        )
        operator = Actor(f"desa.{desa_code}", "operator_desa", Scope(desa_code))
        versions = [rows]
        if rng.random() < 0.12:
            second = [dict(r) for r in rows]
            second[0]["no_hp"] = f"0852{rng.randint(10**7, 10**8 - 1)}"
            second.append(_officer(rng, kec_code, desa_name, 1, used))
            versions.append(second)
            officers_by_desa[desa_code] = second
        for number, version_rows in enumerate(versions):
            frame = _roster_frame(version_rows)
            name = f"daftar_linmas_{desa_name.lower().replace(' ', '_')}.xlsx"
            store.store_roster(
                operator,
                desa_code,
                frame,
                pl.DataFrame(
                    schema={
                        "row": pl.Int64,
                        "column": pl.String,
                        "severity": pl.String,
                        "code": pl.String,
                        "message": pl.String,
                    }
                ),
                file_name=name,
                sha256=hashlib.sha256(frame.drop("warning_codes").write_csv().encode()).hexdigest(),
                counts={"accepted": frame.height, "rejected": 0, "warned": 0, "skipped": 0},
                uploaded_at=min(uploaded + dt.timedelta(days=2 * number), built_at),
            )
        stored += len(officers_by_desa[desa_code])

    everyone = [(code, r) for code, rows in officers_by_desa.items() for r in rows]
    enrolled = [
        {
            "nik": r["nik"],
            "kpj": f"{rng.randint(10**10, 10**11 - 1)}",
            "enrolled": True,
            "enrolled_on": today - dt.timedelta(days=rng.randint(5, 30) - 4),
        }
        for code, r in everyone
        if rng.random()
        < (1.0 if code[:8] in READY_KECAMATAN else 0.85 if code[:8] in COMPLETE_KECAMATAN else 0.45)
    ]
    # Backdated so the readiness-over-time chart shows the weeks before today.
    store.record_bpjs_batch(
        SYSTEM,
        pl.DataFrame(enrolled),
        file_name="DATA CONTOH: daftar peserta BPJS TK",
        created_at=dt.datetime.combine(yesterday, dt.time(10), tzinfo=WIB),
    )
    modules = list(settings.training_modules)
    for kec_code in sorted({code[:8] for code, _ in everyone}):
        held_on = today - dt.timedelta(days=rng.randint(8, 20) - 4)
        first = store.add_training_session(
            SYSTEM,
            held_on=held_on,
            place=f"Aula Kecamatan {store.region_name(kec_code)}",
            modules=modules[:2],
            kecamatan_code=kec_code,
        )
        second = store.add_training_session(
            SYSTEM,
            held_on=held_on + dt.timedelta(days=1),
            place=f"Aula Kecamatan {store.region_name(kec_code)}",
            modules=modules[2:],
            kecamatan_code=kec_code,
        )
        local = [r["nik"] for code, r in everyone if code.startswith(kec_code)]
        share = 0.9 if kec_code in COMPLETE_KECAMATAN else 0.5
        share = 1.0 if kec_code in READY_KECAMATAN else share
        day_one = [nik for nik in local if rng.random() < share]
        day_two = [nik for nik in day_one if rng.random() < (share if share == 1.0 else 0.9)]
        recorded = dt.datetime.combine(held_on + dt.timedelta(days=2), dt.time(16), tzinfo=WIB)
        store.record_attendance(
            SYSTEM, first, day_one, file_name="DATA CONTOH: absensi hari 1", created_at=recorded
        )
        store.record_attendance(
            SYSTEM, second, day_two, file_name="DATA CONTOH: absensi hari 2", created_at=recorded
        )
    add_demo_reviews(store, built_at)
    add_demo_accounts(store)
    set_mode(store, SYSTEM, "demo")
    return {"tps": tps.height, "officers": stored, "villages": len(officers_by_desa)}


def set_mode(store: Store, actor: Actor, mode: str) -> None:
    """Record what the database holds (``demo`` = sample data); an admin setting."""
    check_permission(actor, "manage_settings")
    store.set_meta(actor, "mode", mode)


# -- accounts and verification -----------------------------------------------------------------

VERIFIED_KECAMATAN = ("17.02.06", "17.02.16")
DEMO_KECAMATAN = "17.02.09"
DEMO_DESA = "17.02.09.1012"
# Labelled on the login page in demo mode only; a real database has no built-in password.
DEMO_ACCOUNTS = (
    ("admin", "admin", "17.02", "demo-admin-2024", "Admin Kesbangpol (contoh)"),
    ("pimpinan", "pimpinan", "17.02", "demo-pimpinan-2024", "Kepala Satpol PP (contoh)"),
    (
        f"kec.{DEMO_KECAMATAN}",
        "operator_kecamatan",
        DEMO_KECAMATAN,
        "demo-kecamatan-2024",
        "Operator Kecamatan Curup (contoh)",
    ),
    (f"desa.{DEMO_DESA}", "operator_desa", DEMO_DESA, "demo-desa-2024", "Operator Dwi Tunggal"),
)
RETURN_NOTES = (
    "Dua NIK tertukar antara baris 3 dan 4; cocokkan dengan KTP lalu unggah ulang.",
    "Linmas TPS 2 baru satu orang; tambahkan satu lagi lalu unggah ulang.",
    "Nomor HP beberapa linmas kosong; lengkapi agar bisa dihubungi, lalu unggah ulang.",
)


def add_demo_reviews(store: Store, built_at: dt.datetime) -> None:
    """The kecamatan's word on the demo uploads: two kecamatan verified, Curup in progress."""
    rng = random.Random(SEED + 8)
    active = store.submissions(Scope(store.settings.kabupaten_code))
    for row in active.iter_rows(named=True):
        desa_code, kec_code = row["desa_code"], row["desa_code"][:8]
        if kec_code in VERIFIED_KECAMATAN:
            status = "terverifikasi"
        elif desa_code == DEMO_DESA:
            status = "dikembalikan"
        elif kec_code == DEMO_KECAMATAN:
            status = "terverifikasi" if rng.random() < 0.5 else None
        else:
            roll = rng.random()
            status = "terverifikasi" if roll < 0.4 else "dikembalikan" if roll < 0.48 else None
        if status is None:
            continue
        reviewer = Actor(f"kec.{kec_code}", "operator_kecamatan", Scope(kec_code))
        note = None if status == "terverifikasi" else rng.choice(RETURN_NOTES)
        if desa_code == DEMO_DESA:
            note = RETURN_NOTES[1]
        store.review_submission(
            reviewer,
            row["id"],
            status,
            note,
            reviewed_at=min(row["uploaded_at"] + dt.timedelta(hours=rng.randint(4, 60)), built_at),
        )


def add_demo_accounts(store: Store) -> None:
    """One account per role with the passwords of :data:`DEMO_ACCOUNTS`."""
    from readiness.auth import accounts_target, hash_password

    accounts = pl.DataFrame(
        {
            "username": [a[0] for a in DEMO_ACCOUNTS],
            "full_name": [a[4] for a in DEMO_ACCOUNTS],
            "role": [a[1] for a in DEMO_ACCOUNTS],
            "region_code": [a[2] for a in DEMO_ACCOUNTS],
            "password_hash": [hash_password(a[3]) for a in DEMO_ACCOUNTS],
            "phone": [None] * len(DEMO_ACCOUNTS),
            "must_change_password": [False] * len(DEMO_ACCOUNTS),
        },
        schema_overrides={"phone": pl.String},
    )
    store.add_users(
        SYSTEM,
        accounts,
        action="user.demo_accounts",
        target=accounts_target(accounts.height),
    )


def demo_accounts_table() -> pl.DataFrame:
    """The demo accounts as the login page lists them (demo mode only)."""
    from readiness.auth import ROLE_LABELS

    return pl.DataFrame(
        {
            "Peran": [ROLE_LABELS[a[1]] for a in DEMO_ACCOUNTS],
            "Nama pengguna": [a[0] for a in DEMO_ACCOUNTS],
            "Kata sandi": [a[3] for a in DEMO_ACCOUNTS],
            "Wilayah": [a[2] for a in DEMO_ACCOUNTS],
        }
    )
