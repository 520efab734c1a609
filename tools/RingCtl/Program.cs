using RingCtl.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var context = new CliContext(Console.Out, Console.Error, Environment.CurrentDirectory, ansi: !Console.IsOutputRedirected);
return await RingCtlApp.RunAsync(args, context, cancel.Token).ConfigureAwait(false);
