#!/usr/bin/env python3
"""Helpers for scripts/bench-ec2-decode.

  ec2_describe_instances.py generate OUT [INSTANCES]   write a DescribeInstances response (EC2 query XML)
  ec2_describe_instances.py botocore FILE [ITERATIONS] time botocore's EC2QueryParser on FILE

The generated document has the shape EC2 (and moto) send: reservations of 100 instances, each instance with
block devices, a network interface, tags, placement, state and metadata options. Ids are derived from a seeded
random generator so every run parses the same bytes.
"""
import random
import resource
import statistics
import sys
import time

INSTANCE = (
    "<item><instanceId>{iid}</instanceId><imageId>ami-001be10bf7fac851e</imageId>"
    "<instanceState><code>16</code><name>running</name></instanceState>"
    "<privateDnsName>ip-{ipd}.us-west-2.compute.internal</privateDnsName><dnsName/><reason/>"
    "<amiLaunchIndex>{index}</amiLaunchIndex><productCodes/><instanceType>{itype}</instanceType>"
    "<launchTime>2026-11-24T21:55:{sec:02d}.000Z</launchTime>"
    "<placement><availabilityZone>{az}</availabilityZone><groupName/><tenancy>default</tenancy></placement>"
    "<monitoring><state>disabled</state></monitoring><subnetId>{subnet}</subnetId><vpcId>vpc-46dbfd12b08762ddf</vpcId>"
    "<privateIpAddress>{ip}</privateIpAddress>"
    "<groupSet><item><groupId>sg-4a2d52ce5ecc82012</groupId><groupName>nodes</groupName></item></groupSet>"
    "<architecture>x86_64</architecture>"
    "<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>"
    "<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>{vol}</volumeId>"
    "<status>attached</status><attachTime>2026-11-24T21:55:{sec:02d}.000Z</attachTime>"
    "<deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>"
    "<virtualizationType>hvm</virtualizationType><clientToken>{token}</clientToken>"
    "<tagSet><item><key>karpenter.sh/nodepool</key><value>default</value></item>"
    "<item><key>eksplatform.io/cluster</key><value>demo</value></item>"
    "<item><key>Name</key><value>demo-node-{index}</value></item></tagSet>"
    "<hypervisor>xen</hypervisor>"
    "<networkInterfaceSet><item><networkInterfaceId>{eni}</networkInterfaceId><subnetId>{subnet}</subnetId>"
    "<vpcId>vpc-46dbfd12b08762ddf</vpcId>"
    "<ownerId>123456789012</ownerId><status>in-use</status><macAddress>02:00:00:{mac}</macAddress>"
    "<privateIpAddress>{ip}</privateIpAddress><privateDnsName>ip-{ipd}.us-west-2.compute.internal</privateDnsName>"
    "<groupSet><item><groupId>sg-4a2d52ce5ecc82012</groupId>"
    "<groupName>nodes</groupName></item></groupSet><attachment><attachmentId>eni-attach-{hex}</attachmentId>"
    "<deviceIndex>0</deviceIndex><status>attached</status><attachTime>2026-11-24T21:55:{sec:02d}.000Z</attachTime>"
    "<deleteOnTermination>true</deleteOnTermination><networkCardIndex>0</networkCardIndex></attachment>"
    "<privateIpAddressesSet><item><privateIpAddress>{ip}</privateIpAddress><primary>true</primary></item>"
    "</privateIpAddressesSet>"
    "<ipv6AddressesSet/><interfaceType>interface</interfaceType></item></networkInterfaceSet>"
    "<iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/KarpenterNodeInstanceProfile-demo</arn>"
    "<id>AIPAEXAMPLEPROFILE0001</id></iamInstanceProfile><ebsOptimized>false</ebsOptimized>"
    "<enaSupport>true</enaSupport><sriovNetSupport>simple</sriovNetSupport>"
        "<metadataOptions><state>applied</state><httpTokens>required</httpTokens>"
    "<httpPutResponseHopLimit>2</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint>"
    "</metadataOptions><platformDetails>Linux/UNIX</platformDetails></item>"
)


def generate(out, count):
    rng = random.Random(42)
    hexid = lambda n: "".join(rng.choice("0123456789abcdef") for _ in range(n))
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse '
             'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>' + hexid(8) + "-bench</requestId>"
             "<reservationSet>"]
    for start in range(0, count, 100):
        parts.append("<item><reservationId>r-%s</reservationId><ownerId>123456789012</ownerId><groupSet/>"
                     "<instancesSet>" % hexid(17))
        for index in range(start, min(count, start + 100)):
            a, b = 16 + index // 250, index % 250 + 4
            parts.append(INSTANCE.format(
                iid="i-" + hexid(17), ipd="10-0-%d-%d" % (a, b), ip="10.0.%d.%d" % (a, b), index=index,
                itype=rng.choice(["m5.large", "m6i.xlarge", "c6g.2xlarge", "r6a.large"]), sec=index % 60,
                az=rng.choice(["us-west-2a", "us-west-2b", "us-west-2c"]), subnet="subnet-" + hexid(17),
                vol="vol-" + hexid(17), token=hexid(32), eni="eni-" + hexid(17),
                mac=":".join(hexid(2) for _ in range(3)), hex=hexid(17)))
        parts.append("</instancesSet><requesterId>AIDAEXAMPLE</requesterId></item>")
    parts.append("</reservationSet></DescribeInstancesResponse>")
    with open(out, "w") as handle:
        handle.write("".join(parts))


def bench_botocore(path, iterations):
    import botocore.parsers
    import botocore.session

    body = open(path, "rb").read()
    operation = botocore.session.get_session().get_service_model("ec2").operation_model("DescribeInstances")
    parser = botocore.parsers.EC2QueryParser()
    times, count = [], 0
    for _ in range(iterations):
        start = time.perf_counter()
        parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, operation.output_shape)
        times.append((time.perf_counter() - start) * 1000)
        count = sum(len(r.get("Instances", [])) for r in parsed.get("Reservations", []))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("mode=botocore bytes=%d iterations=%d median_ms=%.2f best_ms=%.2f count=%d peak_rss_kib=%d"
          % (len(body), iterations, statistics.median(times), min(times), count, peak))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    elif len(sys.argv) >= 3 and sys.argv[1] == "botocore":
        bench_botocore(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    else:
        sys.exit(__doc__)
