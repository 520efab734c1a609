using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The PSA checker agrees, file by file, with kubernetes/pod-security-admission's v1.32 fixtures.</summary>
public sealed class PsaCorpusTests
{
    public static TheoryData<string> PassFiles() => Files("restricted/v1.32/pass");

    public static TheoryData<string> FailFiles()
    {
        var data = Files("restricted/v1.32/fail");
        foreach (var f in Files("baseline/v1.32/fail"))
        {
            data.Add(f);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(PassFiles))]
    public void RestrictedPassFixture_PassesRestricted(string file)
    {
        var violations = Check(file);
        violations.ShouldBeEmpty($"{file} is a restricted/pass fixture but got: {string.Join("; ", violations)}");
    }

    [SkippableTheory]
    [MemberData(nameof(FailFiles))]
    public void FailFixture_FailsRestricted_ForTheRuleItIsNamedAfter(string file)
    {
        var violations = Check(file);
        violations.ShouldNotBeEmpty($"{file} is a fail fixture but passed");
        var expected = RuleFor(Path.GetFileNameWithoutExtension(file).TrimEnd("0123456789".ToCharArray()));
        violations.Select(v => v.Rule).ShouldContain(expected, $"{file}: got {string.Join("; ", violations)}");
    }

    private static string RuleFor(string fixture) => fixture switch
    {
        "allowprivilegeescalation" => "psa-restricted/allowPrivilegeEscalation",
        "apparmorprofile" => "psa-baseline/appArmorProfile",
        "capabilities_baseline" => "psa-baseline/capabilities",
        "capabilities_restricted" => "psa-restricted/capabilities",
        "hostnamespaces" => "psa-baseline/hostNamespaces",
        "hostpathvolumes" => "psa-baseline/hostPathVolumes",
        "hostports" => "psa-baseline/hostPorts",
        "privileged" => "psa-baseline/privileged",
        "procmount" => "psa-baseline/procMount",
        "restrictedvolumes" => "psa-restricted/volumes",
        "runasnonroot" => "psa-restricted/runAsNonRoot",
        "runasuser" => "psa-restricted/runAsUser",
        "seccompprofile_baseline" => "psa-baseline/seccompProfile",
        "seccompprofile_restricted" => "psa-restricted/seccompProfile",
        "selinuxoptions" => "psa-baseline/seLinuxOptions",
        "sysctls" => "psa-baseline/sysctls",
        "windowshostprocess" => "psa-baseline/windowsHostProcess",
        _ => throw new InvalidOperationException($"no rule known for fixture '{fixture}'"),
    };

    [SkippableFact]
    public void Corpus_HasEveryFixtureUpstreamShips()
    {
        Skip.If(Repo.Shared is null, "../shared/testdata/psa-v1.32 is absent: the upstream PSA corpus cannot be checked");
        PassFiles().Count.ShouldBe(19);
        FailFiles().Count.ShouldBe(69 + 29);
    }

    private static IReadOnlyList<Violation> Check(string file)
    {
        Skip.If(file == Missing, "../shared/testdata/psa-v1.32 is absent: the upstream PSA corpus cannot be checked");
        var docs = Yaml.ParseDocuments(File.ReadAllText(Path.Combine(Repo.Shared!, "testdata", "psa-v1.32", file)), file);
        docs.Count.ShouldBe(1);
        return PodSecurity.CheckRestricted((JsonObject)docs[0]!);
    }

    private const string Missing = "(corpus missing)";

    private static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        if (Repo.Shared is null)
        {
            data.Add(Missing);
            return data;
        }

        var dir = Path.Combine(Repo.Shared, "testdata", "psa-v1.32", folder);
        foreach (var f in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add($"{folder}/{Path.GetFileName(f)}");
        }

        return data;
    }
}
