using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingInfra.Core.Fleet;
using RingInfra.Core.Rendering;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl render &lt;ring&gt;… | --all | shared [--out DIR]</c>: the rings' (or the shared stack's) desired objects
/// as YAML, to stdout or to one folder per ring with a kustomization.yaml. Secrets carry keys, never values. Everything is
/// rendered and validated before the first file is written; each ring folder is replaced whole.
/// </summary>
public static class RenderCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to render");
        var all = new Option<bool>("--all") { Description = "Render every ring" };
        var output = new Option<string?>("--out") { Description = "Write DIR/<ring>/ (DIR/<ring>/<cluster>/ for a ring with clusters: one file per object + kustomization.yaml) instead of printing" };
        var command = new Command("render", "Render rings to Kubernetes YAML (kubectl kustomize DIR/<ring> builds them)") { rings, all, output };
        command.SetAction(parse =>
        {
            var session = FleetSession.Open(parse, globals, context);
            if (parse.GetValue(rings) is ["shared"])
            {
                return RenderShared(context, session, parse.GetValue(globals.Json), parse.GetValue(output));
            }

            var selected = session.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: false);
            List<RenderedRing> rendered;
            using (RunProfile.Phase("render"))
            {
                // A ring with clusters renders once per cluster (its region's shared facts, its region's tenants).
                rendered = [.. RingRenderer.Render(selected, session.Fleet)];
            }

            var json = parse.GetValue(globals.Json);
            if (parse.GetValue(output) is not { } dir)
            {
                if (json)
                {
                    JsonOutput.Write(context, new JsonArray([.. rendered.SelectMany(r => r.Objects).Select(o => (JsonNode?)o.Body.DeepClone())]));
                }
                else
                {
                    string yaml;
                    using (RunProfile.Phase("yaml"))
                    {
                        yaml = string.Join("---\n", Parallelism.Map(rendered, RingRenderer.ToYaml));
                    }

                    using (RunProfile.Phase("output"))
                    {
                        context.Out.Write(yaml);
                    }
                }

                return ExitCodes.Ok;
            }

            var outDir = Path.GetFullPath(dir, context.WorkingDirectory);
            // Rings are written in parallel, each folder swapped in whole; the table below keeps the rings' order.
            IReadOnlyList<(RenderedRing Ring, string Folder)> written;
            using (RunProfile.Phase("yaml + files"))
            {
                written = Parallelism.Map(rendered, r => (Ring: r, Folder: WriteRing(r, outDir)));
            }

            if (json)
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["out"] = outDir,
                    ["rings"] = new JsonArray([.. written.Select(w => (JsonNode?)new JsonObject
                    {
                        ["ring"] = w.Ring.Ring,
                        ["cluster"] = w.Ring.Cluster.IsUnnamed ? null : w.Ring.Cluster.Name,
                        ["folder"] = w.Folder,
                        ["objects"] = w.Ring.Objects.Count,
                    })]),
                });
            }
            else
            {
                var table = new Table().AddColumns("ring", "objects", "folder");
                foreach (var (ring, folder) in written)
                {
                    table.AddRow(ring.Where, ring.Objects.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(folder));
                }

                context.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>render shared</c>: the shared stack's ingress policies and the services it manages (their credentials Secret
    /// with keys only), to stdout or DIR/shared/ in the rings' layout.
    /// </summary>
    private static int RenderShared(CliContext context, FleetSession session, bool json, string? dir)
    {
        var objects = SharedRenderer.Objects(session.Fleet.Shared);
        if (dir is null)
        {
            if (json)
            {
                JsonOutput.Write(context, new JsonArray([.. objects.Select(o => (JsonNode?)o.Body.DeepClone())]));
            }
            else
            {
                context.Out.Write(RingInfra.Core.Kube.Yaml.WriteAll(objects.Select(o => (JsonNode?)o.Body)));
            }

            return ExitCodes.Ok;
        }

        var folder = WriteFolder("shared", RenderLayout.Files(objects), Path.GetFullPath(dir, context.WorkingDirectory));
        if (json)
        {
            JsonOutput.Write(context, new JsonObject { ["folder"] = folder, ["objects"] = objects.Count });
        }
        else
        {
            context.Out.WriteLine($"shared: {objects.Count} objects in {folder}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>DIR/&lt;ring&gt;/, or DIR/&lt;ring&gt;/&lt;cluster&gt;/ for each cluster of a ring with clusters (as the provider renders them under out/).</summary>
    private static string WriteRing(RenderedRing ring, string outDir) => ring.Cluster.IsUnnamed
        ? WriteFolder(ring.Ring, RenderLayout.Files(ring), outDir)
        : WriteFolder(ring.Cluster.Name, RenderLayout.Files(ring), Directory.CreateDirectory(Path.Combine(outDir, ring.Ring)).FullName);

    /// <summary>
    /// Writes the files into a fresh sibling folder, then swaps it in, so a folder is never half old, half new. A file
    /// whose bytes did not change is hard-linked from the folder it replaces instead of written again: re-rendering a
    /// fleet where little changed creates few new files, and removing the old folder frees almost nothing (on a
    /// file system mounted with online discard, freeing thousands of small files is what costs most).
    /// </summary>
    private static string WriteFolder(string name, IReadOnlyList<KeyValuePair<string, string>> files, string outDir)
    {
        var target = Path.Combine(outDir, name);
        var staging = Path.Combine(outDir, $".{name}.rendering");
        var old = Path.Combine(outDir, $".{name}.replaced");
        foreach (var leftover in new[] { staging, old })
        {
            if (Directory.Exists(leftover))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }

        Directory.CreateDirectory(staging);
        var previous = Directory.Exists(target) ? target : null;
        foreach (var (file, content) in files)
        {
            var path = Path.Combine(staging, file);
            if (previous is null || !HardLinks.TryReuse(Path.Combine(previous, file), path, content))
            {
                File.WriteAllText(path, content);
            }
        }

        if (previous is not null)
        {
            Directory.Move(target, old);
        }

        Directory.Move(staging, target);
        if (previous is not null)
        {
            Directory.Delete(old, recursive: true);
        }

        return target;
    }
}
