#!/usr/bin/env python3
"""Plant, in the local AWS emulator, what Karpenter and the cluster's controllers leave behind for a cluster.

Used by the engine's teardown tests and the reliability scripts to prove that `platformctl down` leaves nothing:
instances launched by a NodePool, Karpenter's launch templates, an instance profile Karpenter created for the node
role, a detached ENI (as the VPC CNI leaves them) and a security group tagged for the cluster (as the load balancer
controller creates them). Everything is tagged the way the real controllers tag it. Uses boto3 (the independent
client) against the emulator only; refuses any endpoint that is not on 127.0.0.1.

Usage: plant_karpenter_leftovers.py ENDPOINT REGION CLUSTER VPC_ID SUBNET_ID NODE_ROLE_NAME [INSTANCES]
Prints a JSON object with the planted ids.
"""
import json
import sys
from urllib.parse import urlparse

import boto3


def main() -> int:
    if len(sys.argv) not in (7, 8):
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, region, cluster, vpc_id, subnet_id, node_role = sys.argv[1:7]
    count = int(sys.argv[7]) if len(sys.argv) == 8 else 3
    if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost"):
        print(f"refusing non-loopback endpoint {endpoint}", file=sys.stderr)
        return 2
    session = boto3.session.Session(
        aws_access_key_id="AKIAPLANTEXAMPLE0001", aws_secret_access_key="plant-secret-not-real", region_name=region
    )
    ec2 = session.client("ec2", endpoint_url=endpoint)
    iam = session.client("iam", endpoint_url=endpoint)
    cluster_tag = f"kubernetes.io/cluster/{cluster}"

    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    reservation = ec2.run_instances(
        ImageId=image,
        MinCount=count,
        MaxCount=count,
        InstanceType="m7i.large",
        SubnetId=subnet_id,
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [
                    {"Key": cluster_tag, "Value": "owned"},
                    {"Key": "karpenter.sh/nodepool", "Value": "default"},
                    {"Key": "karpenter.k8s.aws/ec2nodeclass", "Value": "default"},
                    {"Key": "eks:eks-cluster-name", "Value": cluster},
                ],
            }
        ],
    )
    instances = [i["InstanceId"] for i in reservation["Instances"]]

    templates = []
    for index in range(2):
        created = ec2.create_launch_template(
            LaunchTemplateName=f"karpenter.k8s.aws/{cluster}-{index:020d}",
            LaunchTemplateData={"ImageId": image, "InstanceType": "m7i.large"},
            TagSpecifications=[
                {
                    "ResourceType": "launch-template",
                    "Tags": [
                        {"Key": "karpenter.k8s.aws/cluster", "Value": cluster},
                        {"Key": "karpenter.sh/managed-by", "Value": cluster},
                        {"Key": cluster_tag, "Value": "owned"},
                    ],
                }
            ],
        )
        templates.append(created["LaunchTemplate"]["LaunchTemplateId"])

    profile = f"{cluster}_1234567890123456789"
    iam.create_instance_profile(
        InstanceProfileName=profile,
        Tags=[
            {"Key": cluster_tag, "Value": "owned"},
            {"Key": "karpenter.k8s.aws/ec2nodeclass", "Value": "default"},
            {"Key": "topology.kubernetes.io/region", "Value": region},
            {"Key": "eks:eks-cluster-name", "Value": cluster},
        ],
    )
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=node_role)

    eni = ec2.create_network_interface(
        SubnetId=subnet_id,
        Description="aws-K8S-i-0123456789abcdef0",
        TagSpecifications=[
            {
                "ResourceType": "network-interface",
                "Tags": [{"Key": "cluster.k8s.amazonaws.com/name", "Value": cluster}],
            }
        ],
    )["NetworkInterface"]["NetworkInterfaceId"]

    group = ec2.create_security_group(
        GroupName=f"k8s-elb-{cluster}",
        Description="Security group for a Kubernetes ELB",
        VpcId=vpc_id,
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": cluster_tag, "Value": "owned"}]}
        ],
    )["GroupId"]

    print(
        json.dumps(
            {
                "instances": instances,
                "launchTemplates": templates,
                "instanceProfile": profile,
                "networkInterface": eni,
                "securityGroup": group,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
