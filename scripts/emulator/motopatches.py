"""Two in-process speed-ups for moto 5.2.1's IAM start-up. They do not change behaviour, and moto's installed files
are left alone (we replace two functions in the running process only).

With `MOTO_IAM_LOAD_MANAGED_POLICIES=true`, creating an IAM backend parses moto's ~1,500 managed policies (~0.15 s).
moto resolves the caller's account on every request by looking for the access key in the IAM backend of *every*
partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b), and that lookup creates each missing backend. So the second
request after every `/moto-api/reset` took ~0.6 s. The fixes:

1. `get_account_id_from` looks only at IAM backends that already exist. An access key can only be in a backend that
   exists (creating a key or assuming a role creates it), so the answer is the same.
2. The managed-policy JSON is parsed once per process, not once per backend. The policy objects are still built per
   backend, from the same data, as moto does.
"""

from __future__ import annotations

import json
import logging
from typing import Any

LOG = logging.getLogger("aws-emulator")


def apply() -> None:
    import moto
    import moto.iam.models as iam_models
    from moto.core import DEFAULT_ACCOUNT_ID

    if moto.__version__ != "5.2.1" or not hasattr(iam_models, "get_account_id_from") \
            or not hasattr(iam_models.IAMBackend, "_init_aws_policies"):
        LOG.warning("moto %s is not 5.2.1: IAM start-up speed-ups not applied", moto.__version__)
        return

    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(iam_models.iam_backends.items()):
            # dict.values, not the mapping's own lookups, which would create the missing partitions' backends.
            for backend in list(dict.values(account)):
                if access_key in backend.access_keys:
                    return account_id
        return DEFAULT_ACCOUNT_ID

    parsed: dict[str, Any] = {}

    def init_aws_policies(self: Any) -> list[Any]:
        if not iam_models.load_iam_aws_managed_policies():
            return []
        if not parsed:
            parsed.update(json.loads(iam_models.aws_managed_policies_data))
        return [
            iam_models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in parsed.items()
        ]

    iam_models.get_account_id_from = get_account_id_from
    iam_models.IAMBackend._init_aws_policies = init_aws_policies
