"""HTTP request/response values, AWS request classification and each protocol's error shapes.

Classification follows what moto does: the service and region come from the SigV4 credential scope
(`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), not from the Host header.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape


@dataclass
class Request:
    """One HTTP request as read off the socket. `path` is the raw (still percent-encoded) path without query."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    host: str = "127.0.0.1"
    port: int = 0

    def header(self, name: str, default: str | None = None) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return default


@dataclass
class Response:
    """A complete response. `fault` names an injected fault (for the request log), or None."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fault: str | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lowered]
        self.headers.append((name, value))


def json_response(status: int, payload: object, content_type: str = "application/json") -> Response:
    return Response(status, [("Content-Type", content_type)], json.dumps(payload).encode())


# ----------------------------------------------------------------------------------------------------------------------
# Classification


@dataclass
class AwsCall:
    """What an AWS request is: SigV4 service and region, wire protocol, and operation name (None if unknown)."""

    service: str | None
    region: str | None
    protocol: str  # "ec2" | "query" | "json" | "rest-json"
    operation: str | None
    access_key: str | None


_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


def credential_scope(request: Request) -> tuple[str | None, str | None, str | None]:
    """(access key, region, service) from the Authorization header or a presigned query, else Nones."""
    candidates = []
    auth = request.header("Authorization")
    if auth:
        match = _CREDENTIAL.search(auth)
        if match:
            candidates.append(match.group(1))
    query = parse_qs(request.query)
    candidates.extend(query.get("X-Amz-Credential", []))
    for credential in candidates:
        parts = credential.split("/")
        if len(parts) >= 5:
            return parts[0], parts[-3], parts[-2].lower()
    return None, None, None


def form_parameters(request: Request) -> dict[str, list[str]]:
    """Query-protocol parameters: the URL query plus a form-encoded body."""
    params = parse_qs(request.query, keep_blank_values=True)
    content_type = (request.header("Content-Type") or "").lower()
    if request.body and content_type.startswith("application/x-www-form-urlencoded"):
        for key, values in parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    return params


def classify(request: Request, rest_json_operation: Callable[[str, Request], str | None]) -> AwsCall:
    """Names the service, protocol and operation of an AWS request.

    rest_json_operation(service, request) resolves rest-json routes (EKS) to a botocore operation name."""
    access_key, region, service = credential_scope(request)
    target = request.header("X-Amz-Target")
    if target:
        return AwsCall(service, region, "json", target.rsplit(".", 1)[-1], access_key)
    action = form_parameters(request).get("Action", [None])[0]
    if service == "ec2":
        return AwsCall(service, region, "ec2", action, access_key)
    if action:
        return AwsCall(service, region, "query", action, access_key)
    operation = rest_json_operation(service or "", request)
    return AwsCall(service, region, "rest-json", operation, access_key)


# ----------------------------------------------------------------------------------------------------------------------
# Error shapes, one per protocol. `sender` decides the query protocol's <Type>.

_QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
}


def error_response(call: AwsCall, status: int, code: str, message: str, request_id: str, sender: bool) -> Response:
    """An AWS error in the shape of `call`'s protocol."""
    if call.protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return Response(status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())
    if call.protocol == "query":
        namespace = _QUERY_NAMESPACES.get(call.service or "", "")
        xmlns = f' xmlns="{namespace}"' if namespace else ""
        body = (
            f"<ErrorResponse{xmlns}><Error><Type>{'Sender' if sender else 'Receiver'}</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return Response(status, [("Content-Type", "text/xml")], body.encode())
    if call.protocol == "json":
        if call.service == "sqs":
            # SQS's JSON protocol keeps the query-protocol code in x-amzn-query-error for older clients.
            sqs_code = {"Throttling": "ThrottlingException"}.get(code, code)
            payload = {"__type": f"com.amazonaws.sqs#{sqs_code}", "message": message}
            headers = [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("x-amzn-query-error", f"{code};{'Sender' if sender else 'Receiver'}"),
            ]
            return Response(status, headers, json.dumps(payload).encode())
        payload = {"__type": code, "message": message}
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amzn-ErrorType", code)]
        return Response(status, headers, json.dumps(payload).encode())
    # rest-json (EKS): bare error name in X-Amzn-ErrorType, body with "message".
    headers = [("Content-Type", "application/json"), ("X-Amzn-ErrorType", code)]
    return Response(status, headers, json.dumps({"message": message}).encode())


def throttle_response(call: AwsCall, request_id: str) -> Response:
    """Throttling in each protocol's own shape and code (see docs/emulator.md)."""
    if call.protocol == "ec2":
        return error_response(call, 503, "RequestLimitExceeded", "Request limit exceeded.", request_id, True)
    if call.protocol == "query":
        return error_response(call, 400, "Throttling", "Rate exceeded", request_id, True)
    if call.protocol == "json":
        code = "Throttling" if call.service == "sqs" else "ThrottlingException"
        return error_response(call, 400, code, "Rate exceeded", request_id, True)
    return error_response(call, 429, "ThrottlingException", "Rate exceeded", request_id, True)


def access_denied_response(call: AwsCall, request_id: str, account: str) -> Response:
    """A missing permission, in each protocol's own shape and wording (as IAM's policy evaluation reports it)."""
    action = f"{call.service or 'unknown'}:{call.operation or 'Unknown'}"
    message = (f"User: arn:aws:iam::{account}:user/emulator is not authorized to perform: {action} "
               f"because no identity-based policy allows the {action} action")
    if call.protocol == "ec2":
        return error_response(call, 403, "UnauthorizedOperation", f"You are not authorized to perform this operation. "
                              f"{message}", request_id, True)
    if call.protocol == "rest-json" or (call.protocol == "json" and call.service != "sqs"):
        return error_response(call, 403 if call.protocol == "rest-json" else 400, "AccessDeniedException", message,
                              request_id, True)
    return error_response(call, 403, "AccessDenied", message, request_id, True)


def unavailable_response(call: AwsCall, request_id: str) -> Response:
    """A 503 in each protocol's own shape."""
    message = "The service is unavailable. Please try again shortly."
    if call.protocol == "rest-json":
        return error_response(call, 503, "ServiceUnavailableException", message, request_id, False)
    if call.protocol == "json" and call.service != "sqs":
        return error_response(call, 503, "InternalException", message, request_id, False)
    return error_response(call, 503, "ServiceUnavailable", message, request_id, False)


INTERNAL_ERROR_HTML = (
    b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete "
    b"your request. Either the server is overloaded or there is an error in the application.</p>\n"
)


def html_error_response() -> Response:
    """The HTML 500 page that moto (Werkzeug) sends when a handler raises."""
    return Response(500, [("Content-Type", "text/html; charset=utf-8")], INTERNAL_ERROR_HTML)
