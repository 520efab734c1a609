namespace RingCtl.Cli;

/// <summary>Asks before changing things; <c>--yes</c> skips it, and without an interactive terminal <c>--yes</c> is required.</summary>
public static class Confirmation
{
    public static void Require(CliContext context, string question, bool yes)
    {
        if (yes)
        {
            return;
        }

        if (context.Input is null)
        {
            throw new CommandException(ExitCodes.Usage, $"{question} — confirmation needed and there is no interactive terminal: pass --yes");
        }

        context.Err.Write($"{question} [y/N] ");
        var answer = context.Input.ReadLine()?.Trim();
        if (answer is not ("y" or "Y" or "yes"))
        {
            throw new CommandException(ExitCodes.Usage, "cancelled: nothing was changed");
        }
    }
}
