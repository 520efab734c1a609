namespace RingInfra.Core.Locks;

/// <summary>One pinned module: alias (e.g. <c>orders</c>), version, release artifact and its sha256.</summary>
public sealed record LockedModule(string Alias, SemanticVersion Version, string Artifact, string Sha256);
