using System.Diagnostics;

namespace RingCtl.Tests.Support;

/// <summary>Runs a process to completion and captures its exit code and output (git, bash, ringctl, kubectl).</summary>
public static class ProcessRunner
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(string file, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string?>? environment = null)
    {
        using var p = Start(file, args, workingDirectory, environment);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>Starts the process with its output redirected (a null environment value removes that variable).</summary>
    public static Process Start(string file, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        return Process.Start(psi)!;
    }
}
