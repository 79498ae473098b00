"""Where moto 5.2.1 is kinder than AWS outside EKS, and the kindness hides a bug in a real-AWS run.

Each behaviour here names its source in docs/emulator.md ("What it changes in moto's EC2, IAM and EventBridge"):

- EC2 `DescribeAvailabilityZones` also returns the opted-in Local Zone of the region (us-west-2-lax-1a, which sorts
  before us-west-2a) and, with `AllAvailabilityZones=true` only, a Wavelength Zone the account has not opted in to.
  Every zone carries `optInStatus`, `groupName`, `networkBorderGroup` (and the parent of a Local/Wavelength Zone),
  and the filters `zone-type`, `opt-in-status`, `zone-name`, `zone-id`, `state`, `region-name`, `group-name` and
  `parent-zone-name` are honoured. Zones are answered here; moto still knows only its three or four AZs, so a subnet
  in the Local Zone cannot be created (the platform must never ask for one).
- IAM `ListInstanceProfiles` does not return tags (moto's does): `<Tags>` is removed from its answer.
- EventBridge `PutRule` ignores `Tags` when the rule already exists (moto merges them in): they are dropped before
  moto sees the request.
- EC2 `DescribeNatGateways` honours the `tag:<key>`, `tag-key` and `tag-value` filters (moto ignores them and
  returns every NAT gateway, so a user's own gateway looked tagged for the cluster).
- IAM `CreateServiceLinkedRole` for `spot.amazonaws.com` makes `AWSServiceRoleForEC2Spot` (moto would name it
  `AWSServiceRoleForspot`), and asking for a service-linked role that exists is 400 `InvalidInput`, "Service role name
  NAME has been taken in this account, please try a different suffix." (moto: 409 `EntityAlreadyExists`).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable
from xml.sax.saxutils import escape

from .wire import AwsCall, Request, Response, error_response, form_parameters

# Extra zones per region: (name, zone id, type, opt-in status, group name, parent zone name). Names and ids follow the
# ones AWS documents (the botocore model's own examples: Local Zone us-west-2-lax-1a in group us-west-2-lax-1).
_EXTRA_ZONES: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "us-west-2": [
        ("us-west-2-lax-1a", "usw2-lax1-az1", "local-zone", "opted-in", "us-west-2-lax-1", "us-west-2a"),
        ("us-west-2-wl1-las-wlz-1", "usw2-wl1-las-wlz1", "wavelength-zone", "not-opted-in", "us-west-2-wl1",
         "us-west-2a"),
    ],
    "us-east-1": [
        ("us-east-1-bos-1a", "use1-bos1-az1", "local-zone", "opted-in", "us-east-1-bos-1", "us-east-1a"),
    ],
}

# DescribeAvailabilityZones filter name -> zone dictionary key.
_ZONE_FILTERS = {
    "zone-name": "zoneName",
    "zone-id": "zoneId",
    "zone-type": "zoneType",
    "opt-in-status": "optInStatus",
    "state": "zoneState",
    "region-name": "regionName",
    "group-name": "groupName",
    "parent-zone-name": "parentZoneName",
    "parent-zone-id": "parentZoneId",
}

_TAGS_ELEMENT = re.compile(rb"<Tags>.*?</Tags>|<Tags\s*/>", re.DOTALL)
_ROLE_NAME = re.compile(r"Role with name ([\w+=,.@-]+) already exists")


# Default quotas an account starts with (Amazon VPC User Guide, "Amazon VPC quotas"; Amazon EC2 User Guide, "Elastic IP
# address quota"), by (service code, quota code): what GetAWSDefaultServiceQuota answers.
_DEFAULT_QUOTAS: dict[tuple[str, str], tuple[str, float]] = {
    ("vpc", "L-F678F1CE"): ("VPCs per Region", 5.0),
    ("vpc", "L-A4707A72"): ("Internet gateways per Region", 5.0),
    ("vpc", "L-FE5A380F"): ("NAT gateways per Availability Zone", 5.0),
    ("ec2", "L-0263D0A3"): ("EC2-VPC Elastic IPs", 5.0),
}


class RealAwsBehaviour:
    """Answers, or adjusts moto's answers to, the few non-EKS operations where moto differs from AWS in a way that
    matters to the platform."""

    def __init__(self, moto: Callable[[Request], Response], account_for: Callable[[Request], str]) -> None:
        self._moto = moto
        self._account_for = account_for
        self._handlers: dict[tuple[str, str], Callable[[Request, AwsCall], Response]] = {
            ("ec2", "DescribeAvailabilityZones"): self._describe_availability_zones,
            ("iam", "ListInstanceProfiles"): self._list_instance_profiles,
            ("events", "PutRule"): self._put_rule,
            ("iam", "CreateServiceLinkedRole"): self._create_service_linked_role,
            ("ec2", "TerminateInstances"): self._terminate_instances,
            ("servicequotas", "GetServiceQuota"): self._get_service_quota,
            ("servicequotas", "GetAWSDefaultServiceQuota"): self._get_default_service_quota,
        }
        # Applied quota values planted by tests (POST /_emulator/quotas), by (account, region, service, code).
        self._applied_quotas: dict[tuple[str, str, str, str], float] = {}
        import moto.iam.models as iam_models

        # moto turns spot.amazonaws.com into AWSServiceRoleForspot; IAM's name for it is AWSServiceRoleForEC2Spot.
        iam_models.SERVICE_NAME_CONVERSION.setdefault("spot", "EC2Spot")
        _filter_nat_gateways_by_tag()

    def handles(self, call: AwsCall) -> bool:
        return (call.service or "", call.operation or "") in self._handlers

    def handle(self, request: Request, call: AwsCall) -> Response:
        return self._handlers[(call.service or "", call.operation or "")](request, call)

    # ------------------------------------------------------------------------------------------------------------------
    # EC2 DescribeAvailabilityZones

    @staticmethod
    def zones(region: str, include_not_opted_in: bool) -> list[dict[str, str]]:
        """The region's zones as EC2 describes them: moto's AZs plus the extra zones above."""
        from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

        zones = [
            {
                "zoneName": zone.name, "zoneId": zone.zone_id, "zoneType": zone.zone_type, "zoneState": zone.state,
                "regionName": region, "optInStatus": "opt-in-not-required", "groupName": region,
                "networkBorderGroup": region,
            }
            for zone in RegionsAndZonesBackend.zones.get(region, [])
        ]
        by_name = {zone["zoneName"]: zone for zone in zones}
        for name, zone_id, zone_type, opt_in, group, parent in _EXTRA_ZONES.get(region, []):
            if opt_in == "not-opted-in" and not include_not_opted_in:
                continue
            zones.append({
                "zoneName": name, "zoneId": zone_id, "zoneType": zone_type, "zoneState": "available",
                "regionName": region, "optInStatus": opt_in, "groupName": group, "networkBorderGroup": group,
                "parentZoneName": parent, "parentZoneId": by_name.get(parent, {}).get("zoneId", ""),
            })
        return zones

    def _describe_availability_zones(self, request: Request, call: AwsCall) -> Response:
        params = form_parameters(request)
        region = call.region or "us-east-1"
        everything = (params.get("AllAvailabilityZones") or ["false"])[0].lower() == "true"
        zones = self.zones(region, include_not_opted_in=everything)
        filters: dict[int, tuple[str, list[str]]] = {}
        for key, values in params.items():
            match = re.fullmatch(r"Filter\.(\d+)\.Name", key)
            if match:
                index = int(match.group(1))
                wanted = [v for k, vs in params.items() if re.fullmatch(rf"Filter\.{index}\.Value\.\d+", k) for v in vs]
                filters[index] = (values[0], wanted)
        for name, wanted in filters.values():
            attribute = _ZONE_FILTERS.get(name)
            if attribute is None:
                return error_response(call, 400, "InvalidParameterValue", f"The filter '{name}' is invalid", "", True)
            zones = [zone for zone in zones if zone.get(attribute) in wanted]
        names = [v for k, vs in params.items() if re.fullmatch(r"ZoneName\.\d+", k) for v in vs]
        ids = [v for k, vs in params.items() if re.fullmatch(r"ZoneId\.\d+", k) for v in vs]
        if names:
            zones = [zone for zone in zones if zone["zoneName"] in names]
        if ids:
            zones = [zone for zone in zones if zone["zoneId"] in ids]
        items = "".join(
            "<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in zone.items()) + "<messageSet/></item>"
            for zone in zones
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                f"<requestId>request-id</requestId><availabilityZoneInfo>{items}</availabilityZoneInfo>"
                "</DescribeAvailabilityZonesResponse>")
        return Response(200, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())

    # ------------------------------------------------------------------------------------------------------------------
    # IAM ListInstanceProfiles

    def _list_instance_profiles(self, request: Request, call: AwsCall) -> Response:
        response = self._moto(request)
        if response.status == 200:
            response.body = _TAGS_ELEMENT.sub(b"", response.body)
        return response

    # ------------------------------------------------------------------------------------------------------------------
    # EC2 TerminateInstances

    def _terminate_instances(self, request: Request, call: AwsCall) -> Response:
        """At most 1000 instance ids per call (botocore's EC2 model, `TerminateInstancesRequest.InstanceIds`:
        "Constraints: Up to 1000 instance IDs"); moto takes any number."""
        ids = [key for key in form_parameters(request) if re.fullmatch(r"InstanceId\.\d+", key)]
        if len(ids) > 1000:
            return error_response(call, 400, "InvalidParameterValue",
                                  f"The request has {len(ids)} instance IDs; TerminateInstances takes up to 1000.",
                                  "", True)
        return self._moto(request)

    # ------------------------------------------------------------------------------------------------------------------
    # IAM CreateServiceLinkedRole

    def _create_service_linked_role(self, request: Request, call: AwsCall) -> Response:
        response = self._moto(request)
        taken = _ROLE_NAME.search(response.body.decode("utf-8", "replace")) if response.status >= 400 else None
        if taken and b"EntityAlreadyExists" in response.body:
            return error_response(call, 400, "InvalidInput", f"Service role name {taken.group(1)} has been taken in "
                                  "this account, please try a different suffix.", "", True)
        return response

    # ------------------------------------------------------------------------------------------------------------------
    # EventBridge PutRule

    def _put_rule(self, request: Request, call: AwsCall) -> Response:
        try:
            payload: Any = json.loads(request.body or b"{}")
        except ValueError:
            return self._moto(request)
        if isinstance(payload, dict) and payload.get("Tags") and self._rule_exists(request, call, payload):
            payload.pop("Tags")
            request.body = json.dumps(payload).encode()
            request.headers = [(k, v) for k, v in request.headers if k.lower() != "content-length"]
        return self._moto(request)

    # ------------------------------------------------------------------------------------------------------------------
    # Service Quotas: moto serves only the `vpc` defaults through GetServiceQuota, no `ec2` quota and no
    # GetAWSDefaultServiceQuota (a 500). AWS answers GetServiceQuota with the applied value, and with
    # NoSuchResourceException where only the default is available ("If the applied quota value is not available for a
    # quota, the quota is not retrieved", Service Quotas API reference); GetAWSDefaultServiceQuota gives the default.

    def plant_quota(self, body: Any) -> dict[str, Any]:
        """POST /_emulator/quotas {"account"?, "region", "serviceCode", "quotaCode", "value"}: an applied value."""
        if not isinstance(body, dict) or not isinstance(body.get("value"), (int, float)):
            raise ValueError('a quota needs {"region": ..., "serviceCode": ..., "quotaCode": ..., "value": N}')
        key = (str(body.get("account") or "123456789012"), str(body.get("region") or "us-east-1"),
               str(body.get("serviceCode")), str(body.get("quotaCode")))
        if (key[2], key[3]) not in _DEFAULT_QUOTAS:
            raise ValueError(f"the emulator knows no quota {key[2]}/{key[3]}")
        self._applied_quotas[key] = float(body["value"])
        return {"serviceCode": key[2], "quotaCode": key[3], "value": float(body["value"])}

    def reset_quotas(self) -> None:
        self._applied_quotas.clear()

    def _quota_request(self, request: Request, call: AwsCall) -> tuple[str, str] | Response:
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not payload.get("ServiceCode") or not payload.get("QuotaCode"):
            return error_response(call, 400, "IllegalArgumentException", "ServiceCode and QuotaCode are required", "",
                                  True)
        return str(payload["ServiceCode"]), str(payload["QuotaCode"])

    def _quota_answer(self, call: AwsCall, service: str, code: str, value: float, account: str) -> Response:
        name, _ = _DEFAULT_QUOTAS[(service, code)]
        quota = {
            "ServiceCode": service, "QuotaCode": code, "QuotaName": name, "Value": value, "Unit": "None",
            "Adjustable": True, "GlobalQuota": False,
            "QuotaArn": f"arn:aws:servicequotas:{call.region}:{account}:{service}/{code}",
        }
        return Response(200, [("Content-Type", "application/x-amz-json-1.1")], json.dumps({"Quota": quota}).encode())

    def _get_service_quota(self, request: Request, call: AwsCall) -> Response:
        parsed = self._quota_request(request, call)
        if isinstance(parsed, Response):
            return parsed
        service, code = parsed
        account = self._account_for(request)
        applied = self._applied_quotas.get((account, call.region or "", service, code))
        if applied is None:
            return error_response(call, 400, "NoSuchResourceException", "The specified resource does not exist.", "",
                                  True)
        return self._quota_answer(call, service, code, applied, account)

    def _get_default_service_quota(self, request: Request, call: AwsCall) -> Response:
        parsed = self._quota_request(request, call)
        if isinstance(parsed, Response):
            return parsed
        service, code = parsed
        if (service, code) not in _DEFAULT_QUOTAS:
            return error_response(call, 400, "NoSuchResourceException", "The specified resource does not exist.", "",
                                  True)
        return self._quota_answer(call, service, code, _DEFAULT_QUOTAS[(service, code)][1], self._account_for(request))

    def _rule_exists(self, request: Request, call: AwsCall, payload: dict[str, Any]) -> bool:
        from moto.events.models import events_backends

        name = payload.get("Name")
        bus_name = str(payload.get("EventBusName") or "default").split("/")[-1]
        try:
            backend = events_backends[self._account_for(request)][call.region or "us-east-1"]
            bus = backend.event_buses.get(bus_name)
        except (KeyError, AttributeError):
            return False
        return bus is not None and isinstance(name, str) and name in bus.rules


class IamPropagation:
    """IAM is eventually consistent: a role created or changed moments ago is not yet usable by other services.

    With `iamPropagationRequests` N > 0, every IAM change to a role (CreateRole, AttachRolePolicy, PutRolePolicy,
    UpdateAssumeRolePolicy) makes the next N EKS creates that name that role fail with 400 `InvalidParameterException`,
    worded as EKS words it (sources in docs/emulator.md):

    - CreateCluster: "roleArn, ARN, does not exist" (terraform-provider-aws, internal/service/eks/cluster.go);
    - CreatePodIdentityAssociation: "Role provided in the request does not exist" (pod_identity_association.go);
    - CreateNodegroup: "The provided role doesn't have the Amazon EKS Managed Policies associated with it. ..."
      (eksctl's IAM policies documentation).

    Counted in requests, not seconds, so that runs are deterministic and tests need not wait.
    """

    _ROLE_CHANGES = {"CreateRole", "AttachRolePolicy", "PutRolePolicy", "UpdateAssumeRolePolicy"}
    _ROLE_MEMBER = {"CreateCluster": "roleArn", "CreatePodIdentityAssociation": "roleArn", "CreateNodegroup": "nodeRole"}

    def __init__(self, requests: Callable[[], int], account_for: Callable[[Request], str]) -> None:
        import threading

        self._requests = requests
        self._account_for = account_for
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], int] = {}

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()

    def note(self, request: Request, call: AwsCall, response: Response) -> None:
        """After an IAM request: a successful change to a role starts its propagation countdown."""
        count = self._requests()
        if call.service != "iam" or call.operation not in self._ROLE_CHANGES or response.status != 200 or count <= 0:
            return
        name = (form_parameters(request).get("RoleName") or [""])[0]
        if name:
            with self._lock:
                self._pending[(self._account_for(request), name)] = count

    def refusal(self, request: Request, call: AwsCall) -> Response | None:
        """Before an EKS create: the error EKS gives while the role it names has not propagated, or None."""
        member = self._ROLE_MEMBER.get(call.operation or "")
        if call.service != "eks" or member is None:
            return None
        try:
            payload: Any = json.loads(request.body or b"{}")
        except ValueError:
            return None
        arn = payload.get(member) if isinstance(payload, dict) else None
        if not isinstance(arn, str) or "/" not in arn:
            return None
        key = (self._account_for(request), arn.rsplit("/", 1)[-1])
        with self._lock:
            remaining = self._pending.get(key, 0)
            if remaining <= 0:
                return None
            self._pending[key] = remaining - 1
        from .eks import invalid_parameter

        if call.operation == "CreateCluster":
            message = f"roleArn, {arn}, does not exist"
        elif call.operation == "CreatePodIdentityAssociation":
            message = "Role provided in the request does not exist"
        else:
            message = ("The provided role doesn't have the Amazon EKS Managed Policies associated with it. Please "
                       "ensure the following policies [arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy, "
                       "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly] are attached")
        return invalid_parameter(message).response()


def _filter_nat_gateways_by_tag() -> None:
    """moto 5.2.1's `describe_nat_gateways` applies `nat-gateway-id`, `vpc-id`, `subnet-id` and `state` and ignores
    every other filter; the EC2 API reference lists `tag:<key>` and `tag-key` for DescribeNatGateways too. The tag
    filters are applied after moto's, with moto's own matcher (the one its other Describe calls use)."""
    from moto.ec2.models.nat_gateways import NatGatewayBackend
    from moto.ec2.utils import tag_filter_matches

    original = NatGatewayBackend.describe_nat_gateways
    if getattr(original, "_filters_tags", False):
        return

    def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: Any) -> Any:
        found = original(self, filters, nat_gateway_ids)
        for name, values in (filters or {}).items():
            if name.startswith("tag:") or name in ("tag-key", "tag-value"):
                found = [gateway for gateway in found if tag_filter_matches(gateway, name, values)]
        return found

    describe_nat_gateways._filters_tags = True  # type: ignore[attr-defined]
    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways  # type: ignore[method-assign]
