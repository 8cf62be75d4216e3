"""Metric frames as people read them: Indonesian headers and formatted values.

Pages and exports share these so a table looks the same on screen and on paper.
"""

from __future__ import annotations

import polars as pl

from readiness import formatting as fmt
from readiness.privacy import mask_digit_runs_expr, mask_nik_expr, mask_phone_expr

STATE_LABELS = {"lengkap": "Lengkap", "sebagian": "Sebagian", "belum mengirim": "Belum mengirim"}


def _text(column: str, formatter) -> pl.Expr:
    return pl.col(column).map_elements(formatter, return_dtype=pl.String, skip_nulls=False)


def kecamatan_table(kecamatan: pl.DataFrame) -> pl.DataFrame:
    """One row per kecamatan for the Ringkasan page and the recap exports."""
    return kecamatan.select(
        pl.col("kecamatan_code").alias("Kode"),
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("submission_state").replace_strict(STATE_LABELS, default="").alias("Status"),
        pl.format("{} dari {}", "desa_submitted", "desa_total").alias("Desa mengirim"),
        pl.col("desa_late").alias("Terlambat"),
        pl.col("tps_count").alias("TPS"),
        _text("officers_required", fmt.number).alias("Kebutuhan linmas"),
        _text("officers_registered", fmt.number).alias("Linmas terdaftar"),
        _text("registered_rate", fmt.percent).alias("Keterisian"),
    )


# -- nihil reports and refused files, as every village table shows them ------------------------


def with_intake(desa: pl.DataFrame) -> pl.DataFrame:
    """``desa`` with intake_label and intake_note present (null where the village is in neither
    state), so tables built from frames without :func:`verification_checks.village_states`
    still render."""
    missing = [c for c in ("intake_label", "intake_note") if c not in desa.columns]
    return desa.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)


def _capitalised(column: str) -> pl.Expr:
    return pl.col(column).str.slice(0, 1).str.to_uppercase() + pl.col(column).str.slice(1)


def submission_word() -> pl.Expr:
    """Sudah / Belum / Nihil / Mencoba mengirim, semua ditolak: whether a village sent its list.

    A refused file stays visible until a good version arrives, even over an older good one.
    """
    return (
        pl.when(pl.col("intake_label").is_not_null())
        .then(_capitalised("intake_label"))
        .when(pl.col("submitted").fill_null(False))
        .then(pl.lit("Sudah"))
        .otherwise(pl.lit("Belum"))
    )


def intake_note() -> pl.Expr:
    """The nihil reason or the reasons a file was refused, long digit runs hidden; "—" else."""
    return (
        pl.when(pl.col("intake_label").is_not_null() & pl.col("intake_note").is_not_null())
        .then(mask_digit_runs_expr("intake_note"))
        .otherwise(pl.lit("—"))
    )


def not_submitted_table(desa: pl.DataFrame) -> pl.DataFrame:
    """The villages still silent, to call today; a village that tried and was refused says so."""
    return (
        with_intake(desa)
        .filter(~pl.col("submitted"))
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("desa_kind").str.to_titlecase().alias("Jenis"),
            pl.col("desa_code").alias("Kode desa"),
            pl.col("tps_count").alias("TPS"),
            pl.col("officers_required").alias("Kebutuhan linmas"),
            pl.when(pl.col("intake_label").is_not_null())
            .then(_capitalised("intake_label"))
            .otherwise(pl.lit("Belum pernah mengirim"))
            .alias("Keadaan"),
            intake_note().alias("Alasan ditolak"),
        )
        .sort("Kecamatan", "Desa/Kelurahan")
    )


def nihil_table(desa: pl.DataFrame) -> pl.DataFrame:
    """Villages that reported nihil (0 linmas): counted as sent, their TPS still unguarded."""
    return (
        with_intake(desa)
        .filter(pl.col("intake_label") == "nihil")
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("tps_count").alias("TPS belum terjaga"),
            pl.col("officers_required").alias("Kebutuhan linmas"),
            intake_note().alias("Alasan nihil"),
        )
        .sort("Kecamatan", "Desa/Kelurahan")
    )


def desa_submission_table(desa: pl.DataFrame) -> pl.DataFrame:
    """Every desa with when it first sent its list and whether that was before the deadline."""
    return desa.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.when(pl.col("tps_count").is_null())
        .then(pl.lit("TPS belum diisi"))
        .otherwise(pl.col("tps_count").cast(pl.String))
        .alias("TPS"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("officers_registered").alias("Terdaftar"),
        _text("first_uploaded_at", fmt.timestamp).alias("Pertama mengirim"),
        pl.when(pl.col("on_time").is_null())
        .then(pl.lit("Belum mengirim"))
        .when(pl.col("on_time"))
        .then(pl.lit("Tepat waktu"))
        .otherwise(pl.lit("Terlambat"))
        .alias("Ketepatan"),
    )


# -- readiness tables and action lists -----------------------------------------------------------

READINESS_STATUS_LABELS = {"siap": "Siap", "perlu perhatian": "Perlu perhatian", "kritis": "Kritis"}


def readiness_kecamatan_table(kecamatan: pl.DataFrame) -> pl.DataFrame:
    """One row per kecamatan, furthest behind first, with its status and main gap."""
    return kecamatan.sort(pl.col("ready_rate").fill_null(-1.0), "kecamatan_name").select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("status").replace_strict(READINESS_STATUS_LABELS, default="").alias("Status"),
        _text("ready_rate", fmt.percent).alias("Siap"),
        pl.col("main_gap").fill_null("–").alias("Kekurangan terbesar"),
        pl.format("{} dari {}", "desa_submitted", "desa_total").alias("Desa mengirim"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("registered").alias("Terdaftar"),
        pl.col("surplus").alias("Lebih/kurang"),
        pl.col("bpjs_enrolled").alias("BPJS"),
        pl.col("trained").alias("Terlatih"),
        pl.col("ready").alias("Siap (orang)"),
        pl.format("{} dari {}", "tps_covered", "tps_count").alias("TPS tercukupi"),
        pl.col("rawan_uncovered").alias("TPS rawan belum tercukupi"),
    )


def readiness_desa_table(desa: pl.DataFrame) -> pl.DataFrame:
    """One row per desa of a kecamatan, furthest behind first."""
    return with_intake(desa).sort(pl.col("ready_rate").fill_null(-1.0), "desa_name").select(
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("desa_code").alias("Kode desa"),
        pl.col("status").replace_strict(READINESS_STATUS_LABELS, default="").alias("Status"),
        submission_word().alias("Mengirim"),
        intake_note().alias("Keterangan"),
        pl.col("tps_count").alias("TPS"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("registered").alias("Terdaftar"),
        pl.col("bpjs_enrolled").alias("BPJS"),
        pl.col("trained").alias("Terlatih"),
        pl.col("trained_self_reported").alias("Pelatihan dilaporkan sendiri"),
        pl.col("ready").alias("Siap"),
        _text("ready_rate", fmt.percent).alias("% siap"),
        pl.col("rawan_uncovered").alias("TPS rawan belum tercukupi"),
    )  # fmt: skip


def duty_place(officers: pl.DataFrame) -> pl.Expr:
    """The TPS a linmas guards as text: its number, "cadangan" for a reserve, "—" when none.

    >>> o = pl.DataFrame({"nomor_tps": [3, None, None], "cadangan": [False, True, False]})
    >>> o.select(duty_place(o))["TPS"].to_list()
    ['3', 'cadangan', '—']
    """
    reserve = pl.col("cadangan").fill_null(False) if "cadangan" in officers.columns else False
    return (
        pl.when(reserve)
        .then(pl.lit("cadangan"))
        .otherwise(pl.col("nomor_tps").cast(pl.String).fill_null("—"))
        .alias("TPS")
    )


def officers_readiness_table(officers: pl.DataFrame) -> pl.DataFrame:
    """Officers of one desa with NIK and phone masked (UU 27/2022) and what each still lacks."""
    return officers.sort("state", "nama").select(
        pl.col("nama").alias("Nama"),
        mask_nik_expr(pl.col("nik")).alias("NIK"),
        mask_phone_expr(pl.col("no_hp")).alias("No. HP"),
        duty_place(officers),
        pl.col("state").alias("Keadaan"),
        pl.when(pl.col("bpjs_enrolled")).then(pl.lit("Terdaftar")).otherwise(pl.lit("Belum"))
        .alias("BPJS"),
        pl.col("kpj").alias("No. KPJ"),
        pl.col("modules_missing").list.join(", ").replace("", "–").alias("Modul belum diikuti"),
        pl.when(pl.col("trained_self_reported"))
        .then(pl.lit("Ya (belum ada absensi)"))
        .otherwise(pl.lit("–"))
        .alias("Pelatihan dilaporkan sendiri"),
        pl.when(pl.col("desa_listed") > 1)
        .then(pl.lit("Terdaftar di lebih dari satu desa"))
        .when(pl.col("blocked"))
        .then(pl.lit("Data NIK perlu diperiksa"))
        .otherwise(pl.lit("–"))
        .alias("Catatan"),
    )  # fmt: skip


def readiness_cards(summary: dict, yesterday: dict) -> list[dict]:
    """The four Kesiapan cards (``st.metric`` arguments) with their change since yesterday.

    >>> s = {"ready_rate": 50.0, "ready": 5, "officers_required": 10, "bpjs_rate": 60.0,
    ...      "bpjs_enrolled": 6, "bpjs_premium_per_month": 100800, "trained_rate": 70.0,
    ...      "trained": 7, "tps_covered": 4, "tps_total": 5, "rawan_uncovered": 0}
    >>> [c["delta"] for c in readiness_cards(s, {**s, "ready": 3, "tps_covered": 4})]
    ['+2 orang sejak kemarin', None, None, None]
    """

    def delta(key: str, unit: str) -> str | None:
        change = (summary[key] or 0) - (yesterday[key] or 0)
        return f"{change:+d}{unit} sejak kemarin" if change else None

    s, number = summary, fmt.number
    return [
        {
            "label": "Linmas siap",
            "value": fmt.percent(s["ready_rate"]),
            "delta": delta("ready", " orang"),
            "help": f"{number(s['ready'])} dari {number(s['officers_required'])} kebutuhan: "
            "terdaftar, ikut BPJS, semua modul pelatihan, data NIK beres.",
        },
        {
            "label": "Terdaftar BPJS TK",
            "value": fmt.percent(s["bpjs_rate"]),
            "delta": delta("bpjs_enrolled", " orang"),
            "help": f"{number(s['bpjs_enrolled'])} orang; iuran BPU "
            f"{fmt.rupiah(s['bpjs_premium_per_month'])} per bulan.",
        },
        {
            "label": "Pelatihan lengkap",
            "value": fmt.percent(s["trained_rate"]),
            "delta": delta("trained", " orang"),
            "help": f"{number(s['trained'])} orang hadir di semua modul (menurut absensi).",
        },
        {
            "label": "TPS tercukupi",
            "value": f"{number(s['tps_covered'])} dari {number(s['tps_total'])}",
            "delta": delta("tps_covered", " TPS"),
            "help": f"TPS rawan belum tercukupi: {number(s['rawan_uncovered'])}.",
        },
    ]


def bpjs_enrolment_export(officers: pl.DataFrame, *, unmasked: bool) -> pl.DataFrame:
    """Officers not yet enrolled, in the columns a collective BPU enrolment asks for.

    The columns BPJS asks for are [unv] (docs/DOMAIN.md): NIK, name, place and date of birth,
    sex, address and phone are the safe set. NIK and phone stay masked unless ``unmasked``.
    """
    rows = officers.filter(pl.col("counted") & ~pl.col("bpjs_enrolled")).sort(
        "kecamatan_name", "desa_name", "nama"
    )
    nik = pl.col("nik") if unmasked else mask_nik_expr(pl.col("nik"))
    phone = pl.col("no_hp") if unmasked else mask_phone_expr(pl.col("no_hp"))
    return rows.select(
        nik.alias("NIK"),
        pl.col("nama").alias("Nama"),
        pl.col("tempat_lahir").alias("Tempat lahir"),
        pl.col("tanggal_lahir").dt.strftime("%d-%m-%Y").alias("Tanggal lahir"),
        pl.col("jenis_kelamin").alias("Jenis kelamin"),
        pl.col("alamat").alias("Alamat"),
        phone.alias("No. HP"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("kecamatan_name").alias("Kecamatan"),
    )


def batches_table(batches: pl.DataFrame) -> pl.DataFrame:
    """BPJS / attendance imports, newest first, with whether each was undone."""
    return batches.select(
        pl.col("id").alias("No. impor"),
        _text("created_at", fmt.timestamp).alias("Waktu"),
        pl.col("username").alias("Oleh"),
        pl.col("file_name").fill_null("dicentang di halaman").alias("Berkas"),
        pl.col("rows_applied").alias("Baris diterapkan"),
        pl.col("rows_rejected").alias("Baris ditolak"),
        pl.when(pl.col("undone_at").is_null())
        .then(pl.lit("Berlaku"))
        .otherwise(pl.format("Dibatalkan oleh {}", "undone_by"))
        .alias("Keadaan"),
    )


def import_problems_table(problems: pl.DataFrame) -> pl.DataFrame:
    """Refused / warned rows of an import plan as people read them."""
    return problems.select(
        pl.col("row").alias("Baris"),
        pl.col("nik").alias("NIK"),
        pl.col("nama").alias("Nama"),
        pl.col("severity").str.to_titlecase().alias("Keputusan"),
        pl.col("message").alias("Alasan"),
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV with a UTF-8 byte-order mark, formula-like text made inert (the one safe writer)."""
    from readiness import spreadsheet

    return spreadsheet.csv_bytes(frame)


# -- readiness page helpers ------------------------------------------------------------------------


def readiness_headline(kecamatan: pl.DataFrame, summary: dict) -> str:
    """One paragraph that answers: how many are ready, who is furthest behind and why."""
    text = (
        f"**{fmt.number(summary['ready'])} dari {fmt.number(summary['officers_required'])} "
        f"linmas siap ({fmt.percent(summary['ready_rate'])}).** "
    )
    if kecamatan.height:
        worst = kecamatan.sort(pl.col("ready_rate").fill_null(-1.0), "kecamatan_name").row(
            0, named=True
        )
        gap = worst["main_gap"]
        slot = {
            "belum BPJS": "slots_belum_bpjs",
            "belum pelatihan": "slots_belum_pelatihan",
            "perlu diperiksa": "slots_perlu_diperiksa",
            "belum terdaftar": "slots_belum_terdaftar",
        }.get(gap or "")
        why = f"; terbanyak {gap}: {fmt.number(worst[slot])} linmas" if slot else ""
        text += (
            f"Paling tertinggal: **Kecamatan {worst['kecamatan_name']}** "
            f"({fmt.percent(worst['ready_rate'])} siap{why}). "
        )
    text += (
        f"{fmt.number(summary['desa_not_submitted'])} desa/kelurahan belum mengirim; "
        f"{fmt.number(summary['rawan_uncovered'])} TPS rawan belum tercukupi."
    )
    return text


def desa_of(desa: pl.DataFrame, kecamatan_code: str | None) -> pl.DataFrame:
    """The desa rows of one kecamatan."""
    return desa.filter(pl.col("kecamatan_code") == (kecamatan_code or ""))


def officers_of(officers: pl.DataFrame, desa_code: str | None, states: list[str]) -> pl.DataFrame:
    """The officers of one desa, optionally only those in the given states."""
    rows = officers.filter(pl.col("desa_code") == (desa_code or ""))
    return rows.filter(pl.col("state").is_in(states)) if states else rows


def tps_of(tps: pl.DataFrame, desa_code: str | None) -> dict[int, str]:
    """TPS number -> label ("TPS 3 · rawan: alasan") for one desa."""
    rows = tps.filter(pl.col("desa_code") == (desa_code or ""))
    return {
        row["tps_number"]: f"TPS {row['tps_number']}"
        + (f" · rawan: {row['rawan_reason'] or '-'}" if row["rawan"] else "")
        for row in rows.iter_rows(named=True)
    }


def slug(title: str) -> str:
    """An English-safe snake_case key from a title: "Belum BPJS" -> "belum_bpjs"."""
    return "_".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


def undoable(batches: pl.DataFrame) -> dict[int, str]:
    """Batch id -> label for the imports that can still be undone (newest first)."""
    live = batches.filter(pl.col("undone_at").is_null())
    return {
        row["id"]: f"Impor {row['id']} · {row['file_name'] or 'dicentang di halaman'} · "
        f"{fmt.timestamp(row['created_at'])}"
        for row in live.iter_rows(named=True)
    }


def kecamatan_choices(kecamatan: pl.DataFrame) -> dict[str | None, str]:
    """Kecamatan code -> name, with "all" (None) first."""
    choices: dict[str | None, str] = {None: "Semua kecamatan"}
    choices.update(dict(kecamatan.select("kecamatan_code", "kecamatan_name").iter_rows()))
    return choices


def session_choices(sessions: pl.DataFrame) -> dict[int, str]:
    """Session id -> "27 November 2024 · Aula … · modules"."""
    return {
        row["id"]: f"{fmt.date(row['held_on'])} · {row['place']} · {', '.join(row['modules'])}"
        for row in sessions.iter_rows(named=True)
    }


def session_kecamatan(sessions: pl.DataFrame, session_id: int | None) -> str | None:
    """The kecamatan a session was held for (None = open to all)."""
    rows = sessions.filter(pl.col("id") == session_id)
    return rows["kecamatan_code"][0] if rows.height else None


def attendance_sheet(
    officers: pl.DataFrame, attendees: list[str], kecamatan_code: str | None
) -> pl.DataFrame:
    """Officers (of the session's kecamatan) with a "Hadir" tick; NIK masked, raw nik hidden."""
    rows = officers.filter(pl.col("counted"))
    if kecamatan_code:
        rows = rows.filter(pl.col("desa_code").str.starts_with(kecamatan_code + "."))
    return rows.sort("desa_name", "nama").select(
        pl.col("nik").is_in(pl.lit(attendees, dtype=pl.List(pl.String)).first()).alias("Hadir"),
        pl.col("nama").alias("Nama"),
        mask_nik_expr(pl.col("nik")).alias("NIK"),
        pl.col("desa_name").alias("Desa"),
        "nik",
    )


def ticked(sheet: pl.DataFrame, edited) -> list[str]:
    """NIKs ticked in the edited sheet that were not ticked before."""
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    now = frame.filter(pl.col("Hadir"))["nik"].to_list()
    before = set(sheet.filter(pl.col("Hadir"))["nik"].to_list())
    return [nik for nik in now if nik not in before]


# -- end of readiness tables -----------------------------------------------------------------------


# -- the Daftar TPS page's preview --------------------------------------------------------


def tps_preview_table(tps: pl.DataFrame, villages: pl.DataFrame) -> pl.DataFrame:
    """A checked KPU list before saving: names for codes, Ya/Tidak for true/false.

    ``tps`` has desa_code, tps_number, rawan, rawan_reason, address; ``villages`` has desa_code,
    kecamatan_name, desa_name (``Store.villages``).
    """
    names = villages.select("desa_code", "kecamatan_name", "desa_name")
    return (
        tps.join(names, on="desa_code", how="left")
        .sort("kecamatan_name", "desa_name", "tps_number")
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("tps_number").alias("Nomor TPS"),
            pl.when(pl.col("rawan")).then(pl.lit("Ya")).otherwise(pl.lit("Tidak")).alias("Rawan"),
            pl.col("rawan_reason").fill_null("").alias("Alasan rawan"),
            pl.col("address").fill_null("").alias("Alamat"),
        )
    )


# -- one desa's own card (the desa operator's Ringkasan) ---------------------------------------------

REVIEW_LABELS = {
    "menunggu_verifikasi": "Menunggu verifikasi kecamatan",
    "terverifikasi": "Terverifikasi",
    "dikembalikan": "Dikembalikan — perbaiki lalu unggah ulang",
}


def own_desa_card(desa: pl.DataFrame) -> dict[str, str | None]:
    """What a desa operator needs to know about their own village, as display text.

    >>> d = pl.DataFrame({"desa_name": ["Derati"], "submitted": [True], "versions": [2],
    ...     "last_uploaded_at": [None], "officers_registered": [5], "officers_required": [6],
    ...     "tps_count": [3], "review_status": ["dikembalikan"], "review_note": ["TPS 2 kurang"]})
    >>> card = own_desa_card(d)
    >>> card["sent"], card["registered"], card["note"]
    ('Versi 2', '5 dari 6', 'TPS 2 kurang')
    """
    row = desa.row(0, named=True)
    registered = fmt.number(row["officers_registered"])
    return {
        "name": row["desa_name"],
        "sent": f"Versi {row['versions']}" if row["submitted"] else "Belum mengirim",
        "sent_at": fmt.timestamp(row["last_uploaded_at"]) if row["submitted"] else None,
        "registered": (
            f"{registered} dari {fmt.number(row['officers_required'])}"
            if row["tps_count"] is not None
            else f"{registered} (TPS belum diisi)"
        ),
        "review": REVIEW_LABELS.get(row.get("review_status") or "", "–"),
        "note": row.get("review_note") if row.get("review_status") == "dikembalikan" else None,
    }


# -- one level up: per kabupaten (province scope) or per province (national scope) -----------------

AREA_LABELS = {"kabupaten": "Kabupaten/kota", "provinsi": "Provinsi"}
REGIONS_NOT_LOADED = "data wilayah belum dimuat"


def regions_not_loaded_note(areas: pl.DataFrame, level: str) -> str | None:
    """Which areas of the recap have no kecamatan/desa list yet, or None when all do."""
    missing = areas.filter(pl.col("kecamatan_total").is_null())
    if not missing.height:
        return None
    label = AREA_LABELS.get(level, level).lower()
    return (
        f"Data wilayah (kecamatan dan desa/kelurahan) baru dimuat untuk "
        f"{areas.height - missing.height} dari {areas.height} {label}; angka di halaman ini "
        f"hanya mencakup yang sudah dimuat. Belum dimuat: {', '.join(missing['area_name'].to_list())}. "
        "Admin memuatnya dengan `python -m readiness regions import BERKAS`."
    )


def area_table(areas: pl.DataFrame, level: str) -> pl.DataFrame:
    """The berjenjang recap one level below the user's scope, as people read it."""
    return areas.select(
        pl.col("area_code").alias("Kode"),
        pl.col("area_name").alias(AREA_LABELS.get(level, level)),
        # province instance: a kabupaten whose kecamatan/desa list is not imported
        # yet reads "belum dimuat", never "0 dari 0" (metrics left its sums null)
        pl.when(pl.col("kecamatan_total").is_null())
        .then(pl.lit(REGIONS_NOT_LOADED))
        .otherwise(pl.format("{} dari {}", "kecamatan_complete", "kecamatan_total"))
        .alias("Kecamatan lengkap"),
        pl.format("{} dari {}", "desa_submitted", "desa_total")
        .fill_null("–")
        .alias("Desa mengirim"),
        _text("officers_required", fmt.number).alias("Kebutuhan linmas"),
        _text("officers_registered", fmt.number).alias("Linmas terdaftar"),
        _text("registered_rate", fmt.percent).alias("Keterisian"),
    )
