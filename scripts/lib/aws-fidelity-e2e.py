#!/usr/bin/env python3
"""Issue 13's end-to-end check, judged by boto3 alone (an independent client; nothing the Swift code concludes is
reused): a user's own VPC made with boto3 (private subnets routed through a NAT gateway, public ones through an
internet gateway, in two zones) is given to the platform through `network.existing`, with Spot capacity and a
control-plane log retention; then

after `platformctl up`:
  - the security groups Karpenter selects (the EC2NodeClass's securityGroupSelectorTerms, from `platformctl render`)
    and EKS's cluster security group (DescribeCluster) reach each other on UDP 53, TCP 53 and TCP 10250, both ways,
    by an evaluation of their rules written here (protocol -1/tcp/udp, port ranges, group pairs; a CIDR rule counts
    only when it covers the VPC's CIDR);
  - the user's subnets carry karpenter.sh/discovery and the ELB role tags (internal-elb private, elb public);
  - the EC2 Spot service-linked role exists; the log group /aws/eks/<name>/cluster has the configured retention;
after `platformctl down`:
  - nothing tagged for the cluster is left (scripts/lib/reliability.py's tag-filtered inventory), no EventBridge
    rule, no log group; the user's VPC, subnets, gateways and route tables are still there with exactly the tags the
    user gave them; the Spot service-linked role is still there.

Usage: aws-fidelity-e2e.py [--tamper cluster-sg-rule|subnet-tag] [--keep]
  --tamper spoils the state between `up` and the checks (revokes the cluster security group's own ingress rule, or
  removes karpenter.sh/discovery from one subnet) to show that the check then fails.
Environment: PLATFORMCTL_BIN (default .build/debug/platformctl). Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import boto3  # noqa: E402

import reliability as rel  # noqa: E402  (the emulator, platformctl runs, the tag-filtered leftovers)

CLUSTER = "fidelity"
VPC_CIDR = "10.77.0.0/16"
RETENTION_DAYS = 14
DISCOVERY = "karpenter.sh/discovery"
PORTS = [("udp", 53), ("tcp", 53), ("tcp", 10250)]
SPOT_ROLE = "AWSServiceRoleForEC2Spot"


class Report:
    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
        return ok


def tags_of(item: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in item.get("Tags") or []}


def make_user_network(ec2) -> dict:
    """The user's own VPC, as someone with their own network would have it, with their own tags on everything."""
    zones = [zone["ZoneName"] for zone in ec2.describe_availability_zones(
        Filters=[{"Name": "zone-type", "Values": ["availability-zone"]},
                 {"Name": "opt-in-status", "Values": ["opt-in-not-required"]}])["AvailabilityZones"]][:2]
    user_tags = [{"Key": "owner", "Value": "network-team"}, {"Key": "cost-center", "Value": "4711"}]

    def tagged(kind: str, name: str) -> list[dict]:
        return [{"ResourceType": kind, "Tags": user_tags + [{"Key": "Name", "Value": name}]}]

    vpc = ec2.create_vpc(CidrBlock=VPC_CIDR, TagSpecifications=tagged("vpc", "user-vpc"))["Vpc"]["VpcId"]
    private, public = [], []
    for index, zone in enumerate(zones):
        private.append(ec2.create_subnet(VpcId=vpc, AvailabilityZone=zone, CidrBlock=f"10.77.{index * 32}.0/19",
                                         TagSpecifications=tagged("subnet", f"user-private-{zone}"))["Subnet"]["SubnetId"])
        public.append(ec2.create_subnet(VpcId=vpc, AvailabilityZone=zone, CidrBlock=f"10.77.{192 + index * 8}.0/21",
                                        TagSpecifications=tagged("subnet", f"user-public-{zone}"))["Subnet"]["SubnetId"])
    igw = ec2.create_internet_gateway(TagSpecifications=tagged("internet-gateway", "user-igw"))
    igw = igw["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_table = ec2.create_route_table(VpcId=vpc, TagSpecifications=tagged("route-table", "user-public"))
    public_table = public_table["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in public:
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=subnet)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=eip,
                                 TagSpecifications=tagged("natgateway", "user-nat"))["NatGateway"]["NatGatewayId"]
    private_table = ec2.create_route_table(VpcId=vpc, TagSpecifications=tagged("route-table", "user-private"))
    private_table = private_table["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for subnet in private:
        ec2.associate_route_table(RouteTableId=private_table, SubnetId=subnet)
    network = {"vpc": vpc, "private": private, "public": public, "igw": igw, "nat": nat,
               "tables": [public_table, private_table], "zones": zones}
    network["tags"] = {resource: tags_of(item) for resource, item in [
        (vpc, ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0])] + [
        (item["SubnetId"], item) for item in ec2.describe_subnets(SubnetIds=private + public)["Subnets"]]}
    return network


def write_config(directory: str, network: dict) -> str:
    path = os.path.join(directory, "platform.yaml")
    with open(path, "w") as stream:
        stream.write(f"""apiVersion: eksplatform.io/v1alpha1
kind: Platform
metadata:
  name: {CLUSTER}
spec:
  region: {rel.REGION}
  network:
    existing:
      vpcID: {network['vpc']}
      privateSubnetIDs: [{', '.join(network['private'])}]
      publicSubnetIDs: [{', '.join(network['public'])}]
  karpenter:
    nodePool:
      capacityTypes: [on-demand, spot]
  controlPlaneLogs:
    retentionDays: {RETENTION_DAYS}
  tags: {{ team: fidelity }}
""")
    return path


def selector_terms(directory: str, field: str) -> list[dict]:
    """The EC2NodeClass's `field` (securityGroupSelectorTerms, subnetSelectorTerms) in what `platformctl render`
    writes, with `${CLUSTER_NAME}` filled in as Flux's post-build substitution does from `platform-vars`."""
    import yaml

    found = []
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(root, name)) as stream:
                text = stream.read().replace("${CLUSTER_NAME}", CLUSTER)
            for document in yaml.safe_load_all(text):
                if isinstance(document, dict) and document.get("kind") == "EC2NodeClass":
                    found += (document.get("spec") or {}).get(field) or []
    return found


def _filters(term: dict) -> list[dict]:
    """A selector term as EC2 filters, the way Karpenter reads it: every tag matches (`*` is any value), or the id."""
    filters = []
    if term.get("id"):
        filters.append({"Name": "group-id" if term["id"].startswith("sg-") else "subnet-id", "Values": [term["id"]]})
    for key, value in (term.get("tags") or {}).items():
        filters.append({"Name": "tag-key", "Values": [key]} if value == "*" else {"Name": f"tag:{key}", "Values": [value]})
    if term.get("name"):
        filters.append({"Name": "group-name", "Values": [term["name"]]})
    return filters


def selected_groups(ec2, terms: list[dict]) -> list[dict]:
    """The security groups the terms select (the terms are ORed)."""
    groups: dict[str, dict] = {}
    for term in terms:
        if _filters(term):
            for group in ec2.describe_security_groups(Filters=_filters(term))["SecurityGroups"]:
                groups[group["GroupId"]] = group
    return list(groups.values())


def selected_subnets(ec2, terms: list[dict]) -> set[str]:
    """The subnets the terms select (the terms are ORed)."""
    return {subnet["SubnetId"] for term in terms if _filters(term)
            for subnet in ec2.describe_subnets(Filters=_filters(term))["Subnets"]}


def _covers_vpc(cidr: str) -> bool:
    return ipaddress.ip_network(VPC_CIDR).subnet_of(ipaddress.ip_network(cidr))


def _permits(permission: dict, protocol: str, port: int) -> bool:
    allowed = str(permission.get("IpProtocol"))
    if allowed in ("-1", "all"):
        return True
    number = {"tcp": "6", "udp": "17"}[protocol]
    if allowed not in (protocol, number):
        return False
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if low is None or high is None or low == -1:
        return True
    return low <= port <= high


def _rule_admits(permissions: list[dict], peers: set[str], protocol: str, port: int) -> bool:
    """Whether one of `permissions` allows `protocol`/`port` with the other side in the groups `peers` (a group
    pair naming one of them, or a CIDR covering the VPC, where the other side's addresses are)."""
    for permission in permissions:
        if not _permits(permission, protocol, port):
            continue
        if any(pair.get("GroupId") in peers for pair in permission.get("UserIdGroupPairs") or []):
            return True
        if any(_covers_vpc(block["CidrIp"]) for block in permission.get("IpRanges") or []):
            return True
    return False


def reaches(ec2, source: set[str], target: set[str], protocol: str, port: int) -> bool:
    """An instance in all the groups `source` reaches one in all of `target`: some source group lets it out
    (egress), and some target group lets it in (ingress). Security groups are stateful, so replies need no rule."""
    groups = {group["GroupId"]: group for group in
              ec2.describe_security_groups(GroupIds=sorted(source | target))["SecurityGroups"]}
    out = any(_rule_admits(groups[g].get("IpPermissionsEgress") or [], target, protocol, port) for g in source)
    into = any(_rule_admits(groups[g].get("IpPermissions") or [], source, protocol, port) for g in target)
    return out and into


def tamper(ec2, kind: str, cluster_sg: str, network: dict) -> None:
    if kind == "cluster-sg-rule":
        group = ec2.describe_security_groups(GroupIds=[cluster_sg])["SecurityGroups"][0]
        own = [p for p in group["IpPermissions"]
               if any(pair.get("GroupId") == cluster_sg for pair in p.get("UserIdGroupPairs") or [])]
        ec2.revoke_security_group_ingress(GroupId=cluster_sg, IpPermissions=own)
        print(f"  (tampered: revoked the cluster security group's {len(own)} self-referencing ingress rule(s))")
    elif kind == "subnet-tag":
        ec2.delete_tags(Resources=[network["private"][1]], Tags=[{"Key": DISCOVERY}])
        print(f"  (tampered: removed {DISCOVERY} from {network['private'][1]})")


def after_up(session, endpoint: str, network: dict, render_dir: str, report: Report) -> None:
    ec2 = session.client("ec2", endpoint_url=endpoint)
    cluster = session.client("eks", endpoint_url=endpoint).describe_cluster(name=CLUSTER)["cluster"]
    vpc_config = cluster["resourcesVpcConfig"]
    cluster_sg = vpc_config.get("clusterSecurityGroupId") or ""
    report.check(vpc_config.get("vpcId") == network["vpc"], "the cluster is in the user's VPC",
                 f"{vpc_config.get('vpcId')} != {network['vpc']}")
    report.check(bool(cluster_sg), "DescribeCluster names the cluster security group")
    terms = selector_terms(render_dir, "securityGroupSelectorTerms")
    report.check(bool(terms), "the rendered EC2NodeClass has securityGroupSelectorTerms")
    karpenter = selected_groups(ec2, terms)
    karpenter_ids = {group["GroupId"] for group in karpenter}
    report.check(bool(karpenter_ids), "Karpenter's selector matches security groups",
                 f"terms {terms} match nothing")
    report.check(all(group["VpcId"] == network["vpc"] for group in karpenter),
                 "every group Karpenter selects is in the user's VPC")
    print(f"  Karpenter selects {sorted(karpenter_ids)} (terms {terms}); cluster security group {cluster_sg}")
    if karpenter_ids and cluster_sg:
        for protocol, port in PORTS:
            report.check(reaches(ec2, karpenter_ids, {cluster_sg}, protocol, port),
                         f"Karpenter nodes -> system nodes (cluster SG) on {protocol.upper()} {port}")
            report.check(reaches(ec2, {cluster_sg}, karpenter_ids, protocol, port),
                         f"system nodes (cluster SG) -> Karpenter nodes on {protocol.upper()} {port}")
    subnets = {item["SubnetId"]: tags_of(item) for item in
               ec2.describe_subnets(SubnetIds=network["private"] + network["public"])["Subnets"]}
    for subnet in network["private"]:
        tags = subnets[subnet]
        report.check(tags.get(DISCOVERY) == CLUSTER and "kubernetes.io/role/internal-elb" in tags,
                     f"private subnet {subnet} carries {DISCOVERY}={CLUSTER} and kubernetes.io/role/internal-elb",
                     f"tags {tags}")
    for subnet in network["public"]:
        tags = subnets[subnet]
        report.check("kubernetes.io/role/elb" in tags, f"public subnet {subnet} carries kubernetes.io/role/elb",
                     f"tags {tags}")
    subnet_terms = selector_terms(render_dir, "subnetSelectorTerms")
    discovered = selected_subnets(ec2, subnet_terms)
    report.check(discovered == set(network["private"]),
                 f"the EC2NodeClass's subnetSelectorTerms {subnet_terms} select exactly the user's private subnets",
                 f"{sorted(discovered)}")
    iam = session.client("iam", endpoint_url=endpoint)
    report.check(spot_role(iam), f"the Spot service-linked role {SPOT_ROLE} exists")
    logs = session.client("logs", endpoint_url=endpoint)
    name = f"/aws/eks/{CLUSTER}/cluster"
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name]
    retention = groups[0].get("retentionInDays") if groups else None
    report.check(retention == RETENTION_DAYS, f"log group {name} keeps events {RETENTION_DAYS} days",
                 f"found {[g['logGroupName'] for g in groups]} with retention {retention}")


def spot_role(iam) -> bool:
    try:
        role = iam.get_role(RoleName=SPOT_ROLE)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return False
    return role.get("Path", "").startswith("/aws-service-role/spot.amazonaws.com")


def after_down(session, endpoint: str, network: dict, report: Report) -> None:
    left = rel.tagged_leftovers(endpoint, CLUSTER)
    report.check(not left, "nothing tagged for the cluster is left (EC2 by tag filter, cluster, roles, queue, rules)",
                 "; ".join(left))
    events = session.client("events", endpoint_url=endpoint)
    rules = [rule["Name"] for rule in events.list_rules()["Rules"]]
    report.check(not rules, "no EventBridge rule is left", ", ".join(rules))
    logs = session.client("logs", endpoint_url=endpoint)
    groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=f"/aws/eks/{CLUSTER}/")["logGroups"]]
    report.check(not groups, "no log group is left", ", ".join(groups))
    ec2 = session.client("ec2", endpoint_url=endpoint)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [network["vpc"]]}])["Vpcs"]
    report.check(len(vpcs) == 1, f"the user's VPC {network['vpc']} still exists")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [network["vpc"]]}])["Subnets"]
    found = {item["SubnetId"]: tags_of(item) for item in subnets}
    report.check(set(found) == set(network["private"] + network["public"]),
                 "the user's four subnets still exist (and no other)", f"{sorted(found)}")
    for resource, tags in [(network["vpc"], tags_of(vpcs[0]) if vpcs else {})] + sorted(found.items()):
        before = network["tags"].get(resource)
        added = sorted(set(tags) - set(before or {}))
        lost = sorted(set(before or {}) - set(tags))
        report.check(tags == before, f"{resource} carries exactly the user's own tags again",
                     f"left behind {added}, lost {lost}")
    gateways = ec2.describe_internet_gateways(InternetGatewayIds=[network["igw"]])["InternetGateways"]
    report.check(bool(gateways) and gateways[0].get("Attachments", [{}])[0].get("VpcId") == network["vpc"],
                 "the user's internet gateway is still attached")
    nats = ec2.describe_nat_gateways(NatGatewayIds=[network["nat"]])["NatGateways"]
    report.check(bool(nats) and nats[0]["State"] == "available", "the user's NAT gateway is still available")
    tables = ec2.describe_route_tables(RouteTableIds=network["tables"])["RouteTables"]
    report.check(len(tables) == 2 and all(any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in t["Routes"])
                                          for t in tables), "the user's route tables keep their default routes")
    report.check(spot_role(session.client("iam", endpoint_url=endpoint)),
                 f"the Spot service-linked role {SPOT_ROLE} is still there (down never deletes it)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tamper", choices=["cluster-sg-rule", "subnet-tag"])
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, outputs)")
    args = parser.parse_args()
    started = time.monotonic()
    work = rel.scratch("aws-fidelity-")
    report = Report()
    try:
        with rel.Emulator(work) as emulator:
            session = boto3.session.Session(aws_access_key_id=rel.ACCESS_KEY, aws_secret_access_key=rel.SECRET_KEY,
                                            region_name=rel.REGION)
            network = make_user_network(session.client("ec2", endpoint_url=emulator.endpoint))
            print(f"user's network: {network['vpc']} ({VPC_CIDR}), private {network['private']}, "
                  f"public {network['public']} in {network['zones']}")
            config = write_config(work, network)
            environment = emulator.environment(os.path.join(work, "home"))
            render_dir = os.path.join(work, "kube")
            render = rel.run_platformctl(["render", "--config", config, "--output-dir", render_dir], environment,
                                         work, "render")
            if render.status != 0:
                print(f"platformctl render failed ({render.status}):\n{render.stderr[-2000:]}")
                return 1
            up = rel.run_platformctl(["up", "--config", config, "--yes"], environment, work, "up")
            print(f"platformctl up: exit {up.status} in {up.seconds:.1f} s")
            if not report.check(up.status == 0, "platformctl up succeeds", up.stderr[-2000:]):
                return 1
            if args.tamper:
                cluster_sg = session.client("eks", endpoint_url=emulator.endpoint).describe_cluster(
                    name=CLUSTER)["cluster"]["resourcesVpcConfig"].get("clusterSecurityGroupId", "")
                tamper(session.client("ec2", endpoint_url=emulator.endpoint), args.tamper, cluster_sg, network)
            print("after up (boto3):")
            after_up(session, emulator.endpoint, network, render_dir, report)
            down = rel.run_platformctl(["down", "--config", config, "--yes"], environment, work, "down")
            print(f"platformctl down: exit {down.status} in {down.seconds:.1f} s")
            report.check(down.status == 0, "platformctl down succeeds", down.stderr[-2000:])
            print("after down (boto3):")
            after_down(session, emulator.endpoint, network, report)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"aws-fidelity-e2e: {report.passed} passed, {report.failed} failed "
          f"in {time.monotonic() - started:.0f} s")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
