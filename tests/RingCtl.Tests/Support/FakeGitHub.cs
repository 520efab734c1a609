using System.Net;
using System.Text.Json.Nodes;

namespace RingCtl.Tests.Support;

/// <summary>
/// Just enough of GitHub's REST API, on loopback: the token's user, issue comments (paged, 100 a page, each
/// with its author) and a workflow run's environment approvals.
/// </summary>
public sealed class FakeGitHub : IDisposable
{
    private readonly LoopbackHttp _server;

    public FakeGitHub(string login = "github-actions[bot]", bool userEndpoint = true)
    {
        Login = login;
        UserEndpoint = userEndpoint;
        _server = new LoopbackHttp(Handle);
    }

    public string Url => _server.Url;

    /// <summary>Who the token belongs to.</summary>
    public string Login { get; }

    /// <summary>False for the Actions token, which cannot read <c>/user</c> (403).</summary>
    public bool UserEndpoint { get; }

    public List<string> Requests { get; } = [];

    /// <summary>Every comment: its id, author and body, in order.</summary>
    public List<(int Id, string Author, string Body)> Comments { get; } = [];

    /// <summary>What <c>GET /repos/…/actions/runs/{id}/approvals</c> returns.</summary>
    public string Approvals { get; set; } = "[]";

    public string? Authorization { get; private set; }

    public void Seed(string author, string body) => Comments.Add((Comments.Count + 1, author, body));

    private (int, string) Handle(HttpListenerRequest request, string body)
    {
        lock (Requests)
        {
            var path = request.Url!.AbsolutePath;
            Requests.Add($"{request.HttpMethod} {request.Url.PathAndQuery}");
            Authorization = request.Headers["Authorization"];
            if (path == "/user")
            {
                return UserEndpoint ? (200, new JsonObject { ["login"] = Login }.ToJsonString()) : (403, "{\"message\":\"Resource not accessible by integration\"}");
            }

            if (path.EndsWith("/approvals", StringComparison.Ordinal))
            {
                return (200, Approvals);
            }

            switch (request.HttpMethod)
            {
                case "GET":
                    var page = int.Parse(request.QueryString["page"] ?? "1", System.Globalization.CultureInfo.InvariantCulture);
                    var size = int.Parse(request.QueryString["per_page"] ?? "30", System.Globalization.CultureInfo.InvariantCulture);
                    var slice = Comments.Skip((page - 1) * size).Take(size)
                        .Select(c => (JsonNode?)new JsonObject { ["id"] = c.Id, ["body"] = c.Body, ["user"] = new JsonObject { ["login"] = c.Author } });
                    return (200, new JsonArray([.. slice]).ToJsonString());
                case "POST":
                    Seed(Login, JsonNode.Parse(body)!["body"]!.ToString());
                    return (201, new JsonObject { ["id"] = Comments.Count }.ToJsonString());
                default:
                    var id = int.Parse(path[(path.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    var at = Comments.FindIndex(c => c.Id == id);
                    Comments[at] = (id, Comments[at].Author, JsonNode.Parse(body)!["body"]!.ToString());
                    return (200, new JsonObject { ["id"] = id }.ToJsonString());
            }
        }
    }

    public void Dispose() => _server.Dispose();
}
