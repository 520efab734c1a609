using System.Text;
using System.Text.Json.Nodes;

namespace RingInfra.Core.Shared;

/// <summary>The <c>.dockerconfigjson</c> document of an image-pull Secret.</summary>
public static class DockerConfig
{
    /// <summary>One registry's credentials; with no token, an empty document (public images only).</summary>
    public static string Json(string server, string username, string? token)
    {
        var auths = new JsonObject();
        if (!string.IsNullOrEmpty(token))
        {
            auths[server] = new JsonObject
            {
                ["username"] = username,
                ["password"] = token,
                ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{token}")),
            };
        }

        return new JsonObject { ["auths"] = auths }.ToJsonString();
    }
}
