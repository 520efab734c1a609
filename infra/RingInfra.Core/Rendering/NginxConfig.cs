namespace RingInfra.Core.Rendering;

/// <summary>
/// The unprivileged nginx's server block: listens on 8080 (the image cannot bind 80 as non-root),
/// answers its own <c>/healthz</c>, and proxies everything else to the ring's api on 8000.
/// </summary>
internal static class NginxConfig
{
    public static string Render(string ring, int timeoutSeconds) =>
        $$"""
        server {
            listen 8080;
            server_name _;
            client_max_body_size 64m;

            location = /healthz {
                access_log off;
                default_type text/plain;
                return 200 "ok\n";
            }

            location / {
                proxy_pass http://api:8000;
                proxy_http_version 1.1;
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_set_header X-Ring {{ring}};
                proxy_read_timeout {{timeoutSeconds}}s;
            }
        }

        """;
}
