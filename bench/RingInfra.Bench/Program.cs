using System.Globalization;
using RingInfra.Bench;

// dotnet run -c Release --project bench/RingInfra.Bench -- fleet 3 1000 23 | registry 32 10 | coldstart 20 | all
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
    case "coldstart":
        ColdStartBench.Run(repositoryRoot, Arg(1, 20));
        break;
    case "all":
        foreach (var (r, t, m) in new[] { (3, 1_000, 23), (20, 10_000, 40), (100, 50_000, 60) })
        {
            FleetBench.Run(repositoryRoot, r, t, m);
        }

        await RegistryBench.RunAsync(repositoryRoot, 32, 10).ConfigureAwait(false);
        ColdStartBench.Run(repositoryRoot, 20);
        break;
    default:
        Console.Error.WriteLine("usage: bench fleet RINGS TENANTS MODULES | registry CLIENTS SECONDS | coldstart RUNS | all");
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
