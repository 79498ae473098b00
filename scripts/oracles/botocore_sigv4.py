#!/usr/bin/env python3
"""Test oracle: signs requests with botocore's own SigV4 signer at a pinned time.

Reads a JSON list of cases on stdin and prints a JSON list of results. Each case:
  {"mode": "headers"|"presign", "method", "url", "headers": [[name, value], ...], "body_b64",
   "epoch", "access_key", "secret_key", "token"|null, "region", "service", "expires"}
Result: {"authorization": "..."} for headers mode, {"url": "..."} for presign mode.
"""
import base64, datetime, json, sys
from unittest import mock

import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    creds = Credentials(case["access_key"], case["secret_key"], case.get("token"))
    request = AWSRequest(method=case["method"], url=case["url"], data=base64.b64decode(case.get("body_b64") or ""))
    for name, value in case["headers"]:
        request.headers[name] = value  # repeated names append, like HTTP
    when = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when):
        if case["mode"] == "presign":
            SigV4QueryAuth(creds, case["service"], case["region"], expires=case["expires"]).add_auth(request)
            return {"url": request.url}
        SigV4Auth(creds, case["service"], case["region"]).add_auth(request)
        return {"authorization": request.headers["Authorization"]}


json.dump([sign(c) for c in json.load(sys.stdin)], sys.stdout)
