namespace RingInfra.Core.Rendering;

/// <summary>Which secret output of the shared stack a ring Secret key is read from.</summary>
public enum SecretSource
{
    /// <summary>The <c>secrets</c> map (APP_KEY, DB credentials, registry token, OAuth keys…).</summary>
    AppSecrets,

    /// <summary>The <c>imagePullConfig</c> output (a .dockerconfigjson document).</summary>
    ImagePull,

    /// <summary>The <c>connectorCredentials</c> map, by credential name.</summary>
    ConnectorCredentials,
}
