"""A study session's steps, written to the store and to the session together.

The store is written first, in its own committed transaction; the session's queue moves only
once that succeeded, so what the screen shows never runs ahead of what is saved. A failed write
(a locked database) raises :class:`~flashdl.errors.FlashdlError` and changes nothing.

Every step can be taken back, back to the start of the session: an answer through
:func:`~flashdl.store.reviews.undo_answer`, a suspension or burial by restoring the card's flag.
No Textual here: the study screen only calls these methods.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from flashdl.study.session import Step, StudySession

if TYPE_CHECKING:
    from flashdl.store.db import Store
    from flashdl.study.cards import StudyCard


class StudyRecorder:
    """Applies the learner's answers, suspensions, burials and undos."""

    def __init__(self, store: Store, session: StudySession, *, today: dt.date) -> None:
        self.store = store
        self.session = session
        self.today = today
        #: written with every answer, so the log can tell sessions apart
        self.session_id = uuid.uuid4().hex

    def _check_current(self, card: StudyCard) -> None:
        if self.session.current != card.id:
            raise ValueError(f"card {card.id} is not the current card")

    def answer(self, card: StudyCard, grade: int, *, duration_ms: int = 0) -> Step:
        """Grade the current card (committed), then move the queue on."""
        from flashdl.store.reviews import record_answer

        self._check_current(card)
        saved = record_answer(
            self.store,
            card.id,
            grade,
            today=self.today,
            duration_ms=duration_ms,
            mode="study",
            session_id=self.session_id,
        )
        return self.session.answer(
            grade, token=saved.log_id, duration_ms=duration_ms, requeue=saved.again_today
        )

    def suspend(self, card: StudyCard) -> Step:
        """Suspend the current card: it stops coming up, in this session and later."""
        from flashdl.store.reviews import set_suspended

        self._check_current(card)
        set_suspended(self.store, card.id, True)
        return self.session.remove_current("suspend", token=card.suspended)

    def bury(self, card: StudyCard) -> Step:
        """Hide the current card until tomorrow."""
        from flashdl.store.reviews import bury

        self._check_current(card)
        bury(self.store, card.id, self.today + dt.timedelta(days=1))
        return self.session.remove_current("bury", token=card.buried_until)

    def undo(self) -> Step | None:
        """Take the last step back in the store, then in the queue. None if there is none."""
        from flashdl.store.reviews import bury, set_suspended, undo_answer

        step = self.session.last_step
        if step is None:
            return None
        if step.kind == "answer":
            undo_answer(self.store, step.token)  # type: ignore[arg-type]
        elif step.kind == "suspend":
            set_suspended(self.store, step.card_id, bool(step.token))
        else:
            bury(self.store, step.card_id, step.token)  # type: ignore[arg-type]
        return self.session.undo()
