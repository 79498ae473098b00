import EKSPlatformKit

print(EKSPlatformKit.version)
