#!/usr/bin/env python3
"""What the demo shows of the AWS side, read with boto3 (an independent client): `instances` lists the live EC2
instances Karpenter launched for CLUSTER; `all` counts what is left for it (live instances, launch templates,
everything tagged for it, the cluster, roles, queue, rules, log group, run lock). Usage: inventory-brief.py ENDPOINT CLUSTER instances|all"""
import os
import sys

import boto3

endpoint, cluster, what = sys.argv[1], sys.argv[2], sys.argv[3]
session = boto3.Session(aws_access_key_id="AKIADEMOEXAMPLE00001", aws_secret_access_key="x", region_name="us-west-2")
ec2 = session.client("ec2", endpoint_url=endpoint)
live = ["pending", "running", "stopping", "stopped"]
reservations = ec2.describe_instances(Filters=[{"Name": f"tag:kubernetes.io/cluster/{cluster}", "Values": ["owned"]},
                                               {"Name": "instance-state-name", "Values": live}])["Reservations"]
instances = [i for r in reservations for i in r["Instances"]]
if what == "instances":
    for instance in instances:
        tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
        print(f"  instance {instance['InstanceId']} {instance['InstanceType']} {instance['State']['Name']} in "
              f"{instance.get('SubnetId')}: nodepool={tags.get('karpenter.sh/nodepool')} "
              f"nodeclaim={tags.get('karpenter.sh/nodeclaim')} ec2nodeclass={tags.get('karpenter.k8s.aws/ec2nodeclass')}")
    print(f"  {len(instances)} Karpenter instance(s) in the emulator")
    sys.exit(0)
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import reliability  # noqa: E402  (the crash runs' independent boto3 inventory)

left = reliability.tagged_leftovers(endpoint, cluster)
logs = session.client("logs", endpoint_url=endpoint).describe_log_groups(logGroupNamePrefix=f"/aws/eks/{cluster}/")
left += [f"log group {group['logGroupName']}" for group in logs["logGroups"]]
ssm = session.client("ssm", endpoint_url=endpoint)
left += [f"parameter {p['Name']}" for p in ssm.describe_parameters()["Parameters"] if p["Name"].startswith(f"/platformctl/{cluster}/")]
print(f"boto3 inventory after down: {len(left)} left for {cluster} (instances, launch templates, everything tagged "
      f"for it in EC2, the cluster, roles, instance profiles, queue, rules, log group, lock)"
      + "".join(f"\n  left: {item}" for item in left))
sys.exit(1 if left else 0)
