#!/usr/bin/env python3
"""Test oracle: builds EKS tokens with the aws CLI's own `eks get-token` code at a pinned time.

Reads a JSON list of cases on stdin and prints a JSON list of results. Each case:
  {"cluster", "region", "epoch", "access_key", "secret_key", "token"|null}
Result: {"token": "k8s-aws-v1....", "url": "https://sts.REGION.amazonaws.com/?...", "expiration": "...Z"}

The token comes from awscli.customizations.eks.get_token (STSClientFactory + TokenGenerator), so the
query parameters and the signature are exactly what `aws eks get-token` would produce for the same inputs.
"""
import base64, datetime, json, os, sys
from unittest import mock

os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"
for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"):
    os.environ.pop(name, None)
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"

import botocore.auth
import botocore.session
from awscli.customizations.eks import get_token


def make(case):
    session = botocore.session.Session()
    session.set_credentials(case["access_key"], case["secret_key"], case.get("token"))
    when = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when), \
            mock.patch.object(get_token, "get_current_datetime", lambda *a, **k: when):
        sts = get_token.STSClientFactory(session).get_sts_client(region_name=case["region"])
        token = get_token.TokenGenerator(sts).get_token(case["cluster"])
        expiration = get_token.GetTokenCommand(session).get_expiration_time()
    body = token[len(get_token.TOKEN_PREFIX):]
    url = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    return {"token": token, "url": url, "expiration": expiration}


json.dump([make(c) for c in json.load(sys.stdin)], sys.stdout)
