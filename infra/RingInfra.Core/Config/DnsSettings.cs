namespace RingInfra.Core.Config;

/// <summary>
/// Where the ring's pods may send DNS: the cluster DNS pods (CoreDNS in kube-system by default;
/// <c>openshift-dns</c> / <c>dns.operator.openshift.io/daemonset-dns: default</c> on OpenShift), and
/// optional address blocks such as NodeLocal DNSCache's link-local address (<c>169.254.20.10/32</c>).
/// </summary>
public sealed record DnsSettings(string Namespace, IReadOnlyList<KeyValuePair<string, string>> PodLabels, int Port, IReadOnlyList<string> IpBlocks);
