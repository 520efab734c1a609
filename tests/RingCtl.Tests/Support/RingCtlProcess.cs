using System.Diagnostics;

namespace RingCtl.Tests.Support;

/// <summary>ringctl as a separate process (the build next to the tests), for what must really exit: the crash suite.</summary>
public static class RingCtlProcess
{
    public static (int Code, string Out, string Err) Run(string root, IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ringctl.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["RINGCTL_ROOT"] = root;
        psi.Environment.Remove("RINGCTL_CRASH_AT");
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
