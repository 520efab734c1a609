namespace RingCtl.Tests.Support;

/// <summary>ringctl as a separate process (the build next to the tests), for what must really exit: the crash suite.</summary>
public static class RingCtlProcess
{
    public static (int Code, string Out, string Err) Run(string root, IDictionary<string, string> env, params string[] args)
    {
        var environment = new Dictionary<string, string?>(env.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
        {
            ["RINGCTL_ROOT"] = root,
        };
        environment.TryAdd("RINGCTL_CRASH_AT", null);
        var r = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ringctl.dll"), .. args], root, environment);
        return (r.Code, r.Out, r.Err);
    }
}
