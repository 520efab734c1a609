using System.Globalization;
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
/// and <c>stub_status</c> answers on the pod's loopback for the exporter sidecar.
/// </summary>
internal static class NginxConfig
{
    /// <summary>Where nginx spools (an emptyDir of <see cref="SpoolVolumeLimit"/>).</summary>
    public const string SpoolPath = "/var/cache/nginx";

    /// <summary>The most one proxied response may spool to disk.</summary>
    public const string MaxTempFile = "128m";

    /// <summary>The spool volume: room for several capped responses at once.</summary>
    public const string SpoolVolumeLimit = "1Gi";

    public static string Render(RenderContext c) =>
        Render(c.Name, c.Workloads[WorkloadKind.Api].Settings.TimeoutSeconds, c.Ring.Lock.Hash, c.Config.Observability.MetricsPath);

    public static string Render(string ring, int timeoutSeconds, string lockHash, string metricsPath)
    {
        var timeout = timeoutSeconds.ToString(CultureInfo.InvariantCulture);
        return $$"""
            map $http_x_forwarded_proto $ring_forwarded_proto {
                default $http_x_forwarded_proto;
                ""      $scheme;
            }

            server {
                listen 8080;
                server_name _;
                client_max_body_size 64m;
                proxy_request_buffering off;
                client_body_temp_path {{SpoolPath}}/client_temp;
                proxy_temp_path {{SpoolPath}}/proxy_temp;
                proxy_max_temp_file_size {{MaxTempFile}};
                add_header X-Ring {{ring}} always;
                add_header X-Module-Lock {{lockHash}} always;

                location = /healthz {
                    access_log off;
                    default_type text/plain;
                    return 200 "ok\n";
                }

                location = {{metricsPath}} {
                    return 404;
                }

                location / {
                    proxy_pass http://api:8000;
                    proxy_http_version 1.1;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $ring_forwarded_proto;
                    proxy_set_header X-Ring {{ring}};
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
    }
}
