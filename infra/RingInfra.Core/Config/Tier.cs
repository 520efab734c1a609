namespace RingInfra.Core.Config;

/// <summary>The ring's tier: it picks the resource defaults (doc 001's dev / staging / production table).</summary>
public enum Tier
{
    Dev,
    Staging,
    Production,
}
