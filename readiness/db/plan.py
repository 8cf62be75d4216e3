"""The admin's changes to the H-n plan: one row per milestone moved or re-targeted."""

from __future__ import annotations

import polars as pl

from readiness.db.core import Actor, now_wib


class PlanStore:
    """The plan_milestones table (applied over the settings' [[plan.milestones]])."""

    def milestone_overrides(self) -> pl.DataFrame:
        """code, day, target, updated_at, updated_by for every milestone the admin changed."""
        return self.read(
            "SELECT code, day, target, updated_at, updated_by FROM plan_milestones ORDER BY code"
        )

    def set_milestone_override(
        self, actor: Actor, code: str, *, day: int, target: float, before: dict
    ) -> None:
        """Store one milestone's day and target (the caller checked the actor and the values)."""

        def upsert(con) -> None:
            con.execute(
                "INSERT OR REPLACE INTO plan_milestones VALUES ($code, $day, $target, $at, $by)",
                {"code": code, "day": day, "target": target, "at": now_wib(),
                 "by": actor.username},
            )  # fmt: skip

        self.write(actor, "plan.set", code, upsert, day=day, target_percent=target, before=before)
