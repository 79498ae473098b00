"""botocore's EKS service model: route matching (`http.method` + `http.requestUri`) and input validation.

Validation checks what our Swift client could get wrong and moto would silently accept: required members, enum
values, JSON types, integer ranges, string lengths, and unknown top-level members. Messages follow AWS's style
("Value 'X' at 'taints.1.member.effect' failed to satisfy constraint: ...") so that the member is always named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.loaders import Loader


@dataclass
class Route:
    method: str
    segments: list[str]  # literal text, "{label}" or "{label+}" (greedy)
    operation: str

    @property
    def literal_count(self) -> int:
        return sum(1 for s in self.segments if not s.startswith("{"))


class ValidationFailed(Exception):
    """Raised with a message naming every offending member."""


class EksModel:
    def __init__(self) -> None:
        self.model: dict[str, Any] = Loader().load_service_model("eks", "service-2", api_version="2017-11-01")
        self.shapes: dict[str, Any] = self.model["shapes"]
        self.operations: dict[str, Any] = self.model["operations"]
        self.routes: list[Route] = []
        for name, operation in self.operations.items():
            uri = operation["http"]["requestUri"].split("?", 1)[0]
            segments = [s for s in uri.split("/") if s]
            self.routes.append(Route(operation["http"]["method"], segments, name))
        # Prefer the most specific route (most literal segments) when several match.
        self.routes.sort(key=lambda r: -r.literal_count)

    # ------------------------------------------------------------------------------------------------------------------
    # Routing

    def match(self, method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
        """(operation name, decoded URI labels) for a request, or None."""
        parts = [p for p in raw_path.split("/") if p]
        for route in self.routes:
            if route.method != method:
                continue
            labels = self._match_segments(route.segments, parts)
            if labels is not None:
                return route.operation, labels
        return None

    @staticmethod
    def _match_segments(segments: list[str], parts: list[str]) -> dict[str, str] | None:
        labels: dict[str, str] = {}
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("+}"):
                rest = parts[index:]
                if not rest:
                    return None
                labels[segment[1:-2]] = unquote("/".join(rest))
                return labels
            if index >= len(parts):
                return None
            if segment.startswith("{"):
                labels[segment[1:-1]] = unquote(parts[index])
            elif segment != parts[index]:
                return None
        return labels if len(parts) == len(segments) else None

    # ------------------------------------------------------------------------------------------------------------------
    # Validation

    def parse_input(
        self, operation: str, labels: dict[str, str], query: str, headers: dict[str, str], body: bytes
    ) -> dict[str, Any]:
        """Builds the operation's input (body members + URI/query/header members) and validates it.

        Raises ValidationFailed. `headers` keys are lower-case."""
        input_ref = self.operations[operation].get("input")
        if input_ref is None:
            return {}
        shape_name = input_ref["shape"]
        shape = self.shapes[shape_name]
        errors: list[str] = []

        document: Any = {}
        if body.strip():
            try:
                document = json.loads(body)
            except ValueError:
                raise ValidationFailed("Could not parse request body into json: the body is not valid JSON")
            if not isinstance(document, dict):
                raise ValidationFailed("Could not parse request body into json: the body must be a JSON object")

        query_values = parse_qs(query, keep_blank_values=True)
        params: dict[str, Any] = {}
        body_members = set()
        for member, ref in shape["members"].items():
            location = ref.get("location")
            wire_name = ref.get("locationName", member)
            target = self.shapes[ref["shape"]]
            if location == "uri":
                if wire_name in labels:
                    params[member] = labels[wire_name]
            elif location == "querystring":
                if wire_name in query_values:
                    params[member] = self._from_text(member, target, query_values[wire_name], errors)
            elif location == "header":
                if wire_name.lower() in headers:
                    params[member] = self._from_text(member, target, [headers[wire_name.lower()]], errors)
            else:
                body_members.add(member)
                if member in document:
                    params[member] = document[member]

        for key in document:
            if key not in body_members:
                errors.append(f"Unrecognized field '{key}': it is not a member of {shape_name}")

        self._check_structure(shape, params, "", errors)
        if errors:
            count = len(errors)
            noun = "error" if count == 1 else "errors"
            raise ValidationFailed(f"{count} validation {noun} detected: " + "; ".join(errors))
        return params

    def _from_text(self, member: str, shape: dict[str, Any], values: list[str], errors: list[str]) -> Any:
        """Converts query-string/header text into the member's JSON type (validated later)."""
        kind = shape["type"]
        if kind == "list":
            member_shape = self.shapes[shape["member"]["shape"]]
            return [self._from_text(member, member_shape, [v], errors) for v in values]
        text = values[-1]
        if kind in ("integer", "long"):
            try:
                return int(text)
            except ValueError:
                return text  # reported as a type error
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, text)
        return text

    def _check_structure(self, shape: dict[str, Any], value: dict[str, Any], path: str, errors: list[str]) -> None:
        for required in shape.get("required", []):
            if value.get(required) is None:
                errors.append(f"Value null at '{path}{required}' failed to satisfy constraint: Member must not be null")
        for member, member_value in value.items():
            ref = shape["members"].get(member)
            if ref is None:
                continue  # unknown nested members are reported only at the top level (see parse_input)
            if member_value is None:
                continue
            self._check(self.shapes[ref["shape"]], member_value, f"{path}{member}", errors)

    def _check(self, shape: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
        kind = shape["type"]
        shown = json.dumps(value) if not isinstance(value, str) else value

        def fail(constraint: str) -> None:
            errors.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}")

        if kind == "structure":
            if not isinstance(value, dict):
                return fail("Member must be an object")
            self._check_structure(shape, value, path + ".", errors)
        elif kind == "list":
            if not isinstance(value, list):
                return fail("Member must be a list")
            if "min" in shape and len(value) < shape["min"]:
                fail(f"Member must have length greater than or equal to {shape['min']}")
            if "max" in shape and len(value) > shape["max"]:
                fail(f"Member must have length less than or equal to {shape['max']}")
            item_shape = self.shapes[shape["member"]["shape"]]
            for index, item in enumerate(value, start=1):
                self._check(item_shape, item, f"{path}.{index}.member", errors)
        elif kind == "map":
            if not isinstance(value, dict):
                return fail("Member must be a map")
            key_shape = self.shapes[shape["key"]["shape"]]
            value_shape = self.shapes[shape["value"]["shape"]]
            if "max" in shape and len(value) > shape["max"]:
                fail(f"Member must have at most {shape['max']} entries")
            for key, item in value.items():
                self._check(key_shape, key, f"{path}.key", errors)
                self._check(value_shape, item, f"{path}.{key}", errors)
        elif kind == "string":
            if not isinstance(value, str):
                return fail("Member must be a string")
            enum = shape.get("enum")
            if enum and value not in enum:
                return fail(f"Member must satisfy enum value set: [{', '.join(enum)}]")
            if "min" in shape and len(value) < shape["min"]:
                fail(f"Member must have length greater than or equal to {shape['min']}")
            if "max" in shape and len(value) > shape["max"]:
                fail(f"Member must have length less than or equal to {shape['max']}")
        elif kind in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                return fail(f"Member must be of type {kind}")
            if "min" in shape and value < shape["min"]:
                fail(f"Member must have value greater than or equal to {shape['min']}")
            if "max" in shape and value > shape["max"]:
                fail(f"Member must have value less than or equal to {shape['max']}")
        elif kind in ("double", "float"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                fail(f"Member must be of type {kind}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                fail("Member must be of type boolean")
        elif kind == "timestamp":
            if not isinstance(value, (int, float, str)) or isinstance(value, bool):
                fail("Member must be a timestamp")
        elif kind == "blob":
            if not isinstance(value, str):
                fail("Member must be base64 text")
