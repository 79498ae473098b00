"""Fault decisions: one-shot deterministic rules plus seeded random draws, and request ids.

Every AWS request takes, in arrival order and under one lock, exactly two values from the seeded RNG: 128 bits for
its request id and one uniform draw for the random faults. Because the number of draws per request never varies, a
run with the same seed and the same request sequence gets the same request ids and the same faults.
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass
from typing import Any

KINDS = ("throttle", "5xx", "reset", "html", "truncate", "wrong-content-type", "huge", "drip", "access-denied")


@dataclass
class FaultRule:
    kind: str
    count: int
    service: str | None = None
    operation: str | None = None

    def matches(self, service: str | None, operation: str | None) -> bool:
        if self.service is not None and self.service != (service or ""):
            return False
        if self.operation is not None and self.operation != (operation or ""):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "service": self.service, "operation": self.operation}


def parse_rules(payload: Any) -> list[FaultRule]:
    """Parses a `POST /_emulator/faults` body; raises ValueError naming the bad field."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rules"), list):
        raise ValueError('the body must be {"rules": [ ... ]}')
    rules = []
    for index, raw in enumerate(payload["rules"]):
        where = f"rules[{index}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must be an object")
        unknown = set(raw) - {"kind", "count", "service", "operation"}
        if unknown:
            raise ValueError(f"{where} has unknown field(s) {sorted(unknown)}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{where}.kind must be one of {', '.join(KINDS)}")
        count = raw.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"{where}.count must be an integer >= 1")
        for name in ("service", "operation"):
            if raw.get(name) is not None and not isinstance(raw[name], str):
                raise ValueError(f"{where}.{name} must be a string")
        service = raw.get("service")
        rules.append(FaultRule(kind, count, service.lower() if service else None, raw.get("operation")))
    return rules


class FaultEngine:
    def __init__(self, seed: int | None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def add_rules(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules.extend(rules)

    def clear_rules(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def decide(self, service: str | None, operation: str | None, rates: Any) -> tuple[str, str | None]:
        """(request id, fault kind or None) for the next AWS request. `rates` is a RuntimeConfig."""
        with self._lock:
            request_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
            draw = self._rng.random()
            for rule in self._rules:
                if rule.matches(service, operation):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    return request_id, rule.kind
        threshold = rates.reset_rate
        if draw < threshold:
            return request_id, "reset"
        threshold += rates.throttle_rate
        if draw < threshold:
            return request_id, "throttle"
        threshold += rates.error_rate
        if draw < threshold:
            return request_id, "5xx"
        return request_id, None
