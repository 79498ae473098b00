"""Start-up and shutdown: flags, moto's environment, the listening socket, the endpoint line, signals."""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import threading

from .settings import parse_arguments


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".aws-emulator-", dir=directory)
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)

    # stdout carries exactly one line (the endpoint); anything else that prints goes to stderr.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr

    handler: logging.Handler = logging.FileHandler(args.log) if args.log else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    log = logging.getLogger("aws-emulator")

    # moto reads these at import time.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    if args.account_id:
        os.environ["MOTO_ACCOUNT_ID"] = args.account_id

    from .server import Emulator, EmulatorServer

    emulator = Emulator(args)
    try:
        server = EmulatorServer((args.host, args.port), emulator)
    except OSError as error:
        log.error("cannot listen on %s:%s: %s", args.host, args.port, error)
        return 2
    host, port = server.server_address[:2]
    endpoint = f"http://{host}:{port}"
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="accept", daemon=True)
    serving.start()

    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("signal %d: shutting down", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    if args.endpoint_file:
        _write_atomically(args.endpoint_file, endpoint + "\n")
    real_stdout.write(f"AWS_EMULATOR_ENDPOINT={endpoint}\n")
    real_stdout.flush()
    log.info("listening on %s (moto in-process; seed=%s)", endpoint, args.seed)

    while not stop.wait(0.5):
        if args.parent_pid and not _alive(args.parent_pid):
            log.info("parent process %d is gone: shutting down", args.parent_pid)
            break
    emulator.stopping.set()  # ends drips and huge bodies in flight
    server.shutdown()
    server.server_close()
    log.info("stopped")
    # Skip interpreter teardown (garbage-collecting moto's large module graph can take most of a second):
    # the sockets are closed and the log is flushed, so there is nothing left to clean up.
    logging.shutdown()
    sys.stderr.flush()
    real_stdout.flush()
    os._exit(0)
