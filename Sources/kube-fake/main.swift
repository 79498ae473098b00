import KubeFake

print("kube-fake \(KubeFakeInfo.minorVersion)")
