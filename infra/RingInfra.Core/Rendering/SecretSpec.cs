namespace RingInfra.Core.Rendering;

/// <summary>
/// A Secret the ring needs, as names only: the object's name and type, and for each key where its
/// value comes from in the shared stack's secret outputs (<see cref="SecretSource"/>). The Pulumi ring
/// stack fills the values from the StackReference; Core and renders never see them.
/// </summary>
public sealed record SecretSpec(string Name, string Type, IReadOnlyList<SecretKeyRef> Keys);
