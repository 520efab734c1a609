namespace RingCtl.Preview;

/// <summary>A preview of a change for every ring it affects: the comment posted on the pull request.</summary>
public sealed record PreviewReport
{
    public required string Base { get; init; }

    public required string Head { get; init; }

    public required bool Offline { get; init; }

    public required IReadOnlyList<string> ChangedPaths { get; init; }

    public required IReadOnlyList<RingPreview> Rings { get; init; }

    /// <summary>Why the rings are affected (path → ring or every ring).</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Notes for the reader (e.g. that an infra/ change is rendered with this ringctl's Core offline).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool HasErrors => Rings.Any(r => r.Error is not null);
}
