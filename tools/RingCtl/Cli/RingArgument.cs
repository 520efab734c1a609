using System.CommandLine;

namespace RingCtl.Cli;

/// <summary>The optional list of ring names most commands take. A token that looks like an option is an error, not a ring.</summary>
public static class RingArgument
{
    public static Argument<string[]> Create(string description)
    {
        var argument = new Argument<string[]>("ring") { Description = description, Arity = ArgumentArity.ZeroOrMore };
        // The help shows <ring>, never the completions (which read the repository).
        argument.HelpName = "ring";
        argument.CompletionSources.Add(Commands.CompletionCommand.Rings);
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
        return argument;
    }
}
