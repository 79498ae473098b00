"""Static EKS catalogs: add-on versions per Kubernetes version, and the EKS access policies.

The add-on data is a hand-kept, realistic subset of what `aws eks describe-addon-versions` returned in late 2025 for
the four add-ons the platform installs. Each entry is (version, Kubernetes versions it supports, versions for which it
is the default). Versions are listed newest first, as EKS does.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable

KUBERNETES_VERSIONS = ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34"]

_ALL = KUBERNETES_VERSIONS

# addon name -> (type, requiresIamPermissions, [(version, supported k8s versions, default-for k8s versions)])
_ADDONS: dict[str, tuple[str, bool, list[tuple[str, list[str], list[str]]]]] = {
    "vpc-cni": (
        "networking",
        True,
        [
            ("v1.20.4-eksbuild.2", _ALL, ["1.34", "1.33"]),
            ("v1.20.1-eksbuild.3", _ALL, []),
            ("v1.19.6-eksbuild.7", _ALL, ["1.32", "1.31", "1.30"]),
            ("v1.19.2-eksbuild.1", _ALL, []),
            ("v1.18.6-eksbuild.1", _ALL, ["1.29", "1.28"]),
        ],
    ),
    "kube-proxy": (
        "networking",
        False,
        [
            ("v1.34.0-eksbuild.4", ["1.34"], ["1.34"]),
            ("v1.33.3-eksbuild.6", ["1.33"], ["1.33"]),
            ("v1.33.0-eksbuild.2", ["1.33"], []),
            ("v1.32.6-eksbuild.8", ["1.32"], ["1.32"]),
            ("v1.31.10-eksbuild.8", ["1.31"], ["1.31"]),
            ("v1.30.14-eksbuild.8", ["1.30"], ["1.30"]),
            ("v1.29.15-eksbuild.13", ["1.29"], ["1.29"]),
            ("v1.28.15-eksbuild.30", ["1.28"], ["1.28"]),
        ],
    ),
    "coredns": (
        "networking",
        False,
        [
            ("v1.12.3-eksbuild.1", ["1.34", "1.33"], ["1.34", "1.33"]),
            ("v1.12.1-eksbuild.2", ["1.34", "1.33"], []),
            ("v1.11.4-eksbuild.22", ["1.32", "1.31", "1.30", "1.29"], ["1.32", "1.31"]),
            ("v1.11.1-eksbuild.16", ["1.31", "1.30", "1.29"], ["1.30", "1.29"]),
            ("v1.10.1-eksbuild.38", ["1.29", "1.28"], ["1.28"]),
        ],
    ),
    "eks-pod-identity-agent": (
        "security",
        False,
        [
            ("v1.3.8-eksbuild.2", _ALL, ["1.34", "1.33", "1.32", "1.31", "1.30", "1.29", "1.28"]),
            ("v1.3.7-eksbuild.2", _ALL, []),
            ("v1.3.4-eksbuild.1", _ALL, []),
            ("v1.2.0-eksbuild.1", ["1.31", "1.30", "1.29", "1.28"], []),
        ],
    ),
}


def addon_names() -> list[str]:
    return sorted(_ADDONS)


def is_known_addon(name: str) -> bool:
    return name in _ADDONS


def addon_versions_for(name: str, kubernetes_version: str) -> list[str]:
    """Versions of `name` that support `kubernetes_version`, newest first."""
    return [v for v, supported, _ in _ADDONS[name][2] if kubernetes_version in supported]


def default_addon_version(name: str, kubernetes_version: str) -> str | None:
    for version, supported, defaults in _ADDONS[name][2]:
        if kubernetes_version in defaults and kubernetes_version in supported:
            return version
    versions = addon_versions_for(name, kubernetes_version)
    return versions[0] if versions else None


def describe_addon_versions(
    kubernetes_version: str | None, addon_name: str | None, types: list[str] | None,
    publishers: list[str] | None, owners: list[str] | None,
) -> list[dict[str, Any]]:
    """AddonInfo objects matching the filters (DescribeAddonVersions before pagination)."""
    result = []
    for name in addon_names():
        kind, needs_iam, versions = _ADDONS[name]
        if addon_name is not None and name != addon_name:
            continue
        if types and kind not in types:
            continue
        if publishers and "eks" not in publishers:
            continue
        if owners and "aws" not in owners:
            continue
        infos = []
        for version, supported, defaults in versions:
            clusters = [kubernetes_version] if kubernetes_version else sorted(supported, reverse=True)
            compatibilities = [
                {"clusterVersion": cv, "platformVersions": ["*"], "defaultVersion": cv in defaults}
                for cv in clusters
                if cv in supported
            ]
            if not compatibilities:
                continue
            infos.append({
                "addonVersion": version,
                "architecture": ["amd64", "arm64"],
                "computeTypes": ["ec2", "hybrid"],
                "compatibilities": compatibilities,
                "requiresConfiguration": False,
                "requiresIamPermissions": needs_iam,
            })
        if infos:
            result.append({
                "addonName": name,
                "type": kind,
                "addonVersions": infos,
                "publisher": "eks",
                "owner": "aws",
                "defaultNamespace": "kube-system",
            })
    return result


_ACCESS_POLICY_NAMES = [
    "AmazonAIOpsAssistantPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSComputeClusterPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSHybridPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
]


def access_policy_arn(name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:eks::aws:cluster-access-policy/{name}"


def access_policies(partition: str = "aws") -> list[dict[str, str]]:
    return [{"name": name, "arn": access_policy_arn(name, partition)} for name in _ACCESS_POLICY_NAMES]


def is_access_policy_arn(arn: str) -> bool:
    return any(arn == p["arn"] for p in access_policies(arn.split(":")[1] if arn.count(":") >= 2 else "aws"))


# Node AMI releases. EKS names a release of its Amazon Linux AMIs (AL2 and AL2023 alike) `<kubernetes patch>-<build
# date>` and a Bottlerocket release `<Bottlerocket version>-<commit>`; a node group's `releaseVersion` is one of them,
# and the newest of each family and minor is published in Parameter Store (see `release_family`, `public_parameter`).
# The history per minor, oldest first; the last is the one CreateNodegroup assigns unless a test publishes a newer one.
_AMI_RELEASES: dict[str, list[str]] = {
    "1.28": ["1.28.15-20251029", "1.28.15-20251112"], "1.29": ["1.29.15-20251029", "1.29.15-20251112"],
    "1.30": ["1.30.14-20251029", "1.30.14-20251112"], "1.31": ["1.31.13-20251029", "1.31.13-20251112"],
    "1.32": ["1.32.9-20251029", "1.32.9-20251112"], "1.33": ["1.33.5-20251029", "1.33.5-20251112"],
    "1.34": ["1.34.1-20251029", "1.34.1-20251112"],
}
# Bottlerocket ships one OS version for every Kubernetes variant.
_BOTTLEROCKET_RELEASES = ["1.49.0-713f44ce", "1.50.0-2a1f0e9c"]

AMAZON_LINUX = "amazon-linux"
BOTTLEROCKET = "bottlerocket"


def release_family(ami_type: str | None) -> str:
    """The release family of a node group's amiType: Bottlerocket types have their own versions; every other type the
    emulator accepts (AL2, AL2023, and Windows and CUSTOM, for which nothing is published) uses the Amazon Linux ones."""
    return BOTTLEROCKET if str(ami_type or "").startswith("BOTTLEROCKET_") else AMAZON_LINUX


def ami_releases(family: str, kubernetes_version: str) -> list[str]:
    """The built-in releases of `family` for a minor, oldest first (a minor outside the table gets one made up)."""
    if family == BOTTLEROCKET:
        return list(_BOTTLEROCKET_RELEASES)
    return list(_AMI_RELEASES.get(kubernetes_version, [f"{kubernetes_version}.0-20251112"]))


def nodegroup_release_version(kubernetes_version: str, family: str = AMAZON_LINUX) -> str:
    """The newest built-in release (without releases published by tests; see EksExtension.latest_release)."""
    return ami_releases(family, kubernetes_version)[-1]


# Public Parameter Store names EKS publishes the newest release under. Sources: the EKS user guide's "Retrieve
# recommended Amazon Linux AMI IDs" and "Retrieve recommended Bottlerocket AMI IDs" (the paths per AMI variant), the
# Systems Manager user guide's "Calling the EKS optimized AMI public parameter" (the `recommended` value carries
# `release_version`), and terraform-aws-eks's modules/eks-managed-node-group/main.tf (amiType -> parameter).
_EKS_PARAMETER = re.compile(
    r"^/aws/service/eks/optimized-ami/(1\.\d+)/(amazon-linux-2023/(?:x86_64|arm64)/(?:standard|nvidia)"
    r"|amazon-linux-2023/x86_64/neuron|amazon-linux-2|amazon-linux-2-arm64|amazon-linux-2-gpu)"
    r"/recommended(?:/(release_version|image_id|image_name))?$"
)
_BOTTLEROCKET_PARAMETER = re.compile(
    r"^/aws/service/bottlerocket/aws-k8s-(1\.\d+)(-nvidia|-fips)?/(x86_64|arm64)/latest/(image_version|image_id)$"
)


def _image_id(name: str, release: str) -> str:
    return "ami-" + hashlib.sha256(f"{name}|{release}".encode()).hexdigest()[:17]


def public_parameter(name: str, latest: Callable[[str, str], str]) -> str | None:
    """The value of a public EKS AMI parameter, given `latest(family, minor)`; `None` for any other name."""
    match = _EKS_PARAMETER.match(name)
    if match:
        minor, variant, leaf = match.groups()
        release = latest(AMAZON_LINUX, minor)
        image_name = f"amazon-eks-node-{variant.replace('/', '-')}-{minor}-v{release.rsplit('-', 1)[-1]}"
        image_id = _image_id(variant, release)
        values = {"release_version": release, "image_id": image_id, "image_name": image_name}
        if leaf:
            return values[leaf]
        return json.dumps({"schema_version": "2", **values}, separators=(",", ":"))
    match = _BOTTLEROCKET_PARAMETER.match(name)
    if match:
        minor, flavour, arch, leaf = match.groups()
        release = latest(BOTTLEROCKET, minor)
        return release if leaf == "image_version" else _image_id(f"bottlerocket-{minor}{flavour or ''}-{arch}", release)
    return None
