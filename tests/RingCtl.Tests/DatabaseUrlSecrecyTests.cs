using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// The secret canary suite, for the registry's address: every form a password can take in
/// <c>RINGCTL_DATABASE_URL</c>, valid or not, reachable or not — no part of it appears in anything ringctl prints.
/// </summary>
public sealed class DatabaseUrlSecrecyTests
{
    [Theory]
    [InlineData("postgres://ringctl:CANARY-url-74@127.0.0.1:1/ringinfra", ExitCodes.Infrastructure, "CANARY-url-74")]
    [InlineData("postgresql://ringctl:CANARY%40enc-77@127.0.0.1:1/ringinfra", ExitCodes.Infrastructure, "CANARY@enc-77|CANARY%40enc-77")]
    [InlineData("postgres://ringctl:CANARY@at-pw@127.0.0.1:1/ringinfra", ExitCodes.Usage, "CANARY@at-pw|at-pw")]
    [InlineData("Host=127.0.0.1;Port=1;Database=ringinfra;Username=ringctl;Pwd=CANARY-pwd-71", ExitCodes.Infrastructure, "CANARY-pwd-71")]
    [InlineData("Host=127.0.0.1;Port=1;Database=ringinfra;Username=ringctl;PSW=CANARY-psw-72", ExitCodes.Infrastructure, "CANARY-psw-72")]
    [InlineData("Host=127.0.0.1;Port=1;Database=ringinfra;Username=ringctl;Password=\"CANARY;quoted-part;73\"", ExitCodes.Infrastructure, "CANARY|quoted-part")]
    [InlineData("Host=127.0.0.1;Password=CANARY-bad-75;Bogus Key=1", ExitCodes.Usage, "CANARY-bad-75")]
    [InlineData("Host=127.0.0.1;Password='CANARY;unclosed-76", ExitCodes.Usage, "CANARY|unclosed-76")]
    [InlineData("postgres://ringctl:CANARY-host-78@:5432/ringinfra", ExitCodes.Usage, "CANARY-host-78")]
    [InlineData("postgres://ringctl:CANARY-ssl-79@127.0.0.1:1/ringinfra?sslmode=bogus", ExitCodes.Usage, "CANARY-ssl-79")]
    public async Task NoPartOfThePassword_IsPrinted(string url, int exitCode, string fragments)
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        foreach (var json in new[] { false, true })
        {
            var result = await RingCtlRunner.RunAsync(repo.Root, new CliContextOptions(url), json ? ["ring", "list", "--json"] : ["ring", "list"]);
            result.ExitCode.ShouldBe(exitCode, result.Err);
            var printed = result.Out + result.Err;
            printed.ShouldNotContain("CANARY");
            foreach (var fragment in fragments.Split('|'))
            {
                printed.ShouldNotContain(fragment);
            }

            if (exitCode == ExitCodes.Infrastructure)
            {
                result.ErrLines.Last().ShouldStartWith("ringctl: registry (host 127.0.0.1, port 1, database ringinfra, user ringctl): ");
            }
        }
    }
}
