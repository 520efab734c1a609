using RingCtl.Stacks;

namespace RingCtl.Tests;

public sealed class StackSeamTests
{
    [Theory]
    [InlineData("[\"acme\",\"007\"]", "[\"acme\",\"007\"]")]
    [InlineData("false", "false")]
    [InlineData("{\"LOG_LEVEL\":\"debug\"}", "{\"LOG_LEVEL\":\"debug\"}")]
    [InlineData("plain text", "\"plain text\"")]
    public void StackConfigFile_TakesJsonText_AndAnythingElseAsAString(string value, string json)
    {
        StackConfigFile.Parse(value)!.ToJsonString().ShouldBe(json);
    }

    [Fact]
    public void StackEnvironment_DefaultsToALocalBackendAndAPrivatePassphrase()
    {
        var root = Directory.CreateTempSubdirectory("ringctl-env").FullName;
        try
        {
            var vars = StackEnvironment.For(root, _ => null);
            vars["PULUMI_BACKEND_URL"].ShouldBe("file://" + Path.Combine(root, ".pulumi-state"));
            var passphrase = vars["PULUMI_CONFIG_PASSPHRASE_FILE"]!;
            File.ReadAllText(passphrase).Length.ShouldBe(44);
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(passphrase).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            StackEnvironment.For(root, _ => null)["PULUMI_CONFIG_PASSPHRASE_FILE"].ShouldBe(passphrase);
            File.ReadAllText(passphrase).ShouldBe(File.ReadAllText(passphrase), "kept, not regenerated");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void StackEnvironment_LeavesTheUsersBackendAndPassphraseAlone()
    {
        var vars = StackEnvironment.For("/nonexistent", k => k switch { "PULUMI_BACKEND_URL" => "https://api.pulumi.com", "PULUMI_CONFIG_PASSPHRASE" => "x", _ => null });
        vars.ShouldBeEmpty();
    }

    [Fact]
    public async Task UnavailableRunner_SaysWhyAndWhereToLook()
    {
        var runner = new UnavailableStackRunner("the Pulumi CLI is not installed (no `pulumi` on PATH)");
        var e = await Should.ThrowAsync<StackRunnerUnavailableException>(() => runner.UpdateAsync(StackId.Ring("canary"), new Progress<string>(), default));
        e.Message.ShouldBe("cannot update stacks here: the Pulumi CLI is not installed (no `pulumi` on PATH). `./ringctl plan` shows what would be deployed; --dry-run previews an operation offline");
    }
}
