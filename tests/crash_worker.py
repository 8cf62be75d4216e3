"""Crash-test helper: writes rosters, BPJS and training batches in a loop until it is killed.

Usage: python tests/crash_worker.py DB_PATH SEED

Prints ``ready`` once the store is open, then for every write ``begin KIND`` before it and
``commit KIND ID`` after it has committed (flushed at once), so the test that SIGKILLs this
process knows which writes were reported as committed and where the kill landed.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import make_nik, make_officers, no_findings  # noqa: E402

from readiness.config import load_settings  # noqa: E402
from readiness.db import Actor  # noqa: E402
from readiness.scope import Scope  # noqa: E402
from readiness.store_open import open_store  # noqa: E402

ACTOR = Actor("crash-worker", "admin", Scope(""))
ROSTER_SIZE = 400
BATCH_SIZE = 3000


def say(line: str) -> None:
    print(line, flush=True)


def village_niks(index: int, count: int) -> list[str]:
    """NIKs unique to one village: the birth date encodes the village index."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=index)
    return [make_nik(serial, born=born) for serial in range(1, count + 1)]


def main() -> None:
    path, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    store = open_store(path, load_settings())
    villages = store.villages(Scope(""))["desa_code"].to_list()
    say("ready")
    while True:
        kind = rng.choice(["roster", "roster", "bpjs", "attendance"])
        say(f"begin {'session' if kind == 'attendance' else kind}")
        if kind == "roster":
            index = rng.randrange(len(villages))
            size = rng.randint(ROSTER_SIZE // 2, ROSTER_SIZE)
            stored = store.store_roster(
                ACTOR,
                villages[index],
                make_officers(village_niks(index, size)),
                no_findings(),
                file_name=f"crash-{seed}.csv",
                sha256=f"{seed:064d}",
                counts={"accepted": size},
            )
            written = stored.submission_id
        elif kind == "bpjs":
            niks = village_niks(rng.randrange(len(villages)), BATCH_SIZE)
            records = pl.DataFrame(
                {
                    "nik": niks,
                    "kpj": [f"{n:011d}" for n in range(len(niks))],
                    "enrolled": [True] * len(niks),
                    "enrolled_on": [dt.date(2024, 11, 1)] * len(niks),
                }
            )
            written = store.record_bpjs_batch(ACTOR, records, file_name=f"bpjs-{seed}.csv")
        else:
            session = store.add_training_session(
                ACTOR, held_on=dt.date(2024, 11, 16), place="Aula Satpol PP", modules=["sop"]
            )
            say(f"commit session {session}")
            say("begin attendance")
            niks = village_niks(rng.randrange(len(villages)), BATCH_SIZE)
            written = store.record_attendance(ACTOR, session, niks, file_name=f"hadir-{seed}.csv")
        say(f"commit {kind} {written}")


if __name__ == "__main__":
    main()
