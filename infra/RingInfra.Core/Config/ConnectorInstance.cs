namespace RingInfra.Core.Config;

/// <summary>
/// A ring-scoped connector instance (doc 001): the endpoint this ring talks to and the name of the
/// credential it uses. The credential's value lives in the shared stack's secrets; only its name is here.
/// </summary>
public sealed record ConnectorInstance(string Name, string InstanceUrl, string Credential);
