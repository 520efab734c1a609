using RingCtl.Cli;

RunProfile.Start();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    // This runs on the runtime's signal thread: an exception escaping it aborts the process (exit 134) before the run
    // can close its operation. A cancellation callback that throws (a process that already exited, a disposed
    // resource) must not do that: every callback still runs, and the run ends as cancelled.
    try
    {
        cancel.Cancel(throwOnFirstException: false);
    }
    catch (AggregateException ex)
    {
        Console.Error.WriteLine($"ringctl: while cancelling: {ex.InnerException?.Message ?? ex.Message}");
    }
    catch (ObjectDisposedException)
    {
        // Ctrl+C after the run ended: nothing left to cancel.
    }
};

var setup = RunProfile.Phase("console setup");
var context = new CliContext(Console.Out, Console.Error, Environment.CurrentDirectory, ansi: !Console.IsOutputRedirected)
{
    Input = Console.IsInputRedirected || Environment.GetEnvironmentVariable("CI") == "true" ? null : Console.In,
};
setup.Dispose();
var code = await RingCtlApp.RunAsync(args, context, cancel.Token).ConfigureAwait(false);
RunProfile.Report(Console.Error);
return code;
