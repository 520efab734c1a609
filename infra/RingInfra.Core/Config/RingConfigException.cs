namespace RingInfra.Core.Config;

/// <summary>Configuration that cannot be used; carries every problem found, not just the first.</summary>
public sealed class RingConfigException : Exception
{
    public RingConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.Message)))
    {
        Problems = problems;
    }

    public RingConfigException(string message)
        : base(message)
    {
        Problems = [];
    }

    public IReadOnlyList<ConfigProblem> Problems { get; }
}
