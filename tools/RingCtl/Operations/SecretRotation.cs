namespace RingCtl.Operations;

/// <summary>
/// What <c>secrets rotate</c> changes: the app secret keys, the imported ones' new values (full config key → value; never
/// logged) and the URNs of the generated ones' Pulumi.Random resources, which the shared update replaces.
/// </summary>
public sealed record SecretRotation(IReadOnlyList<string> Keys, IReadOnlyList<KeyValuePair<string, string>> Imported, IReadOnlyList<string> Replace)
{
    /// <summary>Keeps the imported values out of any text made from this record.</summary>
    public override string ToString() => $"rotate {string.Join(",", Keys)}";
}
