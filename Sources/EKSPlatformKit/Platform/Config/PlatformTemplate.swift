import EKSAWS
import EKSKubernetes

/// The commented example `platform.yaml` that `platformctl init` writes.
public enum PlatformTemplate {
    /// The example for cluster `name` in `region`; every optional field shows its default. `fluxPin` is the `flux:`
    /// line from ``FluxRelease/pinLine(for:)`` when the manifest could be downloaded; without it the line is left
    /// unpinned with a comment saying that `up` refuses it until it is pinned.
    public static func yaml(name: String = "dev", region: String = "us-west-2", fluxPin: String? = nil) -> String {
        let flux =
            fluxPin.map { "\($0)   # pinned by platformctl init: the SHA-256 of install.yaml as downloaded (trust on first use)" }
            ?? "flux: { version: v2.9.4 }                # not pinned yet: `platformctl pin-flux` prints the sha256 line; up refuses an unpinned manifest"
        return
            """
            # platform.yaml: the one input for platformctl (schema eksplatform.io/v1alpha1).
            #   platformctl validate   # check this file (no AWS calls)
            #   platformctl plan       # what `up` would change, with reasons
            #   platformctl up         # create or update the platform; run it again to resume after a failure
            #   platformctl down       # tear everything down, Karpenter nodes included
            # Every field below spec.region is optional; the values shown are the defaults unless noted.
            apiVersion: eksplatform.io/v1alpha1
            kind: Platform
            metadata:
              name: \(name)                         # the EKS cluster name: RFC 1123 label, at most 100 characters
            spec:
              region: \(region)                  # required
              kubernetesVersion: "1.33"          # quote it so YAML keeps it a string
              network:
                vpcCIDR: 10.42.0.0/16            # /16 to /23; subnets are carved from it deterministically
                availabilityZones: 3             # a count (2-6) or a list, e.g. [\(region)a, \(region)b]
                natGateways: single              # single | perZone
                # existing: { vpcID: vpc-0123456789abcdef0, privateSubnetIDs: [subnet-…, subnet-…], publicSubnetIDs: [] }
              endpointAccess: { public: true, private: true, publicCIDRs: [0.0.0.0/0] }
              systemNodeGroup:                   # the managed node group for add-ons, Flux and Karpenter only
                instanceTypes: [m6i.large]
                size: { min: 2, desired: 2, max: 3 }   # min <= desired <= max; desired applies at creation only
                amiType: AL2023_x86_64_STANDARD
                taint: { key: CriticalAddonsOnly, value: "true", effect: NoSchedule }   # NoSchedule | PreferNoSchedule | NoExecute
                labels: { eksplatform.io/pool: system }
              # eks-pod-identity-agent is needed by Karpenter; { name: coredns, version: v1.12.1-eksbuild.2 } pins a version
              addons: [vpc-cni, kube-proxy, coredns, eks-pod-identity-agent]
              access:
                admins: [ { role: PlatformAdmin } ]   # role names (ARNs are built from the account id at run time) or { arn: … }
              karpenter:
                version: 1.14.1
                nodeClass: { amiAlias: al2023@latest }
                nodePool:
                  capacityTypes: [on-demand]             # on-demand | spot | reserved
                  instanceCategories: [c, m, r]
                  cpuLimit: 100                          # a Kubernetes quantity
                  consolidateAfter: 1m                   # a duration (30s, 1m, 1h) or Never
                interruptionQueue: true                  # SQS queue + EventBridge rules for spot interruptions
              gitops:                                    # remove this section to install no Flux
                \(flux)
                repository: { url: ssh://git@github.com/acme/platform.git, branch: main, path: kube/clusters/\(name) }
                credentials: { sshPrivateKey: "op://Platform/flux-deploy-key/private key" }   # or { file: ~/.ssh/flux }
              tags: { team: platform }                   # added to every AWS resource
              controlPlaneLogs:                          # CloudWatch log group /aws/eks/<name>/cluster
                types: [api, audit, authenticator]       # also controllerManager, scheduler; [] sends none
                retentionDays: 90
                keepOnDown: false                        # true leaves the group and its events after down
            """ + "\n"
    }
}
