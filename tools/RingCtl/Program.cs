using RingCtl.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var context = new CliContext(Console.Out, Console.Error, Environment.CurrentDirectory, ansi: !Console.IsOutputRedirected)
{
    Input = Console.IsInputRedirected || Environment.GetEnvironmentVariable("CI") == "true" ? null : Console.In,
};
return await RingCtlApp.RunAsync(args, context, cancel.Token).ConfigureAwait(false);
