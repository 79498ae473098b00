"""The front server: a threaded HTTP/1.1 server that owns the sockets, runs moto's WSGI app in-process, adds the
EKS extension, injects faults and latency, keeps the request log and serves the control endpoints.

Connections: HTTP/1.1 keep-alive is supported (a response says `Connection: keep-alive` unless the client asked to
close); every fault that damages the transport (reset, truncate, huge, drip) closes the connection afterwards.
"""

from __future__ import annotations

import http
import json
import logging
import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from .faults import FaultEngine, parse_rules
from .settings import ConfigHolder, RuntimeConfig, runtime_config_from
from .wire import (AwsCall, Request, Response, access_denied_response, classify, html_error_response, json_response,
                   throttle_response, unavailable_response)

LOG = logging.getLogger("aws-emulator")

HUGE_BODY_BYTES = 64 * 1024 * 1024
DRIP_INTERVAL_SECONDS = 0.2

_XML_REQUEST_ID = re.compile(rb"<(requestId|RequestId|RequestID)>[^<]{0,200}</\1>")

# Headers the front server writes itself; moto's copies are dropped.
_HOP_HEADERS = {"content-length", "connection", "date", "server", "transfer-encoding", "keep-alive", "x-amzn-requestid"}


class MotoBridge:
    """Calls moto's WSGI application (the same one `moto_server` runs) in-process."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self._app = DomainDispatcherApplication(create_backend_app)

    def __call__(self, request: Request) -> Response:
        environ = self._environ(request)
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        try:
            result = self._app(environ, start_response)
            try:
                for chunk in result:
                    chunks.append(chunk)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:  # noqa: BLE001 - moto_server turns any handler exception into its HTML 500 page
            LOG.error("moto raised while handling %s %s:\n%s", request.method, request.path, traceback.format_exc())
            return html_error_response()
        status = int(str(captured.get("status", "500")).split()[0])
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() not in _HOP_HEADERS]
        return Response(status, headers, b"".join(chunks))

    @staticmethod
    def _environ(request: Request) -> dict[str, Any]:
        # Werkzeug's dev server passes the percent-decoded path as UTF-8 bytes seen through latin-1.
        path_info = unquote(request.path).encode("utf-8").decode("latin-1")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path_info,
            "QUERY_STRING": request.query,
            "REQUEST_URI": request.path + ("?" + request.query if request.query else ""),
            "RAW_URI": request.path + ("?" + request.query if request.query else ""),
            "SERVER_NAME": request.host,
            "SERVER_PORT": str(request.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": _BytesInput(request.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(request.body)),
        }
        for key, value in request.headers:
            name = key.upper().replace("-", "_")
            if name == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif name == "CONTENT_LENGTH":
                continue
            else:
                wsgi_name = "HTTP_" + name
                environ[wsgi_name] = environ[wsgi_name] + "," + value if wsgi_name in environ else value
        environ.setdefault("HTTP_HOST", f"{request.host}:{request.port}")
        return environ


class _BytesInput:
    """A minimal wsgi.input over the already-read body."""

    def __init__(self, data: bytes) -> None:
        import io

        self._stream = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size if size is not None else -1)

    def readline(self, size: int = -1) -> bytes:
        return self._stream.readline(size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return self._stream.readlines(hint)

    def __iter__(self) -> Any:
        return iter(self._stream)


@dataclass
class LogEntry:
    seq: int
    method: str
    service: str | None
    operation: str | None
    path: str
    status: int | None
    fault: str | None
    region: str | None
    # When the answer was ready (Unix time, seconds) and the caller's User-Agent product ("platformctl",
    # "Boto3", "cluster-twin"): tests order events across this log and kube-fake's by time and caller.
    time: float = 0.0
    agent: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Emulator:
    """Everything that is not socket handling: routing, faults, EKS extension, request log, control endpoints."""

    def __init__(self, args: Any) -> None:
        from . import motopatches
        from .eks import EksExtension, account_for  # imports moto, so only after the environment is prepared
        from .realaws import IamPropagation, RealAwsBehaviour

        motopatches.apply()
        self.config = ConfigHolder(runtime_config_from(args))
        seed = self.config.get().seed
        self.faults = FaultEngine(seed)
        self.moto = MotoBridge()
        self.eks = EksExtension(self.moto, lambda: self.config.get().transition_polls)
        self.real_aws = RealAwsBehaviour(self.moto, account_for)
        self.iam_propagation = IamPropagation(lambda: self.config.get().iam_propagation_requests, account_for)
        self.eks.reset(seed)
        self._log_lock = threading.Lock()
        self._log: list[LogEntry] = []
        self._seq = 0
        self._kill: dict[str, int] | None = None  # POST /_emulator/kill: {pid, after, seen, signal}
        self.stopping = threading.Event()
        self._seed_moto(seed)

    # ------------------------------------------------------------------------------------------------------------------

    @staticmethod
    def _seed_moto(seed: int | None) -> None:
        if seed is not None:
            from moto.moto_api._internal import mock_random

            mock_random.seed(seed)

    def reset_state(self) -> None:
        """Everything the emulator adds goes back to its start state (moto has already been reset)."""
        seed = self.config.get().seed
        self.eks.reset(seed)
        self.iam_propagation.reset()
        self.real_aws.reset_quotas()
        self.faults.clear_rules()
        self.faults.reseed(seed)
        self._seed_moto(seed)
        with self._log_lock:
            self._log.clear()
            self._seq = 0
            self._kill = None

    def respond(self, request: Request) -> Response:
        if request.path.startswith("/_emulator"):
            response = self._control(request)
            response.set_header("x-amzn-RequestId", str(uuid.uuid4()))
            return response
        if request.path.startswith("/moto-api"):
            response = self.moto(request)
            if request.method == "POST" and request.path.rstrip("/") == "/moto-api/reset" and response.status == 200:
                self.reset_state()
            response.set_header("x-amzn-RequestId", str(uuid.uuid4()))
            return response
        return self._aws(request)

    # ------------------------------------------------------------------------------------------------------------------
    # AWS requests

    def _operation_for(self, service: str, request: Request) -> str | None:
        return self.eks.operation_for(request) if service == "eks" else None

    def _aws(self, request: Request) -> Response:
        call = classify(request, self._operation_for)
        config = self.config.get()
        request_id, fault = self.faults.decide(call.service, call.operation, config)
        if config.latency_ms > 0:
            time.sleep(config.latency_ms / 1000.0)
        if fault == "throttle":
            response = throttle_response(call, request_id)
        elif fault == "5xx":
            response = unavailable_response(call, request_id)
        elif fault == "access-denied":
            response = access_denied_response(call, request_id, os.environ.get("MOTO_ACCOUNT_ID", "123456789012"))
        elif fault == "html":
            response = html_error_response()
        elif fault == "reset":
            response = Response(0)
        elif fault == "huge":
            response = Response(200, [("Content-Type", _huge_content_type(call))])
        else:
            response = self._dispatch(request, call)
            if call.protocol in ("ec2", "query"):
                # moto's XML carries its own request id (EC2: the literal "request-id"); use the header's.
                response.body = _XML_REQUEST_ID.sub(lambda m: b"<%s>%s</%s>" % (m.group(1), request_id.encode(),
                                                                               m.group(1)), response.body, count=1)
            if fault == "wrong-content-type":
                response.set_header("Content-Type", "text/html")
        response.fault = fault
        response.set_header("x-amzn-RequestId", request_id)
        with self._log_lock:
            self._seq += 1
            agent = (request.header("User-Agent") or "").split("/", 1)[0].split(" ", 1)[0]
            self._log.append(LogEntry(self._seq, request.method, call.service, call.operation, request.path,
                                      None if fault == "reset" else response.status, fault, call.region,
                                      time.time(), agent))
            self._kill_after_write(call, fault)
        return response

    def _kill_after_write(self, call: AwsCall, fault: str | None) -> None:
        """The crash placement of `POST /_emulator/kill`: after the Nth request that changes something has been
        carried out, and before its answer is sent, the registered process gets its signal — the write happened,
        the caller never learns of it. Called with the log lock held."""
        if self._kill is None or fault is not None or not call.operation:
            return
        if call.operation.startswith(("Describe", "List", "Get")):
            return
        self._kill["seen"] += 1
        if self._kill["seen"] >= self._kill["after"]:
            pid, number = self._kill["pid"], self._kill["signal"]
            self._kill = None
            try:
                os.kill(pid, number)
                LOG.info("sent signal %d to pid %d after its mutating request %s", number, pid, call.operation)
            except ProcessLookupError:
                LOG.info("pid %d was gone before its kill", pid)

    def _dispatch(self, request: Request, call: AwsCall) -> Response:
        try:
            if call.service == "eks":
                return self.iam_propagation.refusal(request, call) or self.eks.handle(request)
            if call.service == "ssm" and call.operation == "GetParameter":
                public = self.eks.public_parameter(request, call.region)
                if public is not None:
                    return public
            response = self.real_aws.handle(request, call) if self.real_aws.handles(call) else self.moto(request)
            self.iam_propagation.note(request, call, response)
            return response
        except Exception:  # noqa: BLE001 - an emulator bug is answered like a moto crash, and still logged
            LOG.error("emulator failed on %s %s:\n%s", request.method, request.path, traceback.format_exc())
            return html_error_response()

    def huge_parts(self, request: Request) -> tuple[bytes, bytes]:
        """(prefix, repeated unit) of a never-ending but valid-looking body for the `huge` fault."""
        call = classify(request, self._operation_for)
        operation = call.operation or "Emulator"
        value = "x" * 200
        if call.protocol in ("ec2", "query"):
            prefix = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response>'
                      f"<{operation}Result><items>").encode()
            unit = f"<item><name>emulator-huge</name><value>{value}</value></item>".encode()
        else:
            prefix = b'{"items":['
            unit = ('{"name":"emulator-huge","value":"' + value + '"},').encode()
        return prefix, unit

    # ------------------------------------------------------------------------------------------------------------------
    # Control endpoints

    def _control(self, request: Request) -> Response:
        path, method = request.path.rstrip("/"), request.method
        try:
            if path == "/_emulator/requests" and method == "GET":
                with self._log_lock:
                    entries = [entry.to_json() for entry in self._log]
                return json_response(200, {"requests": entries})
            if path == "/_emulator/requests/clear" and method == "POST":
                with self._log_lock:
                    self._log.clear()
                return json_response(200, {"cleared": True})
            if path == "/_emulator/config" and method == "GET":
                return json_response(200, self.config.get().to_json())
            if path == "/_emulator/config" and method == "POST":
                values = RuntimeConfig.validated_update(_json_body(request))
                updated = self.config.update(values)
                if "seed" in values:
                    self.faults.reseed(updated.seed)
                return json_response(200, updated.to_json())
            if path == "/_emulator/faults" and method == "POST":
                rules = parse_rules(_json_body(request))
                self.faults.add_rules(rules)
                return json_response(200, {"rules": self.faults.rules()})
            if path == "/_emulator/faults" and method == "DELETE":
                self.faults.clear_rules()
                return json_response(200, {"rules": []})
            if path == "/_emulator/kill" and method == "POST":
                body = _json_body(request)
                if not isinstance(body, dict) or not isinstance(body.get("pid"), int) or body["pid"] <= 1 \
                        or not isinstance(body.get("afterMutations"), int) or body["afterMutations"] < 1:
                    raise ValueError("expected {\"pid\": PID > 1, \"afterMutations\": N >= 1, \"signal\": 9}")
                number = int(body.get("signal", 9))
                with self._log_lock:
                    self._kill = {"pid": body["pid"], "after": body["afterMutations"], "seen": 0, "signal": number}
                return json_response(200, {"armed": True})
            if path == "/_emulator/kill" and method == "DELETE":
                with self._log_lock:
                    self._kill = None
                return json_response(200, {"armed": False})
            if path == "/_emulator/insights" and method == "POST":
                body = _json_body(request)
                if not isinstance(body, dict) or not body.get("cluster") or not body.get("name"):
                    raise ValueError("an insight needs at least {\"cluster\": ..., \"name\": ...}")
                return json_response(200, {"insight": self.eks.plant_insight(body)})
            if path == "/_emulator/cluster-versions" and method == "POST":
                return json_response(200, self.eks.withdraw_versions(_json_body(request)))
            if path == "/_emulator/quotas" and method == "POST":
                return json_response(200, {"quota": self.real_aws.plant_quota(_json_body(request))})
            if path == "/_emulator/ami-releases" and method == "POST":
                body = _json_body(request)
                if not isinstance(body, dict):
                    raise ValueError("expected a JSON object")
                return json_response(200, self.eks.publish_release(body))
            if path == "/_emulator/faults" and method == "GET":
                return json_response(200, {"rules": self.faults.rules()})
        except ValueError as error:
            return json_response(400, {"error": str(error)})
        return json_response(404, {"error": f"no control endpoint {method} {request.path}"})


def _json_body(request: Request) -> Any:
    try:
        return json.loads(request.body or b"{}")
    except ValueError as error:
        raise ValueError(f"the body is not valid JSON: {error}") from None


def _huge_content_type(call: AwsCall) -> str:
    if call.protocol in ("ec2", "query"):
        return "text/xml"
    if call.protocol == "json":
        return "application/x-amz-json-1.0" if call.service == "sqs" else "application/x-amz-json-1.1"
    return "application/json"


# ----------------------------------------------------------------------------------------------------------------------
# Sockets


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aws-emulator"
    sys_version = ""
    timeout = 300  # idle keep-alive connections are closed after this many seconds

    server: "EmulatorServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature set by the base class
        LOG.debug("%s - %s", self.address_string(), format % args)

    def _serve(self) -> None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            self._write(self._head(Response(411), 0))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        target = self.path
        if "://" in target.split("?", 1)[0]:
            parts = urlsplit(target)  # absolute-form request target
            target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        path, _, query = target.partition("?")
        host, port = self.server.server_address[:2]
        request = Request(self.command, path or "/", query, list(self.headers.items()), body, str(host), int(port))
        try:
            response = self.server.emulator.respond(request)
        except Exception:  # noqa: BLE001 - a bug here must not kill the connection thread silently
            LOG.error("emulator failed on %s %s:\n%s", request.method, request.path, traceback.format_exc())
            response = html_error_response()
        self._send(request, response)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

    # ------------------------------------------------------------------------------------------------------------------

    def _head(self, response: Response, content_length: int) -> bytes:
        try:
            reason = http.HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        lines += [f"{k}: {v}" for k, v in response.headers]
        lines.append(f"Content-Length: {content_length}")
        lines.append(f"Date: {self.date_time_string()}")
        lines.append("Server: aws-emulator (moto)")
        lines.append("Connection: " + ("close" if self.close_connection else "keep-alive"))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            return True
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
            return False

    def _send(self, request: Request, response: Response) -> None:
        fault = response.fault
        body = b"" if request.method == "HEAD" else response.body
        if fault == "reset":
            self._reset_connection()
        elif fault == "truncate":
            self.close_connection = True
            self._write(self._head(response, len(body)) + body[: len(body) // 2])
        elif fault == "drip":
            self.close_connection = True
            data = self._head(response, len(body)) + body
            for index in range(len(data)):
                if self.server.emulator.stopping.is_set() or not self._write(data[index : index + 1]):
                    return
                time.sleep(DRIP_INTERVAL_SECONDS)
        elif fault == "huge":
            self.close_connection = True
            self._stream_huge(request, response)
        else:
            self._write(self._head(response, len(response.body)) + body)

    def _stream_huge(self, request: Request, response: Response) -> None:
        prefix, unit = self.server.emulator.huge_parts(request)
        if not self._write(self._head(response, HUGE_BODY_BYTES) + prefix):
            return
        sent = len(prefix)
        block = unit * max(1, (64 * 1024) // len(unit))
        while sent < HUGE_BODY_BYTES:
            if self.server.emulator.stopping.is_set():
                return
            piece = block[: HUGE_BODY_BYTES - sent]
            if not self._write(piece):
                return
            sent += len(piece)

    def _reset_connection(self) -> None:
        """TCP RST without a response: SO_LINGER 0, then close (our own file objects first, so the fd closes)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for stream in (self.rfile, self.wfile):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.connection.close()
        except OSError:
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):
            pass


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); we need none.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        LOG.debug("connection from %s ended with an error:\n%s", client_address, traceback.format_exc())
