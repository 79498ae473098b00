"""Shared by scripts/reliability-faults, scripts/reliability-crash and scripts/checks/reliability-sample.

Starts the AWS emulator (scripts/aws-emulator), drives `platformctl up`/`down` as a user would, and takes an inventory
of everything the platform consists of, read straight from the emulator with boto3, so runs can be compared: the
same resources with the same key properties, no duplicates, and nothing left after `down`.

Only loopback: every process gets a throw-away HOME, fake keys and AWS_ENDPOINT_URL pointing at the emulator.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
REGION = "us-west-2"
ACCESS_KEY = "AKIARELIABILITYEXAMPLE"
SECRET_KEY = "reliability-secret-not-real"

# The tags the engine puts on what it creates (PlatformTags) and the tag Karpenter and EKS use for discovery.
CLUSTER_TAG = "eksplatform.io/cluster"
RESOURCE_TAG = "eksplatform.io/resource"

_live_processes: list[subprocess.Popen] = []


def _stop_all() -> None:
    for process in list(_live_processes):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _stop_on_signal(signum: int, _frame: Any) -> None:
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _stop_on_signal)
signal.signal(signal.SIGHUP, _stop_on_signal)


def platformctl_binary() -> str:
    """`PLATFORMCTL_BIN`, else the debug build of this checkout."""
    binary = os.environ.get("PLATFORMCTL_BIN") or os.path.join(REPO, ".build", "debug", "platformctl")
    if not os.access(binary, os.X_OK):
        sys.exit(f"platformctl not found at {binary}: run `swift build --product platformctl` or set PLATFORMCTL_BIN")
    return binary


def config_without_gitops(directory: str) -> str:
    """Examples/platform.yaml without its gitops section (the AWS side only: no Kubernetes API needed)."""
    lines, skipping = [], False
    with open(os.path.join(REPO, "Examples", "platform.yaml")) as source:
        for line in source:
            if line.startswith("  gitops:"):
                skipping = True
                continue
            if skipping and line.startswith("    "):
                continue
            skipping = False
            lines.append(line)
    path = os.path.join(directory, "platform.yaml")
    with open(path, "w") as target:
        target.write("".join(lines))
    return path


def cluster_name(config: str) -> str:
    with open(config) as source:
        match = re.search(r"^metadata:\s*\n\s+name:\s*([A-Za-z0-9-]+)", source.read(), re.MULTILINE)
    if not match:
        sys.exit(f"{config}: no metadata.name")
    return match.group(1)


class Emulator:
    """One scripts/aws-emulator process on a free loopback port; stops with this process (`--parent-pid`)."""

    def __init__(self, directory: str, *, seed: int | None = None, latency_ms: float = 0, throttle_rate: float = 0,
                 error_rate: float = 0, reset_rate: float = 0) -> None:
        self.directory = directory
        endpoint_file = os.path.join(directory, "endpoint")
        arguments = [os.path.join(REPO, "scripts", "aws-emulator"), "--port", "0", "--endpoint-file", endpoint_file,
                     "--log", os.path.join(directory, "emulator.log"), "--parent-pid", str(os.getpid()),
                     "--latency-ms", str(latency_ms), "--throttle-rate", str(throttle_rate),
                     "--error-rate", str(error_rate), "--reset-rate", str(reset_rate)]
        if seed is not None:
            arguments += ["--seed", str(seed)]
        self.process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _live_processes.append(self.process)
        deadline = time.monotonic() + 60
        while not (os.path.exists(endpoint_file) and os.path.getsize(endpoint_file) > 0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the AWS emulator did not start (log: {directory}/emulator.log)")
            time.sleep(0.05)
        with open(endpoint_file) as stream:
            self.endpoint = stream.read().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process in _live_processes:
            _live_processes.remove(self.process)

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """One control request (`/_emulator/*`, `/moto-api/*`); the JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def configure(self, **values: Any) -> None:
        """POST /_emulator/config (camelCase keys: throttleRate, errorRate, resetRate, latencyMs, seed)."""
        self.control("POST", "/_emulator/config", values)

    def requests(self) -> list[dict[str, Any]]:
        return self.control("GET", "/_emulator/requests")["requests"]

    def clear_requests(self) -> None:
        self.control("POST", "/_emulator/requests/clear", {})

    def environment(self, home: str) -> dict[str, str]:
        """The environment for platformctl: this emulator, fake keys, a throw-away HOME, nothing inherited from AWS."""
        os.makedirs(home, exist_ok=True)
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("AWS_", "PLATFORMCTL_KUBE"))}
        environment.update(HOME=home, AWS_ENDPOINT_URL=self.endpoint, AWS_REGION=REGION,
                           AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, NO_COLOR="1",
                           SWIFT_BACKTRACE="enable=no")
        return environment


@dataclass
class Run:
    """One finished platformctl process."""

    status: int
    seconds: float
    stdout: str
    stderr: str


def start_platformctl(arguments: list[str], environment: dict[str, str], directory: str, name: str):
    """Starts `platformctl ARGUMENTS` with stdout/stderr in DIRECTORY/NAME.{out,err}; returns the process."""
    out = open(os.path.join(directory, name + ".out"), "w")
    err = open(os.path.join(directory, name + ".err"), "w")
    process = subprocess.Popen([platformctl_binary()] + arguments, env=environment, stdout=out, stderr=err,
                               stdin=subprocess.DEVNULL)
    out.close()
    err.close()
    _live_processes.append(process)
    return process


def finish(process: subprocess.Popen, directory: str, name: str, started: float, timeout: float = 600) -> Run:
    try:
        status = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        status = process.wait()
    seconds = time.monotonic() - started
    if process in _live_processes:
        _live_processes.remove(process)
    with open(os.path.join(directory, name + ".out")) as out, open(os.path.join(directory, name + ".err")) as err:
        return Run(status, seconds, out.read(), err.read())


def run_platformctl(arguments: list[str], environment: dict[str, str], directory: str, name: str) -> Run:
    started = time.monotonic()
    return finish(start_platformctl(arguments, environment, directory, name), directory, name, started)


def until_success(command: str, config: str, environment: dict[str, str], directory: str, label: str,
                  max_runs: int, extra: list[str] | None = None) -> tuple[int, list[Run]]:
    """Runs `platformctl COMMAND --yes` until it exits 0, at most MAX_RUNS times (re-running is the documented
    remedy for exhausted retries); returns (runs needed or 0 if never successful, the runs)."""
    runs = []
    for attempt in range(1, max_runs + 1):
        run = run_platformctl([command, "--yes", "--config", config] + (extra or []), environment, directory,
                              f"{label}-{attempt}")
        runs.append(run)
        if run.status == 0:
            return attempt, runs
        if run.status < 0 or run.status > 128 or "Fatal error" in run.stderr:
            break  # a crash is never "retry exhausted"
    return 0, runs


# ----------------------------------------------------------------------------------------------------------------------
# Inventory


def _canonical(value: Any) -> Any:
    """JSON documents (policies, event patterns) parsed and re-serialised with sorted keys."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {item["Key"]: item["Value"] for item in items or []}


_ACCOUNT = re.compile(r"(?<=:)\d{12}(?=:)")


def _mask(text: str) -> str:
    """The account id never appears in output or comparisons."""
    return _ACCOUNT.sub("ACCOUNT", text)


_EKS_CLUSTER_SG = re.compile(r"^(eks-cluster-sg-.+)-\d+$")


def _group_name(name: str) -> str:
    """EKS names the cluster security group it creates `eks-cluster-sg-<cluster>-<number>` with a number of its own
    choosing, different in every run: compared without it."""
    return _EKS_CLUSTER_SG.sub(r"\1-N", name)


@dataclass
class Inventory:
    """kind → list of records (dicts of key properties, physical ids replaced by logical labels)."""

    kinds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def size(self) -> int:
        return sum(len(records) for records in self.kinds.values())

    def counts(self) -> dict[str, int]:
        return {kind: len(records) for kind, records in self.kinds.items()}

    def canonical(self) -> dict[str, list[str]]:
        return {kind: sorted(_mask(json.dumps(record, sort_keys=True)) for record in records)
                for kind, records in self.kinds.items()}

    def duplicates(self) -> list[str]:
        """Records sharing a kind and a label (or being identical): what a retried create would leave."""
        found = []
        for kind, records in self.kinds.items():
            labels = Counter(record.get("label", json.dumps(record, sort_keys=True)) for record in records)
            found += [f"{kind} {label} ×{count}" for label, count in sorted(labels.items()) if count > 1]
        return found

    def differences(self, other: "Inventory") -> list[str]:
        """What differs from OTHER (the reference), one line per kind: counts and the first differing records."""
        lines = []
        mine, theirs = self.canonical(), other.canonical()
        for kind in sorted(set(mine) | set(theirs)):
            a, b = mine.get(kind, []), theirs.get(kind, [])
            if a == b:
                continue
            extra = [record for record in a if record not in b]
            missing = [record for record in b if record not in a]
            line = f"{kind}: {len(a)} here vs {len(b)} in the reference"
            if extra:
                line += f"; extra {extra[0][:400]}"
            if missing:
                line += f"; missing {missing[0][:400]}"
            lines.append(line)
        return lines

    def summary(self) -> str:
        return ", ".join(f"{kind} {count}" for kind, count in self.counts().items() if count)


def take_inventory(endpoint: str, cluster: str) -> Inventory:
    """Everything in the emulator that is not moto's default VPC furniture, plus every IAM role, instance profile,
    customer policy, queue, EventBridge rule and EKS object. Physical ids are replaced by labels (the
    eksplatform.io/resource tag, else a description), so two runs compare by meaning, not by random ids."""
    import boto3  # imported late: the scripts' --help works without it
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                    region_name=REGION)
    config = Config(retries={"max_attempts": 10, "mode": "standard"})

    def client(name: str):
        return session.client(name, endpoint_url=endpoint, config=config)

    ec2, iam, sqs, events, eks = client("ec2"), client("iam"), client("sqs"), client("events"), client("eks")
    inventory: dict[str, list[dict[str, Any]]] = {}

    vpcs = [vpc for vpc in ec2.describe_vpcs()["Vpcs"] if not vpc.get("IsDefault")]
    default_vpcs = {vpc["VpcId"] for vpc in ec2.describe_vpcs()["Vpcs"] if vpc.get("IsDefault")}
    labels: dict[str, str] = {}

    def label_of(resource_id: str | None, tags: dict[str, str], fallback: str) -> str:
        text = tags.get(RESOURCE_TAG) or f"untagged {fallback}"
        if resource_id:
            labels.setdefault(resource_id, text)
        return text

    def ref(resource_id: str | None) -> str | None:
        if resource_id is None:
            return None
        return labels.get(resource_id, "local" if resource_id == "local" else f"unknown {resource_id[:4]}")

    for vpc in vpcs:
        label_of(vpc["VpcId"], _tags(vpc.get("Tags")), f"vpc {vpc['CidrBlock']}")
    subnets = [subnet for subnet in ec2.describe_subnets()["Subnets"] if subnet["VpcId"] not in default_vpcs]
    for subnet in subnets:
        label_of(subnet["SubnetId"], _tags(subnet.get("Tags")), f"subnet {subnet['CidrBlock']}")
    addresses = ec2.describe_addresses()["Addresses"]
    for address in addresses:
        label_of(address.get("AllocationId"), _tags(address.get("Tags")), "eip")
    gateways = ec2.describe_internet_gateways()["InternetGateways"]
    gateways = [gateway for gateway in gateways
                if not any(attachment["VpcId"] in default_vpcs for attachment in gateway.get("Attachments", []))]
    for gateway in gateways:
        label_of(gateway["InternetGatewayId"], _tags(gateway.get("Tags")), "igw")
    nats = [nat for nat in ec2.describe_nat_gateways()["NatGateways"] if nat["State"] not in ("deleted",)]
    for nat in nats:
        label_of(nat["NatGatewayId"], _tags(nat.get("Tags")), "nat")
    groups = [group for group in ec2.describe_security_groups()["SecurityGroups"] if group["VpcId"] not in default_vpcs]
    for group in groups:
        label_of(group["GroupId"], _tags(group.get("Tags")), f"sg {_group_name(group['GroupName'])} in {ref(group['VpcId'])}")

    records = []
    for vpc in vpcs:
        dns_support = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsSupport")
        dns_hostnames = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
        records.append({"label": ref(vpc["VpcId"]), "cidr": vpc["CidrBlock"], "tags": _tags(vpc.get("Tags")),
                        "dnsSupport": dns_support["EnableDnsSupport"]["Value"],
                        "dnsHostnames": dns_hostnames["EnableDnsHostnames"]["Value"]})
    inventory["vpc"] = records
    inventory["subnet"] = [{"label": ref(subnet["SubnetId"]), "vpc": ref(subnet["VpcId"]), "cidr": subnet["CidrBlock"],
                            "zone": subnet["AvailabilityZone"], "mapPublicIp": subnet.get("MapPublicIpOnLaunch"),
                            "tags": _tags(subnet.get("Tags"))} for subnet in subnets]
    tables = [table for table in ec2.describe_route_tables()["RouteTables"] if table["VpcId"] not in default_vpcs]
    records = []
    for table in tables:
        tags = _tags(table.get("Tags"))
        main = any(association.get("Main") for association in table.get("Associations", []))
        routes = sorted(
            f"{route.get('DestinationCidrBlock')} → {ref(route.get('GatewayId') or route.get('NatGatewayId'))}"
            for route in table.get("Routes", []))
        if main:
            label = tags.get(RESOURCE_TAG) or f"main table of {ref(table['VpcId'])}"
        else:
            label = label_of(None, tags, "route table")
        records.append({"label": label,
                        "vpc": ref(table["VpcId"]), "main": main, "routes": routes, "tags": tags,
                        "subnets": sorted(ref(association["SubnetId"]) or ""
                                          for association in table.get("Associations", [])
                                          if association.get("SubnetId"))})
    inventory["routeTable"] = records
    inventory["internetGateway"] = [
        {"label": ref(gateway["InternetGatewayId"]), "tags": _tags(gateway.get("Tags")),
         "attachments": sorted(f"{ref(attachment['VpcId'])} {attachment.get('State')}"
                               for attachment in gateway.get("Attachments", []))} for gateway in gateways]
    inventory["natGateway"] = [
        {"label": ref(nat["NatGatewayId"]), "state": nat["State"], "subnet": ref(nat["SubnetId"]),
         "connectivity": nat.get("ConnectivityType", "public"), "tags": _tags(nat.get("Tags")),
         "addresses": sorted(ref(address.get("AllocationId")) or "" for address in nat.get("NatGatewayAddresses", []))}
        for nat in nats]
    inventory["elasticIP"] = [
        {"label": ref(address.get("AllocationId")), "domain": address.get("Domain"),
         "associated": bool(address.get("AssociationId")), "tags": _tags(address.get("Tags"))} for address in addresses]

    def permissions(items: list[dict[str, Any]]) -> list[str]:
        out = []
        for item in items:
            sources = [ref(pair.get("GroupId")) for pair in item.get("UserIdGroupPairs", [])]
            sources += [cidr["CidrIp"] for cidr in item.get("IpRanges", [])]
            out.append(f"{item.get('IpProtocol')} {item.get('FromPort', '')}-{item.get('ToPort', '')} "
                       f"from {sorted(s or '' for s in sources)}")
        return sorted(out)

    inventory["securityGroup"] = [
        {"label": ref(group["GroupId"]), "name": _group_name(group["GroupName"]), "vpc": ref(group["VpcId"]),
         "description": group.get("Description"),
         "tags": {key: _group_name(value) if key == "Name" else value for key, value in _tags(group.get("Tags")).items()},
         "ingress": permissions(group.get("IpPermissions", [])),
         "egress": permissions(group.get("IpPermissionsEgress", []))} for group in groups]
    reservations = ec2.describe_instances()["Reservations"]
    inventory["instance"] = [{"label": label_of(None, _tags(instance.get("Tags")), "instance"),
                              "state": instance["State"]["Name"]}
                             for reservation in reservations for instance in reservation["Instances"]
                             if instance["State"]["Name"] not in ("terminated",)]
    inventory["launchTemplate"] = [{"label": template["LaunchTemplateName"]}
                                   for template in ec2.describe_launch_templates()["LaunchTemplates"]]

    # IAM: every role except service-linked ones (the emulator's account starts without roles).
    records = []
    for role in iam.list_roles()["Roles"]:
        if role.get("Path", "/").startswith("/aws-service-role/"):
            continue
        name = role["RoleName"]
        attached = sorted(policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName=name)
                          ["AttachedPolicies"])
        inline = {}
        for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            inline[policy_name] = _canonical(iam.get_role_policy(RoleName=name, PolicyName=policy_name)
                                             ["PolicyDocument"])
        tags = _tags(iam.list_role_tags(RoleName=name).get("Tags"))
        records.append({"label": name, "path": role.get("Path"), "trust": _canonical(role["AssumeRolePolicyDocument"]),
                        "description": role.get("Description"), "attached": attached, "inline": inline, "tags": tags})
    inventory["iamRole"] = records
    inventory["instanceProfile"] = [
        {"label": profile["InstanceProfileName"], "roles": sorted(role["RoleName"] for role in profile.get("Roles", []))}
        for profile in iam.list_instance_profiles()["InstanceProfiles"]]
    inventory["iamPolicy"] = [{"label": policy["PolicyName"]} for policy in iam.list_policies(Scope="Local")["Policies"]]

    records = []
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        records.append({"label": url.rsplit("/", 1)[-1], "tags": sqs.list_queue_tags(QueueUrl=url).get("Tags", {}),
                        "retention": attributes.get("MessageRetentionPeriod"),
                        "sse": attributes.get("SqsManagedSseEnabled"),
                        "policy": _canonical(attributes.get("Policy", "{}"))})
    inventory["sqsQueue"] = records

    records, targets = [], []
    for rule in events.list_rules()["Rules"]:
        tags = _tags(events.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags"))
        records.append({"label": rule["Name"], "pattern": _canonical(rule.get("EventPattern", "{}")),
                        "state": rule.get("State"), "description": rule.get("Description"), "tags": tags})
        for target in events.list_targets_by_rule(Rule=rule["Name"])["Targets"]:
            targets.append({"label": f"{rule['Name']}/{target['Id']}", "arn": target["Arn"]})
    inventory["eventRule"] = records
    inventory["eventTarget"] = targets

    clusters, nodegroups, addons, entries, associations = [], [], [], [], []
    for name in eks.list_clusters()["clusters"]:
        cluster = eks.describe_cluster(name=name)["cluster"]
        vpc_config = cluster.get("resourcesVpcConfig", {})
        clusters.append({
            "label": name, "version": cluster.get("version"), "status": cluster.get("status"),
            "role": cluster.get("roleArn"), "tags": cluster.get("tags", {}),
            "subnets": sorted(ref(subnet) or "" for subnet in vpc_config.get("subnetIds", [])),
            "securityGroups": sorted(ref(group) or "" for group in vpc_config.get("securityGroupIds", [])),
            "endpoint": [vpc_config.get("endpointPublicAccess"), vpc_config.get("endpointPrivateAccess"),
                         vpc_config.get("publicAccessCidrs")],
            "logging": cluster.get("logging"), "accessConfig": cluster.get("accessConfig")})
        for group_name in eks.list_nodegroups(clusterName=name)["nodegroups"]:
            group = eks.describe_nodegroup(clusterName=name, nodegroupName=group_name)["nodegroup"]
            nodegroups.append({
                "label": f"{name}/{group_name}", "status": group.get("status"), "scaling": group.get("scalingConfig"),
                "instanceTypes": group.get("instanceTypes"), "amiType": group.get("amiType"),
                "role": group.get("nodeRole"), "labels": group.get("labels"), "taints": group.get("taints"),
                "subnets": sorted(ref(subnet) or "" for subnet in group.get("subnets", [])),
                "tags": group.get("tags", {}), "version": group.get("version")})
        for addon_name in eks.list_addons(clusterName=name)["addons"]:
            addon = eks.describe_addon(clusterName=name, addonName=addon_name)["addon"]
            addons.append({"label": f"{name}/{addon_name}", "version": addon.get("addonVersion"),
                           "status": addon.get("status"), "tags": addon.get("tags", {}),
                           "configuration": addon.get("configurationValues"),
                           "podIdentity": len(addon.get("podIdentityAssociations", []))})
        for principal in eks.list_access_entries(clusterName=name)["accessEntries"]:
            entry = eks.describe_access_entry(clusterName=name, principalArn=principal)["accessEntry"]
            policies = eks.list_associated_access_policies(clusterName=name, principalArn=principal)
            entries.append({"label": f"{name}/{principal}", "type": entry.get("type"),
                            "groups": sorted(entry.get("kubernetesGroups", [])), "username": entry.get("username"),
                            "tags": entry.get("tags", {}),
                            "policies": sorted(f"{policy['policyArn']} {policy['accessScope']['type']}"
                                               for policy in policies.get("associatedAccessPolicies", []))})
        for summary in eks.list_pod_identity_associations(clusterName=name)["associations"]:
            association = eks.describe_pod_identity_association(
                clusterName=name, associationId=summary["associationId"])["association"]
            associations.append({"label": f"{name}/{association['namespace']}/{association['serviceAccount']}",
                                 "role": association.get("roleArn"), "tags": association.get("tags", {}),
                                 "owner": association.get("ownerArn")})
    inventory["eksCluster"] = clusters
    inventory["nodeGroup"] = nodegroups
    inventory["addon"] = addons
    inventory["accessEntry"] = entries
    inventory["podIdentityAssociation"] = associations
    return Inventory(inventory)


def tagged_leftovers(endpoint: str, cluster: str) -> list[str]:
    """What `down` must not leave: EC2 objects tagged eksplatform.io/cluster=NAME or kubernetes.io/cluster/NAME, the
    cluster itself, roles and policies named or tagged for it, its queue and its EventBridge rules."""
    import boto3

    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                    region_name=REGION)
    ec2, iam = session.client("ec2", endpoint_url=endpoint), session.client("iam", endpoint_url=endpoint)
    sqs, events = session.client("sqs", endpoint_url=endpoint), session.client("events", endpoint_url=endpoint)
    eks = session.client("eks", endpoint_url=endpoint)
    left = []
    # moto's DescribeTags keeps the tags of deleted resources, so each kind is described with a tag filter instead.
    kinds = [("VPC", ec2.describe_vpcs, "Vpcs", "VpcId"), ("subnet", ec2.describe_subnets, "Subnets", "SubnetId"),
             ("route table", ec2.describe_route_tables, "RouteTables", "RouteTableId"),
             ("internet gateway", ec2.describe_internet_gateways, "InternetGateways", "InternetGatewayId"),
             ("security group", ec2.describe_security_groups, "SecurityGroups", "GroupId"),
             ("Elastic IP", ec2.describe_addresses, "Addresses", "AllocationId"),
             ("NAT gateway", ec2.describe_nat_gateways, "NatGateways", "NatGatewayId"),
             ("launch template", ec2.describe_launch_templates, "LaunchTemplates", "LaunchTemplateName")]
    for tag_filter in ({"Name": f"tag:{CLUSTER_TAG}", "Values": [cluster]},
                       {"Name": "tag-key", "Values": [f"kubernetes.io/cluster/{cluster}"]}):
        for kind, describe, key, id_key in kinds:
            for item in describe(Filters=[tag_filter])[key]:
                if item.get("State") in ("deleted",):
                    continue
                tags = _tags(item.get("Tags"))
                left.append(f"{kind} {tags.get(RESOURCE_TAG) or item.get(id_key)} ({tag_filter['Name']})")
        for reservation in ec2.describe_instances(Filters=[tag_filter])["Reservations"]:
            left += [f"instance {instance['InstanceId']}" for instance in reservation["Instances"]
                     if instance["State"]["Name"] != "terminated"]
    if cluster in eks.list_clusters()["clusters"]:
        left.append(f"EKS cluster {cluster}")
    for role in iam.list_roles()["Roles"]:
        tags = _tags(iam.list_role_tags(RoleName=role["RoleName"]).get("Tags"))
        if role["RoleName"].startswith(f"{cluster}-") or tags.get(CLUSTER_TAG) == cluster:
            left.append(f"IAM role {role['RoleName']}")
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        if cluster in profile["InstanceProfileName"]:
            left.append(f"instance profile {profile['InstanceProfileName']}")
    for url in sqs.list_queues().get("QueueUrls", []):
        if url.rsplit("/", 1)[-1] == f"Karpenter-{cluster}":
            left.append(f"SQS queue {url.rsplit('/', 1)[-1]}")
    for rule in events.list_rules(NamePrefix=f"Karpenter-{cluster}-")["Rules"]:
        left.append(f"EventBridge rule {rule['Name']}")
    return left


def scratch(prefix: str) -> str:
    return tempfile.mkdtemp(prefix=prefix)


def mutating_operations(log: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The distinct (service, operation) pairs of a request log that change something, in first-seen order."""
    seen: list[tuple[str, str]] = []
    for entry in log:
        operation = entry.get("operation") or ""
        if operation.startswith(("Describe", "List", "Get")) or not entry.get("service"):
            continue
        if (entry["service"], operation) not in seen:
            seen.append((entry["service"], operation))
    return seen
