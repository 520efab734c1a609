using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingInfra.Core.Rendering;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl render &lt;ring&gt;… | --all [--out DIR]</c>: the rings' desired objects as YAML, to stdout or to
/// one folder per ring with a kustomization.yaml. Secrets carry keys, never values. Everything is
/// rendered and validated before the first file is written; each ring folder is replaced whole.
/// </summary>
public static class RenderCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to render");
        var all = new Option<bool>("--all") { Description = "Render every ring" };
        var output = new Option<string?>("--out") { Description = "Write DIR/<ring>/ (one file per object + kustomization.yaml) instead of printing" };
        var command = new Command("render", "Render rings to Kubernetes YAML (kubectl kustomize DIR/<ring> builds them)") { rings, all, output };
        command.SetAction(parse =>
        {
            var session = FleetSession.Open(parse, globals, context);
            var selected = session.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: false);
            var rendered = selected.Select(r => RingRenderer.Render(r, session.Fleet.Shared)).ToList();
            var json = parse.GetValue(globals.Json);
            if (parse.GetValue(output) is not { } dir)
            {
                if (json)
                {
                    JsonOutput.Write(context, new JsonArray([.. rendered.SelectMany(r => r.Objects).Select(o => (JsonNode?)o.Body.DeepClone())]));
                }
                else
                {
                    context.Out.Write(string.Join("---\n", rendered.Select(RingRenderer.ToYaml)));
                }

                return ExitCodes.Ok;
            }

            var outDir = Path.GetFullPath(dir, context.WorkingDirectory);
            var written = rendered.Select(r => (Ring: r, Folder: WriteRing(r, outDir))).ToList();
            if (json)
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["out"] = outDir,
                    ["rings"] = new JsonArray([.. written.Select(w => (JsonNode?)new JsonObject
                    {
                        ["ring"] = w.Ring.Ring,
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
                    table.AddRow(ring.Ring, ring.Objects.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(folder));
                }

                context.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the ring into a fresh sibling folder, then swaps it in, so a folder is never half old, half new.</summary>
    private static string WriteRing(RenderedRing ring, string outDir)
    {
        var target = Path.Combine(outDir, ring.Ring);
        var staging = Path.Combine(outDir, $".{ring.Ring}.rendering");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        foreach (var (name, content) in RenderLayout.Files(ring))
        {
            File.WriteAllText(Path.Combine(staging, name), content);
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(staging, target);
        return target;
    }
}
