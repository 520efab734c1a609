using RingInfra.Core.Fleet;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Tests.Support;

/// <summary>The repository under test: its real ring files, locks and shared stack, and ../shared beside it.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared folder beside the repository (null when absent, e.g. a bare clone).</summary>
    public static string? Shared
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(Path.Combine(dir, "testdata")) ? dir : null;
        }
    }

    public static RingFleet LoadFleet() => FleetLoader.Load(new DirectoryFiles(Root));

    public static IReadOnlyList<RenderedRing> RenderAll() => RingRenderer.RenderAll(LoadFleet());

    public static RenderedRing Render(string ring) => RenderAll().Single(r => r.Ring == ring);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RingInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RingInfra.sln not found above " + AppContext.BaseDirectory);
    }
}
