"""Pure scheduling: dataclasses in, dataclasses out. No database, no UI."""

from flashdl.scheduler.sm2 import MAX_INTERVAL, Quality, SM2State, review

__all__ = ["MAX_INTERVAL", "Quality", "SM2State", "review"]
