"""Command-line flags, their environment fallbacks, and the settings that can change at run time.

Every flag `--some-flag` can also be given as the environment variable `AWS_EMULATOR_SOME_FLAG`; the flag wins.
"""

from __future__ import annotations

import argparse
import os
import threading
from dataclasses import dataclass
from typing import Any


def _env_name(flag: str) -> str:
    return "AWS_EMULATOR_" + flag.upper().replace("-", "_")


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate must be between 0 and 1, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


# (flag, type, default, help)
_FLAGS: list[tuple[str, Any, Any, str]] = [
    ("host", str, "127.0.0.1", "address to listen on"),
    ("port", _non_negative_int, 0, "port to listen on; 0 picks a free one"),
    ("endpoint-file", str, None, "also write the endpoint URL to this file (atomically)"),
    ("log", str, None, "write diagnostics here instead of stderr"),
    ("seed", int, None, "seed for the fault RNG, request ids and generated ids (reproducible runs)"),
    ("latency-ms", _non_negative_float, 0.0, "sleep this long before answering each AWS request"),
    ("throttle-rate", _rate, 0.0, "probability that an AWS request is throttled"),
    ("error-rate", _rate, 0.0, "probability that an AWS request gets a 503"),
    ("reset-rate", _rate, 0.0, "probability that an AWS request gets its connection reset"),
    ("transition-polls", _non_negative_int, 0, "Describe calls that report CREATING/DELETING before the final state"),
    ("iam-propagation-requests", _non_negative_int, 0,
     "EKS creates naming a role refused (as EKS refuses a role too new to use) after each IAM change to that role"),
    ("account-id", str, None, "AWS account id (default: moto's 123456789012)"),
    ("parent-pid", _non_negative_int, 0, "stop when this process is gone (tests pass their own pid); 0 = never"),
]


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Parses the flags; a missing flag falls back to its AWS_EMULATOR_* environment variable."""
    parser = argparse.ArgumentParser(
        prog="aws-emulator",
        description="moto 5.2.1 behind a front server that adds the EKS APIs moto lacks, faults and a request log.",
    )
    for flag, kind, default, help_text in _FLAGS:
        env = os.environ.get(_env_name(flag))
        parser.add_argument(
            "--" + flag,
            type=kind,
            default=env if env not in (None, "") else default,
            help=f"{help_text} (env {_env_name(flag)})",
        )
    return parser.parse_args(argv)


@dataclass
class RuntimeConfig:
    """The settings `/_emulator/config` reads and changes. JSON names are camelCase."""

    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    reset_rate: float = 0.0
    seed: int | None = None
    transition_polls: int = 0
    iam_propagation_requests: int = 0

    _JSON_NAMES = {
        "latencyMs": "latency_ms",
        "throttleRate": "throttle_rate",
        "errorRate": "error_rate",
        "resetRate": "reset_rate",
        "seed": "seed",
        "transitionPolls": "transition_polls",
        "iamPropagationRequests": "iam_propagation_requests",
    }

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, attr) for name, attr in self._JSON_NAMES.items()}

    @staticmethod
    def validated_update(update: Any) -> dict[str, Any]:
        """Checks a `POST /_emulator/config` body; returns {attribute: value} or raises ValueError saying why."""
        if not isinstance(update, dict):
            raise ValueError("the body must be a JSON object")
        result: dict[str, Any] = {}
        for key, value in update.items():
            attr = RuntimeConfig._JSON_NAMES.get(key)
            if attr is None:
                known = ", ".join(RuntimeConfig._JSON_NAMES)
                raise ValueError(f"unknown setting '{key}' (known: {known})")
            if attr == "seed":
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                    raise ValueError("seed must be an integer or null")
            elif attr in ("transition_polls", "iam_propagation_requests"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{key} must be an integer >= 0")
            else:
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{key} must be a number >= 0")
                if attr.endswith("_rate") and value > 1:
                    raise ValueError(f"{key} must be between 0 and 1")
            result[attr] = value
        return result


class ConfigHolder:
    """Thread-safe holder of the current RuntimeConfig (a fresh copy is handed out on every read)."""

    def __init__(self, config: RuntimeConfig) -> None:
        self._lock = threading.Lock()
        self._config = config

    def get(self) -> RuntimeConfig:
        with self._lock:
            return RuntimeConfig(**{a: getattr(self._config, a) for a in RuntimeConfig._JSON_NAMES.values()})

    def update(self, values: dict[str, Any]) -> RuntimeConfig:
        with self._lock:
            for attr, value in values.items():
                setattr(self._config, attr, value)
        return self.get()


def runtime_config_from(args: argparse.Namespace) -> RuntimeConfig:
    return RuntimeConfig(
        latency_ms=float(args.latency_ms),
        throttle_rate=float(args.throttle_rate),
        error_rate=float(args.error_rate),
        reset_rate=float(args.reset_rate),
        seed=args.seed,
        transition_polls=int(args.transition_polls),
        iam_propagation_requests=int(args.iam_propagation_requests),
    )
