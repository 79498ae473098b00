"""The EKS half of the emulator: model validation for every EKS request, the operations moto lacks, and fixes to
moto's answers (accessConfig, CREATING/DELETING transitions, clientRequestToken idempotency, `update` objects).

State is kept per (account, region, cluster) and lives only in memory; `reset()` wipes it. Clusters and nodegroups
themselves stay in moto (we read and patch moto's model objects in-process where moto's API falls short).
All handlers run under one lock, so a request sees and leaves consistent state.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from . import ekscatalog
from .eksmodel import EksModel, ValidationFailed
from .wire import Request, Response, credential_scope, json_response

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$")
PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(role|user)/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$")
ACCESS_ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")


def _now() -> float:
    """An EKS timestamp: epoch seconds with millisecond precision."""
    return round(time.time(), 3)


class EksError(Exception):
    """An error in EKS's wire shape: status, `X-Amzn-ErrorType` name, and a JSON body with `message`."""

    def __init__(self, status: int, code: str, message: str, **fields: str | None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields

    def response(self) -> Response:
        body = {k: v for k, v in self.fields.items() if v is not None}
        body["message"] = self.message
        response = json_response(self.status, body)
        response.set_header("X-Amzn-ErrorType", self.code)
        return response


def not_found(message: str, **fields: str | None) -> EksError:
    return EksError(404, "ResourceNotFoundException", message, **fields)


def in_use(message: str, **fields: str | None) -> EksError:
    return EksError(409, "ResourceInUseException", message, **fields)


def invalid_parameter(message: str, **fields: str | None) -> EksError:
    return EksError(400, "InvalidParameterException", message, **fields)


def invalid_request(message: str, **fields: str | None) -> EksError:
    return EksError(400, "InvalidRequestException", message, **fields)


@dataclass
class Countdown:
    """A status that Describe calls report `polls` more times before the object reaches its final state."""

    status: str
    polls: int

    def take(self) -> str | None:
        """The status for one Describe call, or None once the countdown has run out."""
        if self.polls <= 0:
            return None
        self.polls -= 1
        return self.status


@dataclass
class UpdateRecord:
    data: dict[str, Any]
    countdown: Countdown
    nodegroup: str | None = None
    addon: str | None = None


@dataclass
class ClusterState:
    """Everything the emulator keeps for one cluster beside moto's own model."""

    access_config: dict[str, Any]
    status: Countdown  # CREATING after CreateCluster, UPDATING after a cluster update
    nodegroup_status: dict[str, Countdown] = field(default_factory=dict)  # CREATING / UPDATING per nodegroup
    addons: dict[str, dict[str, Any]] = field(default_factory=dict)
    addon_status: dict[str, Countdown] = field(default_factory=dict)
    deleting_addons: dict[str, tuple[dict[str, Any], Countdown]] = field(default_factory=dict)
    access_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_policies: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    pod_identities: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: list[UpdateRecord] = field(default_factory=list)


@dataclass
class Context:
    """One validated EKS request."""

    request: Request
    operation: str
    params: dict[str, Any]
    account: str
    region: str

    @property
    def partition(self) -> str:
        return "aws-cn" if self.region.startswith("cn-") else "aws-us-gov" if self.region.startswith("us-gov-") else "aws"

    def key(self, cluster: str) -> tuple[str, str, str]:
        return (self.account, self.region, cluster)


def account_for(request: Request) -> str:
    """The account moto uses for a request (same priority as moto: env, header, access key, default)."""
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    header = request.header("x-moto-account-id")
    if header:
        return header
    from moto.iam.models import get_account_id_from

    access_key = credential_scope(request)[0]
    return get_account_id_from(access_key or "")


def _paginate(items: list[Any], params: dict[str, Any], default_max: int = 100) -> tuple[list[Any], str | None]:
    """A page of `items` for maxResults/nextToken; tokens are opaque offsets."""
    start = 0
    token = params.get("nextToken")
    if token:
        match = re.fullmatch(r"emu-([0-9]+)", token)
        if not match or int(match.group(1)) > len(items):
            raise invalid_parameter("The nextToken is not valid.")
        start = int(match.group(1))
    size = params.get("maxResults") or default_max
    page = items[start : start + size]
    end = start + len(page)
    return page, (f"emu-{end}" if end < len(items) else None)


def _fingerprint(params: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in params.items() if k != "clientRequestToken"}, sort_keys=True)


class EksExtension:
    def __init__(self, moto_call: Callable[[Request], Response], transition_polls: Callable[[], int]) -> None:
        self.model = EksModel()
        self._moto_call = moto_call
        self._transition_polls = transition_polls
        self._lock = threading.RLock()
        self.reset(None)

    def reset(self, seed: int | None) -> None:
        with self._lock:
            # A stream of its own (not the fault RNG's), so generated ids differ from request ids.
            self._rng = random.Random(None if seed is None else f"eks-ids:{seed}")
            self._clusters: dict[tuple[str, str, str], ClusterState] = {}
            self._deleting_clusters: dict[tuple[str, str, str], tuple[dict[str, Any], Countdown]] = {}
            self._deleting_nodegroups: dict[tuple[str, str, str, str], tuple[dict[str, Any], Countdown]] = {}
            # (account, region, operation, token) -> (fingerprint of the input, identity of the object created)
            self._tokens: dict[tuple[str, str, str, str], tuple[str, Any]] = {}
            self._planted_insights: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
            self._insight_ids: dict[tuple[str, str, str], dict[str, str]] = {}
            # (release family, minor) -> releases published by tests, oldest first (POST /_emulator/ami-releases)
            self._published_releases: dict[tuple[str, str], list[str]] = {}
            # Kubernetes versions tests took off the offer (POST /_emulator/cluster-versions): UNSUPPORTED.
            self._withdrawn_versions: set[str] = set()

    def operation_for(self, request: Request) -> str | None:
        match = self.model.match(request.method, request.path)
        return match[0] if match else None

    # ------------------------------------------------------------------------------------------------------------------
    # Entry point

    def handle(self, request: Request) -> Response:
        match = self.model.match(request.method, request.path)
        if match is None:
            return self._moto_call(request)  # moto answers unknown routes (with its 404 page, as before)
        operation, labels = match
        headers = {k.lower(): v for k, v in request.headers}
        try:
            params = self.model.parse_input(operation, labels, request.query, headers, request.body)
        except ValidationFailed as failure:
            return invalid_parameter(str(failure)).response()
        _, region, _ = credential_scope(request)
        context = Context(request, operation, params, account_for(request), region or "us-east-1")
        handler = getattr(self, "_op_" + operation, None)
        with self._lock:
            try:
                if handler is None:
                    return self._moto_call(request)
                return handler(context)
            except EksError as error:
                return error.response()

    # ------------------------------------------------------------------------------------------------------------------
    # Helpers

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _polls(self) -> int:
        return self._transition_polls()

    def _moto_backend(self, ctx: Context) -> Any:
        from moto.eks.models import eks_backends

        try:
            return eks_backends[ctx.account][ctx.region]
        except KeyError:
            return None

    def _moto_cluster(self, ctx: Context, name: str) -> Any:
        backend = self._moto_backend(ctx)
        return backend.clusters.get(name) if backend is not None else None

    def _require_cluster(self, ctx: Context, name: str) -> tuple[Any, ClusterState]:
        cluster = self._moto_cluster(ctx, name)
        if cluster is None:
            raise not_found(f"No cluster found for name: {name}.", clusterName=name)
        return cluster, self._state(ctx, name)

    def _state(self, ctx: Context, name: str) -> ClusterState:
        key = ctx.key(name)
        if key not in self._clusters:
            self._clusters[key] = ClusterState(
                access_config={"bootstrapClusterCreatorAdminPermissions": True, "authenticationMode": "CONFIG_MAP"},
                status=Countdown("CREATING", 0),
            )
        return self._clusters[key]

    def _moto_json(self, request: Request) -> tuple[Response, dict[str, Any] | None]:
        response = self._moto_call(request)
        if response.status != 200:
            return response, None
        try:
            return response, json.loads(response.body or b"{}")
        except ValueError:
            return response, None

    @staticmethod
    def _rewrite(response: Response, payload: dict[str, Any]) -> Response:
        response.body = json.dumps(payload).encode()
        response.set_header("Content-Type", "application/json")
        return response

    def _moto_get(self, ctx: Context, path: str) -> tuple[Response, dict[str, Any] | None]:
        """A GET sent to moto with the caller's signature headers (moto routes on them)."""
        keep = {"authorization", "x-amz-date", "x-moto-account-id", "host", "user-agent"}
        headers = [(k, v) for k, v in ctx.request.headers if k.lower() in keep]
        sub = Request("GET", path, "", headers, b"", ctx.request.host, ctx.request.port)
        return self._moto_json(sub)

    def _idempotent_replay(self, ctx: Context, identity: Any) -> bool:
        """True if this create repeats an earlier one (same token, same input, same object); raises if the token
        was used before with different input. `_remember_token` records tokens after a successful create."""
        token = ctx.params.get("clientRequestToken")
        if not token:
            return False
        key = (ctx.account, ctx.region, ctx.operation, token)
        fingerprint = _fingerprint(ctx.params)
        if key in self._tokens:
            earlier_fingerprint, earlier_identity = self._tokens[key]
            if earlier_fingerprint != fingerprint or earlier_identity != identity:
                raise invalid_parameter(
                    f"The clientRequestToken {token} was already used for a request with different parameters."
                )
            return True
        return False

    def _remember_token(self, ctx: Context, identity: Any) -> None:
        token = ctx.params.get("clientRequestToken")
        if token:
            self._tokens[(ctx.account, ctx.region, ctx.operation, token)] = (_fingerprint(ctx.params), identity)

    def _forget_tokens(self, ctx: Context, cluster: str) -> None:
        for key in [k for k, (_, identity) in self._tokens.items() if k[:2] == (ctx.account, ctx.region)]:
            identity = self._tokens[key][1]
            if identity == cluster or (isinstance(identity, tuple) and identity[0] == cluster):
                del self._tokens[key]

    @staticmethod
    def _still_deleting(memory: dict[Any, tuple[dict[str, Any], Countdown]], key: Any) -> bool:
        """True while a deleted object still reports DELETING; forgets it once its countdown has run out."""
        entry = memory.get(key)
        if entry is None:
            return False
        if entry[1].polls > 0:
            return True
        del memory[key]
        return False

    def _record_update(
        self, state: ClusterState, kind: str, params: list[tuple[str, str]],
        nodegroup: str | None = None, addon: str | None = None,
    ) -> dict[str, Any]:
        data = {
            "id": self._uuid(),
            "status": "InProgress",
            "type": kind,
            "params": [{"type": t, "value": v} for t, v in params],
            "createdAt": _now(),
            "errors": [],
        }
        state.updates.append(UpdateRecord(data, Countdown("InProgress", self._polls()), nodegroup, addon))
        # The updated resource reports UPDATING for the next Describe polls (unless it is still being created).
        if nodegroup is not None:
            current = state.nodegroup_status.get(nodegroup)
            if current is None or current.polls <= 0:
                state.nodegroup_status[nodegroup] = Countdown("UPDATING", self._polls())
        elif addon is None and state.status.polls <= 0:
            state.status = Countdown("UPDATING", self._polls())
        return copy.deepcopy(data)

    # ------------------------------------------------------------------------------------------------------------------
    # Clusters (moto-backed)

    def _decorate_cluster(self, state: ClusterState | None, cluster: dict[str, Any], consume: bool) -> None:
        """Adds what moto drops (accessConfig) and the transitional status; `consume` counts a Describe poll."""
        if state is None:
            return
        cluster["accessConfig"] = copy.deepcopy(state.access_config)
        if consume:
            status = state.status.take()
        else:
            status = state.status.status if state.status.polls > 0 else None
        if status is not None:
            cluster["status"] = status
        if cluster.get("status") == "CREATING":
            # EKS publishes the API endpoint and its CA only once the control plane is up.
            cluster.pop("endpoint", None)
            cluster["certificateAuthority"] = {}

    def _op_CreateCluster(self, ctx: Context) -> Response:
        name = ctx.params["name"]
        key = ctx.key(name)
        if self._still_deleting(self._deleting_clusters, key):
            raise in_use(f"Cluster already exists with name: {name}", clusterName=name)
        if self._moto_cluster(ctx, name) is not None and self._idempotent_replay(ctx, name):
            response, payload = self._moto_get(ctx, f"/clusters/{name}")
            if payload is not None:
                self._decorate_cluster(self._clusters.get(key), payload["cluster"], consume=False)
                return self._rewrite(response, payload)
            return response
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        access = ctx.params.get("accessConfig") or {}
        state = ClusterState(
            access_config={
                "bootstrapClusterCreatorAdminPermissions": access.get("bootstrapClusterCreatorAdminPermissions", True),
                "authenticationMode": access.get("authenticationMode", "CONFIG_MAP"),
            },
            status=Countdown("CREATING", self._polls()),
        )
        self._clusters[key] = state
        self._remember_token(ctx, name)
        self._ensure_log_group(ctx, name, ctx.params.get("logging"))
        group_id = self._create_cluster_security_group(ctx, name)
        if group_id is not None:
            payload["cluster"].setdefault("resourcesVpcConfig", {})["clusterSecurityGroupId"] = group_id
        if state.access_config["authenticationMode"] != "CONFIG_MAP" \
                and state.access_config["bootstrapClusterCreatorAdminPermissions"]:
            self._bootstrap_creator_access(ctx, state, name)
        payload["cluster"]["status"] = "CREATING"
        self._decorate_cluster(state, payload["cluster"], consume=False)
        return self._rewrite(response, payload)

    def _create_cluster_security_group(self, ctx: Context, cluster: str) -> str | None:
        """The cluster security group EKS creates with every cluster (EKS user guide, "View Amazon EKS security group
        requirements for clusters"): named `eks-cluster-sg-CLUSTER-UNIQUEID`, all traffic in from itself, all traffic
        out, tagged `aws:eks:cluster-name`, `kubernetes.io/cluster/CLUSTER=owned` and `Name`; its id is
        `resourcesVpcConfig.clusterSecurityGroupId`. EKS puts the control plane's network interfaces and the nodes of
        every managed node group without a launch template in it. Made in moto's EC2 backend directly, because
        `CreateTags` refuses the `aws:` prefix to callers. `None` when the cluster's subnets are unknown to EC2."""
        from moto.ec2.models import ec2_backends

        moto_cluster = self._moto_cluster(ctx, cluster)
        subnets = list(((moto_cluster.resources_vpc_config or {}) if moto_cluster else {}).get("subnetIds") or [])
        try:
            ec2 = ec2_backends[ctx.account][ctx.region]
            vpc_id = ec2.get_subnet(subnets[0]).vpc_id if subnets else None
        except Exception:  # noqa: BLE001 - moto does not validate subnets; without one there is no VPC to use
            vpc_id = None
        if moto_cluster is None or vpc_id is None:
            return None
        name = f"eks-cluster-sg-{cluster}-{self._rng.randrange(10**9, 10**10)}"
        group = ec2.create_security_group(
            name,
            "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as "
            "any managed workloads.",
            vpc_id=vpc_id,
            tags={"aws:eks:cluster-name": cluster, f"kubernetes.io/cluster/{cluster}": "owned", "Name": name},
        )
        ec2.authorize_security_group_ingress(group.id, "-1", None, None, [], source_groups=[{"GroupId": group.id}])
        moto_cluster.resources_vpc_config = dict(moto_cluster.resources_vpc_config or {},
                                                 clusterSecurityGroupId=group.id, vpcId=vpc_id)
        return group.id

    @staticmethod
    def _ensure_log_group(ctx: Context, cluster: str, logging: dict[str, Any] | None) -> None:
        """With a control-plane log type enabled, EKS sends the logs to `/aws/eks/CLUSTER/cluster` and creates that
        group when it does not exist, without a retention policy, so CloudWatch keeps the events forever (EKS user
        guide, "Send control plane logs to CloudWatch Logs"; terraform-provider-aws's `aws_eks_cluster` documentation
        creates the group before the cluster "to prevent ordering issues with EKS automatically creating the log group
        first"). EKS leaves the group behind when the cluster is deleted."""
        from moto.logs.models import logs_backends

        enabled = [t for setup in (logging or {}).get("clusterLogging") or [] if setup.get("enabled")
                   for t in setup.get("types") or []]
        if not enabled:
            return
        backend = logs_backends[ctx.account][ctx.region]
        name = f"/aws/eks/{cluster}/cluster"
        if name not in backend.groups:
            backend.create_log_group(name, tags={})

    def _delete_cluster_security_group(self, ctx: Context, cluster: dict[str, Any]) -> None:
        """EKS deletes the cluster security group with the cluster; a group still referenced elsewhere stays (EC2
        refuses the deletion), as it would on AWS."""
        from moto.ec2.models import ec2_backends

        group_id = (cluster.get("resourcesVpcConfig") or {}).get("clusterSecurityGroupId")
        if not group_id:
            return
        try:
            ec2_backends[ctx.account][ctx.region].delete_security_group(group_id=group_id)
        except Exception:  # noqa: BLE001 - already gone, or still in use
            pass

    def _caller_principal(self, ctx: Context) -> str:
        """The IAM ARN of the caller, as EKS records the cluster creator (moto's STS decides who the caller is)."""
        from moto.sts.models import sts_backends

        access_key = credential_scope(ctx.request)[0] or ""
        try:
            _, arn, _ = sts_backends[ctx.account][ctx.partition].get_caller_identity(access_key, ctx.region)
        except Exception:  # noqa: BLE001 - fall back to moto's default caller
            arn = f"arn:{ctx.partition}:sts::{ctx.account}:user/moto"
        assumed = re.match(r"^arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.*$", arn)
        if assumed:
            return f"arn:{assumed.group(1)}:iam::{assumed.group(2)}:role/{assumed.group(3)}"
        return re.sub(r"^arn:([^:]+):sts::", r"arn:\1:iam::", arn)

    def _bootstrap_creator_access(self, ctx: Context, state: ClusterState, cluster: str) -> None:
        """bootstrapClusterCreatorAdminPermissions: EKS gives the creator an access entry with cluster admin."""
        principal = self._caller_principal(ctx)
        match = PRINCIPAL_ARN.match(principal)
        if match is None:
            return
        account, kind, name = match.groups()
        created = _now()
        state.access_entries[principal] = {
            "clusterName": cluster,
            "principalArn": principal,
            "kubernetesGroups": [],
            "accessEntryArn": (f"arn:{ctx.partition}:eks:{ctx.region}:{ctx.account}:access-entry/{cluster}/"
                               f"{kind}/{account}/{name}/{self._uuid()}"),
            "createdAt": created,
            "modifiedAt": created,
            "tags": {},
            "username": (f"arn:{ctx.partition}:sts::{account}:assumed-role/{name}/{{{{SessionName}}}}"
                         if kind == "role" else principal),
            "type": "STANDARD",
        }
        policy = ekscatalog.access_policy_arn("AmazonEKSClusterAdminPolicy", ctx.partition)
        state.access_policies[principal] = {policy: {"policyArn": policy,
                                                     "accessScope": {"type": "cluster", "namespaces": []},
                                                     "associatedAt": created, "modifiedAt": created}}

    def _op_DescribeCluster(self, ctx: Context) -> Response:
        name = ctx.params["name"]
        deleting = self._deleting_clusters.get(ctx.key(name))
        if deleting is not None:
            snapshot, countdown = deleting
            status = countdown.take()
            if status is not None:
                return json_response(200, {"cluster": dict(snapshot, status=status)})
            del self._deleting_clusters[ctx.key(name)]
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        self._decorate_cluster(self._clusters.get(ctx.key(name)), payload["cluster"], consume=True)
        return self._rewrite(response, payload)

    def _op_ListClusters(self, ctx: Context) -> Response:
        """Clusters still DELETING are listed, as EKS does, after moto's last page."""
        response, payload = self._moto_json(ctx.request)
        if payload is None or payload.get("nextToken"):
            return response
        deleting = sorted(k[2] for k, (_, c) in self._deleting_clusters.items()
                          if k[:2] == (ctx.account, ctx.region) and c.polls > 0)
        payload["clusters"] = list(payload.get("clusters") or []) + deleting
        return self._rewrite(response, payload)

    def _op_DeleteCluster(self, ctx: Context) -> Response:
        name = ctx.params["name"]
        if any(self._still_deleting(self._deleting_nodegroups, k) for k in list(self._deleting_nodegroups)
               if k[:3] == ctx.key(name)):
            raise in_use("Cluster has nodegroups attached", clusterName=name)
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        state = self._clusters.pop(ctx.key(name), None)
        self._decorate_cluster(state, payload["cluster"], consume=False)
        payload["cluster"]["status"] = "DELETING"
        self._delete_cluster_security_group(ctx, payload["cluster"])
        self._forget_tokens(ctx, name)
        for key in [k for k in self._deleting_nodegroups if k[:3] == ctx.key(name)]:
            del self._deleting_nodegroups[key]
        polls = self._polls()
        if polls > 0:
            self._deleting_clusters[ctx.key(name)] = (copy.deepcopy(payload["cluster"]), Countdown("DELETING", polls))
        return self._rewrite(response, payload)

    def _op_UpdateClusterConfig(self, ctx: Context) -> Response:
        name = ctx.params["name"]
        cluster, state = self._require_cluster(ctx, name)
        kinds = sorted(k for k in ctx.params if k not in ("name", "clientRequestToken"))
        if len(kinds) > 1:
            raise invalid_parameter(f"Only one type of update can be allowed; the request has {', '.join(kinds)}",
                                    clusterName=name)
        access = ctx.params.get("accessConfig")
        if access and access.get("authenticationMode"):
            current, wanted = state.access_config["authenticationMode"], access["authenticationMode"]
            allowed = {("CONFIG_MAP", "API_AND_CONFIG_MAP"), ("CONFIG_MAP", "API"), ("API_AND_CONFIG_MAP", "API")}
            if (current, wanted) not in allowed:
                raise invalid_parameter(f"Unsupported authentication mode update from {current} to {wanted}",
                                        clusterName=name)
        previous_vpc = copy.deepcopy(cluster.resources_vpc_config or {})
        previous_logging = copy.deepcopy(cluster.logging or {})
        response = self._moto_call(ctx.request)
        if response.status != 200:
            return response
        vpc = ctx.params.get("resourcesVpcConfig")
        if vpc:
            # moto replaces the whole resourcesVpcConfig; EKS changes only the fields sent.
            cluster.resources_vpc_config = {**previous_vpc, **vpc}
        if ctx.params.get("logging"):
            # moto replaces the whole logging setup; EKS switches only the log types named in the request.
            state_by_type = {}
            for setup in previous_logging.get("clusterLogging", []):
                for kind in setup.get("types", []):
                    state_by_type[kind] = bool(setup.get("enabled"))
            for setup in ctx.params["logging"].get("clusterLogging", []):
                for kind in setup.get("types", []):
                    state_by_type[kind] = bool(setup.get("enabled"))
            merged = []
            for enabled in (True, False):
                kinds = sorted(k for k, v in state_by_type.items() if v == enabled)
                if kinds:
                    merged.append({"types": kinds, "enabled": enabled})
            cluster.logging = {"clusterLogging": merged}
            self._ensure_log_group(ctx, name, cluster.logging)
        if access and access.get("authenticationMode"):
            state.access_config["authenticationMode"] = access["authenticationMode"]
            update = self._record_update(state, "AccessConfigUpdate",
                                         [("AuthenticationMode", access["authenticationMode"])])
        elif ctx.params.get("logging"):
            update = self._record_update(state, "LoggingUpdate",
                                         [("ClusterLogging", json.dumps(ctx.params["logging"].get("clusterLogging", [])))])
        elif vpc and ("subnetIds" in vpc or "securityGroupIds" in vpc):
            params = []
            if "subnetIds" in vpc:
                params.append(("Subnets", json.dumps(vpc["subnetIds"])))
            if "securityGroupIds" in vpc:
                params.append(("SecurityGroups", json.dumps(vpc["securityGroupIds"])))
            update = self._record_update(state, "VpcConfigUpdate", params)
        elif vpc:
            params = []
            for member, param in (("endpointPublicAccess", "EndpointPublicAccess"),
                                  ("endpointPrivateAccess", "EndpointPrivateAccess")):
                if member in vpc:
                    params.append((param, "true" if vpc[member] else "false"))
            if "publicAccessCidrs" in vpc:
                params.append(("PublicAccessCidrs", json.dumps(vpc["publicAccessCidrs"])))
            update = self._record_update(state, "EndpointAccessUpdate", params)
        else:
            update = self._record_update(state, "ConfigUpdate", [])
        return self._rewrite(response, {"update": update})

    def _op_UpdateClusterVersion(self, ctx: Context) -> Response:
        name, version = ctx.params["name"], ctx.params["version"]
        cluster, state = self._require_cluster(ctx, name)
        for record in state.updates:
            if record.nodegroup is None and record.addon is None and record.countdown.polls > 0 \
                    and record.data["type"] == "VersionUpdate":
                raise in_use("An update is already in progress for this cluster.", clusterName=name)
        current = str(cluster.version)
        if version not in ekscatalog.KUBERNETES_VERSIONS or not _is_next_minor(current, version):
            raise invalid_parameter(f"Unsupported Kubernetes minor version update from {current} to {version}",
                                    clusterName=name)
        # EKS refuses to move the control plane on while a managed node group is still on an older minor
        # (terraform-provider-aws#19478; EKS user guide "Update existing cluster to new Kubernetes version").
        behind = sorted(n for n, group in cluster.nodegroups.items() if _minor(str(group.version)) < _minor(current))
        if behind:
            raise invalid_parameter(
                f"Nodegroups {', '.join(behind)} must be updated to match cluster version {current} before updating "
                f"cluster version", clusterName=name)
        cluster.version = version
        update = self._record_update(state, "VersionUpdate",
                                     [("Version", version), ("PlatformVersion", str(cluster.platformVersion))])
        return json_response(200, {"update": update})

    # ------------------------------------------------------------------------------------------------------------------
    # Kubernetes versions on offer

    def _op_DescribeClusterVersions(self, ctx: Context) -> Response:
        """The versions the catalogue holds: the newest three in standard support (the newest the default), the older
        ones in extended support — the shape of the EKS user guide's "Understand the Kubernetes version lifecycle on
        EKS". `clusterVersions`, `versionStatus` and `defaultOnly` filter; `includeAll` adds nothing here because
        the catalogue holds no unsupported version."""
        versions = list(reversed(ekscatalog.KUBERNETES_VERSIONS))
        entries = []
        for index, version in enumerate(versions):
            status = "STANDARD_SUPPORT" if index < 3 else "EXTENDED_SUPPORT"
            if version in self._withdrawn_versions:
                # Past the end of extended support: listed only with includeAll, as UNSUPPORTED.
                if not ctx.params.get("includeAll"):
                    continue
                status = "UNSUPPORTED"
            entries.append({
                "clusterVersion": version, "clusterType": "eks", "defaultPlatformVersion": "eks.1",
                "defaultVersion": index == 0, "status": status.lower().replace("_", "-"), "versionStatus": status,
                "kubernetesPatchVersion": f"{version}.0",
            })
        wanted = ctx.params.get("clusterVersions") or []
        if wanted:
            entries = [entry for entry in entries if entry["clusterVersion"] in wanted]
        if ctx.params.get("versionStatus"):
            entries = [entry for entry in entries if entry["versionStatus"] == ctx.params["versionStatus"]]
        if ctx.params.get("defaultOnly"):
            entries = [entry for entry in entries if entry["defaultVersion"]]
        page, token = _paginate(entries, ctx.params)
        return json_response(200, {"clusterVersions": page, "nextToken": token})

    # ------------------------------------------------------------------------------------------------------------------
    # Node AMI releases and their public Parameter Store names

    def releases(self, family: str, minor: str) -> list[str]:
        """Every release of `family` for `minor`, oldest first: the catalogue's, then those tests published."""
        return ekscatalog.ami_releases(family, minor) + self._published_releases.get((family, minor), [])

    def latest_release(self, family: str, minor: str) -> str:
        return self.releases(family, minor)[-1]

    def withdraw_versions(self, body: Any) -> dict[str, Any]:
        """Takes Kubernetes versions off the offer (the control endpoint tests use), as the end of extended support
        does: DescribeClusterVersions lists them only with includeAll, as UNSUPPORTED."""
        versions = body.get("withdrawn") if isinstance(body, dict) else None
        if not isinstance(versions, list) or not all(v in ekscatalog.KUBERNETES_VERSIONS for v in versions):
            raise ValueError(f'expected {{"withdrawn": [versions from {ekscatalog.KUBERNETES_VERSIONS}]}}')
        with self._lock:
            self._withdrawn_versions = set(versions)
        return {"withdrawn": sorted(self._withdrawn_versions)}

    def publish_release(self, body: dict[str, Any]) -> dict[str, Any]:
        """Publishes a newer AMI release for a minor (the control endpoint tests use): from now on it is the one
        Parameter Store names and CreateNodegroup/UpdateNodegroupVersion pick when no release is asked for."""
        minor, release = str(body.get("kubernetesVersion") or ""), str(body.get("releaseVersion") or "")
        family = str(body.get("family") or ekscatalog.AMAZON_LINUX)
        if not re.fullmatch(r"1\.\d+", minor) or not release:
            raise ValueError('expected {"kubernetesVersion": "1.NN", "releaseVersion": "...", "family": '
                             '"amazon-linux" | "bottlerocket"}')
        if family not in (ekscatalog.AMAZON_LINUX, ekscatalog.BOTTLEROCKET):
            raise ValueError(f"family {family!r} is not amazon-linux or bottlerocket")
        if family == ekscatalog.AMAZON_LINUX and not release.startswith(minor + "."):
            raise ValueError(f"an Amazon Linux release for {minor} starts with {minor}. (e.g. {minor}.1-20260101)")
        with self._lock:
            published = self._published_releases.setdefault((family, minor), [])
            if release not in self.releases(family, minor):
                published.append(release)
            return {"family": family, "kubernetesVersion": minor, "releases": self.releases(family, minor)}

    def public_parameter(self, request: Request, region: str | None) -> Response | None:
        """SSM GetParameter of a public EKS AMI parameter (`/aws/service/eks/optimized-ami/...`,
        `/aws/service/bottlerocket/...`), answered from the release catalogue; `None` leaves any other name to moto."""
        try:
            name = str(json.loads(request.body or b"{}").get("Name") or "")
        except (ValueError, AttributeError):
            return None
        with self._lock:
            value = ekscatalog.public_parameter(name, self.latest_release)
            if value is None:
                return None
            partition = "aws-cn" if str(region or "").startswith("cn-") else "aws"
            return json_response(200, {"Parameter": {
                "Name": name, "Type": "String", "Value": value, "Version": 1, "DataType": "text",
                "LastModifiedDate": _now(), "ARN": f"arn:{partition}:ssm:{region or 'us-east-1'}::parameter{name}",
            }}, content_type="application/x-amz-json-1.1")

    # ------------------------------------------------------------------------------------------------------------------
    # Upgrade insights

    # The checks EKS runs for the next minor (EKS user guide, "Prepare for Kubernetes version upgrades ... with
    # cluster insights" and "View cluster insights"); they pass unless a test plants a finding.
    _INSIGHT_CHECKS = [
        ("Deprecated APIs removed in Kubernetes v{version}",
         "Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v{version}."),
        ("Kubelet version skew", "Checks for kubelet versions of worker nodes in the cluster to see if an upgrade "
                                 "would cause the version skew policy to be violated."),
        ("EKS add-on version compatibility",
         "Checks version of installed EKS add-ons to ensure they are compatible with the next Kubernetes version."),
        ("Cluster health issues", "Checks for any cluster health issues that prevent successful upgrade."),
    ]

    def plant_insight(self, body: dict[str, Any]) -> dict[str, Any]:
        """Adds (or replaces by name) an upgrade insight for a cluster: the control endpoint tests use."""
        with self._lock:
            account = str(body.get("account") or "123456789012")
            key = (account, str(body.get("region") or "us-west-2"), str(body["cluster"]))
            status = str(body.get("status") or "ERROR")
            if status not in ("PASSING", "WARNING", "ERROR", "UNKNOWN"):
                raise ValueError(f"insight status {status!r} is not PASSING, WARNING, ERROR or UNKNOWN")
            insight = {
                "id": self._uuid(), "name": str(body["name"]), "category": "UPGRADE_READINESS",
                "kubernetesVersion": str(body.get("kubernetesVersion") or ""),
                "description": str(body.get("description") or ""),
                "recommendation": str(body.get("recommendation") or ""),
                "insightStatus": {"status": status, "reason": str(body.get("reason") or "")},
                "lastRefreshTime": _now(), "lastTransitionTime": _now(),
                "resources": body.get("resources") or [],
            }
            planted = self._planted_insights.setdefault(key, [])
            planted[:] = [existing for existing in planted if existing["name"] != insight["name"]] + [insight]
            return insight

    def _insights(self, ctx: Context, name: str) -> list[dict[str, Any]]:
        cluster, _ = self._require_cluster(ctx, name)
        current = _minor(str(cluster.version))
        following = f"{current[0]}.{current[1] + 1}"
        ids = self._insight_ids.setdefault(ctx.key(name), {})
        generated = []
        for title, description in self._INSIGHT_CHECKS:
            title = title.format(version=following)
            generated.append({
                "id": ids.setdefault(title, self._uuid()), "name": title, "category": "UPGRADE_READINESS",
                "kubernetesVersion": following, "description": description.format(version=following),
                "recommendation": "No action required.",
                "insightStatus": {"status": "PASSING", "reason": "No issues found."},
                "lastRefreshTime": _now(), "lastTransitionTime": _now(), "resources": [],
            })
        planted = self._planted_insights.get(ctx.key(name), [])
        names = {insight["name"] for insight in planted}
        return [insight for insight in generated if insight["name"] not in names] + planted

    def _op_ListInsights(self, ctx: Context) -> Response:
        """Filters by category, Kubernetes version and status as ListInsights' InsightsFilter documents."""
        insights = self._insights(ctx, ctx.params["clusterName"])
        wanted = ctx.params.get("filter") or {}
        if wanted.get("categories"):
            insights = [i for i in insights if i["category"] in wanted["categories"]]
        if wanted.get("kubernetesVersions"):
            insights = [i for i in insights if i["kubernetesVersion"] in wanted["kubernetesVersions"]]
        if wanted.get("statuses"):
            insights = [i for i in insights if i["insightStatus"]["status"] in wanted["statuses"]]
        summaries = [{k: v for k, v in i.items() if k not in ("recommendation", "resources")} for i in insights]
        page, token = _paginate(summaries, ctx.params)
        return json_response(200, {"insights": page, "nextToken": token})

    def _op_DescribeInsight(self, ctx: Context) -> Response:
        for insight in self._insights(ctx, ctx.params["clusterName"]):
            if insight["id"] == ctx.params["id"]:
                return json_response(200, {"insight": insight})
        raise not_found(f"No insight found for id {ctx.params['id']}.", clusterName=ctx.params["clusterName"])

    def _find_update(self, ctx: Context, state: ClusterState) -> UpdateRecord:
        for record in state.updates:
            if record.data["id"] == ctx.params["updateId"] and record.nodegroup == ctx.params.get("nodegroupName") \
                    and record.addon == ctx.params.get("addonName"):
                return record
        raise not_found(f"No update found for ID: {ctx.params['updateId']}", clusterName=ctx.params["name"])

    def _op_DescribeUpdate(self, ctx: Context) -> Response:
        _, state = self._require_cluster(ctx, ctx.params["name"])
        record = self._find_update(ctx, state)
        data = copy.deepcopy(record.data)
        data["status"] = record.countdown.take() or "Successful"
        record.data["status"] = data["status"] if data["status"] == "Successful" else "InProgress"
        return json_response(200, {"update": data})

    def _op_ListUpdates(self, ctx: Context) -> Response:
        name = ctx.params["name"]
        cluster, state = self._require_cluster(ctx, name)
        nodegroup, addon = ctx.params.get("nodegroupName"), ctx.params.get("addonName")
        if nodegroup is not None and nodegroup not in cluster.nodegroups:
            raise not_found(f"No node group found for name: {nodegroup}.", clusterName=name, nodegroupName=nodegroup)
        if addon is not None and addon not in state.addons:
            raise not_found(f"No addon: {addon} found in cluster: {name}", clusterName=name, addonName=addon)
        ids = [r.data["id"] for r in state.updates if r.nodegroup == nodegroup and r.addon == addon]
        page, token = _paginate(ids, ctx.params)
        return json_response(200, {"updateIds": page, "nextToken": token})

    # ------------------------------------------------------------------------------------------------------------------
    # Nodegroups (moto-backed)

    def _op_CreateNodegroup(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["nodegroupName"]
        cluster, state = self._require_cluster(ctx, cluster_name)
        if state.status.status == "CREATING" and state.status.polls > 0:
            raise invalid_request(f"Cluster '{cluster_name}' is not in ACTIVE status", clusterName=cluster_name)
        if self._still_deleting(self._deleting_nodegroups, (*ctx.key(cluster_name), name)):
            raise in_use(f"NodeGroup already exists with name {name} and cluster name {cluster_name}",
                         clusterName=cluster_name, nodegroupName=name)
        if name in cluster.nodegroups and self._idempotent_replay(ctx, (cluster_name, name)):
            response, payload = self._moto_get(ctx, f"/clusters/{cluster_name}/node-groups/{name}")
            if payload is not None:
                countdown = state.nodegroup_status.get(name)
                if countdown is not None and countdown.polls > 0:
                    payload["nodegroup"]["status"] = countdown.status
                return self._rewrite(response, payload)
            return response
        _check_scaling(ctx.params.get("scalingConfig") or {}, cluster_name, name)
        wanted_release = ctx.params.get("releaseVersion")
        if wanted_release:
            version = str(ctx.params.get("version") or cluster.version)
            if wanted_release not in self.releases(ekscatalog.release_family(ctx.params.get("amiType")), version):
                raise invalid_parameter(f"Requested release version {wanted_release} is not valid for kubernetes "
                                        f"version {version}.", clusterName=cluster_name, nodegroupName=name)
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        nodegroup = cluster.nodegroups.get(name)
        if nodegroup is not None and "version" not in ctx.params:
            # moto defaults to 1.19; EKS uses the cluster's version and the matching AMI release.
            nodegroup.version = str(cluster.version)
            if "releaseVersion" not in ctx.params:
                family = ekscatalog.release_family(ctx.params.get("amiType"))
                nodegroup.release_version = self.latest_release(family, str(cluster.version))
            payload["nodegroup"]["version"] = nodegroup.version
            payload["nodegroup"]["releaseVersion"] = nodegroup.release_version
        state.nodegroup_status[name] = Countdown("CREATING", self._polls())
        self._remember_token(ctx, (cluster_name, name))
        payload["nodegroup"]["status"] = "CREATING"
        return self._rewrite(response, payload)

    def _op_DescribeNodegroup(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["nodegroupName"]
        key = (*ctx.key(cluster_name), name)
        if key in self._deleting_nodegroups:
            snapshot, countdown = self._deleting_nodegroups[key]
            status = countdown.take()
            if status is not None:
                return json_response(200, {"nodegroup": dict(snapshot, status=status)})
            del self._deleting_nodegroups[key]
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        state = self._clusters.get(ctx.key(cluster_name))
        countdown = state.nodegroup_status.get(name) if state else None
        if countdown is not None:
            status = countdown.take()
            if status is not None:
                payload["nodegroup"]["status"] = status
        return self._rewrite(response, payload)

    def _op_ListNodegroups(self, ctx: Context) -> Response:
        """Nodegroups still DELETING are listed, as EKS does, after moto's last page."""
        cluster_name = ctx.params["clusterName"]
        response, payload = self._moto_json(ctx.request)
        if payload is None or payload.get("nextToken"):
            return response
        deleting = sorted(k[3] for k, (_, c) in self._deleting_nodegroups.items()
                          if k[:3] == ctx.key(cluster_name) and c.polls > 0)
        payload["nodegroups"] = list(payload.get("nodegroups") or []) + deleting
        return self._rewrite(response, payload)

    def _op_DeleteNodegroup(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["nodegroupName"]
        response, payload = self._moto_json(ctx.request)
        if payload is None:
            return response
        payload["nodegroup"]["status"] = "DELETING"
        state = self._clusters.get(ctx.key(cluster_name))
        if state is not None:
            state.nodegroup_status.pop(name, None)
            state.updates = [u for u in state.updates if u.nodegroup != name]
        for key in [k for k, (_, identity) in self._tokens.items() if identity == (cluster_name, name)]:
            del self._tokens[key]
        polls = self._polls()
        if polls > 0:
            self._deleting_nodegroups[(*ctx.key(cluster_name), name)] = (
                copy.deepcopy(payload["nodegroup"]), Countdown("DELETING", polls))
        return self._rewrite(response, payload)

    def _op_UpdateNodegroupConfig(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["nodegroupName"]
        cluster = self._moto_cluster(ctx, cluster_name)
        nodegroup = cluster.nodegroups.get(name) if cluster is not None else None
        if nodegroup is not None and ctx.params.get("scalingConfig"):
            _check_scaling({**(nodegroup.scaling_config or {}), **ctx.params["scalingConfig"]}, cluster_name, name)
        response = self._moto_call(ctx.request)
        if response.status != 200:
            return response
        state = self._state(ctx, cluster_name)
        params: list[tuple[str, str]] = []
        labels = ctx.params.get("labels") or {}
        if labels.get("addOrUpdateLabels"):
            params.append(("LabelsToAdd", json.dumps(labels["addOrUpdateLabels"])))
        if labels.get("removeLabels"):
            params.append(("LabelsToRemove", json.dumps(labels["removeLabels"])))
        taints = ctx.params.get("taints") or {}
        if taints.get("addOrUpdateTaints"):
            params.append(("TaintsToAdd", json.dumps(taints["addOrUpdateTaints"])))
        if taints.get("removeTaints"):
            params.append(("TaintsToRemove", json.dumps(taints["removeTaints"])))
        scaling = ctx.params.get("scalingConfig") or {}
        for member, param in (("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize")):
            if member in scaling:
                params.append((param, str(scaling[member])))
        update_config = ctx.params.get("updateConfig") or {}
        for member, param in (("maxUnavailable", "MaxUnavailable"),
                              ("maxUnavailablePercentage", "MaxUnavailablePercentage")):
            if member in update_config:
                params.append((param, str(update_config[member])))
        update = self._record_update(state, "ConfigUpdate", params, nodegroup=name)
        return self._rewrite(response, {"update": update})

    def _op_UpdateNodegroupVersion(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["nodegroupName"]
        cluster, state = self._require_cluster(ctx, cluster_name)
        nodegroup = cluster.nodegroups.get(name)
        if nodegroup is None:
            raise not_found(f"No node group found for name: {name}.", clusterName=cluster_name, nodegroupName=name)
        version = ctx.params.get("version") or str(cluster.version)
        if version != str(cluster.version) and not _is_next_minor(str(nodegroup.version), version):
            raise invalid_parameter(
                f"Requested Nodegroup version {version} is invalid. The version must match the cluster version "
                f"{cluster.version} or be the next minor version of the node group.",
                clusterName=cluster_name, nodegroupName=name)
        if _minor(version) > _minor(str(cluster.version)):
            raise invalid_parameter(
                f"Requested Nodegroup version {version} is newer than the cluster version {cluster.version}.",
                clusterName=cluster_name, nodegroupName=name)
        # Without a release, the newest for the version; a release must be one EKS has for that version, and not older
        # than the node group's (the UpdateNodegroupVersion API reference: "You cannot roll back a node group to an
        # earlier Kubernetes version or AMI version").
        releases = self.releases(ekscatalog.release_family(getattr(nodegroup, "ami_type", None)), version)
        release = ctx.params.get("releaseVersion") or releases[-1]
        if release not in releases:
            raise invalid_parameter(f"Requested release version {release} is not valid for kubernetes version {version}.",
                                    clusterName=cluster_name, nodegroupName=name)
        if version == str(nodegroup.version) and nodegroup.release_version in releases \
                and releases.index(release) < releases.index(nodegroup.release_version):
            raise invalid_parameter(f"Requested release version {release} is older than the node group's release "
                                    f"version {nodegroup.release_version}; a node group cannot be rolled back.",
                                    clusterName=cluster_name, nodegroupName=name)
        nodegroup.version, nodegroup.release_version = version, release
        update = self._record_update(state, "VersionUpdate", [("Version", version), ("ReleaseVersion", release)],
                                     nodegroup=name)
        return json_response(200, {"update": update})

    # ------------------------------------------------------------------------------------------------------------------
    # Add-ons

    def _addon_arn(self, ctx: Context, cluster: str, name: str) -> str:
        return f"arn:{ctx.partition}:eks:{ctx.region}:{ctx.account}:addon/{cluster}/{name}/{self._uuid()}"

    def _addon_view(self, state: ClusterState, name: str, consume: bool) -> dict[str, Any]:
        addon = copy.deepcopy(state.addons[name])
        countdown = state.addon_status.get(name)
        if countdown is not None:
            status = countdown.take() if consume else (countdown.status if countdown.polls > 0 else None)
            if status is not None:
                addon["status"] = status
            elif consume:
                del state.addon_status[name]
        return addon

    def _check_addon_version(self, cluster: Any, name: str, version: str | None) -> str:
        if not ekscatalog.is_known_addon(name):
            raise invalid_parameter(f"Addon {name} specified is not supported", clusterName=cluster.name,
                                    addonName=name)
        kubernetes = str(cluster.version)
        if version is None:
            default = ekscatalog.default_addon_version(name, kubernetes)
            if default is None:
                raise invalid_parameter(f"Addon {name} is not supported on Kubernetes version {kubernetes}",
                                        clusterName=cluster.name, addonName=name)
            return default
        if version not in ekscatalog.addon_versions_for(name, kubernetes):
            raise invalid_parameter(
                f"Addon version specified is not supported: {name} {version} on Kubernetes {kubernetes}",
                clusterName=cluster.name, addonName=name)
        return version

    def _addon_pod_identities(self, ctx: Context, state: ClusterState, cluster: str, addon_name: str, addon_arn: str,
                              namespace: str, wanted: list[dict[str, str]]) -> list[str]:
        """Makes the addon-owned pod identity associations match `wanted`; returns their ARNs.

        Everything is checked before anything changes, so a bad item leaves the existing associations alone."""
        for item in wanted:
            if not ROLE_ARN.match(item["roleArn"]):
                raise invalid_parameter(f"The roleArn {item['roleArn']} is not a valid IAM role ARN",
                                        clusterName=cluster, addonName=addon_name)
            for existing in state.pod_identities.values():
                if (existing["namespace"], existing["serviceAccount"]) == (namespace, item["serviceAccount"]) \
                        and existing.get("ownerArn") != addon_arn:
                    raise in_use(f"Association already exists: {existing['associationId']} for namespace "
                                 f"{namespace} and service account {item['serviceAccount']}",
                                 clusterName=cluster, addonName=addon_name)
        if len({item["serviceAccount"] for item in wanted}) != len(wanted):
            raise invalid_parameter("podIdentityAssociations names a service account twice", clusterName=cluster,
                                    addonName=addon_name)
        owned = {a["serviceAccount"]: a for a in state.pod_identities.values() if a.get("ownerArn") == addon_arn}
        arns = []
        for item in wanted:
            association = owned.pop(item["serviceAccount"], None)
            if association is not None:  # kept, as EKS does, with its id; only the role changes
                if association["roleArn"] != item["roleArn"]:
                    association["roleArn"], association["modifiedAt"] = item["roleArn"], _now()
            else:
                association = self._new_pod_identity(ctx, state, cluster, namespace, item["serviceAccount"],
                                                     item["roleArn"], {}, owner=addon_arn)
            arns.append(association["associationArn"])
        for association in owned.values():  # no longer wanted
            del state.pod_identities[association["associationId"]]
        return arns

    def _op_CreateAddon(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["addonName"]
        cluster, state = self._require_cluster(ctx, cluster_name)
        if name in state.addons or self._still_deleting(state.deleting_addons, name):
            if name in state.addons and self._idempotent_replay(ctx, (cluster_name, name)):
                return json_response(200, {"addon": self._addon_view(state, name, consume=False)})
            raise in_use(f"Addon already exists with name: {name} in cluster: {cluster_name}",
                         clusterName=cluster_name, addonName=name)
        version = self._check_addon_version(cluster, name, ctx.params.get("addonVersion"))
        role = ctx.params.get("serviceAccountRoleArn")
        if role is not None and not ROLE_ARN.match(role):
            raise invalid_parameter(f"The service account role ARN {role} is not a valid IAM role ARN",
                                    clusterName=cluster_name, addonName=name)
        _check_configuration_values(ctx.params.get("configurationValues"), cluster_name, name)
        namespace = (ctx.params.get("namespaceConfig") or {}).get("namespace") or "kube-system"
        arn = self._addon_arn(ctx, cluster_name, name)
        created = _now()
        addon: dict[str, Any] = {
            "addonName": name,
            "clusterName": cluster_name,
            "status": "ACTIVE",
            "addonVersion": version,
            "health": {"issues": []},
            "addonArn": arn,
            "createdAt": created,
            "modifiedAt": created,
            "tags": dict(ctx.params.get("tags") or {}),
            "publisher": "eks",
            "owner": "aws",
        }
        if role is not None:
            addon["serviceAccountRoleArn"] = role
        if ctx.params.get("configurationValues") is not None:
            addon["configurationValues"] = ctx.params["configurationValues"]
        if ctx.params.get("namespaceConfig"):
            addon["namespaceConfig"] = {"namespace": namespace}
        addon["podIdentityAssociations"] = self._addon_pod_identities(
            ctx, state, cluster_name, name, arn, namespace, ctx.params.get("podIdentityAssociations") or [])
        state.addons[name] = addon
        state.addon_status[name] = Countdown("CREATING", self._polls())
        self._remember_token(ctx, (cluster_name, name))
        return json_response(200, {"addon": dict(copy.deepcopy(addon), status="CREATING")})

    def _op_DescribeAddon(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["addonName"]
        _, state = self._require_cluster(ctx, cluster_name)
        if name in state.deleting_addons:
            snapshot, countdown = state.deleting_addons[name]
            status = countdown.take()
            if status is not None:
                return json_response(200, {"addon": dict(snapshot, status=status)})
            del state.deleting_addons[name]
        if name not in state.addons:
            raise not_found(f"No addon: {name} found in cluster: {cluster_name}", clusterName=cluster_name,
                            addonName=name)
        return json_response(200, {"addon": self._addon_view(state, name, consume=True)})

    def _op_ListAddons(self, ctx: Context) -> Response:
        cluster_name = ctx.params["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        names = sorted(set(state.addons) | {n for n, (_, c) in state.deleting_addons.items() if c.polls > 0})
        page, token = _paginate(names, ctx.params)
        return json_response(200, {"addons": page, "nextToken": token})

    def _op_UpdateAddon(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["addonName"]
        cluster, state = self._require_cluster(ctx, cluster_name)
        if name not in state.addons:
            raise not_found(f"No addon: {name} found in cluster: {cluster_name}", clusterName=cluster_name,
                            addonName=name)
        addon = state.addons[name]
        params: list[tuple[str, str]] = []
        if "addonVersion" in ctx.params:
            addon["addonVersion"] = self._check_addon_version(cluster, name, ctx.params["addonVersion"])
            params.append(("AddonVersion", addon["addonVersion"]))
        if "serviceAccountRoleArn" in ctx.params:
            role = ctx.params["serviceAccountRoleArn"]
            if role and not ROLE_ARN.match(role):
                raise invalid_parameter(f"The service account role ARN {role} is not a valid IAM role ARN",
                                        clusterName=cluster_name, addonName=name)
            if role:
                addon["serviceAccountRoleArn"] = role
            else:
                addon.pop("serviceAccountRoleArn", None)
            params.append(("ServiceAccountRoleArn", role))
        if "resolveConflicts" in ctx.params:
            params.append(("ResolveConflicts", ctx.params["resolveConflicts"]))
        if "configurationValues" in ctx.params:
            _check_configuration_values(ctx.params["configurationValues"], cluster_name, name)
            addon["configurationValues"] = ctx.params["configurationValues"]
            params.append(("ConfigurationValues", ctx.params["configurationValues"]))
        if "podIdentityAssociations" in ctx.params:
            namespace = (addon.get("namespaceConfig") or {}).get("namespace", "kube-system")
            addon["podIdentityAssociations"] = self._addon_pod_identities(
                ctx, state, cluster_name, name, addon["addonArn"], namespace, ctx.params["podIdentityAssociations"])
            params.append(("PodIdentityAssociations", json.dumps(ctx.params["podIdentityAssociations"])))
        addon["modifiedAt"] = _now()
        state.addon_status[name] = Countdown("UPDATING", self._polls())
        update = self._record_update(state, "AddonUpdate", params, addon=name)
        return json_response(200, {"update": update})

    def _op_DeleteAddon(self, ctx: Context) -> Response:
        cluster_name, name = ctx.params["clusterName"], ctx.params["addonName"]
        _, state = self._require_cluster(ctx, cluster_name)
        if name not in state.addons:
            raise not_found(f"No addon: {name} found in cluster: {cluster_name}", clusterName=cluster_name,
                            addonName=name)
        addon = dict(state.addons.pop(name), status="DELETING")
        state.addon_status.pop(name, None)
        state.updates = [u for u in state.updates if u.addon != name]
        for association_id in [i for i, a in state.pod_identities.items() if a.get("ownerArn") == addon["addonArn"]]:
            del state.pod_identities[association_id]
        for key in [k for k, (_, identity) in self._tokens.items() if identity == (cluster_name, name)]:
            del self._tokens[key]
        polls = self._polls()
        if polls > 0:
            state.deleting_addons[name] = (copy.deepcopy(addon), Countdown("DELETING", polls))
        return json_response(200, {"addon": addon})

    def _op_DescribeAddonVersions(self, ctx: Context) -> Response:
        p = ctx.params
        name = p.get("addonName")
        if name is not None and not ekscatalog.is_known_addon(name):
            raise not_found(f"Addon {name} specified is not supported", addonName=name)
        infos = ekscatalog.describe_addon_versions(
            p.get("kubernetesVersion"), name, p.get("types"), p.get("publishers"), p.get("owners"))
        page, token = _paginate(infos, p)
        return json_response(200, {"addons": page, "nextToken": token})

    # ------------------------------------------------------------------------------------------------------------------
    # Access entries and access policies

    def _require_api_auth(self, state: ClusterState, cluster: str) -> None:
        if state.access_config["authenticationMode"] not in ("API", "API_AND_CONFIG_MAP"):
            raise invalid_request(
                "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this "
                "operation.", clusterName=cluster)

    def _require_entry(self, state: ClusterState, cluster: str, principal: str) -> dict[str, Any]:
        entry = state.access_entries.get(principal)
        if entry is None:
            raise not_found(f"The specified access entry resource is not found: {principal} in cluster {cluster}",
                            clusterName=cluster)
        return entry

    def _op_CreateAccessEntry(self, ctx: Context) -> Response:
        cluster_name, principal = ctx.params["clusterName"], ctx.params["principalArn"]
        _, state = self._require_cluster(ctx, cluster_name)
        self._require_api_auth(state, cluster_name)
        match = PRINCIPAL_ARN.match(principal)
        if match is None:
            raise invalid_parameter(f"The principalArn parameter format is not valid: {principal}",
                                    clusterName=cluster_name)
        if principal in state.access_entries:
            if self._idempotent_replay(ctx, (cluster_name, principal)):
                return json_response(200, {"accessEntry": copy.deepcopy(state.access_entries[principal])})
            raise in_use(f"The specified access entry resource is already in use on this cluster: {principal}",
                         clusterName=cluster_name)
        kind = ctx.params.get("type") or "STANDARD"
        if kind not in ACCESS_ENTRY_TYPES:
            raise invalid_parameter(f"The type {kind} is not valid. Valid types: {', '.join(ACCESS_ENTRY_TYPES)}",
                                    clusterName=cluster_name)
        groups = list(ctx.params.get("kubernetesGroups") or [])
        username = ctx.params.get("username")
        account, principal_kind, principal_name = match.groups()
        if kind == "STANDARD":
            if username is None:
                username = (f"arn:{ctx.partition}:sts::{account}:assumed-role/{principal_name}/{{{{SessionName}}}}"
                            if principal_kind == "role" else principal)
        else:
            if groups or username is not None:
                raise invalid_parameter(
                    f"kubernetesGroups and username cannot be specified for access entries of type {kind}",
                    clusterName=cluster_name)
            if principal_kind != "role":
                raise invalid_parameter(f"Access entries of type {kind} need an IAM role principal",
                                        clusterName=cluster_name)
            username = ("system:node:{{SessionName}}" if kind in ("FARGATE_LINUX", "HYBRID_LINUX")
                        else "system:node:{{EC2PrivateDNSName}}")
            groups = ["system:nodes"]
        created = _now()
        entry = {
            "clusterName": cluster_name,
            "principalArn": principal,
            "kubernetesGroups": groups,
            "accessEntryArn": (f"arn:{ctx.partition}:eks:{ctx.region}:{ctx.account}:access-entry/{cluster_name}/"
                               f"{principal_kind}/{account}/{principal_name}/{self._uuid()}"),
            "createdAt": created,
            "modifiedAt": created,
            "tags": dict(ctx.params.get("tags") or {}),
            "username": username,
            "type": kind,
        }
        state.access_entries[principal] = entry
        self._remember_token(ctx, (cluster_name, principal))
        return json_response(200, {"accessEntry": copy.deepcopy(entry)})

    def _op_DescribeAccessEntry(self, ctx: Context) -> Response:
        cluster_name = ctx.params["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        entry = self._require_entry(state, cluster_name, ctx.params["principalArn"])
        return json_response(200, {"accessEntry": copy.deepcopy(entry)})

    def _op_ListAccessEntries(self, ctx: Context) -> Response:
        cluster_name = ctx.params["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        policy = ctx.params.get("associatedPolicyArn")
        principals = sorted(p for p in state.access_entries
                            if policy is None or policy in state.access_policies.get(p, {}))
        page, token = _paginate(principals, ctx.params)
        return json_response(200, {"accessEntries": page, "nextToken": token})

    def _op_UpdateAccessEntry(self, ctx: Context) -> Response:
        cluster_name, principal = ctx.params["clusterName"], ctx.params["principalArn"]
        _, state = self._require_cluster(ctx, cluster_name)
        entry = self._require_entry(state, cluster_name, principal)
        if entry["type"] != "STANDARD" and ("kubernetesGroups" in ctx.params or "username" in ctx.params):
            raise invalid_parameter(f"kubernetesGroups and username cannot be changed for access entries of type "
                                    f"{entry['type']}", clusterName=cluster_name)
        if "kubernetesGroups" in ctx.params:
            entry["kubernetesGroups"] = list(ctx.params["kubernetesGroups"] or [])
        if ctx.params.get("username"):
            entry["username"] = ctx.params["username"]
        entry["modifiedAt"] = _now()
        return json_response(200, {"accessEntry": copy.deepcopy(entry)})

    def _op_DeleteAccessEntry(self, ctx: Context) -> Response:
        cluster_name, principal = ctx.params["clusterName"], ctx.params["principalArn"]
        _, state = self._require_cluster(ctx, cluster_name)
        self._require_entry(state, cluster_name, principal)
        del state.access_entries[principal]
        state.access_policies.pop(principal, None)
        for key in [k for k, (_, identity) in self._tokens.items() if identity == (cluster_name, principal)]:
            del self._tokens[key]
        return json_response(200, {})

    def _op_AssociateAccessPolicy(self, ctx: Context) -> Response:
        cluster_name, principal = ctx.params["clusterName"], ctx.params["principalArn"]
        policy, scope = ctx.params["policyArn"], ctx.params["accessScope"]
        _, state = self._require_cluster(ctx, cluster_name)
        entry = self._require_entry(state, cluster_name, principal)
        if entry["type"] != "STANDARD":
            raise invalid_request(f"Access policies can only be associated with STANDARD access entries; "
                                  f"{principal} is of type {entry['type']}", clusterName=cluster_name)
        if policy not in {p["arn"] for p in ekscatalog.access_policies(ctx.partition)}:
            raise invalid_parameter(f"The policyArn {policy} is not a valid EKS access policy ARN",
                                    clusterName=cluster_name)
        scope_type = scope.get("type")
        namespaces = list(scope.get("namespaces") or [])
        if scope_type is None:
            raise invalid_parameter("accessScope.type is required", clusterName=cluster_name)
        if scope_type == "namespace" and not namespaces:
            raise invalid_parameter("accessScope.namespaces must not be empty when accessScope.type is namespace",
                                    clusterName=cluster_name)
        if scope_type == "cluster" and namespaces:
            raise invalid_parameter("accessScope.namespaces must be empty when accessScope.type is cluster",
                                    clusterName=cluster_name)
        policies = state.access_policies.setdefault(principal, {})
        now = _now()
        earlier = policies.get(policy)
        association = {
            "policyArn": policy,
            "accessScope": {"type": scope_type, "namespaces": namespaces},
            "associatedAt": earlier["associatedAt"] if earlier else now,
            "modifiedAt": now,
        }
        policies[policy] = association
        return json_response(200, {"clusterName": cluster_name, "principalArn": principal,
                                   "associatedAccessPolicy": copy.deepcopy(association)})

    def _op_DisassociateAccessPolicy(self, ctx: Context) -> Response:
        cluster_name, principal, policy = (ctx.params["clusterName"], ctx.params["principalArn"],
                                           ctx.params["policyArn"])
        _, state = self._require_cluster(ctx, cluster_name)
        self._require_entry(state, cluster_name, principal)
        if policy not in state.access_policies.get(principal, {}):
            raise not_found(f"The access policy {policy} is not associated with {principal}",
                            clusterName=cluster_name)
        del state.access_policies[principal][policy]
        return json_response(200, {})

    def _op_ListAssociatedAccessPolicies(self, ctx: Context) -> Response:
        cluster_name, principal = ctx.params["clusterName"], ctx.params["principalArn"]
        _, state = self._require_cluster(ctx, cluster_name)
        self._require_entry(state, cluster_name, principal)
        policies = [copy.deepcopy(v) for _, v in sorted(state.access_policies.get(principal, {}).items())]
        page, token = _paginate(policies, ctx.params)
        return json_response(200, {"clusterName": cluster_name, "principalArn": principal, "nextToken": token,
                                   "associatedAccessPolicies": page})

    def _op_ListAccessPolicies(self, ctx: Context) -> Response:
        page, token = _paginate(ekscatalog.access_policies(ctx.partition), ctx.params)
        return json_response(200, {"accessPolicies": page, "nextToken": token})

    # ------------------------------------------------------------------------------------------------------------------
    # Pod Identity associations

    def _new_pod_identity(self, ctx: Context, state: ClusterState, cluster: str, namespace: str, service_account: str,
                          role: str, tags: dict[str, str], owner: str | None = None,
                          extra: dict[str, Any] | None = None) -> dict[str, Any]:
        if not ROLE_ARN.match(role):
            raise invalid_parameter(f"The roleArn {role} is not a valid IAM role ARN", clusterName=cluster)
        for existing in state.pod_identities.values():
            if existing["namespace"] == namespace and existing["serviceAccount"] == service_account:
                raise in_use(f"Association already exists: {existing['associationId']} for namespace {namespace} "
                             f"and service account {service_account}", clusterName=cluster)
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        association_id = "a-" + "".join(self._rng.choice(alphabet) for _ in range(17))
        created = _now()
        association: dict[str, Any] = {
            "clusterName": cluster,
            "namespace": namespace,
            "serviceAccount": service_account,
            "roleArn": role,
            "associationArn": (f"arn:{ctx.partition}:eks:{ctx.region}:{ctx.account}:podidentityassociation/"
                               f"{cluster}/{association_id}"),
            "associationId": association_id,
            "tags": dict(tags),
            "createdAt": created,
            "modifiedAt": created,
            "disableSessionTags": False,
        }
        if owner is not None:
            association["ownerArn"] = owner
        association.update(extra or {})
        state.pod_identities[association_id] = association
        return association

    def _require_association(self, state: ClusterState, cluster: str, association_id: str) -> dict[str, Any]:
        association = state.pod_identities.get(association_id)
        if association is None:
            raise not_found(f"The specified pod identity association {association_id} was not found in cluster "
                            f"{cluster}", clusterName=cluster)
        return association

    def _op_CreatePodIdentityAssociation(self, ctx: Context) -> Response:
        p = ctx.params
        cluster_name = p["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        existing = [a for a in state.pod_identities.values()
                    if a["namespace"] == p["namespace"] and a["serviceAccount"] == p["serviceAccount"]]
        if existing and self._idempotent_replay(ctx, (cluster_name, existing[0]["associationId"])):
            return json_response(200, {"association": copy.deepcopy(existing[0])})
        extra: dict[str, Any] = {}
        if p.get("disableSessionTags") is not None:
            extra["disableSessionTags"] = p["disableSessionTags"]
        if p.get("targetRoleArn"):
            if not ROLE_ARN.match(p["targetRoleArn"]):
                raise invalid_parameter(f"The targetRoleArn {p['targetRoleArn']} is not a valid IAM role ARN",
                                        clusterName=cluster_name)
            extra["targetRoleArn"] = p["targetRoleArn"]
            extra["externalId"] = self._uuid()
        if p.get("policy") is not None:
            extra["policy"] = p["policy"]
        association = self._new_pod_identity(ctx, state, cluster_name, p["namespace"], p["serviceAccount"],
                                             p["roleArn"], p.get("tags") or {}, extra=extra)
        self._remember_token(ctx, (cluster_name, association["associationId"]))
        return json_response(200, {"association": copy.deepcopy(association)})

    def _op_DescribePodIdentityAssociation(self, ctx: Context) -> Response:
        cluster_name = ctx.params["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        association = self._require_association(state, cluster_name, ctx.params["associationId"])
        return json_response(200, {"association": copy.deepcopy(association)})

    def _op_ListPodIdentityAssociations(self, ctx: Context) -> Response:
        p = ctx.params
        cluster_name = p["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        summaries = []
        for association in sorted(state.pod_identities.values(), key=lambda a: a["createdAt"]):
            if p.get("namespace") is not None and association["namespace"] != p["namespace"]:
                continue
            if p.get("serviceAccount") is not None and association["serviceAccount"] != p["serviceAccount"]:
                continue
            summary = {k: association[k] for k in ("clusterName", "namespace", "serviceAccount", "associationArn",
                                                   "associationId")}
            if "ownerArn" in association:
                summary["ownerArn"] = association["ownerArn"]
            summaries.append(summary)
        page, token = _paginate(summaries, p)
        return json_response(200, {"associations": page, "nextToken": token})

    def _op_UpdatePodIdentityAssociation(self, ctx: Context) -> Response:
        p = ctx.params
        cluster_name = p["clusterName"]
        _, state = self._require_cluster(ctx, cluster_name)
        association = self._require_association(state, cluster_name, p["associationId"])
        if association.get("ownerArn"):
            raise invalid_request(f"The pod identity association {p['associationId']} is managed by "
                                  f"{association['ownerArn']}; change it through that resource",
                                  clusterName=cluster_name)
        for member in ("roleArn", "targetRoleArn"):
            if p.get(member) and not ROLE_ARN.match(p[member]):
                raise invalid_parameter(f"The {member} {p[member]} is not a valid IAM role ARN",
                                        clusterName=cluster_name)
        if p.get("roleArn"):
            association["roleArn"] = p["roleArn"]
        if "targetRoleArn" in p:
            if p["targetRoleArn"]:
                association["targetRoleArn"] = p["targetRoleArn"]
                association.setdefault("externalId", self._uuid())
            else:
                association.pop("targetRoleArn", None)
                association.pop("externalId", None)
        if p.get("disableSessionTags") is not None:
            association["disableSessionTags"] = p["disableSessionTags"]
        if p.get("policy") is not None:
            association["policy"] = p["policy"]
        association["modifiedAt"] = _now()
        return json_response(200, {"association": copy.deepcopy(association)})

    def _op_DeletePodIdentityAssociation(self, ctx: Context) -> Response:
        cluster_name, association_id = ctx.params["clusterName"], ctx.params["associationId"]
        _, state = self._require_cluster(ctx, cluster_name)
        association = self._require_association(state, cluster_name, association_id)
        if association.get("ownerArn"):
            raise invalid_request(f"The pod identity association {association_id} is managed by "
                                  f"{association['ownerArn']}; change it through that resource",
                                  clusterName=cluster_name)
        del state.pod_identities[association_id]
        for key in [k for k, (_, identity) in self._tokens.items() if identity == (cluster_name, association_id)]:
            del self._tokens[key]
        return json_response(200, {"association": association})

    # ------------------------------------------------------------------------------------------------------------------
    # Tags on the emulator's own resources (moto keeps tags for clusters and nodegroups)

    def _tagged(self, ctx: Context, arn: str) -> dict[str, str] | None:
        for (account, region, _), state in self._clusters.items():
            if (account, region) != (ctx.account, ctx.region):
                continue
            for collection in (state.addons.values(), state.access_entries.values(), state.pod_identities.values()):
                for item in collection:
                    if arn in (item.get("addonArn"), item.get("accessEntryArn"), item.get("associationArn")):
                        return item.setdefault("tags", {})
        # moto tags clusters only; EKS also tags managed node groups (their tags live on moto's nodegroup object).
        backend = self._moto_backend(ctx)
        for cluster in (backend.clusters.values() if backend is not None else []):
            for nodegroup in getattr(cluster, "nodegroups", {}).values():
                if getattr(nodegroup, "arn", None) == arn:
                    if nodegroup.tags is None:
                        nodegroup.tags = {}
                    return nodegroup.tags
        return None

    def _op_TagResource(self, ctx: Context) -> Response:
        tags = self._tagged(ctx, ctx.params["resourceArn"])
        if tags is None:
            return self._moto_call(ctx.request)
        tags.update(ctx.params["tags"])
        return json_response(200, {})

    def _op_UntagResource(self, ctx: Context) -> Response:
        tags = self._tagged(ctx, ctx.params["resourceArn"])
        if tags is None:
            return self._moto_call(ctx.request)
        for key in ctx.params["tagKeys"]:
            tags.pop(key, None)
        return json_response(200, {})

    def _op_ListTagsForResource(self, ctx: Context) -> Response:
        tags = self._tagged(ctx, ctx.params["resourceArn"])
        if tags is None:
            return self._moto_call(ctx.request)
        return json_response(200, {"tags": dict(tags)})


def _check_scaling(scaling: dict[str, int], cluster: str, nodegroup: str) -> None:
    """EKS requires minSize <= desiredSize <= maxSize (moto accepts anything)."""
    low, desired, high = scaling.get("minSize"), scaling.get("desiredSize"), scaling.get("maxSize")
    if low is not None and desired is not None and low > desired:
        raise invalid_parameter(f"Minimum capacity {low} can't be greater than desired size {desired}",
                                clusterName=cluster, nodegroupName=nodegroup)
    if desired is not None and high is not None and desired > high:
        raise invalid_parameter(f"Desired capacity {desired} can't be greater than max size {high}",
                                clusterName=cluster, nodegroupName=nodegroup)
    if low is not None and high is not None and low > high:
        raise invalid_parameter(f"Minimum capacity {low} can't be greater than max size {high}",
                                clusterName=cluster, nodegroupName=nodegroup)


def _minor(version: str) -> tuple[int, int]:
    try:
        major, minor = version.split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return (0, 0)


def _is_next_minor(current: str, wanted: str) -> bool:
    a, b = _minor(current), _minor(wanted)
    return a[0] == b[0] and b[1] == a[1] + 1


def _check_configuration_values(values: str | None, cluster: str, addon: str) -> None:
    """EKS checks configurationValues against the add-on's schema; we at least require well-formed JSON or YAML."""
    if values is None or not values.strip():
        return
    try:
        json.loads(values)
        return
    except ValueError:
        pass
    try:
        import yaml  # moto depends on PyYAML

        parsed = yaml.safe_load(values)
    except Exception as error:  # noqa: BLE001 - any parse failure is the caller's input error
        raise invalid_parameter(f"configurationValues is neither valid JSON nor YAML: {error}",
                                clusterName=cluster, addonName=addon)
    if not isinstance(parsed, dict):
        raise invalid_parameter("configurationValues must be a JSON or YAML object", clusterName=cluster,
                                addonName=addon)

