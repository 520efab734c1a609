using System.Globalization;
using RingInfra.Bench;

// dotnet run -c Release --project bench/RingInfra.Bench -- fleet 3 1000 23 | registry 32 10 | waves 10000 1000 1000 20 | coldstart 20 | all
var repositoryRoot = FindRoot();
var command = args.Length > 0 ? args[0] : "all";
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
switch (command)
{
    case "fleet":
        FleetBench.Run(repositoryRoot, Arg(1, 3), Arg(2, 1000), Arg(3, 23));
        break;
    case "registry":
        await RegistryBench.RunAsync(repositoryRoot, Arg(1, 32), Arg(2, 10)).ConfigureAwait(false);
        break;
    case "generate":
        // A synthetic fleet as a repository ringctl can run on: bench generate DIR RINGS TENANTS MODULES.
        FleetGenerator.Write(Path.GetFullPath(args[1]), Arg(2, 100), Arg(3, 50_000), Arg(4, 60), repositoryRoot, Arg(5, 0));
        break;
    case "whole":
        // Whole processes: bench whole RINGS TENANTS MODULES [RUNS [CLUSTERS]], or bench whole everyday [RUNS].
        if (args.Length > 1 && args[1] == "everyday")
        {
            WholeProcessBench.Everyday(repositoryRoot, Arg(2, 20));
        }
        else
        {
            WholeProcessBench.Fleet(repositoryRoot, Arg(1, 100), Arg(2, 50_000), Arg(3, 60), Arg(4, 3), Arg(5, 0));
        }

        break;
    case "waves":
        // Tenant waves against one-by-one moves: bench waves TENANTS WAVE_SIZE WHOLE_TENANTS STACK_MS.
        await WaveBench.RunAsync(repositoryRoot, Arg(1, 10_000), Arg(2, 1_000), Arg(3, 1_000), Arg(4, 20)).ConfigureAwait(false);
        break;
    case "coldstart":
        ColdStartBench.Run(repositoryRoot, Arg(1, 20));
        break;
    case "all":
        foreach (var (r, t, m) in new[] { (3, 1_000, 23), (20, 10_000, 40), (100, 50_000, 60) })
        {
            FleetBench.Run(repositoryRoot, r, t, m);
        }

        foreach (var (r, t, m) in new[] { (3, 1_000, 23), (20, 10_000, 40), (100, 50_000, 60) })
        {
            WholeProcessBench.Fleet(repositoryRoot, r, t, m, 3);
        }

        WholeProcessBench.Everyday(repositoryRoot, 20);
        await RegistryBench.RunAsync(repositoryRoot, 32, 10).ConfigureAwait(false);
        ColdStartBench.Run(repositoryRoot, 20);
        break;
    default:
        Console.Error.WriteLine("usage: bench fleet RINGS TENANTS MODULES | whole RINGS TENANTS MODULES [RUNS [CLUSTERS]] | whole everyday [RUNS] | registry CLIENTS SECONDS | waves TENANTS WAVE_SIZE WHOLE_TENANTS STACK_MS | coldstart RUNS | generate DIR RINGS TENANTS MODULES [CLUSTERS] | all");
        return 2;
}

return 0;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "RingInfra.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("RingInfra.sln not found");
}
