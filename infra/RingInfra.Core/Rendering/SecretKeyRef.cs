namespace RingInfra.Core.Rendering;

/// <summary>One key of a ring Secret and the shared-stack secret output it is filled from.</summary>
public sealed record SecretKeyRef(string Key, SecretSource Source, string SourceKey);
