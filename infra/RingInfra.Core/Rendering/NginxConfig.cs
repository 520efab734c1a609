using System.Globalization;
using System.Text;
using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The unprivileged nginx's config (a conf.d file, so inside nginx's <c>http</c> block): listens on 8080 (the
/// image cannot bind 80 as non-root), answers its own <c>/healthz</c>, and proxies everything else to the ring's
/// api on 8000. It passes the ingress controller's <c>X-Forwarded-Proto</c> through (falling back to its own
/// scheme), so Laravel builds https URLs and OAuth redirect URIs match. Uploads stream to the api instead of
/// being spooled, and what nginx must spool goes to the cache volume, capped per response. Every response, its
/// own errors included, names the ring and the lock that served it (<c>X-Ring</c>, <c>X-Module-Lock</c>; doc 002
/// "Version everything"); the api's metrics path is refused to the public (Prometheus scrapes the pods directly),
/// and <c>stub_status</c> answers on the pod's loopback for the exporter sidecar. The Reverb path is proxied as a
/// websocket (<c>Upgrade</c>, <c>Connection</c>, unbuffered, an idle timeout of its own), and the ring's custom checks are
/// aggregated into one readiness path on port 8082.
/// </summary>
internal static class NginxConfig
{
    /// <summary>Where nginx spools (an emptyDir of <see cref="SpoolVolumeLimit"/>).</summary>
    public const string SpoolPath = "/var/cache/nginx";

    /// <summary>The most one proxied response may spool to disk.</summary>
    public const string MaxTempFile = "128m";

    /// <summary>The spool volume: room for several capped responses at once.</summary>
    public const string SpoolVolumeLimit = "1Gi";

    /// <summary>Where the custom readiness checks are aggregated (on the pod's IP, for the kubelet; no Service or policy exposes it).</summary>
    public const int HealthPort = 8082;

    /// <summary>The path of the aggregated custom checks on <see cref="HealthPort"/>: 200 only when every check answers 2xx.</summary>
    public const string CustomHealthPath = "/healthz/custom";

    public static string Render(RenderContext c) => Render(new Inputs(
        c.Name, c.Workloads[WorkloadKind.Api].Settings.TimeoutSeconds, c.Ring.Lock.Hash, c.Config.Observability.MetricsPath, c.Config.Websockets, c.Config.Health.Custom));

    /// <summary>Everything the config depends on.</summary>
    public sealed record Inputs(string Ring, int TimeoutSeconds, string LockHash, string MetricsPath, WebsocketSettings Websockets, IReadOnlyList<CustomCheck> Custom);

    public static string Render(Inputs i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var timeout = i.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var idle = i.Websockets.IdleTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var text = $$"""
            map $http_x_forwarded_proto $ring_forwarded_proto {
                default $http_x_forwarded_proto;
                ""      $scheme;
            }

            map $http_upgrade $ring_connection_upgrade {
                default upgrade;
                ""      close;
            }

            server {
                listen 8080;
                server_name _;
                client_max_body_size 64m;
                proxy_request_buffering off;
                client_body_temp_path {{SpoolPath}}/client_temp;
                proxy_temp_path {{SpoolPath}}/proxy_temp;
                proxy_max_temp_file_size {{MaxTempFile}};
                add_header X-Ring {{i.Ring}} always;
                add_header X-Module-Lock {{i.LockHash}} always;

                location = /healthz {
                    access_log off;
                    default_type text/plain;
                    return 200 "ok\n";
                }

                location = {{i.MetricsPath}} {
                    return 404;
                }

                location {{i.Websockets.Path}} {
                    proxy_pass http://api:8000;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $ring_connection_upgrade;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $ring_forwarded_proto;
                    proxy_set_header X-Ring {{i.Ring}};
                    proxy_buffering off;
                    proxy_read_timeout {{idle}}s;
                    proxy_send_timeout {{idle}}s;
                }

                location / {
                    proxy_pass http://api:8000;
                    proxy_http_version 1.1;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $ring_forwarded_proto;
                    proxy_set_header X-Ring {{i.Ring}};
                    proxy_read_timeout {{timeout}}s;
                    proxy_send_timeout {{timeout}}s;
                }
            }

            server {
                listen 127.0.0.1:{{ObservabilityObjects.StubStatusPort}};
                access_log off;

                location = /stub_status {
                    stub_status;
                }
            }

            """;
        return i.Custom.Count == 0 ? text : text + CustomChecks(i.Custom);
    }

    /// <summary>
    /// The custom checks as one readiness path. nginx runs no access phase in a subrequest, so one <c>auth_request</c>
    /// cannot call the next; each link of the chain is therefore a main request on loopback: link k checks link k+1
    /// through <c>auth_request</c> (whose subrequest proxies to this server's <c>/_ringinfra/chain/k+1</c>), then proxies
    /// its own check to the api. Any check that does not answer 2xx fails the whole path. Only the kubelet (the pod's
    /// IP, port 8082, which no Service and no NetworkPolicy opens) and the pod itself reach it.
    /// </summary>
    private static string CustomChecks(IReadOnlyList<CustomCheck> checks)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            server {
                listen {{HealthPort}};
                access_log off;
                proxy_connect_timeout 2s;
                proxy_read_timeout 5s;
                proxy_pass_request_body off;
                proxy_set_header Content-Length "";

                # No `return` here: it runs in the rewrite phase, before auth_request's access phase, and would
                # answer 200 without a single check. empty_gif is a content handler: it runs after the checks.
                location = {{CustomHealthPath}} {
                    auth_request /_ringinfra/sub/0;
                    empty_gif;
                }

            """);
        for (var k = 0; k < checks.Count; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""
                    location = /_ringinfra/sub/{{k}} {
                        internal;
                        proxy_pass http://127.0.0.1:{{HealthPort}}/_ringinfra/chain/{{k}};
                    }

                    # {{checks[k].Name}}
                    location = /_ringinfra/chain/{{k}} {
                        allow 127.0.0.1;
                        deny all;

                """);
            if (k + 1 < checks.Count)
            {
                sb.Append(CultureInfo.InvariantCulture, $"        auth_request /_ringinfra/sub/{k + 1};\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $$"""
                        proxy_pass http://api:8000{{checks[k].Path}};
                    }

                """);
        }

        sb.Append("}\n");
        return sb.ToString();
    }
}
