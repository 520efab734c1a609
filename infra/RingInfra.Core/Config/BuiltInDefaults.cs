using System.Text.Json.Nodes;

namespace RingInfra.Core.Config;

/// <summary>
/// The lowest config layer: what a ring gets when neither <c>Pulumi.yaml</c> nor its stack file says
/// otherwise. Keys with no sensible default (promotion order, tier) are absent and therefore required.
/// </summary>
public static class BuiltInDefaults
{
    /// <summary>A fresh copy of the defaults (callers may merge into it).</summary>
    public static JsonObject Layer() => new()
    {
        [ConfigKeys.Description] = "",
        [ConfigKeys.Default] = false,
        [ConfigKeys.Active] = true,
        [ConfigKeys.BakeTime] = "24h",
        [ConfigKeys.Protected] = false,
        [ConfigKeys.Approvers] = new JsonArray(),
        [ConfigKeys.FreezeWindows] = new JsonArray(),
        [ConfigKeys.Tenants] = new JsonArray(),
        [ConfigKeys.Env] = new JsonObject(),
        [ConfigKeys.FeatureFlags] = new JsonObject(),
        [ConfigKeys.Connectors] = new JsonObject(),
        [ConfigKeys.Workloads] = new JsonObject(),
        [ConfigKeys.SharedNamespace] = "autocom",
        [ConfigKeys.SharedStack] = "organization/ring-infra-shared/shared",
        [ConfigKeys.IngressClass] = "nginx",
        [ConfigKeys.IngressNamespace] = "ingress-nginx",
        [ConfigKeys.NginxImage] = "nginxinc/nginx-unprivileged:1.27-alpine",
        [ConfigKeys.PsaVersion] = "v1.32",
        [ConfigKeys.IngressController] = "ingress-nginx",
        [ConfigKeys.DualStack] = false,
    };
}
