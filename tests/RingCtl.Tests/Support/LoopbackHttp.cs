using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RingCtl.Tests.Support;

/// <summary>An HTTP server on 127.0.0.1 answering every request with one handler (a ring's /api/health, a fake API).</summary>
public sealed class LoopbackHttp : IDisposable
{
    private readonly HttpListener _listener = new();

    public LoopbackHttp(Func<HttpListenerRequest, string, (int Status, string Body)> handler)
    {
        for (var attempt = 0; ; attempt++)
        {
            Url = $"http://127.0.0.1:{FreePort()}";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url + "/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between choosing and binding it: choose another.
            }
        }

        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var body = await new StreamReader(ctx.Request.InputStream).ReadToEndAsync();
                var (status, response) = handler(ctx.Request, body);
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(response));
                ctx.Response.Close();
            }
        });
    }

    public string Url { get; private set; } = "";

    /// <summary>A server answering <c>/api/health</c> with <paramref name="status"/> and <paramref name="body"/> (404 elsewhere).</summary>
    /// <summary>A healthy ring's <c>/api/health</c> document: status ok, its own name and lock path.</summary>
    public static string HealthDocument(string ring) =>
        new System.Text.Json.Nodes.JsonObject { ["status"] = "ok", ["ring"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ring, ["lock_path"] = $"modules/manifests/{ring}.lock.json" } }.ToJsonString();

    public static LoopbackHttp Health(int status, string body) =>
        new((request, _) => request.Url!.AbsolutePath == "/api/health" ? (status, body) : (404, "{}"));

    public void Dispose() => _listener.Close();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
