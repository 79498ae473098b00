import EKSAWS
import EKSKubernetes

/// The tag keys the platform writes and discovers by.
public enum PlatformTags {
    /// Every owned AWS resource carries `eksplatform.io/cluster=<cluster name>`.
    public static let cluster = "eksplatform.io/cluster"
    /// EC2 resources carry their logical ``ResourceID`` (`kind/name`) so rediscovery maps them back.
    public static let resource = "eksplatform.io/resource"
    /// Karpenter's subnet and security group discovery tag.
    public static let karpenterDiscovery = "karpenter.sh/discovery"
    /// Public subnets for internet-facing load balancers.
    public static let elbRole = "kubernetes.io/role/elb"
    /// Private subnets for internal load balancers.
    public static let internalELBRole = "kubernetes.io/role/internal-elb"
    /// The EC2 `Name` tag.
    public static let name = "Name"

    /// `kubernetes.io/cluster/<name>`, which Karpenter and the cloud provider set on instances they launch.
    public static func kubernetesCluster(_ cluster: String) -> String { "kubernetes.io/cluster/\(cluster)" }
    /// Karpenter tags its launch templates with `karpenter.k8s.aws/cluster=<name>`.
    public static let karpenterLaunchTemplateCluster = "karpenter.k8s.aws/cluster"
}
